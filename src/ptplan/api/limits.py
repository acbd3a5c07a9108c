"""Request body size limit as pure ASGI middleware: a declared Content-Length over the limit is
refused before reading; a chunked body is counted as it streams. Both get 413 with the JSON error."""

from __future__ import annotations

import json
import re

from fastapi import HTTPException

from ptplan.errors import Problem, PtplanError, error_payload


class BodyTooLarge(HTTPException):
    """An HTTPException so FastAPI's body parsing lets it through (it turns other errors into 400)."""

    def __init__(self, max_bytes: int, field: str = "body") -> None:
        super().__init__(413, f"request body larger than {max_bytes} bytes")
        self.max_bytes = max_bytes
        self.field = field


def too_large(max_bytes: int, field: str = "body") -> PtplanError:
    what = "file" if field == "file" else "request body"
    return PtplanError([Problem(field, f"{what} larger than {max_bytes} bytes", "too_large",
                                f"{'ファイル' if field == 'file' else 'リクエスト'}が大きすぎます（上限 {max_bytes} バイト）")],
                       status=413)


class BodySizeLimit:
    """``overrides``: (method, path regex, max bytes, field) for routes that take larger bodies (uploads)."""

    def __init__(self, app, max_bytes: int, overrides: list[tuple[str, str, int, str]] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.overrides = [(m, re.compile(p), n, f) for m, p, n, f in overrides or []]

    def _limit(self, scope) -> tuple[int, str]:
        for method, pattern, max_bytes, field in self.overrides:
            if scope.get("method") == method and pattern.fullmatch(scope.get("path", "")):
                return max_bytes, field
        return self.max_bytes, "body"

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        max_bytes, field = self._limit(scope)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            return await self._refuse(send, max_bytes, field)
        seen = 0
        started = False

        async def counted_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > max_bytes:
                    raise BodyTooLarge(max_bytes, field)
            return message

        async def tracked_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(send, max_bytes, field)

    async def _refuse(self, send, max_bytes: int, field: str):
        body = json.dumps(error_payload(too_large(max_bytes, field))).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
