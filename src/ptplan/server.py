"""The composition root of the server: ``create_app(settings)`` builds settings, engine, session factory,
knowledge base, login throttle and video worker, then mounts the JSON API and the web pages on one app.
Nothing is built at import time."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from ptplan import __version__, web
from ptplan.api import docs, limits
from ptplan.api.app import OPENAPI_URL
from ptplan.api.app import install as install_api
from ptplan.api.routers.videos import UPLOAD_PATH
from ptplan.clinic.auth import LoginThrottle
from ptplan.clinic.videos import VideoJobs
from ptplan.core.kb.loader import default_kb
from ptplan.http.headers import SecurityHeaders
from ptplan.settings import Settings, load_settings
from ptplan.store.db import make_engine, session_factory, upgrade


def create_app(settings: Settings | None = None, engine=None, migrate: bool = True, kb=None) -> FastAPI:
    """The ASGI app. ``engine`` and ``kb`` may be passed by tests; otherwise they come from the settings
    and the packaged knowledge base (loaded once here and handed to every use case)."""
    settings = (settings or load_settings()).resolved()
    engine = engine or make_engine(settings.sqlalchemy_url(), settings.sqlite_synchronous)
    if migrate:
        upgrade(engine)
    app = FastAPI(title="ptplan API", version=__version__, docs_url=None, redoc_url=None, openapi_url=OPENAPI_URL,
                  description="Explainable exercise-therapy plans for chronic low back and knee pain. "
                              "Errors always use the ErrorObject shape.")
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.kb = kb or default_kb()
    app.state.throttle = LoginThrottle(settings.login_max_failures, settings.login_window_seconds)
    app.state.video_jobs = VideoJobs(app.state.sessions)
    install_api(app)
    docs.install(app, OPENAPI_URL)
    web.mount(app)  # the pages' "/" comes before the redirect below
    app.add_api_route("/", lambda: RedirectResponse("/docs"), include_in_schema=False)
    # An upload may be as large as the clip limit plus room for the multipart headers and the task field.
    app.add_middleware(limits.BodySizeLimit, max_bytes=settings.max_body_bytes,
                       overrides=[("POST", UPLOAD_PATH, settings.max_video_bytes + 65536, "file")])
    app.add_middleware(SecurityHeaders, hsts=settings.cookies_secure)  # outermost: every answer gets them
    return app
