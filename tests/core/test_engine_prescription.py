from engine_fixtures import FIXTURE_CASES, case

from ptplan.core.case_io import load_case_file
from ptplan.core.services import make_plan


def _exercises(plan):
    return {e["id"]: e for c in plan["program"]["components"] for e in c["exercises"]}


def _plan(fkb, name, lang="en"):
    return make_plan(load_case_file(FIXTURE_CASES / f"{name}.yaml", fkb), lang, fkb)


def test_it_never_chooses_a_contraindicated_exercise(fkb):
    base = dict(tests={"aslr": {"value": 3}}, activity={"can_get_to_floor": True})
    assert "pilates_hundred_mod" in _exercises(make_plan(case(**base), "en", fkb))
    assert "pilates_hundred_mod" not in _exercises(make_plan(case(conditions=["osteoporosis"], **base), "en", fkb))


def test_it_leaves_out_floor_work_for_someone_who_cannot_get_down(fkb):
    plan = _plan(fkb, "concurrent")
    assert all(not fkb.exercises[e].floor_work for e in _exercises(plan))


def test_it_caps_level_and_adjusts_dose_for_older_adults(fkb):
    plan = _plan(fkb, "knee_to_back")
    ex = _exercises(plan)
    assert all(e["level"] <= 2 for e in ex.values())
    assert ex["quad_setting"]["dose"]["reps"] == 12
    assert "adj_older_adult_strength" in ex["quad_setting"]["dose"]["adjusted_by"]
    assert "garber_2011" in ex["quad_setting"]["refs"]


def test_it_keeps_only_level_one_for_high_irritability(fkb):
    plan = make_plan(case(tests={"aslr": {"value": 3}}, symptoms={"irritability": "high"}), "en", fkb)
    assert all(e["level"] == 1 and e["dose"].get("sets", 1) == 1 for e in _exercises(plan).values())


def test_it_builds_two_components_of_two_families_at_least(fkb):
    for name in ("hamstring_compensatory", "hamstring_mobility", "knee_to_back", "concurrent", "inflamed_knee"):
        comps = _plan(fkb, name)["program"]["components"]
        assert len(comps) >= 2, name
        assert len({e["family"] for c in comps for e in c["exercises"]}) >= 2, name


def test_it_gives_three_phases_with_measurable_criteria_and_a_week(fkb):
    program = _plan(fkb, "hamstring_compensatory")["program"]
    assert [p["weeks"] for p in program["phases"]] == ["1-2", "3-6", "7-12"]
    assert "10" in program["phases"][0]["progress_when"]
    days = {d["day"]: d["exercises"] for d in program["schedule"]["days"]}
    assert days["mon"][0] == "drawing_in_supine" and program["schedule"]["sessions_per_week"] == 7


def test_it_explains_every_item_in_both_languages(fkb):
    plan = _plan(fkb, "hamstring_compensatory", "ja")
    for comp in plan["program"]["components"]:
        for item in [comp, *comp["exercises"]]:
            assert item["why_i18n"]["ja"] and item["why_i18n"]["en"] and item["refs"]
    ex = plan["program"]["components"][0]["exercises"][0]
    assert "腰椎骨盤の運動制御不全" in ex["why"]


def test_it_never_puts_heat_on_a_warm_swollen_knee(fkb):
    plan = _plan(fkb, "inflamed_knee")
    ids = [a["id"] for a in plan["advice"]]
    assert "cold_for_inflamed_knee" in ids and "heat_for_stiffness" not in ids
    assert "chair_squat" not in _exercises(plan)


def test_it_does_the_knee_load_arithmetic_for_overweight_knee_pain(fkb):
    plan = _plan(fkb, "knee_to_back")
    weight = next(a for a in plan["advice"] if a["id"] == "weight_knee_load")
    assert weight["text"] == "Losing 3 kg takes about 12 kg off the knee per step."  # 63 kg × 5 %, rounded
    assert "overweight" in weight["why"].lower() or "Overweight" in weight["why"]


def test_it_follows_the_general_phase_track_when_the_program_is_not_led_by_core_work(fkb):
    program = _plan(fkb, "knee_to_back")["program"]
    assert program["components"][0]["lens"] != "core"
    assert [p["id"] for p in program["phases"]] == ["phase_1_start", "phase_2_build", "phase_3_daily_life"]
    assert "Patient-Specific Functional Scale" in program["phases"][2]["progress_when"]
