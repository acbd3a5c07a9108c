"""The web forms of the app, found the way a browser finds them: every HTML page of the app is opened as each
kind of user and every ``<form>`` on it (and every htmx ``hx-post`` with the form it includes) is read into
its controls. The form fuzz (test_web_form_fuzz.py) posts odd values to each form found; a new form is
covered as soon as a page shows it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

# Pages that are documents to print (a PDF costs seconds to make) and have no form.
NO_FORMS = {"/plans/{plan_id}/rehab-plan"}
# Controls a user types or picks; hidden fields are the form's identity, passwords are never shown again.
CHOICE = {"select", "radio", "checkbox"}
SECRET = {"password"}


@dataclass
class Control:
    name: str
    kind: str  # the input type ("text", "date", "hidden", ...), "select" or "textarea"
    options: list[str] = field(default_factory=list)  # select options, radio and checkbox values
    value: str = ""  # the value shown (a select's selected option, a textarea's text)
    checked: list[str] = field(default_factory=list)  # checked boxes and radios

    @property
    def typed(self) -> bool:
        """A value the user chose or typed, which an error page must show again."""
        return self.kind not in ("hidden", "submit", "button", "reset", "image", "file") and self.kind not in SECRET


@dataclass
class Form:
    method: str
    action: str  # the URL it posts to
    controls: dict[str, Control] = field(default_factory=dict)
    id: str = ""
    partial: bool = False  # an htmx request that answers a fragment (the triage banner), not the form

    def control(self, name: str, kind: str) -> Control:
        return self.controls.setdefault(name, Control(name, kind))


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.hx: list[tuple[str, str]] = []  # (hx-post URL, hx-include selector or "" for the enclosing form)
        self._form: Form | None = None
        self._select: Control | None = None
        self._option: dict | None = None
        self._textarea: Control | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if "hx-post" in a:
            include = a.get("hx-include", "")
            self.hx.append((a["hx-post"], include or (f"#{self._form.id}" if self._form else "")))
        if tag == "form":
            self._form = Form(a.get("method", "get").lower(), a.get("action", ""), id=a.get("id", ""))
            self.forms.append(self._form)
            return
        if self._form is None or not a.get("name") and tag != "option":
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            c = self._form.control(a["name"], kind)
            if kind in ("checkbox", "radio"):
                c.options.append(a.get("value", "on"))
                if "checked" in a:
                    c.checked.append(a.get("value", "on"))
            else:
                c.value = a.get("value", "")
        elif tag == "select":
            self._select = self._form.control(a["name"], "select")
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "text": "", "selected": "selected" in a}
        elif tag == "textarea":
            self._textarea = self._form.control(a["name"], "textarea")
            self._textarea.value = ""

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "option" or (tag == "select" and self._option is not None):
            self._close_option()
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._form = None

    def _close_option(self):
        o, self._option = self._option, None
        if o is None or self._select is None:
            return
        value = o["value"] if o["value"] is not None else o["text"].strip()
        self._select.options.append(value)
        if o["selected"] or not self._select.value and len(self._select.options) == 1:
            self._select.value = value  # the selected option, else the first (what a browser sends)
            if o["selected"]:
                self._select.checked = [value]


def forms_in(html: str) -> list[Form]:
    """The forms of a page, plus one ``partial`` form per htmx ``hx-post`` (the controls of the form it includes)."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    forms = parser.forms
    by_id = {f.id: f for f in forms if f.id}
    for url, include in parser.hx:
        source = by_id.get(include.removeprefix("#"))
        forms.append(Form("post", url, dict(source.controls) if source else {}, partial=True))
    return forms


def template_of(path: str, routes: list[tuple[str, str]]) -> str | None:
    """The route (a path with ``{params}``) that ``path`` is sent to, among (method, route path) pairs."""
    path = urlsplit(path).path
    for _method, route in routes:
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", route), path):
            return route
    return None


def web_routes(app, method: str) -> list[tuple[str, str]]:
    """(method, path) of the app's routes answered by web pages (not the JSON API, not static files)."""
    from sec_helpers import all_routes

    return [(m, p) for m, p in all_routes(app) if m == method and not p.startswith(("/api/", "/static", "/docs"))]


def signature(role: str, form: Form, routes: list[tuple[str, str]]) -> tuple:
    """Forms that differ only in ids and shown values (one dose form per exercise) are one form to fuzz."""
    return (role, form.method, template_of(form.action, routes) or form.action, form.partial,
            tuple(sorted((c.name, c.kind) for c in form.controls.values())))
