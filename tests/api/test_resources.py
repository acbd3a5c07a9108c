"""Behaviour of the resources beyond access: versions, plans with edits, paging, search, export, preview."""

import csv
import io

CASE = {"lang": "en", "demographics": {"age": 48, "sex": "female"}, "pain": [{"site": "low_back", "nrs": 5}],
        "red_flags": {"saddle_numbness": "no"}}


def test_it_answers_health_without_login(world):
    assert world.client().get("/api/v1/health").json() == {"status": "ok"}


def test_it_previews_a_plan_without_storing_anything(world):
    resp = world.client().post("/api/v1/plans:preview", params={"lang": "en"}, json=CASE)
    assert resp.status_code == 200
    plan = resp.json()
    assert plan["kb_version"] and plan["lang"] == "en" and "triage" in plan and plan["disclaimer"]


def test_it_previews_a_red_flag_case_as_no_exercise(world):
    plan = world.client().post("/api/v1/plans:preview", json={**CASE, "red_flags": {"saddle_numbness": "yes"}}).json()
    assert plan["triage"]["exercise_allowed"] is False
    assert plan["triage"]["level"] == "emergency"
    assert plan["program"]["components"] == []


def test_it_adds_assessment_versions_and_makes_a_plan_from_one(world):
    taro, hana = world.client("taro"), world.clinics["aoba"].patient_id
    first = taro.post(f"/api/v1/patients/{hana}/assessments", json={"case": CASE}).json()
    second = taro.post(f"/api/v1/patients/{hana}/assessments", json={"case": {**CASE, "notes": "week 4"}}).json()
    assert second["version"] == first["version"] + 1
    assert taro.get(f"/api/v1/assessments/{first['id']}").json()["case"] == first["case"]
    plan = taro.post("/api/v1/plans", json={"assessment_id": second["id"], "lang": "en"})
    assert plan.status_code == 201
    assert plan.json()["assessment_id"] == second["id"] and plan.json()["kb_version"]


def test_it_appends_edits_and_keeps_the_generated_plan(world):
    taro, plan_id = world.client("taro"), world.clinics["aoba"].plan_id
    before = taro.get(f"/api/v1/plans/{plan_id}").json()
    edit = {"op": "note", "path": "/program/components", "reason": "pain flared; pause the program"}
    after = taro.post(f"/api/v1/plans/{plan_id}/edits", json=edit).json()
    assert after["plan"] == before["plan"]
    assert after["edits"][-1]["by"] == "taro" and len(after["edits"]) == len(before["edits"]) + 1


def test_it_refuses_an_edit_pointing_outside_the_plan(world):
    plan_id = world.clinics["aoba"].plan_id
    resp = world.client("taro").post(f"/api/v1/plans/{plan_id}/edits",
                                     json={"op": "remove", "path": "/nope/3", "reason": "x"})
    assert resp.status_code == 422
    assert resp.json()["error"]["problems"][0]["field"] == "path"


def test_it_pages_and_searches_patients_by_name(world):
    taro = world.client("taro")
    for name in ("検索 一郎", "検索 二郎", "別人 三郎"):
        taro.post("/api/v1/patients", json={"name": name})
    found = taro.get("/api/v1/patients", params={"q": "検索", "limit": 1, "offset": 1}).json()
    assert found["total"] == 2 and found["limit"] == 1 and found["offset"] == 1
    assert [p["name"] for p in found["items"]] == ["検索 二郎"]


def test_it_never_lists_patients_of_another_clinic(world):
    names = {p["name"] for p in world.client("taro").get("/api/v1/patients", params={"limit": 200}).json()["items"]}
    assert names and not any(n.startswith("Kita") for n in names)


def test_it_exports_anonymized_outcomes_of_the_own_clinic(world):
    resp = world.client("taro").get("/api/v1/exports/outcomes.csv")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(resp.text)))
    assert rows and all(len(r["subject"]) == 12 for r in rows)
    assert "Aoba" not in resp.text and "Kita" not in resp.text
    nrs = [r for r in rows if r["measure"] == "nrs"]
    assert nrs[0]["first_score"] == "6" and nrs[0]["age_band"]


def test_it_stores_a_review_decision_for_a_plan(world):
    taro, c = world.client("taro"), world.clinics["aoba"]
    made = taro.post(f"/api/v1/plans/{c.plan_id}/reviews", json={"lang": "en"})
    assert made.status_code == 201 and made.json()["decision"]
    listed = taro.get(f"/api/v1/patients/{c.patient_id}/reviews").json()
    assert made.json()["id"] in {r["id"] for r in listed["items"]}


def test_it_refuses_a_session_linked_to_another_patients_plan(world):
    c = world.clinics["aoba"]
    other_plan = world.client("taro").get(f"/api/v1/patients/{c.other_patient_id}/plans").json()["items"][0]["id"]
    resp = world.client("taro").post(f"/api/v1/patients/{c.patient_id}/sessions",
                                     json={"date": "2026-02-01", "plan_id": other_plan})
    assert resp.status_code == 422 and resp.json()["error"]["problems"][0]["field"] == "plan_id"
