"""Assessments stored before case format version 2 keep working: the stored JSON stays as it was, and a
plan made from it today uses the upgraded red-flag questions (ptplan.core.case_upgrade)."""

import datetime as dt
from pathlib import Path

import yaml

from ptplan.store import repositories as repo
from ptplan.store.models import Patient

STORED_V1 = Path(__file__).parents[1] / "core" / "fixtures" / "cases" / "stored_v1_knee_to_back.yaml"


def test_it_plans_from_an_assessment_stored_in_the_version_1_format(sqlite_world):
    world, clinic = sqlite_world, sqlite_world.clinics["aoba"]
    old = yaml.safe_load(STORED_V1.read_text(encoding="utf-8"))
    assert "fever_or_unwell" in old["red_flags"] and "schema_version" not in old
    with world.app.state.sessions() as db:
        assessment = repo.add_assessment(db, db.get(Patient, clinic.patient_id), old, dt.date(2026, 11, 5), None)
        db.commit()
        stored_id = assessment.id
    taro = world.client("taro")
    resp = taro.post("/api/v1/plans", json={"assessment_id": stored_id, "lang": "en"})
    assert resp.status_code == 201, resp.text
    triage = resp.json()["plan"]["triage"]
    assert triage["level"] == "incomplete"  # the questions version 2 added were never asked
    assert "fever" not in {q["id"] for q in triage["to_ask"]}  # the old fever answer carried over
    kept = taro.get(f"/api/v1/assessments/{stored_id}").json()["case"]
    assert kept == old  # nothing stored is lost or rewritten


def test_it_never_sends_a_patient_a_provisional_program(sqlite_world):
    world, clinic = sqlite_world, sqlite_world.clinics["aoba"]
    taro, hana = world.client("taro"), world.client("hana")
    case = {"demographics": {"age": 70, "sex": "female"}, "pain": [{"site": "low_back", "nrs": 6}]}  # nothing asked
    assessment = taro.post(f"/api/v1/patients/{clinic.patient_id}/assessments", json={"case": case}).json()
    made = taro.post("/api/v1/plans", json={"assessment_id": assessment["id"]}).json()
    assert made["plan"]["program"]["status"] == "provisional" and made["plan"]["program"]["components"]
    first = made["plan"]["program"]["components"][0]
    edit = {"op": "note", "path": "/program/components/0/exercises/0", "reason": f"check {first['exercises'][0]['id']}"}
    assert taro.post(f"/api/v1/plans/{made['id']}/edits", json=edit).status_code == 201
    got = hana.get(f"/api/v1/plans/{made['id']}").json()
    seen = got["plan"]
    assert seen["triage"]["level"] == "incomplete" and seen["program"]["components"] == [] and seen["advice"] == []
    assert got["effective"]["program"]["components"] == [] and got["effective"]["advice"] == []
    assert got["edits"] == []  # edit records name the program's exercises
    listed = hana.get(f"/api/v1/patients/{clinic.patient_id}/plans").json()["items"]
    assert all(p["plan"]["program"]["components"] == [] for p in listed if p["id"] == made["id"])
    assert all(p["effective"]["program"]["components"] == [] for p in listed if p["id"] == made["id"])
    document = hana.get(f"/api/v1/plans/{made['id']}/document", params={"format": "json"})
    assert document.status_code == 200 and document.json()["program"]["components"] == []
    staff = taro.get(f"/api/v1/plans/{made['id']}").json()  # the therapist sees it, marked provisional
    assert staff["plan"]["program"]["components"] and staff["effective"]["program"]["status"] == "provisional"
    assert len(staff["edits"]) == 1
