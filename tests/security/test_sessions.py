"""Sessions and passwords: a new password or a deactivation ends the user's sessions and API tokens (and
reactivation does not revive them); the password policy; an admin cannot deactivate themselves."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sec_helpers import PASSWORD, sqlite_world

from ptplan.store import auth


@pytest.fixture
def world(tmp_path):
    with sqlite_world(tmp_path) as w:
        yield w


def _session(world, username) -> TestClient:
    browser = TestClient(world.app, raise_server_exceptions=False)
    assert browser.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD}).status_code == 200
    return browser


@pytest.mark.parametrize("change", [{"password": "a brand new passphrase 42"}, {"active": False}])
def test_a_reset_or_deactivation_ends_sessions_and_tokens_for_good(world, change):
    browser, bearer = _session(world, "taro"), world.client("taro")
    assert browser.get("/api/v1/auth/me").status_code == 200 and bearer.get("/api/v1/auth/me").status_code == 200
    admin = world.client("ayako")
    taro_id = world.clinics["aoba"].user_ids["taro"]
    assert admin.patch(f"/api/v1/users/{taro_id}", json=change).status_code == 200
    assert browser.get("/api/v1/auth/me").status_code == 401
    assert bearer.get("/api/v1/auth/me").status_code == 401
    if change.get("active") is False:
        assert admin.patch(f"/api/v1/users/{taro_id}", json={"active": True}).status_code == 200
        assert browser.get("/api/v1/auth/me").status_code == 401 and bearer.get("/api/v1/auth/me").status_code == 401
    # the other users' sessions are untouched
    assert world.client("hana").get("/api/v1/auth/me").status_code == 200


def test_an_admin_cannot_deactivate_themselves(world):
    me = world.clinics["aoba"].user_ids["ayako"]
    resp = world.client("ayako").patch(f"/api/v1/users/{me}", json={"active": False})
    assert resp.status_code == 422 and resp.json()["error"]["problems"][0]["field"] == "active"
    assert world.client("ayako").get("/api/v1/auth/me").status_code == 200


WEAK = ["password", "12345678", "aaaaaaaa", " " * 12, "\u3000" * 12, "😀" * 12, "Passw0rd", "Passw0rd1234",
        "password1234", "newbie-user1", "qwertyuiop12", "abcdefghijkl"]


@pytest.mark.parametrize("weak", WEAK)
def test_the_password_policy_refuses_weak_passwords(world, weak):
    body = {"username": "newbie-user1", "password": weak, "role": "therapist"}
    resp = world.client("ayako").post("/api/v1/users", json=body)
    assert resp.status_code == 422, weak
    assert resp.json()["error"]["problems"][0]["field"] == "password"


def test_the_policy_accepts_long_phrases_in_either_language():
    for good in ("long-enough-pw", "correct horse battery", "腰痛体操を毎日続けています", "Tr0ub4dor&3xyz"):
        assert auth.password_problems(good, "newbie") == [], good
    assert isinstance(auth.password_problems("x" * 5000 + "!Qz9"), list)  # a long input answers (bounded work)
    assert auth.password_problems("short", "u")[0].startswith("expected at least 12")


def test_passwords_of_64_to_128_characters_are_accepted_and_longer_ones_refused_with_the_limit(world):
    # ASVS V2.1.2; a random-looking phrase so zxcvbn has nothing to say about it
    phrase = "腰痛体操を毎日続けて膝も楽 Kz7-q" * 60  # 1200 characters
    for length in (64, 128):
        assert auth.password_problems(phrase[:length], "newbie") == [], length
    refused = auth.password_problems(phrase[:129], "newbie")
    assert refused and "at most 128" in refused[0] and "128 文字以内" in refused[0]
    admin = world.client("ayako")
    for length, status in ((64, 201), (128, 201), (129, 422), (1001, 422)):
        body = {"username": f"len{length}-user", "password": phrase[:length], "role": "therapist"}
        resp = admin.post("/api/v1/users", json=body)
        assert resp.status_code == status, (length, resp.text)
        if status == 422:
            problem = resp.json()["error"]["problems"][0]
            assert problem["field"] == "password" and "128" in problem["message"] and "128 文字以内" in problem["message_ja"]
    user_id = admin.get("/api/v1/users", params={"limit": 200}).json()["items"][-1]["id"]
    too_long = admin.patch(f"/api/v1/users/{user_id}", json={"password": phrase[:129]})
    assert too_long.status_code == 422 and too_long.json()["error"]["problems"][0]["field"] == "password"


def test_the_web_admin_form_uses_the_same_rules(world):
    import re

    browser = TestClient(world.app, raise_server_exceptions=False)
    token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/login").text).group(1)
    assert browser.post("/login", data={"username": "ayako", "password": PASSWORD, "csrf_token": token},
                        follow_redirects=False).status_code == 303
    csrf = browser.cookies.get("ptplan_csrf")
    form = {"csrf_token": csrf, "username": "web-newbie", "password": "password1234", "role": "therapist"}
    resp = browser.post("/admin/users", data=form)
    assert resp.status_code == 422 and 'value="web-newbie"' in resp.text
    for bad in ("<b>x y</b>", "x" * 300, "a\x00b"):
        assert browser.post("/admin/users", data={**form, "username": bad,
                                                  "password": "long-enough-pw"}).status_code == 422, bad
