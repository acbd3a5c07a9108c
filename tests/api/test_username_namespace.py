"""F11: "username taken" never reveals another clinic's login names. An admin creates names only in their
clinic's namespace (``name@<clinic code>``), so a refusal is always about their own clinic; the API, the web
admin form and ``ptplan user create`` share one name rule. Both databases."""

from __future__ import annotations

import itertools

from fastapi.testclient import TestClient
from personas import web_client

from ptplan.store import repositories as repo

PW = "long-enough-pw"
_n = itertools.count()


def _name(stem: str) -> str:
    return f"{stem}{next(_n)}"  # the world is shared by the module: each test uses names of its own


def _create(world, admin: str, username: str, **extra):
    return world.client(admin).post("/api/v1/users", json={"username": username, "password": PW, "role": "therapist",
                                                           **extra})


def _login(world, username: str, password: str = PW):
    return TestClient(world.app).post("/api/v1/auth/login", json={"username": username, "password": password})


def test_the_clinics_get_codes_from_their_names(world):
    with world.app.state.sessions() as db:
        codes = {c: repo.get_or_create_clinic(db, c.capitalize()).code for c in ("aoba", "kita")}
    assert codes == {"aoba": "aoba", "kita": "kita"}


def test_a_new_login_is_named_in_the_admins_clinic_and_logs_in_with_that_name(world):
    stem = _name("nori")
    made = _create(world, "ayako", stem)
    assert made.status_code == 201, made.text
    assert made.json()["username"] == f"{stem}@aoba" and made.json()["display_name"] == stem
    assert _login(world, f"{stem}@aoba").status_code == 200
    assert _login(world, stem).status_code == 401  # the bare name is not a login
    assert _create(world, "ayako", f"{_name('kei')}@aoba").json()["username"].endswith("@aoba")  # suffix typed out


def test_another_clinics_login_names_are_never_taken_for_this_clinic(world):
    stem = _name("nori")
    assert _create(world, "ayako", stem).status_code == 201
    # kita's admin may use the same name (it becomes stem@kita): nothing says aoba has one
    other = _create(world, "kenji", stem)
    assert other.status_code == 201 and other.json()["username"] == f"{stem}@kita"
    # the persona taro of aoba has a bare name from before namespaces: kita's "taro" is taro@kita, and the only
    # name a refusal can name is kita's own
    assert _create(world, "kenji", "taro").json()["username"] == "taro@kita"
    assert _create(world, "kenji", "taro").json()["error"]["problems"][0]["message"] == "'taro@kita' is already taken"


def test_naming_another_clinics_suffix_is_refused_the_same_whether_or_not_the_name_exists(world):
    taken, free = _name("nori"), _name("nobody")
    assert _create(world, "ayako", taken).status_code == 201
    answers = [_create(world, "kenji", f"{stem}@aoba") for stem in (taken, free)]
    assert [a.status_code for a in answers] == [422, 422]
    bodies = [a.json()["error"]["problems"] for a in answers]
    assert bodies[0] == bodies[1]  # not a word about which exists
    assert bodies[0][0]["field"] == "username" and bodies[0][0]["code"] == "clinic_suffix"
    assert "@kita" in bodies[0][0]["message"] and "@kita" in bodies[0][0]["message_ja"]


def test_a_taken_name_in_the_own_clinic_is_a_409_naming_the_field(world):
    stem = _name("dup")
    assert _create(world, "kenji", stem).status_code == 201
    again = _create(world, "kenji", f"{stem}@kita")
    assert again.status_code == 409 and again.json()["error"]["problems"][0]["field"] == "username"



def test_the_web_admin_form_uses_the_api_rule_and_the_clinic_namespace(world):
    browser = web_client(world, "kenji")
    page = browser.get("/admin").text
    assert "@kita" in page  # the form says what the login name becomes
    form = {"csrf_token": browser.cookies.get("ptplan_csrf"), "password": PW, "role": "therapist"}
    for bad in ("ab", "a b", "名前", "x@aoba", "x@@kita", "x" * 101):
        api = _create(world, "kenji", bad)
        web = browser.post("/admin/users", data={**form, "username": bad})
        assert api.status_code == web.status_code == 422, (bad, api.status_code, web.status_code)
        assert api.json()["error"]["problems"][0]["field"] == "username"
        assert "field-error" in web.text and f'value="{bad}"' in web.text  # beside the field, the value kept
    stem = _name("webby")
    made = browser.post("/admin/users", data={**form, "username": stem}, follow_redirects=False)
    assert made.status_code == 303
    assert _login(world, f"{stem}@kita").status_code == 200
