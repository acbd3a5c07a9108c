"""Login (session cookie + CSRF token for the web), logout, who-am-I, and API bearer tokens."""

import datetime as dt

from fastapi import APIRouter, Request, Response

from ptplan.api import security
from ptplan.api.deps import CurrentActor, IdPath, SessionDep, SettingsDep, client_ip
from ptplan.api.schemas import LoginIn, LoginOut, TokenIn, TokenOut, UserOut
from ptplan.errors import NotFoundError, Problem, PtplanError
from ptplan.store import auth as pw
from ptplan.store import repositories as repo
from ptplan.store.models import AuthToken

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/login")
def login(body: LoginIn, request: Request, response: Response, db: SessionDep, settings: SettingsDep) -> LoginOut:
    throttle: security.LoginThrottle = request.app.state.throttle
    ip = client_ip(request)
    wait = throttle.retry_after(body.username, ip)
    if wait:
        err = PtplanError([Problem("username", f"too many failed logins; try again in {wait} s", "rate_limited",
                                   f"ログインの失敗が続いたため {wait} 秒後に再試行してください")], status=429)
        err.headers = {"Retry-After": str(wait)}
        raise err
    user = repo.user_by_name(db, body.username)
    if not pw.verify_password(user.password_hash if user else None, body.password) or not user.active:
        throttle.failed(body.username, ip)
        raise PtplanError([Problem("password", "wrong username or password", "bad_credentials",
                                   "ユーザー名またはパスワードが違います")], status=401)
    throttle.succeeded(body.username, ip)
    token, _ = repo.issue_token(db, user, "session", dt.timedelta(hours=settings.session_hours))
    repo.record_audit(db, user, "login", "session", ip=ip)
    db.commit()
    csrf = security.set_login_cookies(response, settings, token)
    return LoginOut(user=UserOut.model_validate(user), csrf_token=csrf)


@router.post("/logout", status_code=204)
def logout(actor: CurrentActor, request: Request, response: Response) -> None:
    cookie = request.cookies.get(security.SESSION_COOKIE)
    found = repo.resolve_token(actor.db, cookie, "session") if cookie else None
    if found:
        found[1].revoked = True
    actor.db.commit()
    security.clear_login_cookies(response)


@router.get("/me")
def me(actor: CurrentActor) -> UserOut:
    return UserOut.model_validate(actor.user)


@router.post("/tokens", status_code=201)
def create_token(body: TokenIn, actor: CurrentActor, settings: SettingsDep) -> TokenOut:
    token, row = repo.issue_token(actor.db, actor.user, "api", dt.timedelta(days=settings.token_days), body.name)
    actor.db.commit()
    return TokenOut(id=row.id, token=token, expires_at=row.expires_at)


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: IdPath, actor: CurrentActor, db: SessionDep) -> None:
    row = db.get(AuthToken, token_id)
    if row is None or row.user_id != actor.user.id:
        raise NotFoundError("token_id", f"no token {token_id} of yours")
    row.revoked = True
    db.commit()
