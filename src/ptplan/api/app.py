"""``install(app)``: the JSON API's routers, error handlers and OpenAPI document on an app that the
composition root (:func:`ptplan.server.create_app`) has built."""

from __future__ import annotations

from fastapi import Depends, FastAPI
from fastapi.openapi.utils import get_openapi

from ptplan.api import errors
from ptplan.api.routers import ROUTERS
from ptplan.api.strict_json import no_duplicate_keys

API_PREFIX = "/api/v1"
OPENAPI_URL = f"{API_PREFIX}/openapi.json"


def install(app: FastAPI) -> None:
    errors.install(app)
    for router in ROUTERS:
        app.include_router(router, prefix=API_PREFIX, dependencies=[Depends(no_duplicate_keys)])
    app.openapi = lambda: _openapi(app)


def _openapi(app: FastAPI) -> dict:
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        from ptplan.api.schemas import ErrorObject

        schema.setdefault("components", {}).setdefault("schemas", {})["ErrorObject"] = ErrorObject.model_json_schema(
            ref_template="#/components/schemas/{model}")
        defs = schema["components"]["schemas"]["ErrorObject"].pop("$defs", {})
        schema["components"]["schemas"].update(defs)
        app.openapi_schema = errors.document_errors(schema)
    return app.openapi_schema
