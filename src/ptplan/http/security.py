"""Session cookies and CSRF, shared by the JSON API and the web pages.

Web sessions use an opaque HttpOnly cookie; the matching CSRF token is an HMAC of the session token
under the server secret (signed double-submit): the browser gets it in a readable cookie and must
echo it in ``X-CSRF-Token`` or a ``csrf_token`` form field on unsafe requests. Bearer-token clients
send no cookies and need no CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac

from fastapi import Response

from ptplan.settings import Settings

SESSION_COOKIE = "ptplan_session"
CSRF_COOKIE = "ptplan_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


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
