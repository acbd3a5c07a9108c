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


CLEAR = {"saddle_numbness": "no", "fever": "no", "hot_swollen_knee": "no"}  # the fixture KB's essential questions


def test_it_reports_incomplete_never_none_while_an_essential_question_is_unknown(fkb):
    for answers in ({}, {**CLEAR, "saddle_numbness": "unknown"}, {"fever": "no"}):
        plan = make_plan(case(red_flags=answers, pain=[{"site": "low_back"}]), "en", fkb)
        t = plan["triage"]
        assert t["level"] == "incomplete" and t["exercise_allowed"] is False, answers
        assert plan["program"]["status"] == "provisional" and t["headline"].startswith("Safety check not complete")
    plan = make_plan(case(red_flags=CLEAR, pain=[{"site": "low_back"}]), "en", fkb)
    assert plan["triage"]["level"] == "none" and plan["program"]["status"] == "issued"


def test_it_asks_the_knee_questions_only_when_the_knee_hurts(fkb):
    back = make_plan(case(red_flags={"saddle_numbness": "no", "fever": "no"}, pain=[{"site": "low_back"}]), "en", fkb)
    assert back["triage"]["level"] == "none" and back["triage"]["regions"] == ["general", "spine"]
    knee = make_plan(case(red_flags={"fever": "no"}, pain=[{"site": "knee"}]), "en", fkb)
    assert [q["id"] for q in knee["triage"]["to_ask"] if q["essential"]] == ["hot_swollen_knee"]
    assert knee["triage"]["regions"] == ["general", "knee"]


def test_it_puts_the_essential_questions_first_with_both_wordings(fkb):
    to_ask = make_plan(case(pain=[{"site": "low_back"}]), "ja", fkb)["triage"]["to_ask"]
    flags = [q["essential"] for q in to_ask]
    assert flags == sorted(flags, reverse=True) and flags[0]
    assert all(q["question"] and q["clinician"] for q in to_ask)


def test_it_lets_a_red_flag_win_over_an_incomplete_screen(fkb):
    plan = make_plan(case(red_flags={"major_trauma": "yes"}, pain=[{"site": "low_back"}]), "en", fkb)
    assert plan["triage"]["level"] == "emergency" and plan["program"]["status"] == "withheld"
    assert plan["triage"]["action"] == plan["triage"]["flags"][0]["action"]
    assert plan["triage"]["essential_unanswered"] == 2


def test_it_keeps_a_routine_referral_incomplete_until_the_screen_is_done(fkb):
    data = load_case_file(FIXTURE_CASES / "inflammatory_routine.yaml", fkb).model_dump(exclude_none=True)
    data["red_flags"] = {k: v for k, v in data["red_flags"].items() if k != "saddle_numbness"}
    plan = make_plan(case(**data), "en", fkb)
    assert plan["triage"]["level"] == "incomplete" and [f["id"] for f in plan["triage"]["flags"]] == [
        "inflammatory_back_pain"]


def test_it_names_the_evidence_of_each_flag(fkb):
    plan = make_plan(case(red_flags={**CLEAR, "saddle_numbness": "yes", "fever": "yes"}, pain=[{"site": "low_back"}]),
                     "ja", fkb)
    evidence = {f["id"]: f["evidence"] for f in plan["triage"]["flags"]}
    assert evidence == {"cauda_equina": ["サドル麻痺"], "infection": ["発熱"]}
    assert plan["triage"]["action"] == "運動はせず、今すぐ救急外来へ。"
