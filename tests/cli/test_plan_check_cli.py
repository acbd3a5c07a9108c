import json

from typer.testing import CliRunner

from ptplan.cli import app

runner = CliRunner()
CASE = """
demographics: {age: 34, sex: male, height_cm: 172, weight_kg: 80}
pain: [{site: low_back, nrs: 5}, {site: knee}]
history: {onset_order: knee_first}
symptoms: {worse_stairs: true}
tests:
  aslr: {value: 3}
activity: {can_get_to_floor: true}
"""


def _case(tmp_path, text=CASE):
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_it_prints_a_japanese_report_by_default(tmp_path):
    result = runner.invoke(app, ["plan", str(_case(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "運動療法プラン" in result.output and "運動プログラム" in result.output
    assert "こんなときは受診を" in result.output


def test_it_writes_stable_json_to_a_file(tmp_path):
    out1, out2 = tmp_path / "a.json", tmp_path / "b.json"
    for out in (out1, out2):
        result = runner.invoke(app, ["plan", str(_case(tmp_path)), "--format", "json", "--lang", "en", "-o", str(out)])
        assert result.exit_code == 0, result.output
    assert out1.read_bytes() == out2.read_bytes()
    plan = json.loads(out1.read_text(encoding="utf-8"))
    # no red-flag question was answered: never "none", and the program is only provisional
    assert plan["lang"] == "en" and plan["triage"]["level"] == "incomplete"
    assert plan["triage"]["exercise_allowed"] is False and plan["program"]["status"] == "provisional"
    assert list(plan) == sorted(plan)


def test_it_stops_exercise_in_the_report_on_a_red_flag(tmp_path):
    path = _case(tmp_path, "red_flags: {saddle_numbness: 'yes'}\npain: [{site: low_back}]\n")
    result = runner.invoke(app, ["plan", str(path), "--lang", "en"])
    assert result.exit_code == 0
    assert "Emergency: do not exercise" in result.output and "Go to an emergency department now" in result.output
    assert "Exercise program" not in result.output


def _red_flag_count():
    from ptplan.core.kb.loader import default_kb

    return sum(1 for q in default_kb().red_flag_questions.values() if q.self_check)


SYMPTOM_ANSWERS = ["3", "1", "y", "y", "n", "n", "n", "n", "n", "n", "n", "1", "66"]


def test_it_runs_the_self_check_on_piped_input():
    answers = ["n"] * _red_flag_count() + SYMPTOM_ANSWERS
    result = runner.invoke(app, ["check", "--lang", "en"], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "Your self-check result" in result.output
    assert "All essential safety questions are answered and no warning signs were found" in result.output
    assert "See a doctor when" in result.output


def test_it_sends_the_self_checker_to_a_doctor_after_a_yes_red_flag():
    result = runner.invoke(app, ["check"], input="y\n" * _red_flag_count())
    assert result.exit_code == 0, result.output
    assert "緊急：運動はせず、今すぐ救急外来を受診してください" in result.output
    assert "痛む場所" not in result.output


def test_it_reads_full_width_answers_and_asks_again_after_a_typo():
    # the first question (saddle numbness) gets a typo, then a full-width ｙ: that is a yes, never "don't know"
    result = runner.invoke(app, ["check"], input="yse\nｙ\n" + "ｎ\n" * _red_flag_count())
    assert result.exit_code == 0, result.output
    assert result.output.count("「はい」「いいえ」「わからない」（y / n / ?）のどれかで答えてください。") == 1
    assert "馬尾症候群の疑い" in result.output


def test_it_reports_an_incomplete_safety_check_when_an_essential_answer_is_dont_know():
    answers = ["？"] + ["いいえ"] * (_red_flag_count() - 1)  # full-width ? = わからない to the saddle question
    result = runner.invoke(app, ["check"], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "安全確認が未完了です" in result.output
    assert "肛門や陰部のまわり（自転車のサドルが当たるところ）" in result.output.split("まだ確認していない質問")[1]
    assert "運動プログラム" not in result.output and "痛む場所" not in result.output
    assert "運動を始めてよい" not in result.output and "危険な兆候は見つかりませんでした" not in result.output


def test_it_treats_the_end_of_input_as_dont_know_never_as_no():
    result = runner.invoke(app, ["check", "--lang", "en"], input="")
    assert result.exit_code == 0, result.output
    assert "Safety check not complete" in result.output and "Exercise program" not in result.output
