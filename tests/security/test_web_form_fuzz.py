"""Odd values posted to every web form: never a 5xx or a traceback, and a form that comes back with an error
shows every value the user typed or chose again (passwords excepted).

The forms are found from the app itself (form_crawl.py): each HTML page is opened as a visitor, a therapist,
an admin and a patient, and each form on it is fuzzed as the user who saw it. A POST route that no page shows
a form for fails ``test_every_web_post_route_has_a_fuzzed_form``, so a new form is covered or noticed.

Values: NUL, invalid UTF-8, huge strings, non-ASCII digits (「²」「１２」), negative and huge integers, far-future
and impossible dates, RTL override, zero-width characters, empty values, a field sent twice. A few examples per
form in CI (derandomized, so CI is stable); ``PTPLAN_FORM_FUZZ_EXAMPLES=500`` runs more locally.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from form_crawl import CHOICE, NO_FORMS, Form, forms_in, signature, template_of, web_routes
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sec_helpers import PASSWORD, build_world

from ptplan.http import security
from ptplan.store import auth
from ptplan.store.db import make_engine

EXAMPLES = int(os.environ.get("PTPLAN_FORM_FUZZ_EXAMPLES", "3"))
ROLES = {"visitor": None, "therapist": "taro", "admin": "ayako", "patient": "hana"}

# --- the app, its users and the forms they see (built at import: the tests are parametrized by form) -----------

@contextlib.contextmanager
def cheap_argon2():
    """argon2 at its lowest cost while this module runs: the fuzz logs in, fails logins and creates users
    hundreds of times, and the default cost (about a second each here) would make it minutes. The hashes
    carry their parameters, so the default hasher still verifies them afterwards."""
    from argon2 import PasswordHasher

    original = auth._hasher
    auth._hasher = lambda: PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    try:
        yield
    finally:
        auth._hasher = original


@pytest.fixture(autouse=True, scope="module")
def _cheap_hashes():
    with cheap_argon2():
        yield


_TMP = Path(tempfile.mkdtemp(prefix="ptplan-form-fuzz-"))
atexit.register(shutil.rmtree, _TMP, ignore_errors=True)
with cheap_argon2():
    WORLD = build_world(make_engine(f"sqlite:///{_TMP / 'web.sqlite3'}"), _TMP)
APP = WORLD.app
AOBA = WORLD.clinics["aoba"]
IDS = {"patient_id": AOBA.patient_id, "plan_id": AOBA.plan_id}


def _login(client, username: str) -> None:
    form = next(f for f in forms_in(client.get("/login").text) if f.action == "/login")
    token = form.controls["csrf_token"].value
    r = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303, (username, r.status_code, r.text[:300])


def _client(role: str):
    from fastapi.testclient import TestClient

    client = TestClient(APP, raise_server_exceptions=False)
    if ROLES[role]:
        _login(client, ROLES[role])
    return client


def _prepare() -> None:
    """Data that makes every form appear: a plan edit (the revert form), a calendar feed (its revoke form)."""
    plan = f"/api/v1/plans/{AOBA.plan_id}/edits"
    r = WORLD.client("taro").post(plan, json={"op": "dose", "path": "/program/components/0/exercises/0",
                                              "dose": {"sets": 2}, "reason": "fuzz setup"})
    assert r.status_code == 201, r.text
    assert WORLD.client("hana").post("/api/v1/me/calendar").status_code in (200, 201)


def _fill(route: str) -> str | None:
    try:
        return route.format(**IDS)
    except KeyError:  # a page about something the world has no id for: its forms are noticed as not covered
        return None


def discover():
    """{signature: (role, page URL, form)} for every form on every page, and the pages each role opened."""
    clients = {role: _client(role) for role in ROLES}
    post_routes = web_routes(APP, "POST") + web_routes(APP, "GET")
    found: dict[tuple, tuple[str, str, Form]] = {}
    pages: dict[str, list[str]] = {role: [] for role in ROLES}
    for _m, route in web_routes(APP, "GET"):
        url = _fill(route)
        if url is None or route in NO_FORMS:
            continue
        for role, client in clients.items():
            r = client.get(url, follow_redirects=False)
            if r.status_code != 200 or not r.headers.get("content-type", "").startswith("text/html"):
                continue
            pages[role].append(url)
            for form in forms_in(r.text):
                if signature("visitor", form, post_routes) in found and role != "visitor":
                    continue  # a public form (login, self-check) is fuzzed once, as the visitor
                found.setdefault(signature(role, form, post_routes), (role, url, form))
    return found, pages, clients


with cheap_argon2():
    _prepare()
    FOUND, PAGES, CLIENTS = discover()
ROUTES = web_routes(APP, "POST") + web_routes(APP, "GET")


def _form_id(key) -> str:
    role, _url, form = FOUND[key]
    action = form.controls.get("action")
    what = f"[{action.value}]" if action is not None and action.kind == "hidden" else ""
    return f"{role}-{form.method.upper()}-{template_of(form.action, ROUTES) or form.action}{what}" + (
        "-htmx" if form.partial else "")


FORM_KEYS = sorted(FOUND, key=_form_id)


def test_every_web_post_route_has_a_fuzzed_form():
    covered = {template_of(f.action, ROUTES) for _r, _u, f in FOUND.values() if f.method == "post"}
    missing = sorted(p for _m, p in web_routes(APP, "POST") if p not in covered)
    # A POST route with no form on any page is either a form the fuzz cannot reach (give the world the data
    # that shows it, or an id in IDS) or a route nothing uses.
    assert missing == [], f"POST routes no fuzzed form posts to: {missing}"
    assert len(FORM_KEYS) >= 20, [_form_id(k) for k in FORM_KEYS]


# --- odd values ------------------------------------------------------------------------------------------

ODD = ["", " ", "\x00", "a\x00b", "²", "１２", "٣", "-1", "-0", "0", "-2147483649", "2147483648", "9" * 20, "9" * 5000,
       "1e309", "NaN", "-inf", "0x1f", "1_000", "9999-12-31", "0001-01-01", "2026-02-30", "2026-13-01", "tomorrow",
       "\u202eevil\u202c", "a\u200bb", "\ufeffx", "<b>x</b>", "{{7*7}}", "'\"--", "x" * 60_000, "two\r\nlines", "\u3000",
       "🙂", "ｱｲｳ", "ゆ" * 300]
BAD_BYTES = [b"\xff\xfe", b"a\xc0\x80b", b"\xed\xa0\x80"]  # invalid UTF-8, an overlong NUL, an encoded lone surrogate
odd = st.one_of(st.sampled_from(ODD), st.sampled_from(BAD_BYTES), st.text(max_size=12),
                st.integers(-(2**70), 2**70).map(str), st.dates().map(lambda d: d.isoformat()))


def control_values(c) -> st.SearchStrategy:
    """What one control sends: nothing, one value or the same name twice."""
    if c.kind == "hidden":
        one = st.one_of(st.just(c.value), st.just(c.value), odd)
    elif c.kind in CHOICE and c.options:
        one = st.one_of(st.sampled_from(c.options), st.sampled_from(c.options), odd)
    else:
        one = st.one_of(st.just(c.value), odd)
    if c.kind == "checkbox":
        return st.lists(one, max_size=len(c.options) + 2)
    return st.one_of(st.just([]), st.lists(one, min_size=1, max_size=2))


# Every form gets these first, one value in every control (the hidden ones too in the last three), then
# EXAMPLES generated ones.
SWEEP = ["１２²", "a\x00b", "9" * 5000, "9999-12-31", "-2147483649", "\u202eab\u200b", b"\xff\xfe"]
HIDDEN_SWEEP = ["²", "9" * 5000, "-1"]


def sweep(form: Form) -> list[dict]:
    """Submissions with one odd value in every control; choices get a valid option (so an error page is
    checked for keeping it), check boxes all of theirs."""
    def one(c, value, hidden: bool):
        if c.kind == "hidden":
            return [value] if hidden else [c.value]
        if c.kind == "checkbox":
            return list(c.options)
        if c.kind in CHOICE and c.options:
            return [c.options[-1]]
        return [value]

    names = [n for n in form.controls if n != security.CSRF_FIELD]
    return ([{n: one(form.controls[n], v, False) for n in names} for v in SWEEP]
            + [{n: one(form.controls[n], v, True) for n in names} for v in HIDDEN_SWEEP])


def submission(form: Form) -> st.SearchStrategy:
    names = [n for n in form.controls if n != security.CSRF_FIELD]
    return st.fixed_dictionaries({n: control_values(form.controls[n]) for n in names})


# --- checks ----------------------------------------------------------------------------------------------

def _norm(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _same_form(form: Form, sent: dict, html: str) -> Form | None:
    """The form in an answer that is the posted one again: same target and controls, same hidden identity."""
    ident = {n: vs[-1] for n, vs in sent.items() if form.controls[n].kind == "hidden" and vs}
    for f in forms_in(html):
        if (not f.partial and f.method == form.method and urlsplit(f.action).path == urlsplit(form.action).path
                and set(f.controls) == set(form.controls)
                and all(f.controls[n].value == v for n, v in ident.items())):
            return f
    return None


def lost_values(form: Form, sent: dict, again: Form) -> list[str]:
    """The typed or chosen values the form shown again (``again``) does not show."""
    lost = []
    for name, values in sent.items():
        c = form.controls[name]
        if not c.typed or any(isinstance(v, bytes) for v in values):
            continue
        shown = again.controls[name]
        if c.kind == "checkbox":
            want = {v for v in values if v in shown.options}  # options still offered (an added exercise is not)
            if want != set(shown.checked):
                lost.append(f"{name}: sent {sorted(want)}, shown checked {sorted(shown.checked)}")
        elif not values:
            continue
        elif c.kind == "select":  # the selected option, else the first one (what a browser shows)
            if values[-1] in shown.options and shown.value != values[-1]:
                lost.append(f"{name}: chose {values[-1]!r}, shown {shown.value!r}")
        elif c.kind == "radio":
            if values[-1] in shown.options and shown.checked != [values[-1]]:
                lost.append(f"{name}: chose {values[-1]!r}, shown {shown.checked}")
        elif _norm(values[-1]) and _norm(shown.value) != _norm(values[-1]):
            lost.append(f"{name}: typed {values[-1][:60]!r}, shown {shown.value[:60]!r}")
    return lost


def brief(sent: dict) -> dict:
    """The submission, shortened for a failure message."""
    def short(v):
        return v if len(v) <= 40 else v[:20] + (b"..." if isinstance(v, bytes) else f"...({len(v)})")

    return {n: [short(v) for v in vs] for n, vs in sent.items() if vs}


def _csrf(role: str, client) -> str:
    cookie = client.cookies.get(security.SESSION_COOKIE)
    return security.csrf_token(APP.state.settings.secret_key, cookie) if cookie else ""


def post(role: str, form: Form, sent: dict):
    client = CLIENTS[role]
    pairs = [(n, v) for n, vs in sent.items() for v in vs]
    csrf = form.controls.get(security.CSRF_FIELD)
    if csrf is not None:  # the session's token (a login form's token is its cookie's, as shown)
        pairs.insert(0, (security.CSRF_FIELD, _csrf(role, client) if ROLES[role] else csrf.value))
    body = urlencode(pairs)
    if form.method == "get":
        return client.get(urlsplit(form.action).path + "?" + body, follow_redirects=False)
    return client.post(form.action, content=body, follow_redirects=False,
                       headers={"Content-Type": "application/x-www-form-urlencoded"})


def _still_shown(role: str, page: str, form: Form, sent: dict) -> bool:
    """Whether the page still shows this form (an acknowledged alert or a reverted edit loses its form)."""
    return _same_form(form, {n: vs for n, vs in sent.items() if form.controls[n].kind == "hidden"},
                      CLIENTS[role].get(page).text) is not None


@pytest.mark.parametrize("key", FORM_KEYS, ids=_form_id)
def test_odd_values_never_break_a_form(key):
    role, page, form = FOUND[key]

    def fuzz(sent):
        r = post(role, form, sent)
        what = brief(sent)
        assert r.status_code < 500, (r.status_code, r.text[:500], what)
        assert "Traceback" not in r.text and 'File "/' not in r.text, (r.text[:2000], what)
        if r.status_code in (302, 303) and r.headers.get("location", "").startswith("/login") and ROLES[role]:
            _login(CLIENTS[role], ROLES[role])  # the logout form worked: log in again for the next example
        if not 400 <= r.status_code < 500 or r.status_code == 413 or form.partial:
            return
        if not all(vs == [form.controls[n].value] for n, vs in sent.items() if form.controls[n].kind == "hidden"):
            return  # a form whose identity was changed (no browser does that) cannot be found again
        again = _same_form(form, sent, r.text)
        if again is None:
            assert not _still_shown(role, page, form, sent), (
                f"{r.status_code} without the form: the typed values are lost", r.text[:1500], what)
            return
        assert lost_values(form, sent, again) == [], (r.status_code, what)

    for sent in reversed(sweep(form)):
        fuzz = example(sent=sent)(fuzz)
    settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
             suppress_health_check=list(HealthCheck))(given(sent=submission(form))(fuzz))()
    for url in PAGES[role]:  # what was stored still opens every page of this user
        r = CLIENTS[role].get(url, follow_redirects=False)
        assert r.status_code < 500, (url, r.status_code, r.text[:500])
