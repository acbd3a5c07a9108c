"""The effective plan: typed edits checked by the core, replayed by id, reverted, carried to a new plan."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ptplan.core import plan_edits as pe
from ptplan.core.case import Case
from ptplan.core.case_io import load_case_file
from ptplan.core.kb.loader import default_kb
from ptplan.core.plan_edits.ops import find
from ptplan.core.services import make_plan
from ptplan.errors import InputError

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "01_hamstring_office_worker.yaml"


@pytest.fixture(scope="module")
def kb():
    return default_kb()


@pytest.fixture(scope="module")
def case():
    return load_case_file(EXAMPLE)


@pytest.fixture(scope="module")
def plan(case, kb):
    return make_plan(case, "ja", kb=kb)


def _edit(plan, edits, kb, case, **data) -> list[dict]:
    return [*edits, pe.make_record(plan, edits, pe.parse_edit({"reason": "test", **data}), kb, case)]


def _ids(plan) -> list[list[str]]:
    return [[ex["id"] for ex in c["exercises"]] for c in plan["program"]["components"]]


def _unused(plan, kb, lens="core") -> list[str]:
    return [e.id for e in kb.exercises.values() if e.lens == lens and e.id not in pe.exercise_ids(plan)
            and not e.contraindications and not e.floor_work]


def test_it_builds_a_swapped_exercise_with_the_same_keys_as_the_engine(plan, kb, case):
    new = _unused(plan, kb)[0]
    edits = _edit(plan, [], kb, case, op="swap", path="/program/components/0/exercises/0", exercise_id=new)
    eff = pe.effective_plan(plan, edits, kb).plan
    item = eff["program"]["components"][0]["exercises"][0]
    engine_item = plan["program"]["components"][0]["exercises"][1]
    assert item["id"] == new and set(engine_item) <= set(item)
    assert item["edited"] == {"op": "swap", "replaces": plan["program"]["components"][0]["exercises"][0]["id"],
                              "reason": "test"}
    assert item["refs"] and item["why"] and item["why_i18n"]["en"]
    assert {r["id"] for r in eff["references"]} >= set(item["refs"])  # its evidence is listed with the plan's
    assert any(new in day["exercises"] for day in eff["program"]["schedule"]["days"])
    assert plan["program"]["components"][0]["exercises"][0]["id"] != new  # the generated plan is untouched


def test_it_refuses_a_swap_to_an_exercise_the_case_contraindicates(plan, kb):
    swollen = Case.model_validate({"symptoms": {"knee_swelling": True}, "pain": [{"site": "knee"}]})
    with pytest.raises(InputError) as err:
        pe.make_record(plan, [], pe.parse_edit({"op": "swap", "path": "/program/components/0/exercises/0",
                                                "exercise_id": "split_squat", "reason": "x"}), kb, swollen)
    problem = err.value.problems[0]
    assert (problem.path, problem.code, err.value.status) == ("exercise_id", "contraindicated", 422)
    assert "この方には行えない運動です" in problem.message_ja


def test_it_refuses_an_exercise_a_contraindication_rule_of_the_kb_excludes(plan, kb, case):
    pregnant = case.model_copy(update={"pregnancy": Case.model_validate({"pregnancy": {"weeks": 24}}).pregnancy})
    with pytest.raises(InputError) as err:  # ci_pregnancy_prone_abdominal (contraindications.yaml), not the exercise's own
        pe.make_record(plan, [], pe.parse_edit({"op": "add", "path": "/program/components/0", "exercise_id": "front_plank",
                                                "reason": "x"}), kb, pregnant)
    assert err.value.problems[0].code == "contraindicated"


def test_it_lets_the_therapist_add_an_exercise_whose_equipment_is_not_recorded_at_home(plan, kb, case):
    assert case.activity.home_equipment == []  # the plan leaves clamshell_band out (no band recorded)...
    assert "clamshell_band" not in pe.exercise_ids(plan)
    record = pe.make_record(plan, [], pe.parse_edit({"op": "add", "path": "/program/components/0",  # ...the clinic has one
                                                      "exercise_id": "clamshell_band", "reason": "in the clinic"}), kb, case)
    assert record["exercise_id"] == "clamshell_band"


def test_it_puts_the_cases_contraindication_cautions_on_an_added_exercise_and_renews_them_on_carry(plan, kb, case):
    pregnant = case.model_copy(update={"pregnancy": Case.model_validate({"pregnancy": {"weeks": 24}}).pregnancy})
    supine = "妊娠16週ごろから"  # ci_pregnancy_supine_caution, as the engine puts it on its own supine items
    assert supine in " ".join(make_plan(pregnant, "ja", kb=kb)["program"]["components"][0]["exercises"][0]["cautions"])
    edits = _edit(plan, [], kb, pregnant, op="add", path="/program/components/1", exercise_id="bridge")
    added = find(pe.effective_plan(plan, edits, kb).plan, "c_movement_pattern", "bridge")
    assert added is not None and supine in " ".join(added[0]["exercises"][added[1]]["cautions"])
    carried, _dropped = pe.carry_forward(plan, edits, kb, case)  # re-assessed: no longer pregnant
    again = find(pe.effective_plan(plan, carried, kb).plan, "c_movement_pattern", "bridge")
    assert "cautions" not in carried[0] and supine not in " ".join(again[0]["exercises"][again[1]]["cautions"])


@pytest.mark.parametrize(("data", "field"), [
    ({"op": "swap", "path": "/program/components/0/exercises/0", "exercise_id": "no_such_exercise"}, "exercise_id"),
    ({"op": "swap", "path": "/program/components/9/exercises/0", "exercise_id": "bird_dog"}, "path"),
    ({"op": "add", "path": "/program/components/0", "exercise_id": "pelvic_tilt_control"}, "exercise_id"),  # already in
    ({"op": "dose", "path": "/program/components/0/exercises/0", "dose": {"sets": "three"}}, "dose.sets"),
    ({"op": "dose", "path": "/program/components/0/exercises/0", "dose": {"reps": 1000}}, "dose.reps"),
    ({"op": "dose", "path": "/program/components/0/exercises/0", "dose": {"sessions_per_week": None}},
     "dose.sessions_per_week"),
    ({"op": "set", "path": "", "value": None}, "op"),
    ({"op": "remove", "path": ""}, "path"),
    ({"op": "revert", "edit": 1}, "edit"),
])
def test_it_names_the_field_of_an_edit_that_does_not_fit(plan, kb, case, data, field):
    with pytest.raises(InputError) as err:
        pe.make_record(plan, [], pe.parse_edit({"reason": "x", **data}), kb, case)
    assert err.value.problems[0].path == field and err.value.status == 422


def test_it_checks_a_dose_change_against_the_dose_model_and_keeps_the_rest(plan, kb, case):
    before = plan["program"]["components"][0]["exercises"][0]["dose"]
    edits = _edit(plan, [], kb, case, op="dose", path="/program/components/0/exercises/0", dose={"sets": 2})
    after = pe.effective_plan(plan, edits, kb).plan["program"]["components"][0]["exercises"][0]["dose"]
    assert after["sets"] == 2 and after["sessions_per_week"] == before["sessions_per_week"]
    assert after["refs"] == before["refs"]


def test_it_reverts_an_edit_with_a_new_record_and_keeps_later_edits_on_their_exercise(plan, kb, case):
    second = plan["program"]["components"][0]["exercises"][1]["id"]
    edits = _edit(plan, [], kb, case, op="remove", path="/program/components/0/exercises/0")
    edits = _edit(plan, edits, kb, case, op="dose", path="/program/components/0/exercises/0", dose={"sets": 3})
    assert edits[1]["exercise"] == second  # the pointer was resolved on the plan as it was then
    edits = _edit(plan, edits, kb, case, op="revert", edit=1)
    eff = pe.effective_plan(plan, edits, kb)
    assert _ids(eff.plan) == _ids(plan) and eff.applied == [2] and eff.skipped == []
    assert eff.plan["program"]["components"][0]["exercises"][1]["dose"]["sets"] == 3
    with pytest.raises(InputError):  # a reverted edit cannot be reverted twice
        _edit(plan, edits, kb, case, op="revert", edit=1)


def test_it_carries_the_edits_that_still_apply_to_a_new_plan_and_lists_the_others(plan, kb, case):
    new = _unused(plan, kb)[0]
    edits = _edit(plan, [], kb, case, op="swap", path="/program/components/0/exercises/0", exercise_id=new)
    edits = _edit(plan, edits, kb, case, op="dose", path="/program/components/1/exercises/0", dose={"sets": 1})
    gone = plan["program"]["components"][1]["exercises"][0]["id"]
    reassessed = {**plan, "program": {**plan["program"], "components": [
        plan["program"]["components"][0],
        {**plan["program"]["components"][1], "exercises": plan["program"]["components"][1]["exercises"][1:]}]}}
    carried, dropped = pe.carry_forward(reassessed, edits, kb, case, from_plan=7)
    assert [(e["op"], e["exercise_id"], e["carried_from"]) for e in carried] == [("swap", new, {"plan": 7, "edit": 1})]
    assert [(d["op"], d["exercise"], d["edit"]) for d in dropped] == [("dose", gone, 2)]
    assert "no longer in the plan" in dropped[0]["reason"]
    assert pe.effective_plan(reassessed, carried, kb).plan["program"]["components"][0]["exercises"][0]["id"] == new


def test_it_does_not_carry_a_swap_the_new_case_contraindicates(plan, kb, case):
    edits = _edit(plan, [], kb, case, op="swap", path="/program/components/0/exercises/0", exercise_id="star_step_reach")
    swollen = case.model_copy(update={"symptoms": case.symptoms.model_copy(update={"knee_swelling": True})})
    carried, dropped = pe.carry_forward(plan, edits, kb, swollen)
    assert carried == [] and dropped[0]["exercise"] == "star_step_reach"


JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                       max_leaves=10)
RECORDS = st.lists(st.fixed_dictionaries({"op": st.sampled_from([*pe.OPS, "set"])}, optional={
    "component": JSONISH, "exercise": st.sampled_from(["heel_slide_drawing_in", "bird_dog", "x"]) | JSONISH,
    "exercise_id": st.sampled_from(["bird_dog", "bridge"]) | JSONISH, "dose": JSONISH, "edit": JSONISH}), max_size=6)


@functools.cache
def _example_plan() -> dict:
    return make_plan(load_case_file(EXAMPLE), "ja")


@given(records=RECORDS)
@settings(max_examples=60, deadline=None)
def test_it_always_gives_a_readable_plan_whatever_records_are_stored(records):
    eff = pe.effective_plan(_example_plan(), records, default_kb())
    assert isinstance(eff.plan["program"]["components"], list)
    assert all(isinstance(ex["id"], str) for c in eff.plan["program"]["components"] for ex in c["exercises"])
    assert len(eff.applied) + len(eff.skipped) <= len(records)


def test_it_knows_the_last_day_each_exercise_was_taken_out_of_the_plan():
    edits = [{"seq": 1, "op": "remove", "exercise": "a", "at": "2026-03-01T09:00:00"},
             {"seq": 2, "op": "swap", "exercise": "b", "exercise_id": "c", "at": "2026-03-02T09:00:00"},
             {"seq": 3, "op": "add", "exercise_id": "d", "at": "2026-03-03T09:00:00"},
             {"seq": 4, "op": "revert", "edit": 3, "at": "2026-03-05T09:00:00"},
             {"seq": 5, "op": "dose", "exercise": "c", "at": "2026-03-06T09:00:00"},
             {"seq": 6, "op": "remove", "exercise": "a", "at": "2026-03-07T09:00:00"},
             {"seq": 7, "op": "remove", "exercise": "e"}]  # no time: left out
    assert pe.left_the_plan(edits) == {"a": "2026-03-07", "b": "2026-03-02", "d": "2026-03-05"}
