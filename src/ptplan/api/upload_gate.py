"""Authenticate and authorize an upload from its headers, before one byte of its body is read.

FastAPI parses (and spools to disk) a multipart body before any dependency runs, so without this gate an
anonymous client could make the server read and store a clip-sized body only to answer 401. The gate
checks the bearer token, or the session cookie with its CSRF token in ``X-CSRF-Token`` (a form field would
need the body) and a same-site Origin, and the therapist role; everything else is answered at once, with
``Connection: close``. The body size limit (``ptplan.api.limits``) then counts the accepted body as it streams,
and the route's own dependencies run the full checks again.
"""

from __future__ import annotations

import json
import re

import anyio
from starlette.requests import Request

from ptplan.clinic import auth
from ptplan.errors import PermissionDenied, PtplanError, Unauthenticated, error_payload
from ptplan.http import security
from ptplan.http.deps import client_ip

UPLOADERS = ("therapist",)


class UploadGate:
    def __init__(self, app, path: str) -> None:
        self.app = app
        self.path = re.compile(path)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "POST" or not self.path.fullmatch(scope.get("path", "")):
            return await self.app(scope, receive, send)
        request = Request(scope)  # headers only: receive is not handed over, so nothing of the body is read
        refusal = await anyio.to_thread.run_sync(_refusal, request)
        if refusal is None:
            return await self.app(scope, receive, send)
        body = json.dumps(error_payload(refusal)).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                   (b"connection", b"close")]
        if refusal.status == 401:  # as every other 401 of the API (errors.error_response)
            headers.append((b"www-authenticate", b"Bearer"))
        await send({"type": "http.response.start", "status": refusal.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _refusal(request: Request) -> PtplanError | None:
    app = request.app
    with app.state.sessions() as db:
        bearer = request.headers.get("authorization", "")
        if bearer.lower().startswith("bearer "):
            actor = auth.actor_for(db, bearer[7:].strip(), "api", client_ip(request))
            if actor is None:
                return Unauthenticated("the bearer token is unknown, revoked or expired")
        else:
            cookie = request.cookies.get(security.SESSION_COOKIE)
            actor = auth.actor_for(db, cookie, "session", client_ip(request)) if cookie else None
            if actor is None:
                return Unauthenticated()
            if not security.same_origin(request) or not security.csrf_ok(
                    app.state.settings.secret_key, cookie, request.headers.get(security.CSRF_HEADER)):
                return PtplanError.single(security.CSRF_HEADER, "an upload with a session cookie needs its CSRF token "
                                          "in X-CSRF-Token and a same-site Origin", "csrf",
                                          "Cookie でのアップロードには X-CSRF-Token ヘッダーの CSRF トークンが必要です",
                                          status=403)
        if actor.user.role not in UPLOADERS:
            return PermissionDenied(f"your role ({actor.user.role}) may not upload clips; needs therapist")
    return None
