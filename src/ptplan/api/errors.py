"""The single translation of errors into the documented JSON error object.

PtplanError keeps its status; request validation becomes 422 with one problem per field (400 for a
body that is not JSON at all); HTTP errors from routing (404, 405) get the same shape. Anything
else is logged and answered with a generic 500 that leaks nothing.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ptplan.api.limits import BodyTooLarge, too_large
from ptplan.core.plan_edits import OPS
from ptplan.errors import Problem, PtplanError, RateLimited, error_payload, message_ja

log = logging.getLogger("ptplan.api")
ERROR_STATUSES = {400: "bad request", 401: "not logged in", 403: "forbidden", 404: "not found",
                  409: "conflict with what is stored", 413: "request body too large", 415: "unsupported file type",
                  422: "invalid input", 429: "too many login attempts", 501: "not installed on this server"}


def error_response(err: PtplanError, headers: dict | None = None) -> JSONResponse:
    if err.status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
    return JSONResponse(error_payload(err), status_code=err.status, headers=headers)


def _field(loc: tuple) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:] if len(parts) > 1 else parts
    if len(parts) > 1 and parts[0] in OPS:  # a plan edit names its variant ("swap", ...) before the field
        parts = parts[1:]
    return ".".join(parts)


def validation_error(exc: RequestValidationError) -> PtplanError:
    problems, status = [], 422
    for e in exc.errors():
        if e.get("type") == "json_invalid":
            status = 400
            problems.append(Problem("body", f"not valid JSON: {e.get('ctx', {}).get('error', e['msg'])}", "syntax",
                                    "JSON として読めません"))
            continue
        msg = "unknown field" if e["type"] == "extra_forbidden" else e["msg"]
        problems.append(Problem(_field(tuple(e["loc"])), msg, e["type"], message_ja(e["type"], e.get("ctx"))))
    return PtplanError(problems or [Problem("body", "invalid request", "invalid")], status=status)


def install(app: FastAPI) -> None:
    @app.exception_handler(PtplanError)
    async def _ptplan(_req: Request, exc: PtplanError):
        return error_response(exc, {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_req: Request, exc: RequestValidationError):
        return error_response(validation_error(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_req: Request, exc: StarletteHTTPException):
        if isinstance(exc, BodyTooLarge):
            return error_response(too_large(exc.max_bytes, exc.field), {"Connection": "close"})
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        err = PtplanError([Problem("", str(exc.detail), code)], status=exc.status_code)
        return error_response(err, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(req: Request, exc: Exception):
        log.exception("unexpected error on %s %s", req.method, req.url.path)
        return error_response(PtplanError([Problem("", "internal error; it has been logged", "internal")], status=500))


def document_errors(schema: dict) -> dict:
    """Point every operation's error responses at ErrorObject (replacing FastAPI's default 422 shape)."""
    ref = {"$ref": "#/components/schemas/ErrorObject"}
    for path_item in schema.get("paths", {}).values():
        for op in path_item.values():
            responses = op.setdefault("responses", {})
            for status, text in ERROR_STATUSES.items():
                responses[str(status)] = {"description": text, "content": {"application/json": {"schema": ref}}}
    comps = schema.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        comps.pop(name, None)
    return schema
