"""The edited plan is the plan: the review, adherence, the patient's page and a re-assessment all use
the effective plan (generated plan + typed edits), and no edit can make a plan unreadable."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _case(name: str) -> dict:
    return yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))


def _new_plan(taro, case: dict, patient_id: int | None = None) -> tuple[int, dict]:
    pid = patient_id or taro.post("/api/v1/patients", json={"name": "Edit Patient"}).json()["id"]
    made = taro.post(f"/api/v1/patients/{pid}/assessments", json={"case": case})
    assert made.status_code == 201, made.text
    plan = taro.post("/api/v1/plans", json={"assessment_id": made.json()["id"]})
    assert plan.status_code == 201, plan.text
    return pid, plan.json()


def _edit(taro, plan_id: int, **op):
    resp = taro.post(f"/api/v1/plans/{plan_id}/edits", json={"reason": "test", **op})
    assert resp.status_code == 201, resp.text
    return resp.json()


def _ids(plan: dict) -> list[str]:
    return [ex["id"] for c in plan["program"]["components"] for ex in c["exercises"]]


def test_it_reviews_the_swapped_exercise_the_patient_logged(world):
    taro = world.client("taro")
    pid, plan = _new_plan(taro, _case("01_hamstring_office_worker.yaml"))
    old = plan["plan"]["program"]["components"][0]["exercises"][0]["id"]
    after = _edit(taro, plan["id"], op="swap", path="/program/components/0/exercises/0", exercise_id="bird_dog")
    assert after["plan"] == plan["plan"] and after["effective"]["program"]["components"][0]["exercises"][0]["id"] == "bird_dog"
    for day in ("2026-02-02", "2026-02-04", "2026-02-06"):
        assert taro.post(f"/api/v1/patients/{pid}/sessions", json={"date": day, "exercises": [{"id": "bird_dog"}],
                                                                    "plan_id": plan["id"]}).status_code == 201
    review = taro.post(f"/api/v1/plans/{plan['id']}/reviews", json={"lang": "en"}).json()["detail"]
    assert review["adherence"]["per_exercise"]["bird_dog"]["done"] == 3
    assert old not in review["adherence"]["per_exercise"]
    assert [e["id"] for e in review["exercises"]] == _ids(after["effective"])


def test_it_carries_edits_that_still_apply_into_the_plan_of_a_reassessment(world):
    taro = world.client("taro")
    pid, plan = _new_plan(taro, _case("01_hamstring_office_worker.yaml"))
    first = plan["plan"]["program"]["components"]
    assert [e["id"] for e in first[0]["exercises"]][:3] == ["pelvic_tilt_control", "pilates_pelvic_curl", "prone_drawing_in"]
    assert [e["id"] for e in first[1]["exercises"]][1] == "hip_hinge_dowel"
    _edit(taro, plan["id"], op="swap", path="/program/components/0/exercises/0", exercise_id="bird_dog")
    _edit(taro, plan["id"], op="remove", path="/program/components/0/exercises/2")  # prone_drawing_in
    _edit(taro, plan["id"], op="dose", path="/program/components/1/exercises/1", dose={"sets": 1})  # hip_hinge_dowel
    # example 03's program has pelvic_tilt_control but neither prone_drawing_in nor hip_hinge_dowel
    _pid, second = _new_plan(taro, _case("03_faulty_squat_gait.yaml"), pid)
    assert [(e["op"], e["carried_from"]["edit"]) for e in second["edits"] if e["op"] != "note"] == [("swap", 1)]
    assert "bird_dog" in _ids(second["effective"]) and "pelvic_tilt_control" not in _ids(second["effective"])
    assert [(d["op"], d["exercise"]) for d in second["not_carried"]] == [("remove", "prone_drawing_in"),
                                                                         ("dose", "hip_hinge_dowel")]
    hana_view = world.client("taro").get(f"/api/v1/plans/{second['id']}").json()
    assert hana_view["not_carried"] == second["not_carried"]


@pytest.mark.parametrize("body", [
    {"op": "set", "path": "", "value": None, "reason": "x"},
    {"op": "remove", "path": "", "reason": "x"},
    {"op": "dose", "path": "/program/components/0/exercises/0", "dose": {"sets": "three"}, "reason": "x"},
    {"op": "dose", "path": "/program/components/0/exercises/0", "dose": ["3"], "reason": "x"},
    {"op": "swap", "path": "/program/components/0/exercises/0", "exercise_id": "bird_dog", "value": [[[[]]]],
     "reason": "x"},
    '{"op": "note", "path": "/program/components/0/why", "reason": "a\\ud800b"}',  # a lone surrogate, as JSON
    {"op": "swap", "path": "/program/components/0/exercises/0", "exercise_id": "no_such_exercise", "reason": "x"},
])
def test_it_refuses_edits_that_would_break_the_plan_and_every_page_still_opens(world, body):
    c = world.clinics["aoba"]
    taro = world.client("taro")
    resp = taro.post(f"/api/v1/plans/{c.plan_id}/edits", **({"content": body, "headers": {"content-type": "application/json"}}
                                                              if isinstance(body, str) else {"json": body}))
    assert resp.status_code == 422, resp.text
    assert resp.json()["error"]["problems"][0]["field"]
    for path in (f"/api/v1/plans/{c.plan_id}", f"/api/v1/patients/{c.patient_id}/plans"):
        assert taro.get(path).status_code == 200
    assert world.client("hana").get(f"/api/v1/plans/{c.plan_id}").status_code == 200


@pytest.mark.parametrize("fmt", ["md", "fhir", "html"])
def test_it_exports_the_effective_plan_as_a_document(world, fmt):
    taro = world.client("taro")
    _pid, plan = _new_plan(taro, _case("01_hamstring_office_worker.yaml"))
    _edit(taro, plan["id"], op="swap", path="/program/components/0/exercises/0", exercise_id="bird_dog")
    old = plan["plan"]["program"]["components"][0]["exercises"][0]["id"]
    resp = taro.get(f"/api/v1/plans/{plan['id']}/document", params={"format": fmt})
    assert resp.status_code == 200, resp.text[:300]
    assert "bird_dog" in resp.text or "バードドッグ" in resp.text or "Bird" in resp.text
    assert old not in resp.text


def test_it_answers_422_for_an_assessment_this_version_cannot_read(world):
    from ptplan.store import repositories as repo

    c = world.clinics["aoba"]
    with world.app.state.sessions() as db:
        patient = repo.get_patient(db, c.id, c.other_patient_id)
        old = repo.add_assessment(db, patient, {"demographics": {"age": "forty"}, "retired_field": 1}, None, None)
        db.commit()
        old_id = old.id
    resp = world.client("taro").post("/api/v1/plans", json={"assessment_id": old_id})
    assert resp.status_code == 422 and resp.json()["error"]["problems"][0]["field"] == "assessment_id"


def test_it_plans_with_the_knowledge_base_the_server_was_given(tmp_path):
    import dataclasses

    from fastapi.testclient import TestClient

    from ptplan.core.kb.loader import default_kb
    from ptplan.server import create_app
    from ptplan.settings import Settings

    packaged = default_kb()
    pinned = dataclasses.replace(packaged, meta=packaged.meta.model_copy(update={"version": "clinic-pinned-1"}))
    app = create_app(Settings(data_dir=tmp_path, secret_key="test-secret-key-0123456789abcdef"), kb=pinned)
    plan = TestClient(app).post("/api/v1/plans:preview", json=_case("01_hamstring_office_worker.yaml")).json()
    assert plan["kb_version"] == "clinic-pinned-1"  # resolved once at start and handed to the use cases


def test_it_says_which_extra_a_document_format_needs(world, monkeypatch):
    from ptplan import render

    monkeypatch.setitem(render.RENDERERS, "fhir", render.Renderer("fhir", "fhir_extra_not_here:render", "x", ".json"))
    resp = world.client("taro").get(f"/api/v1/plans/{world.clinics['aoba'].plan_id}/document", params={"format": "fhir"})
    assert resp.status_code == 501 and "ptplan[render]" in resp.json()["error"]["message"]


def test_it_exports_the_rehab_plan_of_the_effective_plan_with_the_case(world):
    import io

    from pypdf import PdfReader

    taro = world.client("taro")
    case = _case("04_knee_to_back.yaml")
    _pid, plan = _new_plan(taro, case)
    _edit(taro, plan["id"], op="swap", path="/program/components/0/exercises/0", exercise_id="straight_leg_raise")
    html = taro.get(f"/api/v1/plans/{plan['id']}/document", params={"format": "rehab-plan-html"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "リハビリテーション実施計画書" in html.text and "SLR運動" in html.text  # the edited program
    assert all(goal in html.text for goal in case["goals"])  # from the stored case
    pdf = taro.get(f"/api/v1/plans/{plan['id']}/document", params={"format": "rehab-plan"})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "計画評価実施日 2026年11月5日" in text
    other = world.client("mika").get(f"/api/v1/plans/{plan['id']}/document", params={"format": "rehab-plan"})
    assert other.status_code == 404  # a therapist of another clinic does not learn the plan exists
