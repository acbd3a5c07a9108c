"""The composition root of the server: ``create_app(settings)`` builds settings, engine, session factory,
knowledge base, login throttle and video job queue, then mounts the JSON API and the web pages on one app.
Nothing is built at import time. ``app_from_env`` is the factory that uvicorn workers import by string
(``ptplan.server:app_from_env``); it reads the ``PTPLAN_*`` environment and does not migrate (the parent
``ptplan serve`` or ``ptplan db upgrade`` has)."""

from __future__ import annotations

import contextlib

from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from ptplan import __version__, web
from ptplan.api import docs, limits
from ptplan.api.app import OPENAPI_URL
from ptplan.api.app import install as install_api
from ptplan.api.routers.videos import UPLOAD_PATH
from ptplan.api.upload_gate import UploadGate
from ptplan.clinic.jobs import VideoJobs, load_analyzer, make_huey
from ptplan.clinic.throttle import make_throttle
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
    app = FastAPI(lifespan=_lifespan, title="ptplan API", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url=OPENAPI_URL,
                  description="Explainable exercise-therapy plans for chronic low back and knee pain. "
                              "Errors always use the ErrorObject shape.")
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.kb = kb or default_kb()
    app.state.throttle = make_throttle(settings)
    app.state.trusted_proxies = settings.trusted_proxy_networks
    app.state.video_jobs = video_jobs(settings, app.state.sessions, in_process=settings.jobs_in_process)
    install_api(app)
    docs.install(app, OPENAPI_URL)
    web.mount(app)  # the pages' "/" comes before the redirect below
    app.add_api_route("/", lambda: RedirectResponse("/docs"), include_in_schema=False)
    app.add_middleware(UploadGate, path=UPLOAD_PATH)  # innermost: refuses before any byte of the body is read
    # An upload may be as large as the clip limit plus room for the multipart headers and the task field.
    app.add_middleware(limits.BodySizeLimit, max_bytes=settings.max_body_bytes,
                       overrides=[("POST", UPLOAD_PATH, settings.max_video_bytes + 65536, "file")])
    app.add_middleware(SecurityHeaders, hsts=settings.cookies_secure)  # outermost: every answer gets them
    return app


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI):
    # The in-process worker starts with the server, so jobs interrupted by a restart resume without waiting
    # for the next upload.
    jobs = app.state.video_jobs
    if jobs.in_process:
        jobs.start_in_process()
    yield
    jobs.stop()


def video_jobs(settings: Settings, sessions, in_process: bool = False) -> VideoJobs:
    """The video job queue of these settings (huey on Redis or on the SQLite file in the data dir)."""
    return VideoJobs(sessions, make_huey(settings.redis_url, settings.job_queue_file()),
                     load_analyzer(settings.video_analyzer), heartbeat_seconds=settings.job_heartbeat_seconds,
                     max_attempts=settings.job_max_attempts, timeout_seconds=settings.job_timeout_seconds,
                     in_process=in_process)


def app_from_env() -> FastAPI:
    """The app factory for ``uvicorn --factory ptplan.server:app_from_env`` (and ``ptplan serve --workers N``)."""
    return create_app(load_settings(), migrate=False)
