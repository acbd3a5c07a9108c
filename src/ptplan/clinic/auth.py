"""Logging in and out, and who a session cookie or a bearer token belongs to: one flow for the API and
the web pages (the throttle, the password check, the session token and the audit event)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from ptplan.clinic.access import Actor, use_case
from ptplan.clinic.throttle import LoginThrottle
from ptplan.errors import NotFoundError, Problem, PtplanError, RateLimited
from ptplan.store import auth as pw
from ptplan.store import repositories as repo
from ptplan.store.models import AuthToken, User


def bad_credentials() -> PtplanError:
    return PtplanError([Problem("password", "wrong username or password", "bad_credentials",
                                "ユーザー名またはパスワードが違います")], status=401)


def login(db: Session, throttle: LoginThrottle, username: str, password: str, ip: str,
          session_hours: int, device_cookie: str | None = None) -> tuple[User, str, str]:
    """The user, a new session token and a device cookie for this browser; RateLimited (429) after too many
    failures (see :mod:`ptplan.clinic.throttle`), 401 for a wrong username or password (the same answer for
    both, after the same argon2 work). Failed and throttled tries are written to the audit log."""
    device = throttle.device_of(username, device_cookie)
    wait = throttle.retry_after(db, username, ip, device)
    user = repo.user_by_name(db, username) if "\x00" not in username and len(username) <= 100 else None
    if wait:
        _audit_failure(db, user, username, "login_throttled", ip)
        raise RateLimited(wait)
    if not pw.verify_password(user.password_hash if user else None, password) or not user.active:
        throttle.failed(db, username, ip, device)
        _audit_failure(db, user, username, "login_failed", ip)
        raise bad_credentials()
    try:
        throttle.succeeded(db, username, ip, device)
        token, _ = repo.issue_token(db, user, "session", dt.timedelta(hours=session_hours))
        repo.record_audit(db, user, "login", "session", ip=ip)
        db.commit()
    except BaseException:
        db.rollback()
        raise
    return user, token, device_cookie if device else throttle.device_cookie(user.username)


def _audit_failure(db: Session, user: User | None, username: str, action: str, ip: str) -> None:
    # The row goes to the user's clinic (its admins see it); an unknown name is kept, printable, in the detail.
    shown = "".join(c if c.isprintable() else "?" for c in username[:60])
    try:
        repo.record_audit(db, user, action, "session", ip=ip, detail=None if user else f"unknown username {shown!r}")
        db.commit()
    except BaseException:
        db.rollback()
        raise


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
