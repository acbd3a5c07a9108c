"""Login, logout and the home redirect (staff → patient list, patient → today's exercises)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from ptplan.clinic import auth
from ptplan.errors import PtplanError, RateLimited
from ptplan.http import security
from ptplan.http.deps import SessionDep, client_ip
from ptplan.web.base import checked_form, page

router = APIRouter()
HOME = {"therapist": "/worklist", "admin": "/admin", "patient": "/me"}


def _safe_next(target: str | None, role: str) -> str:
    # Only local paths: an open redirect after login would be a phishing aid.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return HOME.get(role, "/")


@router.get("/")
def home(request: Request, db: SessionDep):
    p = page(request, db)
    if p.actor is None:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(HOME.get(p.actor.user.role, "/login"), status_code=303)


@router.get("/login")
def login_form(request: Request, db: SessionDep):
    return page(request, db).render("login.html", next=request.query_params.get("next", ""), error=None, username="")


@router.post("/login")
async def login(request: Request, db: SessionDep):
    p = page(request, db)
    form = await request.form()
    username, password = str(form.get("username", "")).strip(), str(form.get("password", ""))
    target = str(form.get("next", ""))
    settings = request.app.state.settings
    try:
        user, token = auth.login(db, request.app.state.throttle, username, password, client_ip(request),
                                 settings.session_hours)
    except RateLimited as err:
        return p.render("login.html", status=429, next=target, username=username,
                        error=p._("login.throttled", seconds=err.retry_after))
    except PtplanError:
        return p.render("login.html", status=401, next=target, username=username, error=p._("login.bad_credentials"))
    response = RedirectResponse(_safe_next(target, user.role), status_code=303)
    security.set_login_cookies(response, settings, token)
    return response


@router.post("/logout")
async def logout(request: Request, db: SessionDep):
    p = page(request, db, login=True)
    await checked_form(request, p)
    auth.logout(db, request.cookies.get(security.SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    security.clear_login_cookies(response)
    return response
