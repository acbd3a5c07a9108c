"""Logging in and out, and who a session cookie or a bearer token belongs to: one flow for the API and
the web pages (the throttle, the password check, the session token and the audit event)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import deque

from sqlalchemy.orm import Session

from ptplan.clinic.access import Actor, use_case
from ptplan.errors import NotFoundError, Problem, PtplanError, RateLimited
from ptplan.store import auth as pw
from ptplan.store import repositories as repo
from ptplan.store.models import AuthToken, User


class LoginThrottle:
    """Counts failed logins per (username, client address) in a sliding window, in process memory."""

    def __init__(self, max_failures: int, window_seconds: int) -> None:
        self.max_failures = max_failures
        self.window = window_seconds
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, username: str, ip: str) -> int:
        """Seconds until another try is allowed (0 = allowed now)."""
        with self._lock:
            times = self._recent((username.lower(), ip))
            if len(times) < self.max_failures:
                return 0
            return max(1, int(times[0] + self.window - time.monotonic()) + 1)

    def failed(self, username: str, ip: str) -> None:
        with self._lock:
            self._recent((username.lower(), ip)).append(time.monotonic())

    def succeeded(self, username: str, ip: str) -> None:
        with self._lock:
            self._failures.pop((username.lower(), ip), None)

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= time.monotonic() - self.window:
            times.popleft()
        return times


def bad_credentials() -> PtplanError:
    return PtplanError([Problem("password", "wrong username or password", "bad_credentials",
                                "ユーザー名またはパスワードが違います")], status=401)


def login(db: Session, throttle: LoginThrottle, username: str, password: str, ip: str,
          session_hours: int) -> tuple[User, str]:
    """The user and a new session token; RateLimited (429) after too many failures, 401 for a wrong
    username or password (the same answer for both, after the same argon2 work)."""
    wait = throttle.retry_after(username, ip)
    if wait:
        raise RateLimited(wait)
    user = repo.user_by_name(db, username) if "\x00" not in username else None
    if not pw.verify_password(user.password_hash if user else None, password) or not user.active:
        throttle.failed(username, ip)
        raise bad_credentials()
    throttle.succeeded(username, ip)
    try:
        token, _ = repo.issue_token(db, user, "session", dt.timedelta(hours=session_hours))
        repo.record_audit(db, user, "login", "session", ip=ip)
        db.commit()
    except BaseException:
        db.rollback()
        raise
    return user, token


def actor_for(db: Session, token: str, kind: str, ip: str, kb=None) -> Actor | None:
    """The actor a session cookie (``kind`` "session") or bearer token ("api") stands for, if it is valid."""
    found = repo.resolve_token(db, token, kind) if token else None
    return Actor(found[0], db, ip, kb) if found else None


def logout(db: Session, session_token: str) -> None:
    found = repo.resolve_token(db, session_token, "session") if session_token else None
    if found:
        found[1].revoked = True
    db.commit()


@use_case
def issue_api_token(actor: Actor, name: str, days: int) -> tuple[str, AuthToken]:
    return repo.issue_token(actor.db, actor.user, "api", dt.timedelta(days=days), name)


@use_case
def revoke_api_token(actor: Actor, token_id: int) -> None:
    row = actor.db.get(AuthToken, token_id) if repo.storable_id(token_id) else None
    if row is None or row.user_id != actor.user.id:
        raise NotFoundError("token_id", f"no token {token_id} of yours")
    row.revoked = True
