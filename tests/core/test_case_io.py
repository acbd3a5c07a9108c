"""Case files: every example validates; bad input gets one clear message per problem."""

import subprocess
import sys
from pathlib import Path

import pytest

from ptplan.core.case_io import load_case_file, parse_text, validate_case
from ptplan.errors import InputError

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))
PTPLAN = Path(sys.executable).parent / "ptplan"


def _problems(data: dict) -> dict[str, str]:
    with pytest.raises(InputError) as exc:
        validate_case(data)
    return {p.path: p.message for p in exc.value.problems}


def test_it_has_at_least_ten_examples():
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_it_validates_every_example(path):
    case = load_case_file(path)
    assert case.goals, "every example states the person's goals"
    assert case.pain and all(p.nrs is not None for p in case.pain)


def test_it_names_the_field_and_type_of_a_wrong_type():
    problems = _problems({"demographics": {"age": "old"}})
    assert list(problems) == ["demographics.age"]
    assert "integer" in problems["demographics.age"] and "'old'" in problems["demographics.age"]
    assert "years" in problems["demographics.age"]


def test_it_rejects_an_impossible_angle_with_unit_and_range():
    problems = _problems({"tests": {"passive_slr": {"left": 200, "right": 70}}})
    msg = problems["tests.passive_slr.left"]
    assert "degrees" in msg and "0" in msg and "120" in msg and "200" in msg
    assert "tests.passive_slr.right" not in problems


def test_it_names_an_unknown_test():
    problems = _problems({"tests": {"passive_slr_test": {"value": 70}}})
    assert "unknown test name" in problems["tests.passive_slr_test"]
    assert "passive_slr" in problems["tests.passive_slr_test"]


def test_it_gives_the_line_of_bad_yaml():
    with pytest.raises(InputError) as exc:
        parse_text("id: x\ndemographics:\n  age: [40\n", "bad.yaml")
    problem = exc.value.problems[0]
    assert problem.path == "bad.yaml"
    assert "line" in problem.message


def test_it_names_an_unknown_red_flag_question():
    problems = _problems({"red_flags": {"saddle_anaesthesia": "no"}})
    assert "unknown red-flag question" in problems["red_flags.saddle_anaesthesia"]
    assert "saddle_numbness" in problems["red_flags.saddle_anaesthesia"]


def test_it_rejects_an_answer_that_is_not_yes_no_unknown():
    problems = _problems({"red_flags": {"saddle_numbness": "maybe"}})
    assert "yes" in problems["red_flags.saddle_numbness"]


def test_it_names_an_unknown_observation():
    problems = _problems({"movement": {"squat": {"observations": ["knee_valgus", "wobbly"]}}})
    assert list(problems) == ["movement.squat.observations[1]"]
    assert "wobbly" in problems["movement.squat.observations[1]"]
    assert "knee_valgus" in problems["movement.squat.observations[1]"]


def test_it_rejects_a_number_for_a_checklist_test():
    problems = _problems({"tests": {"faber": {"value": 3}}})
    assert "checklist" in problems["tests.faber.value"]


def test_it_rejects_sides_for_a_test_without_sides():
    problems = _problems({"tests": {"chair_stand_30s": {"left": 10}}})
    assert "not recorded per side" in problems["tests.chair_stand_30s.left"]


def test_it_reports_every_structural_problem_at_once():
    problems = _problems({"demographics": {"age": "old", "weight_kg": 2000},
                          "pain": [{"site": "low_back", "nrs": 12}]})
    assert {"demographics.age", "demographics.weight_kg", "pain.0.nrs"} <= set(problems)
    assert "kilograms" in problems["demographics.weight_kg"]


def test_it_reports_every_knowledge_base_problem_at_once():
    problems = _problems({
        "tests": {"passive_slr": {"left": 200}, "nonsense_test": {"value": 1},
                  "timed_up_and_go": {"value": 0.5}},
        "red_flags": {"no_such_question": "yes"},
        "movement": {"gait": {"observations": ["limping_badly"]}},
        "conditions": ["flu"],
    })
    assert set(problems) == {"tests.passive_slr.left", "tests.nonsense_test", "tests.timed_up_and_go.value",
                             "red_flags.no_such_question", "movement.gait.observations[0]", "conditions[0]"}
    assert "seconds" in problems["tests.timed_up_and_go.value"]


def test_it_gives_japanese_messages_too():
    with pytest.raises(InputError) as exc:
        validate_case({"tests": {"passive_slr": {"left": 200}}})
    assert "度" in exc.value.problems[0].message_ja


@pytest.mark.skipif(not PTPLAN.exists(), reason="the ptplan console script is not installed in this environment")
def test_it_exits_2_with_the_field_path_on_stderr(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("demographics: {age: old}\ntests: {passive_slr: {left: 200}}\n", encoding="utf-8")
    run = subprocess.run([str(PTPLAN), "case", "check", str(bad)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert "demographics.age" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.skipif(not PTPLAN.exists(), reason="the ptplan console script is not installed in this environment")
def test_it_accepts_an_example_on_the_command_line():
    run = subprocess.run([str(PTPLAN), "case", "check", str(EXAMPLES[0])], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("ok:")


def test_it_refuses_an_impossible_assessment_date():
    from ptplan.core.case_io import validate_case
    from ptplan.errors import InputError

    with pytest.raises(InputError) as exc:
        validate_case({"assessed_on": "2026-02-30"})
    assert [p.path for p in exc.value.problems] == ["assessed_on"]
    assert "real calendar date" in exc.value.problems[0].message


def test_it_words_structural_errors_in_japanese_too():
    from ptplan.core.case_io import validate_case
    from ptplan.errors import InputError

    with pytest.raises(InputError) as exc:
        validate_case({"demographics": {"age": "old"}, "pain": [{"site": "knee", "nrs": 12}]})
    ja = {p.path: p.message_ja for p in exc.value.problems}
    assert ja == {"demographics.age": "整数を入力してください", "pain.0.nrs": "10 以下の値を入力してください"}
