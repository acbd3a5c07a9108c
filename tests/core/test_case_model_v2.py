"""Case format version 2 (issue 11): what clinicians record, refused fields, and stored version-1 cases
upgraded on load so they keep working."""

from pathlib import Path

import pytest

from ptplan.core.case import Case
from ptplan.core.case_io import load_case_file, validate_case
from ptplan.core.case_upgrade import CURRENT, upgrade
from ptplan.core.facts import build_facts
from ptplan.core.services import make_plan
from ptplan.errors import InputError

STORED_V1 = Path(__file__).parent / "fixtures" / "cases" / "stored_v1_knee_to_back.yaml"


def _problems(data: dict) -> dict[str, str]:
    with pytest.raises(InputError) as exc:
        validate_case(data)
    return {p.path: p.message for p in exc.value.problems}


def test_it_upgrades_version_1_red_flag_answers_without_changing_the_input():
    old = {"red_flags": {"fever_or_unwell": "yes", "feeling_systemically_unwell": "no",
                         "minor_trauma_with_osteoporosis_risk": "yes", "recent_infection_or_spinal_procedure": "no",
                         "knee_deformity_after_injury": "unknown", "saddle_numbness": "no"}}
    new = upgrade(old)
    assert new["schema_version"] == CURRENT and "schema_version" not in old
    assert new["red_flags"] == {"fever": "yes", "chills_or_rigors": "no", "minor_trauma": "yes", "told_bones_weak": "yes",
                                "recent_bacterial_infection": "no", "recent_spinal_procedure": "no",
                                "knee_deformity_after_injury": "unknown", "cold_numb_foot_after_injury": "unknown",
                                "saddle_numbness": "no"}


def test_it_lets_an_answer_to_the_new_question_win_over_the_old_one():
    assert upgrade({"red_flags": {"fever_or_unwell": "yes", "fever": "no"}})["red_flags"] == {"fever": "no"}


def test_it_leaves_a_current_case_as_it_is_and_refuses_a_newer_version():
    current = {"schema_version": 2, "red_flags": {"fever": "no"}}
    assert upgrade(current) is current
    assert "schema_version" in _problems({"schema_version": 3})


def test_it_loads_and_plans_a_stored_version_1_case():
    case = load_case_file(STORED_V1)
    assert case.schema_version == 2
    assert case.red_flags["fever"] == "no" and "fever_or_unwell" not in case.red_flags
    plan = make_plan(case, "ja")
    # the stored case never answered the questions added in version 2: incomplete, provisional, never "none"
    assert plan["triage"]["level"] == "incomplete" and plan["program"]["status"] == "provisional"
    missing = {q["id"] for q in plan["triage"]["to_ask"] if q["essential"]}
    assert missing == {"bladder_sensation_loss", "hand_clumsiness", "gait_unsteadiness", "sudden_severe_back_pain",
                       "chills_or_rigors"}


@pytest.mark.parametrize(("test", "unit"), [("passive_slr", "degrees"), ("chair_stand_30s", "count"),
                                            ("timed_up_and_go", "seconds")])
def test_it_refuses_positive_on_a_measured_test_naming_field_and_unit(test, unit):
    problems = _problems({"tests": {test: {"positive": True}}})
    assert list(problems) == [f"tests.{test}.positive"]
    assert unit in problems[f"tests.{test}.positive"]


def test_it_refuses_positive_on_a_checklist_and_observations_on_a_positive_test():
    problems = _problems({"tests": {"neuro_screen": {"positive": True}, "knee_effusion": {"observations": []}}})
    assert set(problems) == {"tests.neuro_screen.positive", "tests.knee_effusion.observations"}


def test_it_accepts_observed_with_no_faults_as_a_result():
    case = validate_case({"tests": {"squat_observation": {"observations": []}},
                          "movement": {"gait": {"observations": []}}})
    facts = build_facts(case)
    assert facts["test.squat_observation.observed"] is True and facts["movement.gait.observed"] is True
    assert not any(k.startswith("test.squat_observation.obs.") for k in facts)
    with pytest.raises(InputError):
        validate_case({"tests": {"squat_observation": {}}})  # nothing recorded at all is still refused


def test_it_reads_an_slr_that_reproduces_radicular_pain_as_neural_not_hamstring():
    case = validate_case({"pain": [{"site": "low_back"}, {"site": "leg", "side": "right"}],
                          "tests": {"passive_slr": {"left": 75, "right": 45, "reproduces_radicular_pain": True,
                                                    "side": "right"}}})
    found = {f["id"] for f in make_plan(case, "en")["findings"]}
    assert "radiating_leg_symptoms" in found and "hamstring_shortness" not in found
    assert "tests.aslr.reproduces_radicular_pain" in _problems(
        {"tests": {"aslr": {"value": 2, "reproduces_radicular_pain": True}}})


def test_it_records_what_clinicians_record():
    case = Case.model_validate({
        "assessed_on": "2026-11-02", "demographics": {"age": 50, "bmi_recorded": 27.5},
        "history": {"back_duration_weeks": 520, "back_onset_age": 38, "onset_speed": "gradual", "weight_change_kg": -6,
                    "weight_change_months": 6, "falls_last_year": 2},
        "symptoms": {"eased_by_rest": False, "aggravating": ["lifting", "turning_in_bed"]},
        "pain": [{"site": "neck"}, {"site": "thoracic"}], "vitals": {"temperature_c": 37.8},
        "pregnancy": {"weeks": 22, "pelvic_girdle_pain": True},
        "surgeries": [{"type": "lumbar_fusion", "date": "2026-09-21"}, {"type": "knee_replacement", "side": "left",
                                                                         "date": "2019-04"}],
        "clinical_impression": {"fear_avoidance": "high"},
        "activity": {"home_equipment": ["band"], "pool_access": False, "walking_aid": "cane", "lives_alone": True}})
    f = build_facts(case)
    assert f["bmi"] == 27.5 and f["history.back_onset_age"] == 38 and f["vitals.temperature_c"] == 37.8
    assert f["condition.pregnancy"] and f["pregnancy.weeks"] == 22
    assert f["surgery.spine.weeks"] == 6.0 and f["condition.knee_replacement"] and f["surgery.knee_replacement.side"] == "left"
    assert f["activity.home_equipment.band"] and "activity.home_equipment.ball" not in f
    assert f["symptoms.aggravating.turning_in_bed"] and f["clinical_impression.fear_avoidance"] == "high"


def test_it_works_out_onset_age_from_age_and_duration_when_not_recorded():
    case = Case.model_validate({"demographics": {"age": 45}, "history": {"back_duration_weeks": 676}})
    assert build_facts(case)["history.back_onset_age"] == 32


def test_it_refuses_unknown_home_equipment_and_an_unreal_surgery_date():
    problems = _problems({"activity": {"home_equipment": ["treadmill"]}, "surgeries": [{"type": "knee_replacement",
                                                                                           "date": "2026-02-30"}]})
    assert set(problems) == {"activity.home_equipment.0", "surgeries.0.date"}
