"""F15: garbage the API used to accept — duplicate JSON keys, a BOM, invisible or control-character names —
and the therapist's staff-only note, which a patient reading their own record no longer sees. Both DBs."""

from __future__ import annotations

import json

import pytest

BAD_NAMES = {"only a zero-width space": "\u200b", "only spaces": "   ", "only ideographic spaces": "\u3000\u3000",
             "RTL override": "ab\u202ecd", "ESC": "a\x1bb", "BEL": "a\x07", "noncharacter": "a\ufdd0",
             "U+FFFF": "a\uffff"}


def _post(client, path: str, raw: bytes):
    return client.post(f"/api/v1{path}", content=raw, headers={"Content-Type": "application/json"})


def test_a_duplicate_json_key_is_a_422_naming_the_key(world):
    resp = _post(world.client("taro"), "/patients", b'{"name": "a", "name": "b"}')
    assert resp.status_code == 422, resp.text
    problem = resp.json()["error"]["problems"][0]
    assert problem["field"] == "name" and problem["code"] == "duplicate_key" and problem["message_ja"]
    nested = _post(world.client("taro"), "/patients", b'{"name": "a", "x": {"k": 1, "k": 2}}')
    assert nested.status_code == 422 and nested.json()["error"]["problems"][0]["field"] == "k"


def test_a_utf8_bom_body_is_read_as_the_json_it_is(world):
    resp = _post(world.client("taro"), "/patients", b"\xef\xbb\xbf" + json.dumps({"name": "BOM 太郎"}).encode())
    assert resp.status_code == 201, resp.text
    assert resp.json()["name"] == "BOM 太郎"


@pytest.mark.parametrize("name", BAD_NAMES.values(), ids=BAD_NAMES.keys())
def test_a_name_without_visible_text_or_with_control_characters_is_a_422_naming_it(world, name):
    taro = world.client("taro")
    resp = taro.post("/api/v1/patients", json={"name": name})
    assert resp.status_code == 422, resp.text
    problem = resp.json()["error"]["problems"][0]
    assert problem["field"] == "name" and problem["code"] in ("name_blank", "name_text") and problem["message_ja"]
    pid = world.clinics["aoba"].other_patient_id
    patch = taro.patch(f"/api/v1/patients/{pid}", json={"name": name})
    assert patch.status_code == 422 and patch.json()["error"]["problems"][0]["field"] == "name"


def test_ordinary_names_in_either_script_still_pass(world):
    for name in ("山田 花子", "Zoë O'Neill", "ヤマダ・ハナコ"):
        assert world.client("taro").post("/api/v1/patients", json={"name": name}).status_code == 201, name


def test_a_patient_reading_their_own_record_does_not_see_the_staff_note(world):
    pid = world.clinics["aoba"].patient_id
    note = "staff only: 疼痛の訴え方に注意"
    assert world.client("taro").patch(f"/api/v1/patients/{pid}", json={"note": note}).status_code == 200
    assert world.client("taro").get(f"/api/v1/patients/{pid}").json()["note"] == note
    own = world.client("hana").get(f"/api/v1/patients/{pid}")
    assert own.status_code == 200 and own.json()["note"] is None
    assert note not in own.text
    assert world.client("taro").get(f"/api/v1/patients/{pid}").json()["note"] == note  # the stored note is kept


def test_the_patients_own_web_pages_do_not_show_the_staff_note(world):
    import re

    from fastapi.testclient import TestClient
    from personas import PASSWORD

    pid = world.clinics["aoba"].patient_id
    note = "staff only: 画面に出さない"
    assert world.client("taro").patch(f"/api/v1/patients/{pid}", json={"note": note}).status_code == 200
    browser = TestClient(world.app, raise_server_exceptions=False)
    token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/login").text).group(1)
    assert browser.post("/login", data={"username": "hana", "password": PASSWORD, "csrf_token": token},
                        follow_redirects=False).status_code == 303
    for path in ("/me", "/me/progress"):
        page = browser.get(path)
        assert page.status_code == 200 and note not in page.text, path
