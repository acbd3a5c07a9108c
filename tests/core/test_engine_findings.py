from engine_fixtures import FIXTURE_CASES, case

from ptplan.core.case_io import load_case_file
from ptplan.core.norms import lookup_for, pick_norm
from ptplan.core.services import make_plan


def _findings(plan):
    return {f["id"]: f for f in plan["findings"]}


def test_it_prefers_a_sex_specific_norm_row(fkb):
    norms = fkb.tests["chair_stand_30s"].norms
    assert pick_norm(norms, 62, "male").low == 14
    assert pick_norm(norms, 62, "female").low == 12
    assert pick_norm(norms, 75, "male").low == 10
    assert pick_norm(norms, 40, "male") is None
    assert lookup_for(fkb, 62, "male")("test.chair_stand_30s.value", 13) == (14, 19)


def test_it_flags_below_norm_with_value_and_threshold(fkb):
    plan = make_plan(case(demographics={"age": 62, "sex": "male"}, tests={"chair_stand_30s": {"value": 13}}), "en", fkb)
    f = _findings(plan)["low_lower_limb_strength"]
    assert f["value"] == {"test.chair_stand_30s.value": 13}
    assert f["source"] == "test:chair_stand_30s"
    assert "ages 60-64 men: normal range 14-19" in f["threshold"]
    assert f["refs"] == ["rikli_jones_1999"]
    same_count_woman = make_plan(case(demographics={"age": 62, "sex": "female"}, tests={"chair_stand_30s": {"value": 13}}),
                                 "en", fkb)
    assert "low_lower_limb_strength" not in _findings(same_count_woman)


def test_it_turns_movement_observations_and_video_measures_into_findings(fkb):
    c = case(movement={"squat": {"observations": ["lumbar_flexion"]},
                       "gait": {"measures": {"step_time_asymmetry": 0.15}, "source": "video"}})
    found = _findings(make_plan(c, "en", fkb))
    assert found["squat_lumbar_flexion"]["source"] == "test:squat_observation"
    assert found["antalgic_gait"]["value"] == {"movement.gait.measure.step_time_asymmetry": 0.15}


def test_it_marks_bmi_25_as_overweight_and_sedentary_as_inactive(fkb):
    c = case(demographics={"height_cm": 160, "weight_kg": 64}, activity={"level": "sedentary"})
    found = _findings(make_plan(c, "en", fkb))
    assert found["overweight"]["value"] == {"bmi": 25.0}
    assert found["overweight"]["source"] == "rule:fr_overweight"
    assert "inactivity" in found
    lean = make_plan(case(demographics={"height_cm": 170, "weight_kg": 60}), "en", fkb)
    assert "overweight" not in _findings(lean)


def test_it_reads_sided_tests_by_the_worse_side(fkb):
    c = load_case_file(FIXTURE_CASES / "hamstring_compensatory.yaml", fkb)
    f = _findings(make_plan(c, "en", fkb))["hamstring_shortness"]
    assert f["value"] == {"test.passive_slr.min": 62}


def test_a_finding_from_a_video_analysis_says_so_with_the_measure_and_its_quality(fkb):
    from ptplan.core.plan_model import Plan

    video = {"observations": ["pelvic_drop"], "source": "video", "measures": {"pelvic_drop": 7.5},
             "evidence": {"pelvic_drop": {"measure": "pelvic_drop", "value": 7.5, "unit": "deg", "quality": 0.91}}}
    plan = make_plan(case(movement={"single_leg_stance": video}), "en", fkb)
    f = _findings(plan)["hip_abductor_weakness"]
    assert f["source"] == "test:single_leg_stance_observation"
    assert f["video"] == {"task": "single_leg_stance", "observation": "pelvic_drop", "measure": "pelvic_drop",
                          "value": 7.5, "unit": "deg", "quality": 0.91}
    Plan.model_validate(plan)
    by_eye = make_plan(case(movement={"single_leg_stance": {"observations": ["pelvic_drop"]}}), "en", fkb)
    assert "video" not in _findings(by_eye)["hip_abductor_weakness"]
