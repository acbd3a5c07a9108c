"""``create_app(settings)``: builds settings, engine, session factory and routes — nothing at import time."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import RedirectResponse

from ptplan import __version__, web
from ptplan.api import errors, limits
from ptplan.api.routers import ROUTERS
from ptplan.api.routers.videos import UPLOAD_PATH
from ptplan.api.security import LoginThrottle
from ptplan.api.video_jobs import VideoJobs
from ptplan.settings import Settings, load_settings
from ptplan.store.db import make_engine, session_factory, upgrade

API_PREFIX = "/api/v1"


def create_app(settings: Settings | None = None, engine=None, migrate: bool = True) -> FastAPI:
    """The ASGI app. ``engine`` may be passed by tests; otherwise one is made from the settings."""
    settings = (settings or load_settings()).resolved()
    engine = engine or make_engine(settings.sqlalchemy_url(), settings.sqlite_synchronous)
    if migrate:
        upgrade(engine)
    app = FastAPI(title="ptplan API", version=__version__, docs_url="/docs", redoc_url=None,
                  openapi_url=f"{API_PREFIX}/openapi.json",
                  description="Explainable exercise-therapy plans for chronic low back and knee pain. "
                              "Errors always use the ErrorObject shape.")
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.throttle = LoginThrottle(settings.login_max_failures, settings.login_window_seconds)
    app.state.video_jobs = VideoJobs(app.state.sessions)
    errors.install(app)
    for router in ROUTERS:
        app.include_router(router, prefix=API_PREFIX)
    web.mount(app)  # the web pages (issue 7); their "/" comes before the redirect below
    app.add_api_route("/", lambda: RedirectResponse("/docs"), include_in_schema=False)
    app.openapi = lambda: _openapi(app)
    # An upload may be as large as the clip limit plus room for the multipart headers and the task field.
    app.add_middleware(limits.BodySizeLimit, max_bytes=settings.max_body_bytes,
                       overrides=[("POST", UPLOAD_PATH, settings.max_video_bytes + 65536, "file")])
    return app


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
