"""The web app: server-rendered pages (Jinja2 + htmx) for therapists, patients, admins and the public
self-check, mounted onto the server app by :func:`mount` (called from :func:`ptplan.server.create_app`)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from ptplan.errors import PtplanError

STATIC = Path(__file__).resolve().parent / "static"


def router() -> APIRouter:
    """All page routes, one module per area."""
    from ptplan.web.views import admin, assessment, auth, offline, outcomes, patient_home, patients, plans, self_check, worklist

    r = APIRouter(include_in_schema=False)
    for module in (auth, patients, assessment, plans, patient_home, offline, self_check, admin, worklist, outcomes):
        r.include_router(module.router)
    return r


def mount(app: FastAPI) -> None:
    """Add the pages, the static files and the HTML answers to page errors. Call before any "/" route."""
    from ptplan.web import base

    app.include_router(router())
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    api_handler = app.exception_handlers.get(PtplanError)

    async def login_required(request: Request, _exc: base.LoginRequired):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    async def csrf_rejected(request: Request, _exc: base.CsrfRejected):
        p = base.page(request)
        return p.render("error.html", status=403, title=p._("error.csrf_title"), problems=[p._("error.csrf_body")])

    async def page_error(request: Request, exc: PtplanError):
        if request.url.path.startswith("/api/") and api_handler is not None:
            return await api_handler(request, exc)
        p = base.page(request)
        return p.render("error.html", status=exc.status, title=p._(f"error.status_{exc.status}"),
                        problems=p.messages(exc.problems))

    app.add_exception_handler(base.LoginRequired, login_required)
    app.add_exception_handler(base.CsrfRejected, csrf_rejected)
    app.add_exception_handler(PtplanError, page_error)
