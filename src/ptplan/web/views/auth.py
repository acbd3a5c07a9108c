"""Login, logout and the home redirect (staff → patient list, patient → today's exercises)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from ptplan.api import security
from ptplan.api.deps import SessionDep, client_ip
from ptplan.store import auth as pw
from ptplan.store import repositories as repo
from ptplan.web.base import checked_form, page

router = APIRouter()
HOME = {"therapist": "/patients", "admin": "/admin", "patient": "/me"}


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
    throttle: security.LoginThrottle = request.app.state.throttle
    ip = client_ip(request)
    wait = throttle.retry_after(username, ip)
    if wait:
        return p.render("login.html", status=429, next=target, username=username,
                        error=p._("login.throttled", seconds=wait))
    user = repo.user_by_name(db, username)
    if not pw.verify_password(user.password_hash if user else None, password) or not user.active:
        throttle.failed(username, ip)
        return p.render("login.html", status=401, next=target, username=username, error=p._("login.bad_credentials"))
    throttle.succeeded(username, ip)
    token, _ = repo.issue_token(db, user, "session", dt.timedelta(hours=request.app.state.settings.session_hours))
    repo.record_audit(db, user, "login", "session", ip=ip)
    db.commit()
    response = RedirectResponse(_safe_next(target, user.role), status_code=303)
    security.set_login_cookies(response, request.app.state.settings, token)
    return response


@router.post("/logout")
async def logout(request: Request, db: SessionDep):
    p = page(request, db, login=True)
    await checked_form(request, p)
    found = repo.resolve_token(db, request.cookies.get(security.SESSION_COOKIE, ""), "session")
    if found:
        found[1].revoked = True
        db.commit()
    response = RedirectResponse("/login", status_code=303)
    security.clear_login_cookies(response)
    return response
