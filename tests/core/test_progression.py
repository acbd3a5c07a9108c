"""Reassessment and progression: one scenario per decision, plus properties of refer and regress."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ptplan.core import dosing
from ptplan.core.kb.loader import default_kb
from ptplan.core.progression import review
from ptplan.core.sessions import adherence, parse_sessions
from ptplan.errors import InputError

KB = default_kb()
START = dt.date(2026, 1, 5)


def make_plan(dose=None, family="motor_control", ex_id="drawing_in_supine", review_weeks=4, **links):
    dose = dose or {"sets": 1, "reps": 10, "hold_s": 10, "sessions_per_week": 3}
    return {"program": {"components": [{"id": "core_control", "family": family,
                                        "exercises": [{"id": ex_id, "dose": dose, **links}]}],
                        "phases": [{"id": "phase_1"}, {"id": "phase_2"}, {"id": "phase_3"}]},
            "follow_up": {"review_weeks": review_weeks}}


def make_sessions(n=12, every=2, before=3.0, after=3.0, rpe=4.0, ex_id="drawing_in_supine"):
    return [{"date": (START + dt.timedelta(days=i * every)).isoformat(), "exercises": [ex_id],
             "pain_before": before, "pain_after": after, "rpe": rpe} for i in range(n)]


def tp(day_offset, **qs):
    return {"date": (START + dt.timedelta(days=day_offset)).isoformat(), "questionnaires": qs}


BASE = tp(0, nrs=[6], odi=[3] * 10)          # NRS 6, ODI 60%
BETTER = tp(27, nrs=[3], odi=[2] * 10)       # NRS 3 (MCID met), ODI 40%
SAME = tp(41, nrs=[6], odi=[3] * 9 + [2])    # NRS 6, ODI 58%: no MCID


def test_it_progresses_when_criteria_are_met():
    r = review(make_plan(), BASE, BETTER, make_sessions(), lang="en")
    assert (r["decision"], r["rule"], r["phase"]["next"]) == ("progress", "progress_criteria_met", "phase_2")
    assert r["measures"]["nrs"]["mcid_met"] is True and r["metrics"]["adherence"] == 1.0
    ex = r["exercises"][0]
    # hold 10 s and 10 reps are at the motor-control limits, so a set is added
    assert (ex["decision"], ex["dose_before"]["sets"], ex["dose_after"]["sets"]) == ("progress", 1, 2)
    assert any(x["text"] == "Sets 1 → 2." for x in ex["reasons"])


def test_it_moves_to_the_progression_link_when_the_dose_is_at_its_limits():
    plan = make_plan({"sets": 3, "reps": 10, "hold_s": 10, "sessions_per_week": 3}, progression="bird_dog")
    ex = review(plan, BASE, BETTER, make_sessions())["exercises"][0]
    assert (ex["decision"], ex["switch_to"]) == ("progress", "bird_dog")


def test_it_holds_when_adherence_is_low():
    r = review(make_plan(), BASE, BETTER, make_sessions(n=4, every=7), lang="en")  # 4 of ~12 prescribed
    assert r["decision"] == "hold" and r["phase"]["next"] == "phase_1"
    ex = r["exercises"][0]
    assert ex["decision"] == "hold" and ex["dose_after"] == ex["dose_before"]


def test_it_regresses_when_pain_rises_after_sessions():
    # an exercise known only to the plan (no regression link anywhere), so the dose is lowered
    r = review(make_plan(ex_id="home_core_drill"), BASE, BETTER,
               make_sessions(before=3, after=6, ex_id="home_core_drill"), lang="en")
    assert (r["decision"], r["rule"]) == ("regress", "regress_pain_response")
    assert "rose by 3 on average, more than the acceptable 2" in r["reasons"][0]["text"]
    assert r["reasons"][0]["status"] == "unverified" and r["status"] == "unverified"
    ex = r["exercises"][0]
    assert ex["decision"] == "regress" and ex["dose_after"]["reps"] == 8  # sets already 1 -> reps 10 -> 8
    assert ex["switch_to"] is None


def test_it_follows_the_kb_regression_link_when_the_plan_has_none():
    kb_link = KB.exercises["drawing_in_supine"].regression
    ex = review(make_plan(), BASE, BETTER, make_sessions(before=3, after=6))["exercises"][0]
    assert kb_link is None or ex["switch_to"] == kb_link


def test_it_regresses_to_the_regression_link_with_no_higher_dose():
    plan = make_plan({"sets": 2, "reps": 6, "hold_s": 5, "sessions_per_week": 3}, family="strengthening",
                     ex_id="bridge_march", regression="drawing_in_supine")
    ex = review(plan, BASE, BETTER, make_sessions(after=7, ex_id="bridge_march"))["exercises"][0]
    assert ex["switch_to"] == "drawing_in_supine"
    assert ex["dose_after"] == {"sets": 1, "reps": 6, "hold_s": 5, "rest_s": 10, "sessions_per_week": 3,
                                "per_side": False, "refs": ["hayden_2021"]}


def test_it_regresses_when_a_measure_worsens_by_its_mcid():
    # before the review period (8 weeks); once it has passed, worsening despite adherence is a referral
    r = review(make_plan(review_weeks=8), BASE, tp(27, nrs=[8], odi=[3] * 10), make_sessions())
    assert r["decision"] == "regress" and r["measures"]["nrs"]["worsened"] is True
    assert review(make_plan(), BASE, tp(27, nrs=[8], odi=[3] * 10), make_sessions())["decision"] == "refer"


def test_it_refers_when_nothing_improves_despite_good_adherence():
    r = review(make_plan(review_weeks=6), BASE, SAME, make_sessions(n=18, every=2), lang="en")
    assert (r["decision"], r["rule"]) == ("refer", "refer_no_improvement")
    assert r["metrics"]["any_mcid_met"] is False and r["metrics"]["review_due"] is True
    assert {"ostelo_2008", "nice_ng59"} <= set(r["references"])
    assert all(e["decision"] == "refer" and e["dose_after"] == e["dose_before"] for e in r["exercises"])


def test_it_does_not_refer_before_the_review_period():
    r = review(make_plan(review_weeks=8), BASE, SAME, make_sessions(n=18, every=2))
    assert r["decision"] != "refer" and r["metrics"]["review_due"] is False


def test_it_refers_on_a_new_red_flag_and_names_the_suspected_condition():
    r = review(make_plan(), BASE, BETTER, make_sessions(), new_red_flags=["saddle_numbness"])
    assert (r["decision"], r["rule"]) == ("refer", "refer_new_red_flag")
    assert r["red_flags"][0]["id"] == "cauda_equina" and r["red_flags"][0]["urgency"] == "emergency"
    assert "新たな危険信号" in r["reasons"][0]["text"]


def test_it_rejects_an_unknown_red_flag_id():
    with pytest.raises(InputError) as exc:
        review(make_plan(), BASE, BETTER, make_sessions(), new_red_flags=["saddle_numbnes"])
    assert exc.value.problems[0].path == "new_red_flags[0]"


def test_it_names_bad_session_and_questionnaire_fields():
    with pytest.raises(InputError) as exc:
        review(make_plan(), BASE, tp(27, nrs=[12]), [{"date": "2026-01-05", "pain_after": 11}])
    assert exc.value.problems[0].path == "latest.questionnaires.nrs.item[1]"
    with pytest.raises(InputError) as exc:
        review(make_plan(), BASE, BETTER, [{"date": "2026-01-05", "pain_after": 11}])
    assert exc.value.problems[0].path == "sessions[0].pain_after"


def test_it_counts_adherence_as_done_over_prescribed():
    logs = parse_sessions(make_sessions(n=3, every=4))  # days 0, 4, 8
    a = adherence(make_plan(), logs, START, START + dt.timedelta(days=13))  # 3/week x 2 weeks = 6
    assert a["per_exercise"]["drawing_in_supine"] == {"done": 3, "prescribed": 6.0, "ratio": 0.5}
    assert a["overall"] == 0.5


# --- properties ------------------------------------------------------------------------------------

session_st = st.fixed_dictionaries({
    "day": st.integers(0, 60), "pain_before": st.one_of(st.none(), st.integers(0, 10)),
    "pain_after": st.one_of(st.none(), st.integers(0, 10)), "rpe": st.one_of(st.none(), st.integers(0, 10))})


def _logs(raw):
    return [{"date": (START + dt.timedelta(days=s["day"])).isoformat(), "exercises": ["drawing_in_supine"],
             "pain_before": s["pain_before"], "pain_after": s["pain_after"], "rpe": s["rpe"]} for s in raw]


@settings(max_examples=60, deadline=None)
@given(st.lists(session_st, max_size=20), st.integers(0, 10), st.integers(0, 10),
       st.lists(st.sampled_from(sorted(KB.red_flag_questions)), min_size=1, max_size=3))
def test_it_always_refers_on_a_new_red_flag(raw, nrs_before, nrs_after, flags):
    r = review(make_plan(), tp(0, nrs=[nrs_before]), tp(61, nrs=[nrs_after]), _logs(raw), new_red_flags=flags)
    assert r["decision"] == "refer" and all(e["decision"] == "refer" for e in r["exercises"])


dose_st = st.fixed_dictionaries({"sets": st.integers(1, 10), "reps": st.integers(1, 100),
                                 "hold_s": st.integers(1, 600), "sessions_per_week": st.integers(1, 14)})
FAMILIES = ["motor_control", "strengthening", "stretching", "aerobic", "balance", "yoga", None]


@settings(max_examples=150, deadline=None)
@given(dose_st, st.sampled_from(FAMILIES), st.sampled_from([None, "drawing_in_supine", "not_in_kb"]))
def test_it_never_raises_the_dose_when_regressing(dose, family, link):
    ex = {"id": "some_exercise", "dose": dose, "family": family, "regression": link}
    after, _switch, _why = dosing.step_down(KB, ex, dosing.dose_rule(KB, family), "ja")
    for field in dosing.COMPARABLE:
        if field in dose and after.get(field) is not None:
            assert after[field] <= dose[field]


@settings(max_examples=40, deadline=None)
@given(dose_st, st.integers(3, 10))
def test_it_never_raises_the_dose_in_a_regress_review(dose, after_pain):
    plan = make_plan(dose, regression="drawing_in_supine")
    r = review(plan, BASE, BETTER, make_sessions(before=0, after=after_pain))
    ex = r["exercises"][0]
    assert ex["decision"] == "regress"
    assert all(ex["dose_after"][f] <= dose[f] for f in dose if ex["dose_after"].get(f) is not None)
