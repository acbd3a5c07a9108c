import pytest
from engine_fixtures import FIXTURE_CASES

from ptplan.core.case_io import load_case_file
from ptplan.core.kb.integrity import check
from ptplan.core.kb.loader import load
from ptplan.core.services import make_plan, plan_from_data, plan_json, self_check
from ptplan.errors import InputError


def test_it_is_byte_identical_for_the_same_case(fkb):
    c = load_case_file(FIXTURE_CASES / "knee_to_back.yaml", fkb)
    assert plan_json(make_plan(c, "ja", fkb)) == plan_json(make_plan(c, "ja", fkb))


def test_it_records_kb_version_lang_and_disclaimer(fkb):
    plan = make_plan(load_case_file(FIXTURE_CASES / "concurrent.yaml", fkb), "en", fkb)
    assert plan["kb_version"] == fkb.version and plan["lang"] == "en"
    assert plan["disclaimer"] == fkb.meta.disclaimer.en
    cited = {r["id"] for r in plan["references"]}
    assert {"rikli_jones_1999", "springer_2007"} <= cited


def test_it_names_the_field_of_bad_input(fkb):
    with pytest.raises(InputError) as err:
        plan_from_data({"demographics": {"age": 5}}, kb=fkb)
    assert err.value.problems[0].path == "demographics.age"
    with pytest.raises(InputError) as err:
        plan_from_data({}, lang="fr", kb=fkb)
    assert err.value.problems[0].path == "lang"


ALL_ESSENTIAL_NO = {"saddle_numbness": "no", "fever": "no", "hot_swollen_knee": "no"}  # the fixture KB's


def test_it_runs_the_self_check_to_a_self_care_plan(fkb):
    plan = self_check({"red_flags": ALL_ESSENTIAL_NO, "pain": ["low_back", "knee"], "onset_order": "knee_first",
                       "symptoms": {"worse_stairs": True}, "helps": ["heat"], "age": 60}, "ja", fkb)
    assert plan["mode"] == "self_check" and plan["triage"]["level"] == "none"
    exercises = [e["id"] for c in plan["program"]["components"] for e in c["exercises"]]
    assert exercises and all(fkb.exercises[e].self_care for e in exercises)
    assert {"stretching", "strengthening"} <= {fkb.exercises[e].family for e in exercises}
    assert plan["follow_up"]["see_doctor_when"]


def test_it_gives_no_self_care_plan_while_an_essential_question_is_unanswered(fkb):
    answers = {"red_flags": {**ALL_ESSENTIAL_NO, "hot_swollen_knee": "unknown"}, "pain": ["knee"], "age": 60}
    plan = self_check(answers, "ja", fkb)
    assert plan["triage"]["level"] == "incomplete" and plan["program"]["status"] == "withheld"
    assert plan["program"]["components"] == [] and plan["advice"] == []
    assert [q["id"] for q in plan["triage"]["to_ask"] if q["essential"]] == ["hot_swollen_knee"]


def test_it_sends_the_self_check_to_a_doctor_on_a_red_flag(fkb):
    plan = self_check({"red_flags": {"bladder_bowel_change": "yes"}, "pain": ["low_back"]}, "ja", fkb)
    assert plan["triage"]["level"] == "emergency" and plan["program"]["components"] == []


def test_it_rejects_unknown_self_check_answers(fkb):
    with pytest.raises(InputError) as err:
        self_check({"mood": "bad"}, kb=fkb)
    assert err.value.problems[0].path == "mood"


def test_it_checks_rule_and_hypothesis_references(tmp_path, fkb):
    from engine_fixtures import build_fixture_kb

    kb = build_fixture_kb(tmp_path / "kb")
    (tmp_path / "kb" / "rules.yaml").write_text(
        "- {id: r_x, hypothesis: h_nope, when: {finding: overweight}, weight: 1,"
        " explanation: {ja: あ, en: a}, refs: [hayden_2021]}\n",
        encoding="utf-8")
    (tmp_path / "kb" / "hypotheses.yaml").write_text(
        "- {id: h_x, name: {ja: あ, en: a}, lens: core, description: {ja: あ, en: a}, discriminating_tests: [nope],"
        " refs: [hayden_2021]}\n", encoding="utf-8")
    problems = check(load(tmp_path / "kb", check_integrity=False))
    messages = " ".join(p.message for p in problems)
    assert "unknown hypothesis 'h_nope'" in messages and "unknown test 'nope'" in messages
    assert kb.version


def test_it_hands_out_plans_that_can_be_edited_without_touching_the_kb(fkb):
    c = load_case_file(FIXTURE_CASES / "hamstring_compensatory.yaml", fkb)
    plan = make_plan(c, "ja", fkb)
    ex = plan["program"]["components"][0]["exercises"][0]
    ex["steps"].append("edited")
    ex["dose"]["refs"].append("edited")
    plan["hypotheses"][0]["refs"].append("edited")
    assert plan_json(make_plan(c, "ja", fkb)).count("edited") == 0
