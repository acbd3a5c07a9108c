"""Golden plans: each examples/*.yaml planned in ja and en must match tests/golden/<name>.<lang>.json.

After a deliberate change to the engine or the KB, regenerate with
``PTPLAN_UPDATE_GOLDEN=1 pytest tests/golden`` and review the diff like code: the plans must be
what a therapist would accept.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ptplan.core.case_io import load_case_file
from ptplan.core.services import make_plan, plan_json

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
UPDATE = os.environ.get("PTPLAN_UPDATE_GOLDEN") == "1"


def _plan(stem: str, lang: str = "en") -> dict:
    return make_plan(load_case_file(ROOT / "examples" / f"{stem}.yaml"), lang)


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_it_matches_the_golden_plan(example, lang):
    text = plan_json(make_plan(load_case_file(example), lang))
    golden = GOLDEN / f"{example.stem}.{lang}.json"
    if UPDATE or not golden.exists():
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), f"{golden.name} differs; PTPLAN_UPDATE_GOLDEN=1 regenerates it"


def test_it_leads_01_with_motor_control_and_calls_the_hamstrings_compensatory():
    plan = _plan("01_hamstring_office_worker")
    assert plan["program"]["components"][0]["id"] == "c_motor_control"
    hyps = {h["id"]: h for h in plan["hypotheses"]}
    assert hyps["h_hamstring_compensatory"]["status"] == "supported"
    assert "hamstring_shortness" in hyps["h_hamstring_compensatory"]["for"]
    assert {e["family"] for c in plan["program"]["components"] for e in c["exercises"]} != {"stretching"}


def test_it_sends_08_to_the_emergency_department_with_no_program():
    plan = _plan("08_red_flag_cauda_equina")
    assert plan["triage"]["level"] == "emergency" and plan["triage"]["exercise_allowed"] is False
    assert plan["program"]["components"] == [] and plan["advice"] == []
    assert "cauda_equina" in [f["id"] for f in plan["triage"]["flags"]]


@pytest.mark.parametrize(("stem", "pattern"), [("04_knee_to_back", "knee_to_back"), ("05_back_to_knee", "back_to_knee"),
                                               ("06_concurrent_older_adult", "concurrent"),
                                               ("01_hamstring_office_worker", "none")])
def test_it_recognises_the_knee_back_pattern_of_each_seed(stem, pattern):
    assert _plan(stem)["knee_back"]["pattern"] == pattern


def test_it_treats_02_as_a_mobility_problem():
    plan = _plan("02_hip_thoracic_stiffness")
    assert plan["program"]["components"][0]["lens"] == "mobility"
    assert {"h_hip_mobility_deficit", "h_thoracic_mobility_deficit"} <= {h["id"] for h in plan["hypotheses"]}


def test_it_retrains_the_squat_and_gait_in_03():
    ids = [c["id"] for c in _plan("03_faulty_squat_gait")["program"]["components"]]
    assert {"c_movement_pattern", "c_gait_pattern"} <= set(ids)


def test_it_cools_rather_than_heats_the_warm_swollen_knee_of_07():
    plan = _plan("07_acute_swollen_knee")
    categories = {a["id"]: a["category"] for a in plan["advice"]}
    assert "heat" not in categories.values() and "cold" in categories.values()
    assert all(e["level"] == 1 for c in plan["program"]["components"] for e in c["exercises"])


def test_it_lists_the_missing_tests_in_10():
    plan = _plan("10_insufficient_data")
    undecided = [h for h in plan["hypotheses"] if h["status"] == "insufficient_data"]
    assert undecided and all(h["discriminating_tests"] for h in undecided)
    assert plan["lenses"]["core"] == "insufficient_data"


def test_it_writes_golden_files_that_are_valid_json():
    for path in GOLDEN.glob("*.json"):
        assert json.loads(path.read_text(encoding="utf-8"))["kb_version"]


def test_it_adds_graded_activity_and_an_early_review_for_the_yellow_flags_of_09():
    plan = _plan("09_high_psychosocial_risk")
    assert "start_back_high_risk" in [y["id"] for y in plan["triage"]["yellow_flags"]]
    assert "c_graded_activity" in [c["id"] for c in plan["program"]["components"]]
    assert plan["follow_up"]["review_weeks"] == 2
