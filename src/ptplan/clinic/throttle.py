"""The login throttle, with its state in the database (or in Redis when ``PTPLAN_REDIS_URL`` is set) so every
server process counts the same failures.

Failures are counted in a sliding window under four keys, and a try is refused (429) when any applicable key is
over its limit:

- ``(username, address)``: ``login_max_failures`` — the usual guess limit;
- ``address``: ``login_max_failures_per_ip`` — one address spraying many usernames;
- ``username``: ``login_max_failures_per_account`` — many addresses guessing one account;
- ``device``: ``login_max_failures`` — a browser that logged in as this user before.

A browser that logged in successfully gets a signed *device cookie* naming the username. With it, only the
device key applies: an attacker who fails from elsewhere, or from the same address, cannot lock the real user
out of the browser they use (OWASP's "device cookie" scheme). The client address is the peer's, or the
``X-Forwarded-For`` hop a trusted proxy added (``ptplan.http.deps.client_ip``), so rotating that header from
anywhere else changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
import uuid
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from ptplan.store.models import LoginFailure

DEVICE_COOKIE = "ptplan_device"


@dataclass(frozen=True)
class Limits:
    per_user_ip: int
    per_ip: int
    per_account: int
    window_seconds: int


class DbFailures:
    """Failure rows in ``login_failures``, in the login's own transaction (the caller commits)."""

    def add(self, db, keys: list[tuple[str, str]], now: float) -> None:
        at = dt.datetime.fromtimestamp(now, dt.UTC)
        db.add_all([LoginFailure(at=at, username=u, ip=i) for u, i in keys])
        db.flush()

    def oldest(self, db, key: tuple[str, str], since: float, limit: int) -> float | None:
        """When the window's failures of ``key`` (``"*"`` = any) began, if there are ``limit`` or more."""
        username, ip = key
        stmt = select(func.count(), func.min(LoginFailure.at)).where(
            LoginFailure.at > dt.datetime.fromtimestamp(since, dt.UTC))
        if username != "*":
            stmt = stmt.where(LoginFailure.username == username)
        if ip != "*":
            stmt = stmt.where(LoginFailure.ip == ip)
        count, first = db.execute(stmt).one()
        if count < limit or first is None:
            return None
        return (first if first.tzinfo else first.replace(tzinfo=dt.UTC)).timestamp()

    def clear(self, db, key: tuple[str, str], before: float) -> None:
        db.execute(delete(LoginFailure).where(LoginFailure.username == key[0], LoginFailure.ip == key[1]))
        db.execute(delete(LoginFailure).where(LoginFailure.at <= dt.datetime.fromtimestamp(before, dt.UTC)))


class RedisFailures:
    """The same counts in Redis sorted sets (score = time), one per key, expiring with the window."""

    def __init__(self, url: str, window_seconds: int, prefix: str = "ptplan:login:") -> None:
        import redis

        self.redis = redis.Redis.from_url(url)
        self.window = window_seconds
        self.prefix = prefix

    def _name(self, key: tuple[str, str]) -> str:
        return self.prefix + hashlib.sha256(f"{key[0]}\x00{key[1]}".encode()).hexdigest()

    def add(self, db, keys: list[tuple[str, str]], now: float) -> None:
        pipe = self.redis.pipeline()
        for username, ip in keys:
            for key in ((username, ip), (username, "*"), ("*", ip)):
                pipe.zadd(self._name(key), {uuid.uuid4().hex: now})
                pipe.expire(self._name(key), self.window + 1)
        pipe.execute()

    def oldest(self, db, key: tuple[str, str], since: float, limit: int) -> float | None:
        name = self._name(key)
        self.redis.zremrangebyscore(name, "-inf", since)
        if self.redis.zcard(name) < limit:
            return None
        first = self.redis.zrange(name, 0, 0, withscores=True)
        return first[0][1] if first else None

    def clear(self, db, key: tuple[str, str], before: float) -> None:
        self.redis.delete(self._name(key))


class LoginThrottle:
    def __init__(self, failures, limits: Limits, secret: str) -> None:
        self.failures = failures
        self.limits = limits
        self.secret = secret.encode()

    # --- device cookies ---------------------------------------------------------------------------
    def device_cookie(self, username: str) -> str:
        nonce = secrets.token_urlsafe(12)
        return f"{nonce}.{self._sign(username, nonce)}"

    def device_of(self, username: str, cookie: str | None) -> str | None:
        """The device id of a valid device cookie for ``username``, else None."""
        if not cookie or cookie.count(".") != 1 or len(cookie) > 200:
            return None
        nonce, mac = cookie.split(".")
        return nonce if hmac.compare_digest(self._sign(username, nonce), mac) else None

    def _sign(self, username: str, nonce: str) -> str:
        return hmac.new(self.secret, f"device:{username.lower()}:{nonce}".encode(), hashlib.sha256).hexdigest()[:32]

    # --- counting ---------------------------------------------------------------------------------
    def _keys(self, username: str, ip: str, device: str | None) -> list[tuple[tuple[str, str], int]]:
        u, lim = username.lower()[:100], self.limits
        if device:
            return [((u, f"device:{device}"), lim.per_user_ip)]
        return [((u, ip), lim.per_user_ip), (("*", ip), lim.per_ip), ((u, "*"), lim.per_account)]

    def retry_after(self, db, username: str, ip: str, device: str | None = None, now: float | None = None) -> int:
        """Seconds until another try is allowed (0 = allowed now)."""
        now = time.time() if now is None else now
        since = now - self.limits.window_seconds
        waits = [first + self.limits.window_seconds - now
                 for key, limit in self._keys(username, ip, device)
                 if (first := self.failures.oldest(db, key, since, limit)) is not None]
        return max(1, int(max(waits)) + 1) if waits else 0

    def failed(self, db, username: str, ip: str, device: str | None = None, now: float | None = None) -> None:
        u = username.lower()[:100]
        self.failures.add(db, [(u, f"device:{device}" if device else ip)], time.time() if now is None else now)

    def succeeded(self, db, username: str, ip: str, device: str | None = None) -> None:
        u = username.lower()[:100]
        self.failures.clear(db, (u, f"device:{device}" if device else ip), time.time() - self.limits.window_seconds)


def make_throttle(settings) -> LoginThrottle:
    limits = Limits(settings.login_max_failures, settings.login_max_failures_per_ip,
                    settings.login_max_failures_per_account, settings.login_window_seconds)
    failures = RedisFailures(settings.redis_url, settings.login_window_seconds) if settings.redis_url \
        else DbFailures()
    return LoginThrottle(failures, limits, settings.secret_key)
