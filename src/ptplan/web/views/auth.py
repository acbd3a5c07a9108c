"""Login, logout and the home redirect (staff → patient list, patient → today's exercises)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from ptplan.clinic import auth
from ptplan.errors import PtplanError, RateLimited
from ptplan.http import security
from ptplan.http.deps import SessionDep, client_ip
from ptplan.web.base import FormDep, checked_form, page

router = APIRouter()
HOME = {"therapist": "/worklist", "admin": "/admin", "patient": "/me"}
CLEAR_SITE_DATA = '"cache", "storage"'  # the HTTP cache and the Cache API, service workers, local storage


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


def _login_page(p, status: int = 200, **ctx):
    """The login form with its login-CSRF token (the same token as the browser's cookie, or a new one)."""
    token = security.login_form_token(p.request)
    response = p.render("login.html", status=status, login_token=token, **ctx)
    security.set_login_form_cookie(response, p.request.app.state.settings, token)
    return response


@router.get("/login")
def login_form(request: Request, db: SessionDep):
    return _login_page(page(request, db), next=request.query_params.get("next", ""), error=None, username="")


@router.post("/login")
def login(request: Request, db: SessionDep, form: FormDep):
    p = page(request, db)
    username, password = str(form.get("username", "")).strip(), str(form.get("password", ""))
    target = str(form.get("next", ""))
    settings = request.app.state.settings
    presented = form.get(security.CSRF_FIELD)
    if not security.login_form_ok(request, presented if isinstance(presented, str) else None):
        return _login_page(p, status=403, next=target, username=username, error=p._("error.csrf_body"))
    try:
        user, token, device = auth.login(db, request.app.state.throttle, username, password, client_ip(request),
                                         settings.session_hours, request.cookies.get(security.DEVICE_COOKIE))
    except RateLimited as err:
        return _login_page(p, status=429, next=target, username=username,
                           error=p._("login.throttled", seconds=err.retry_after))
    except PtplanError:
        return _login_page(p, status=401, next=target, username=username, error=p._("login.bad_credentials"))
    response = RedirectResponse(_safe_next(target, user.role), status_code=303)
    security.set_login_cookies(response, settings, token)
    security.set_device_cookie(response, settings, device)
    response.delete_cookie(security.LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, db: SessionDep, form: FormDep):
    page(request, db, login=True)
    checked_form(request, form)
    auth.logout(db, request.cookies.get(security.SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    security.clear_login_cookies(response)
    # A shared phone keeps nothing of this patient: the offline copy of their pages and any queued log go too
    # (static/offline.js sends waiting logs before it lets the logout through).
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response
