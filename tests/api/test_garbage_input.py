"""F15: garbage the API used to accept — duplicate JSON keys, a BOM, invisible or control-character names,
``birth_year`` as a string, session logs naming exercises that are not in the patient's program — and the
therapist's staff-only note, which a patient reading their own record no longer sees. Both DBs."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from personas import web_client

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
    pid = world.clinics["aoba"].patient_id
    note = "staff only: 画面に出さない"
    assert world.client("taro").patch(f"/api/v1/patients/{pid}", json={"note": note}).status_code == 200
    browser = web_client(world, "hana")
    for path in ("/me", "/me/progress"):
        page = browser.get(path)
        assert page.status_code == 200 and note not in page.text, path


@pytest.mark.parametrize("year", ["1970", "", "１９７０", 1970.0, True])
def test_birth_year_must_be_a_json_number_not_text(world, year):
    taro = world.client("taro")
    resp = taro.post("/api/v1/patients", json={"name": "生年 太郎", "birth_year": year})
    assert resp.status_code == 422, resp.text
    problem = resp.json()["error"]["problems"][0]
    assert problem["field"] == "birth_year" and problem["message_ja"], problem
    pid = world.clinics["aoba"].other_patient_id
    patch = taro.patch(f"/api/v1/patients/{pid}", json={"birth_year": year})
    assert patch.status_code == 422 and patch.json()["error"]["problems"][0]["field"] == "birth_year"
    assert taro.get(f"/api/v1/patients/{pid}").json()["birth_year"] == 1960  # unchanged


def test_a_birth_year_number_is_still_taken(world):
    taro = world.client("taro")
    made = taro.post("/api/v1/patients", json={"name": "生年 花子", "birth_year": 1970})
    assert made.status_code == 201 and made.json()["birth_year"] == 1970
    assert taro.patch(f"/api/v1/patients/{made.json()['id']}", json={"birth_year": None}).json()["birth_year"] is None


def _csrf(browser: TestClient, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', browser.get(path).text).group(1)


@pytest.mark.parametrize("typed", ["１９７０", "19²0", "1970年", "一九七〇"])
def test_the_web_patient_form_refuses_a_birth_year_that_is_not_ascii_digits_and_keeps_what_was_typed(world, typed):
    browser = web_client(world, "taro")
    form = {"name": "フォーム 生年", "furigana": "ふぉーむ", "birth_year": typed, "csrf_token": _csrf(browser, "/patients")}
    page = browser.post("/patients", data=form, follow_redirects=False)
    assert page.status_code == 422, page.text[:500]
    assert "生年は半角数字で入力してください" in page.text  # the message names the field (the page is in Japanese)
    assert f'value="{typed}"' in page.text and 'value="フォーム 生年"' in page.text and 'value="ふぉーむ"' in page.text


@pytest.mark.parametrize("typed", ["1899", "2101", "9" * 5000])  # 5000 digits: past what int() reads (was a 500)
def test_the_web_patient_form_names_a_birth_year_out_of_range(world, typed):
    browser = web_client(world, "taro")
    form = {"name": "範囲 外", "birth_year": typed, "csrf_token": _csrf(browser, "/patients")}
    page = browser.post("/patients", data=form, follow_redirects=False)
    assert page.status_code == 422, page.text[:300]
    assert re.search(r"(1900 以上|2100 以下)の値を入力してください", page.text) and f'value="{typed}"' in page.text


def test_the_web_patient_form_takes_ascii_digits_and_an_empty_birth_year(world):
    browser = web_client(world, "taro")
    for typed, stored in (("1962", 1962), (" 1962 ", 1962), ("", None)):
        form = {"name": f"フォーム {typed!r}", "birth_year": typed, "csrf_token": _csrf(browser, "/patients")}
        made = browser.post("/patients", data=form, follow_redirects=False)
        assert made.status_code == 303, made.text[:500]
        pid = int(made.headers["location"].rsplit("/", 1)[1])
        assert world.client("taro").get(f"/api/v1/patients/{pid}").json()["birth_year"] == stored


EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "01_hamstring_office_worker.yaml"


def _issued_plan(world, pid: int) -> dict:
    """A plan the engine issues (the example case), made by taro for patient ``pid``."""
    taro = world.client("taro")
    made = taro.post(f"/api/v1/patients/{pid}/assessments", json={"case": yaml.safe_load(EXAMPLE.read_text("utf-8"))})
    assert made.status_code == 201, made.text
    plan = taro.post("/api/v1/plans", json={"assessment_id": made.json()["id"]})
    assert plan.status_code == 201, plan.text
    return plan.json()


def _ids(plan: dict) -> list[str]:
    return [ex["id"] for c in plan["program"]["components"] for ex in c["exercises"]]


def _problems(resp) -> dict[str, str]:
    assert resp.status_code == 422, resp.text
    return {p["field"]: p["code"] for p in resp.json()["error"]["problems"]}


def test_a_session_log_may_only_name_exercises_of_the_effective_plan(world):
    taro = world.client("taro")
    pid = taro.post("/api/v1/patients", json={"name": "Session Ids"}).json()["id"]
    path = f"/api/v1/patients/{pid}/sessions"
    # no plan yet: no exercise can be in it, but a log without exercises is fine
    assert _problems(taro.post(path, json={"date": "2026-02-02", "exercises": [{"id": "bird_dog"}]})) == {
        "exercises.0.id": "not_in_plan"}
    assert taro.post(path, json={"date": "2026-02-02", "pain_before": 3}).status_code == 201
    plan = _issued_plan(world, pid)
    first, removed = _ids(plan["effective"])[:2]
    taro.post(f"/api/v1/plans/{plan['id']}/edits", json={"reason": "t", "op": "remove",
                                                         "path": "/program/components/0/exercises/1"})
    swap = taro.post(f"/api/v1/plans/{plan['id']}/edits", json={"reason": "t", "op": "swap", "exercise_id": "bird_dog",
                                                                "path": "/program/components/0/exercises/0"})
    assert swap.status_code == 201, swap.text
    assert removed not in _ids(swap.json()["effective"]) and first not in _ids(swap.json()["effective"])
    after_the_edits = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    for body in ({"plan_id": plan["id"]}, {}):  # the named plan, or the latest one
        bad = taro.post(path, json={"date": after_the_edits, "exercises": [{"id": "bird_dog"}, {"id": removed},
                                                                       {"id": "no_such_exercise"}, {"id": first}], **body})
        assert _problems(bad) == {"exercises.1.id": "not_in_plan", "exercises.2.id": "not_in_plan",
                                  "exercises.3.id": "not_in_plan"}
        assert bad.json()["error"]["problems"][0]["message_ja"]
        ok = taro.post(path, json={"date": "2026-02-03", "exercises": [{"id": "bird_dog", "sets": 2}], **body})
        assert ok.status_code == 201, ok.text  # an exercise the therapist swapped in is in the plan
    # the refused logs stored nothing
    dates = [s["date"] for s in taro.get(path).json()["items"]]
    assert sorted(dates) == ["2026-02-02", "2026-02-03", "2026-02-03"]


def test_a_log_of_a_day_when_the_exercise_was_still_in_the_plan_is_stored(world):
    # The offline queue may send a log days later, after the therapist took one of its exercises out: it was in
    # the plan on the log's day, so the log is stored; the same exercise on a later day is refused.
    taro = world.client("taro")
    pid = taro.post("/api/v1/patients", json={"name": "Offline Log"}).json()["id"]
    plan = _issued_plan(world, pid)
    kept, removed = _ids(plan["effective"])[:2]
    edits = f"/api/v1/plans/{plan['id']}/edits"
    assert taro.post(edits, json={"reason": "t", "op": "remove", "path": "/program/components/0/exercises/1"}
                     ).status_code == 201
    added = taro.post(edits, json={"reason": "t", "op": "add", "exercise_id": "bird_dog",
                                   "path": "/program/components/0"})
    assert added.status_code == 201, added.text
    assert taro.post(edits, json={"reason": "t", "op": "revert", "edit": 2}).status_code == 201
    effective = _ids(taro.get(f"/api/v1/plans/{plan['id']}").json()["effective"])
    assert removed not in effective and "bird_dog" not in effective and kept in effective
    path = f"/api/v1/patients/{pid}/sessions"
    today, tomorrow = dt.date.today(), dt.date.today() + dt.timedelta(days=1)
    for day in (today - dt.timedelta(days=3), today):  # logged offline before (or on the day of) the edits
        ok = taro.post(path, json={"date": day.isoformat(), "exercises": [{"id": kept}, {"id": removed},
                                                                          {"id": "bird_dog"}]})
        assert ok.status_code == 201, ok.text
    late = taro.post(path, json={"date": tomorrow.isoformat(), "exercises": [{"id": kept}, {"id": removed},
                                                                            {"id": "bird_dog"}]})
    assert _problems(late) == {"exercises.1.id": "not_in_plan", "exercises.2.id": "not_in_plan"}


def test_a_patient_logging_their_own_session_is_held_to_their_plan_in_the_api_and_the_web_form(world):
    pid = world.clinics["aoba"].patient_id
    plan = _issued_plan(world, pid)
    ids = _ids(plan["effective"])
    hana = world.client("hana")
    path = f"/api/v1/patients/{pid}/sessions"
    assert _problems(hana.post(path, json={"date": "2026-02-04", "exercises": [{"id": "bird_dog"}]})) == {
        "exercises.0.id": "not_in_plan"}
    assert hana.post(path, json={"date": "2026-02-04", "exercises": [{"id": ids[0]}]}).status_code == 201
    before = len(hana.get(path).json()["items"])
    browser = web_client(world, "hana")
    form = {"csrf_token": _csrf(browser, "/me"), "performed_on": "2026-02-05", "pain_before": "4", "note": "膝が少し痛い",
            "done": [ids[0], "bird_dog"]}
    page = browser.post("/me/sessions", data=form, follow_redirects=False)
    assert page.status_code == 422, page.text[:500]
    assert "今のプログラムにありません" in page.text
    assert 'value="4"' in page.text and "膝が少し痛い" in page.text  # what was typed is kept
    assert len(hana.get(path).json()["items"]) == before  # nothing stored
    form["done"] = [ids[0]]
    assert browser.post("/me/sessions", data=form, follow_redirects=False).status_code == 303
    assert len(hana.get(path).json()["items"]) == before + 1
