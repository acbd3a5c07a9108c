"""Request body size limit as pure ASGI middleware: a declared Content-Length over the limit is
refused before reading; a chunked body is counted as it streams. Both get 413 with the JSON error."""

from __future__ import annotations

import json

from fastapi import HTTPException

from ptplan.errors import Problem, PtplanError, error_payload


class BodyTooLarge(HTTPException):
    """An HTTPException so FastAPI's body parsing lets it through (it turns other errors into 400)."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"request body larger than {max_bytes} bytes")
        self.max_bytes = max_bytes


def too_large(max_bytes: int) -> PtplanError:
    return PtplanError([Problem("body", f"request body larger than {max_bytes} bytes", "too_large",
                                f"リクエストが大きすぎます（上限 {max_bytes} バイト）")], status=413)


class BodySizeLimit:
    def __init__(self, app, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            return await self._refuse(send)
        seen = 0
        started = False

        async def counted_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def tracked_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send):
        body = json.dumps(error_payload(too_large(self.max_bytes))).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
