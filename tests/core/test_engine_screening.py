from engine_fixtures import FIXTURE_CASES, case

from ptplan.core.case_io import load_case_file
from ptplan.core.services import make_plan


def _plan(fkb, name, lang="en", **kw):
    return make_plan(load_case_file(FIXTURE_CASES / f"{name}.yaml", fkb), lang, fkb, **kw)


def test_it_stops_the_program_and_refers_on_an_emergency_flag(fkb):
    plan = _plan(fkb, "red_flag_emergency")
    t = plan["triage"]
    assert t["level"] == "emergency" and t["exercise_allowed"] is False
    assert t["flags"][0]["id"] == "cauda_equina" and t["flags"][0]["because"] == ["saddle_numbness"]
    assert t["referral"].startswith("Do not exercise")
    assert plan["program"]["components"] == [] and plan["advice"] == []
    assert plan["follow_up"]["review_weeks"] is None


def test_it_forbids_exercise_on_urgent_flags(fkb):
    plan = make_plan(case(red_flags={"fever_or_unwell": "yes"}, tests={"aslr": {"value": 3}}), "en", fkb)
    assert plan["triage"]["level"] == "urgent"
    assert plan["program"]["components"] == []


def test_it_allows_exercise_alongside_a_routine_referral(fkb):
    plan = _plan(fkb, "inflammatory_routine")
    assert plan["triage"]["level"] == "routine" and plan["triage"]["exercise_allowed"] is True
    assert plan["triage"]["flags"][0]["id"] == "inflammatory_back_pain"
    assert len(plan["program"]["components"]) >= 2


def test_it_takes_the_most_urgent_level_when_several_flags_fire(fkb):
    plan = make_plan(case(red_flags={"fever_or_unwell": "yes", "major_trauma": "yes"}), "en", fkb)
    assert plan["triage"]["level"] == "emergency"
    assert [f["id"] for f in plan["triage"]["flags"]] == ["major_trauma_fracture", "infection"]


def test_it_lists_unknown_red_flag_answers_to_ask(fkb):
    plan = _plan(fkb, "red_flag_emergency")
    asked = [q["id"] for q in plan["triage"]["to_ask"]]
    assert "bladder_bowel_change" in asked and "saddle_numbness" not in asked
    assert plan["triage"]["to_ask"][0]["question"]


def test_it_adds_graded_activity_and_an_earlier_review_for_yellow_flags(fkb):
    c = load_case_file(FIXTURE_CASES / "hamstring_compensatory.yaml", fkb)
    plan = make_plan(c, "en", fkb, measures={"start_back": {"risk": "high", "total": 7, "psychosocial": 5}})
    assert [y["id"] for y in plan["triage"]["yellow_flags"]] == ["start_back_high_risk"]
    ids = [c["id"] for c in plan["program"]["components"]]
    assert "c_graded_activity" in ids
    assert plan["follow_up"]["review_weeks"] == 2
    assert any(h["id"] == "h_psychosocial_barriers" for h in plan["hypotheses"])
    assert make_plan(c, "en", fkb)["follow_up"]["review_weeks"] == 4
