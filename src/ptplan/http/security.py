"""Session cookies and CSRF, shared by the JSON API and the web pages.

Web sessions use an opaque HttpOnly cookie; the matching CSRF token is an HMAC of the session token
under the server secret (signed double-submit): the browser gets it in a readable cookie and must
echo it in ``X-CSRF-Token`` or a ``csrf_token`` form field on unsafe requests. Bearer-token clients
send no cookies and need no CSRF token.

Cookie-authenticated unsafe requests must also come from this site: an ``Origin`` (or, without it, a
``Referer``) naming another host is refused. The login form, which has no session yet, carries a random
token that must match the ``ptplan_login_csrf`` cookie set with the form (login CSRF).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import Request, Response

from ptplan.settings import Settings

SESSION_COOKIE = "ptplan_session"
CSRF_COOKIE = "ptplan_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
LOGIN_CSRF_COOKIE = "ptplan_login_csrf"
DEVICE_COOKIE = "ptplan_device"
DEVICE_DAYS = 180


def csrf_token(secret: str, session_token: str) -> str:
    return hmac.new(secret.encode(), b"csrf:" + session_token.encode(), hashlib.sha256).hexdigest()


def csrf_ok(secret: str, session_token: str, presented: str | None) -> bool:
    return bool(presented) and hmac.compare_digest(csrf_token(secret, session_token), presented or "")


def set_login_cookies(response: Response, settings: Settings, session_token: str) -> str:
    token = csrf_token(settings.secret_key, session_token)
    age = settings.session_hours * 3600
    response.set_cookie(SESSION_COOKIE, session_token, max_age=age, httponly=True, samesite="lax",
                        secure=settings.cookies_secure, path="/")
    response.set_cookie(CSRF_COOKIE, token, max_age=age, httponly=False, samesite="lax",
                        secure=settings.cookies_secure, path="/")
    return token


def clear_login_cookies(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


def same_origin(request: Request) -> bool:
    """False when the browser says the request comes from another site (Origin, else Referer, names a host
    other than this request's Host). Clients that send neither (curl, scripts) pass; they still need the token."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source:
        return True
    if source == "null":
        return False
    try:
        return urlsplit(source).netloc.lower() == request.headers.get("host", "").lower()
    except ValueError:
        return False


def login_form_token(request: Request) -> str:
    """The login form's token: the browser's ``ptplan_login_csrf`` cookie, or a new one (set it with
    :func:`set_login_form_cookie`)."""
    current = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    return current if 20 <= len(current) <= 100 else secrets.token_urlsafe(24)


def set_login_form_cookie(response: Response, settings: Settings, token: str) -> None:
    response.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=3600, httponly=True, samesite="lax",
                        secure=settings.cookies_secure, path="/login")


def login_form_ok(request: Request, presented: str | None) -> bool:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    return bool(cookie and presented) and hmac.compare_digest(cookie, presented or "") and same_origin(request)


def set_device_cookie(response: Response, settings: Settings, value: str) -> None:
    """The login throttle's device cookie (``ptplan.clinic.throttle``): lets this browser log in while its
    user's account is under attack from elsewhere."""
    response.set_cookie(DEVICE_COOKIE, value, max_age=DEVICE_DAYS * 86400, httponly=True, samesite="lax",
                        secure=settings.cookies_secure, path="/")
