"""API request dependencies: the current actor (authenticated by bearer token, or by session cookie
plus CSRF token) and paging parameters; the shared ones come from :mod:`ptplan.http.deps`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request

from ptplan.clinic import auth
from ptplan.clinic.access import Actor
from ptplan.errors import PtplanError, Unauthenticated
from ptplan.http import security
from ptplan.http.deps import IdPath, SessionDep, SettingsDep, client_ip, kb_of

__all__ = ["CurrentActor", "IdPath", "PageDep", "SessionDep", "SettingsDep"]


@dataclass
class Page:
    limit: int
    offset: int


def page_params(limit: Annotated[int, Query(ge=1, le=200, description="items per page")] = 50,
                offset: Annotated[int, Query(ge=0, le=10_000_000, description="items to skip")] = 0) -> Page:
    return Page(limit, offset)


PageDep = Annotated[Page, Depends(page_params)]


async def presented_csrf(request: Request) -> str | None:
    """The CSRF token the client sent (header, or form field for plain HTML forms); no database here."""
    if request.method in security.SAFE_METHODS:
        return None
    presented = request.headers.get(security.CSRF_HEADER)
    if presented is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        presented = (await request.form()).get(security.CSRF_FIELD)
    return presented if isinstance(presented, str) else None


def current_actor(request: Request, db: SessionDep, settings: SettingsDep,
                  csrf: Annotated[str | None, Depends(presented_csrf)]) -> Actor:
    # A plain def on purpose: it runs in the threadpool, so a database wait never blocks the event loop.
    ip, kb = client_ip(request), kb_of(request)
    bearer = request.headers.get("authorization", "")
    if bearer.lower().startswith("bearer "):
        actor = auth.actor_for(db, bearer[7:].strip(), "api", ip, kb)
        if actor is None:
            raise Unauthenticated("the bearer token is unknown, revoked or expired")
        return actor
    cookie = request.cookies.get(security.SESSION_COOKIE)
    actor = auth.actor_for(db, cookie, "session", ip, kb) if cookie else None
    if actor is None:
        raise Unauthenticated()
    if request.method not in security.SAFE_METHODS and not security.same_origin(request):
        actor.audit_refusal(f"cross-site {request.method} {request.url.path}"[:200])
        raise cross_site()
    if request.method not in security.SAFE_METHODS and not security.csrf_ok(settings.secret_key, cookie, csrf):
        raise PtplanError.single(security.CSRF_HEADER, "missing or wrong CSRF token for a cookie-authenticated "
                                 "request; send the ptplan_csrf cookie value in X-CSRF-Token", "csrf",
                                 "CSRF トークンがありません。ptplan_csrf の値を X-CSRF-Token で送ってください", status=403)
    return actor


def cross_site() -> PtplanError:
    return PtplanError.single("Origin", "a cookie-authenticated request from another site is refused",
                              "cross_site", "他のサイトからの Cookie 認証リクエストは受け付けません", status=403)


CurrentActor = Annotated[Actor, Depends(current_actor)]
