"""What every page needs: the Jinja environment, the request's language, the logged-in user and CSRF.

Pages use the server's session cookie and signed CSRF token (``ptplan.http.security``): every form
carries the token in a hidden ``csrf_token`` field and htmx sends it in ``X-CSRF-Token``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import FormData

from ptplan import __version__
from ptplan.clinic import auth
from ptplan.clinic.access import Actor
from ptplan.errors import PermissionDenied, Problem
from ptplan.http import security
from ptplan.http.deps import client_ip, kb_of
from ptplan.web import i18n

TEMPLATES = Path(__file__).resolve().parent / "templates"
SHARED = Path(__file__).resolve().parent.parent / "render" / "templates"  # partials the handout shares (_changes.html)
ENV = Environment(loader=FileSystemLoader([TEMPLATES, SHARED]), autoescape=select_autoescape(["html"]),
                  trim_blocks=True, lstrip_blocks=True)


def finding_value(value) -> str:
    """A finding's measured value for display: the numbers only ({"test.passive_slr.min": 55.0} → "55")."""
    values = value.values() if isinstance(value, dict) else [value]
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    return " / ".join(f"{v:g}" for v in numbers)


ENV.filters["finding_value"] = finding_value


class LoginRequired(Exception):
    """Raised by pages for visitors without a session; answered with a redirect to the login page."""


class CsrfRejected(Exception):
    """An unsafe request without the matching CSRF token; answered with 403 and an explanation."""


@dataclass
class Page:
    """The request, its language and (when logged in) the actor, handed to every view."""

    request: Request
    lang: str
    remember_lang: bool
    actor: Actor | None = None

    def _(self, msgid: str, **values) -> str:
        return i18n.gettext(self.lang, msgid, **values)

    def messages(self, problems: list[Problem]) -> list[str]:
        """The problems' texts in the page's language."""
        return [pr.message_ja if self.lang == "ja" and pr.message_ja else pr.message for pr in problems]

    def by_field(self, problems: list[Problem], rename: dict[str, str] | None = None) -> dict[str, list[str]]:
        """The problems' texts keyed by form field (``rename`` maps a problem path to a field name)."""
        out: dict[str, list[str]] = {}
        for pr in problems:
            text = self._("error.required") if pr.code == "missing" else self.messages([pr])[0]
            out.setdefault((rename or {}).get(pr.path, pr.path), []).append(text)
        return out

    def render(self, template: str, status: int = 200, **ctx) -> HTMLResponse:
        html = ENV.get_template(template).render(**self.context(), **ctx)
        response = HTMLResponse(html, status_code=status)
        if self.remember_lang:
            response.set_cookie(i18n.LANG_COOKIE, self.lang, max_age=365 * 86400, samesite="lax", path="/")
        return response

    def context(self) -> dict:
        lang = self.lang
        return {"lang": lang, "_": self._, "t": lambda v: i18n.text(v, lang),
                "tr": lambda v: self._(v) if isinstance(v, str) else i18n.text(v, lang),
                "user": self.actor.user if self.actor else None, "csrf": self.csrf_token(), "version": __version__,
                "path": self.request.url.path, "lang_url": lambda code: _with_lang(self.request, code),
                "today": dt.date.today()}

    def csrf_token(self) -> str:
        cookie = self.request.cookies.get(security.SESSION_COOKIE)
        if not cookie:
            return ""
        return security.csrf_token(self.request.app.state.settings.secret_key, cookie)


def _with_lang(request: Request, code: str) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"] + [("lang", code)]
    return request.url.path + "?" + "&".join(f"{quote(k)}={quote(v)}" for k, v in params)


def page(request: Request, db=None, login: bool = False, roles: tuple[str, ...] = ()) -> Page:
    lang, remember = i18n.request_lang(request.query_params.get("lang"), request.cookies.get(i18n.LANG_COOKIE),
                                       request.headers.get("accept-language"))
    p = Page(request, lang, remember)
    cookie = request.cookies.get(security.SESSION_COOKIE)
    if db is not None and cookie:
        p.actor = auth.actor_for(db, cookie, "session", client_ip(request), kb_of(request))
    if login and p.actor is None:
        raise LoginRequired()
    if roles and p.actor is not None and p.actor.user.role not in roles:
        raise PermissionDenied(f"your role ({p.actor.user.role}) may not open this page")
    return p


async def posted_form(request: Request) -> FormData:
    """The posted form, read (awaited) before the page touches the database.

    Every page that takes a form is a plain ``def`` run in a worker thread with the form from this dependency:
    its database work never runs on the event loop, and no transaction is open while the client is still
    sending. On SQLite a transaction takes the write lock when it begins; a page that held it while awaiting
    its body, and a second page waiting for the lock on the event loop, stalled the whole server for the busy
    timeout (tests/web/test_web_event_loop.py)."""
    return await request.form()


FormDep = Annotated[FormData, Depends(posted_form)]


def checked_form(request: Request, form: FormData) -> FormData:
    """The posted form, after checking its CSRF token against the session cookie."""
    presented = request.headers.get(security.CSRF_HEADER) or form.get(security.CSRF_FIELD)
    cookie = request.cookies.get(security.SESSION_COOKIE) or ""
    if not cookie or not security.same_origin(request) or not security.csrf_ok(
            request.app.state.settings.secret_key, cookie, presented if isinstance(presented, str) else None):
        raise CsrfRejected()
    return form
