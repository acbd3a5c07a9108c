"""A JSON request body with a key given twice is refused (422 naming the key) instead of the last one
silently winning. Runs as a router dependency: FastAPI has read the body already, so it costs one more parse
of a body within the size limit. A body that is not JSON is left to FastAPI's own 400."""

from __future__ import annotations

import json

from starlette.requests import Request

from ptplan.errors import PtplanError, message_ja


class _Duplicate(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _pairs(pairs: list) -> dict:
    seen: dict = {}
    for key, value in pairs:
        if key in seen:
            raise _Duplicate(key)
        seen[key] = value
    return seen


async def no_duplicate_keys(request: Request) -> None:
    if "json" not in request.headers.get("content-type", ""):
        return
    body = await request.body()
    if not body:
        return
    try:
        json.loads(body, object_pairs_hook=_pairs)
    except _Duplicate as dup:
        key = dup.key[:100]
        raise PtplanError.single(key, f"the key {key!r} appears more than once in the JSON body", "duplicate_key",
                                 message_ja("duplicate_key"), status=422) from None
    except (ValueError, RecursionError):
        return
