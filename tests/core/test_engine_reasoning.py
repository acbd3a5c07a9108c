from engine_fixtures import FIXTURE_CASES, case

from ptplan.core.case_io import load_case_file
from ptplan.core.kb.loader import default_kb
from ptplan.core.services import make_plan


def _plan(fkb, name, lang="en"):
    return make_plan(load_case_file(FIXTURE_CASES / f"{name}.yaml", fkb), lang, fkb)


def _hyps(plan):
    return {h["id"]: h for h in plan["hypotheses"]}


def test_it_calls_hamstring_shortness_compensatory_when_core_control_is_poor(fkb):
    plan = _plan(fkb, "hamstring_compensatory")
    h = _hyps(plan)["h_hamstring_compensatory"]
    assert h["status"] == "supported" and h["rules"] == ["r_hc_short_with_deficit"]
    assert set(h["for"]) == {"hamstring_shortness", "lumbopelvic_control_deficit", "drawing_in_failure"}
    assert "Working hypothesis" in h["description"]  # the mechanism is untested (clinical review §1.5)
    comps = plan["program"]["components"]
    assert comps[0]["id"] == "c_motor_control" and comps[0]["family"] == "motor_control"
    assert any(c["family"] != "stretching" for c in comps)
    posterior = _hyps(plan)["h_posterior_chain_shortness"]
    assert posterior["confidence"] == "low" and "drawing_in_failure" in posterior["against"]


def test_it_treats_hamstring_shortness_with_a_normal_core_as_mobility(fkb):
    plan = _plan(fkb, "hamstring_mobility")
    hyps = _hyps(plan)
    assert "h_hamstring_compensatory" not in hyps
    assert hyps["h_posterior_chain_shortness"]["status"] == "supported"
    assert "r_pc_normal_core" in hyps["h_posterior_chain_shortness"]["rules"]
    assert "h_motor_control_deficit" not in hyps  # refuted, not "undecided"
    assert plan["program"]["components"][0]["id"] == "c_posterior_chain"
    assert len(plan["program"]["components"]) >= 2


def test_it_says_insufficient_data_and_names_the_missing_tests(fkb):
    plan = make_plan(case(pain=[{"site": "low_back"}]), "en", fkb)
    h = _hyps(plan)["h_motor_control_deficit"]
    assert h["status"] == "insufficient_data"
    assert {"aslr", "drawing_in_pbu_supine", "prone_instability"} <= set(h["discriminating_tests"])
    assert "Not done" in h["explanation"]
    assert plan["lenses"] == {"core": "insufficient_data", "mobility": "insufficient_data", "movement": "insufficient_data"}


def test_it_tells_the_knee_back_patterns_apart(fkb):
    assert _plan(fkb, "knee_to_back")["knee_back"]["pattern"] == "knee_to_back"
    assert _plan(fkb, "back_to_knee")["knee_back"]["pattern"] == "back_to_knee"
    assert _plan(fkb, "concurrent")["knee_back"]["pattern"] == "concurrent"
    assert _plan(fkb, "hamstring_compensatory")["knee_back"]["pattern"] == "none"
    unknown = make_plan(case(pain=[{"site": "knee"}, {"site": "low_back"}]), "en", fkb)
    assert unknown["knee_back"]["pattern"] == "insufficient_data"


def test_it_treats_the_knee_first_in_knee_to_back(fkb):
    plan = _plan(fkb, "knee_to_back")
    assert plan["program"]["components"][0]["id"] == "c_knee_strength"
    assert "h_knee_to_back" in plan["program"]["components"][0]["hypotheses"]


def test_it_treats_the_back_first_in_back_to_knee(fkb):
    plan = _plan(fkb, "back_to_knee")
    assert plan["program"]["components"][0]["id"] == "c_motor_control"
    assert "h_back_to_knee" in plan["program"]["components"][0]["hypotheses"]


def test_it_leads_with_strength_and_balance_when_both_began_together(fkb):
    plan = _plan(fkb, "concurrent")
    ids = [c["id"] for c in plan["program"]["components"]]
    assert "c_strength_balance" in ids
    assert {"strengthening", "balance"} <= {e["family"] for c in plan["program"]["components"] for e in c["exercises"]}


def test_it_matches_the_directional_preference(fkb):
    plan = _plan(fkb, "directional_extension")
    exercises = [e["id"] for c in plan["program"]["components"] for e in c["exercises"]]
    assert "prone_press_up" in exercises and "knees_to_chest" not in exercises


def test_it_counts_one_test_result_once_per_hypothesis():
    """One PBU drawing-in failure yields two findings; the motor-control hypothesis counts that test once
    (clinical review §1.5), so it is moderate, not high, on that test alone."""
    c = case(id="pbu_only", demographics={"age": 40, "sex": "female"}, pain=[{"site": "low_back", "nrs": 4}],
             tests={"drawing_in_pbu_supine": {"value": 9}})
    plan = make_plan(c, "en", default_kb())
    found = {f["id"] for f in plan["findings"]}
    assert {"drawing_in_failure", "lumbopelvic_control_deficit"} <= found
    h = _hyps(plan)["h_motor_control_deficit"]
    assert h["score"] == 2 and h["confidence"] == "moderate"
    assert len([r for r in h["rules"] if r in ("r_mc_drawing_in", "r_mc_control_deficit")]) == 1
    assert {"drawing_in_failure", "lumbopelvic_control_deficit"} <= set(h["for"])  # both still named
