"""Login (session cookie + CSRF token for the web), logout, who-am-I, and API bearer tokens."""

from fastapi import APIRouter, Request, Response

from ptplan.api.deps import CurrentActor, IdPath, SessionDep, SettingsDep, cross_site
from ptplan.api.schemas import LoginIn, LoginOut, TokenIn, TokenOut, UserOut
from ptplan.clinic import auth
from ptplan.http import security
from ptplan.http.deps import client_ip

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/login")
def login(body: LoginIn, request: Request, response: Response, db: SessionDep, settings: SettingsDep) -> LoginOut:
    if not security.same_origin(request):
        raise cross_site()
    user, token, device = auth.login(db, request.app.state.throttle, body.username, body.password,
                                     client_ip(request), settings.session_hours,
                                     request.cookies.get(security.DEVICE_COOKIE))
    csrf = security.set_login_cookies(response, settings, token)
    security.set_device_cookie(response, settings, device)
    return LoginOut(user=UserOut.model_validate(user), csrf_token=csrf)


@router.post("/logout", status_code=204)
def logout(actor: CurrentActor, request: Request, response: Response) -> None:
    auth.logout(actor.db, request.cookies.get(security.SESSION_COOKIE, ""))
    security.clear_login_cookies(response)


@router.get("/me")
def me(actor: CurrentActor) -> UserOut:
    return UserOut.model_validate(actor.user)


@router.post("/tokens", status_code=201)
def create_token(body: TokenIn, actor: CurrentActor, settings: SettingsDep) -> TokenOut:
    token, row = auth.issue_api_token(actor, body.name, settings.token_days)
    return TokenOut(id=row.id, token=token, expires_at=row.expires_at)


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: IdPath, actor: CurrentActor) -> None:
    auth.revoke_api_token(actor, token_id)
