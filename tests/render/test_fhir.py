import json

import pytest

from ptplan.render import render
from ptplan.render.fhir import bundle

R4B = pytest.importorskip("fhir.resources.R4B.bundle")

CASE = {"assessed_on": "2026-11-20", "questionnaires": {"nrs": [6], "odi": [2, 1, 3, None, 2, 2, 1, 0, 2, 1]}}


def _resources(b: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in b["entry"] if e["resource"]["resourceType"] == kind]


def test_it_validates_as_a_fhir_bundle(plan_ja):
    text = render(plan_ja, "fhir", case=CASE, date="2026-11-22")
    model = R4B.Bundle.model_validate_json(text)
    kinds = sorted({e.resource.get_resource_type() for e in model.entry})
    assert kinds == ["CarePlan", "Condition", "Observation", "Patient", "QuestionnaireResponse"]


def test_it_lists_each_exercise_with_code_timing_and_quantity(plan_ja):
    b = bundle(plan_ja, "ja", date="2026-11-22")
    (plan,) = _resources(b, "CarePlan")
    details = [a["detail"] for a in plan["activity"]]
    assert [d["code"]["coding"][0]["code"] for d in details][:2] == ["drawing_in_supine", "bridge"]
    bridge = details[1]
    assert bridge["code"]["coding"][0]["system"] == "urn:ptplan:exercise"
    assert bridge["scheduledTiming"]["repeat"] == {"frequency": 3, "period": 1, "periodUnit": "wk"}
    assert bridge["quantity"]["value"] == 20 and bridge["quantity"]["code"] == "{repetitions}"
    assert bridge["description"].startswith("10回 × 2セット・5秒保持・週3回.")
    assert plan["status"] == "active" and plan["intent"] == "plan"
    assert plan["period"] == {"start": "2026-11-22", "end": "2026-12-20"}  # until the review in 4 weeks


def test_it_makes_hypotheses_provisional_conditions(plan_ja):
    b = bundle(plan_ja, "ja")
    conds = {c["code"]["coding"][0]["code"]: c for c in _resources(b, "Condition")}
    assert conds["h_motor_control_deficit"]["verificationStatus"]["coding"][0]["code"] == "provisional"
    assert conds["h_knee_to_back"]["verificationStatus"]["coding"][0]["code"] == "differential"
    evidence = conds["h_motor_control_deficit"]["evidence"][0]["code"]
    assert {c["coding"][0]["code"] for c in evidence} == {"drawing_in_failure", "lumbopelvic_control_deficit"}
    (plan,) = _resources(b, "CarePlan")
    urls = {e["fullUrl"] for e in b["entry"] if e["resource"]["resourceType"] == "Condition"}
    assert {a["reference"] for a in plan["addresses"]} == urls


def test_it_codes_pain_nrs_with_loinc_and_others_locally(plan_ja):
    b = bundle(plan_ja, "ja", case=CASE)
    obs = {o["code"]["text"]: o for o in _resources(b, "Observation")}
    assert obs["nrs"]["code"]["coding"][0] == {"system": "http://loinc.org", "code": "72514-3",
                                                "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported"}
    assert obs["nrs"]["valueQuantity"]["value"] == 6
    assert obs["odi"]["code"]["coding"] == [{"system": "urn:ptplan:measure", "code": "odi", "display": "odi"}]
    assert obs["odi"]["valueQuantity"] == {"value": 32, "unit": "%", "system": "http://unitsofmeasure.org", "code": "%"}
    risk = [c for c in obs["start_back"]["component"] if c["code"]["text"] == "risk"][0]
    assert risk["valueCodeableConcept"]["text"] == "medium"
    assert obs["odi"]["effectiveDateTime"] == "2026-11-20"


def test_it_writes_answers_without_wording_and_links_the_score(plan_ja):
    b = bundle(plan_ja, "ja", case=CASE)
    qrs = {q["questionnaire"]: q for q in _resources(b, "QuestionnaireResponse")}
    odi = qrs["urn:ptplan:questionnaire:odi"]
    assert [i["linkId"] for i in odi["item"]] == [str(i) for i in range(1, 11)]
    assert "answer" not in odi["item"][3]  # unanswered stays unanswered
    assert odi["item"][2]["answer"] == [{"valueInteger": 3}]
    assert all("text" not in i for i in odi["item"])
    obs = {o["code"]["text"]: o for o in _resources(b, "Observation")}
    url = [e["fullUrl"] for e in b["entry"] if e["resource"] is odi][0]
    assert obs["odi"]["derivedFrom"] == [{"reference": url}]


def test_it_puts_a_red_flag_plan_on_hold_without_activities(redflag_en):
    b = bundle(redflag_en, "en")
    R4B.Bundle.model_validate(b)
    (plan,) = _resources(b, "CarePlan")
    assert plan["status"] == "on-hold" and "activity" not in plan
    (cond,) = _resources(b, "Condition")
    assert cond["code"]["coding"][0] == {"system": "urn:ptplan:red-flag", "code": "cauda_equina",
                                         "display": "Suspected cauda equina syndrome"}


def test_it_is_deterministic(plan_en):
    assert render(plan_en, "fhir", date="2026-11-22") == render(plan_en, "fhir", date="2026-11-22")
    assert json.loads(render(plan_en, "fhir"))["type"] == "collection"


def test_it_scores_a_real_case_with_the_core_measures(plan_ja):
    import yaml

    from ptplan.core.measures import score_questionnaires

    examples = __import__("pathlib").Path(__file__).parents[2] / "examples" / "04_knee_to_back.yaml"
    case = yaml.safe_load(examples.read_text(encoding="utf-8"))
    plan = {k: v for k, v in plan_ja.items() if k != "measures"}
    b = bundle(plan, "ja", case=case)
    R4B.Bundle.model_validate(b)
    obs = {o["code"]["text"]: o for o in _resources(b, "Observation") if o["category"][0]["coding"][0]["code"] == "survey"}
    expected = score_questionnaires(case["questionnaires"])
    assert set(obs) == {"nrs", "start_back", "koos12"}
    assert obs["koos12"]["valueQuantity"]["value"] == expected["koos12"]["score"]
    assert obs["start_back"]["valueQuantity"]["value"] == expected["start_back"]["score"]
    assert obs["nrs"]["code"]["coding"][0]["code"] == "72514-3"
    assert len(_resources(b, "QuestionnaireResponse")) == 3
