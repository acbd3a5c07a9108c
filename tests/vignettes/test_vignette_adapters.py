"""Every output says the same thing about a vignette's triage: the CLI report and JSON, the Markdown and
HTML handouts, the FHIR bundle and the self-check (service and terminal). A vignette lists the outputs to
check under ``expect.adapters``; the browser outputs are in tests/web/test_web_vignettes.py.

For an incomplete screen every output must put the unanswered essential questions first, never say the
person is safe, and never hand the patient a program; for several flags, only the most urgent action."""

from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner
from vignette_suite import KB, load_all, outcome, self_check_answers

from ptplan.cli import app
from ptplan.core import explain
from ptplan.core.services import self_check

runner = CliRunner()
NON_BROWSER = ("cli_text", "cli_json", "handout_md", "handout_html", "fhir", "self_check", "self_check_cli")
CASES = [(v, a) for v in load_all() for a in v["expect"].get("adapters", []) if a in NON_BROWSER]
SAFE_WORDS = ("運動を始めてよい", "危険な兆候は見つかりませんでした", "Safe to start", "no warning signs were found")


def _run(tmp_path, v, *args) -> str:
    path = tmp_path / f"{v['id']}.yaml"
    path.write_text(yaml.safe_dump(v["case_data"], allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["plan", str(path), *args])
    assert result.exit_code == 0, result.output
    return result.output


def _essential(plan) -> list[dict]:
    return [q for q in plan["triage"]["to_ask"] if q["essential"]]


def _program_names(plan) -> list[str]:
    return [e["name"] for c in plan["program"]["components"] for e in c["exercises"]]


def _says_the_same(text: str, plan: dict, words: str) -> None:
    """The shared triage message, checked on any rendered output. ``words``: question wording shown."""
    t = plan["triage"]
    assert t["headline"] in text
    if t["level"] == "incomplete":
        for q in _essential(plan):
            assert q[words] in text, q["id"]
        assert not any(w in text for w in SAFE_WORDS)
    if t["flags"]:
        assert t["action"] in text
        for f in t["flags"][1:]:  # one action only: the others appear as reasons, without their actions
            if f["action"] != t["action"]:
                assert f["action"] not in text, f["id"]
            assert f["suspected"] in text


def _patient_document(text: str, plan: dict) -> None:
    """A patient-facing document: no exercise of a program that is not issued."""
    if plan["program"]["status"] != "issued":
        for name in _program_names(plan):
            assert name not in text, name


@pytest.mark.parametrize(("v", "adapter"), CASES, ids=[f"{v['id']}-{a}" for v, a in CASES])
def test_it_tells_the_same_triage_in_every_output(v, adapter, tmp_path):
    plan = outcome(v).plan
    level = v["expect"]["triage"]
    assert plan["triage"]["level"] == level
    if adapter == "cli_text":
        text = _run(tmp_path, v)
        _says_the_same(text, plan, "clinician")
        if level == "incomplete":
            assert "[必須]" in text and "暫定" in text  # essential marked; the therapist's program marked provisional
    elif adapter == "cli_json":
        got = json.loads(_run(tmp_path, v, "--format", "json"))
        assert got["triage"]["level"] == level and got["triage"]["headline"] == plan["triage"]["headline"]
        assert got["triage"]["exercise_allowed"] is (level in ("none", "routine"))
        assert [q["id"] for q in got["triage"]["to_ask"] if q["essential"]] == [q["id"] for q in _essential(plan)]
    elif adapter in ("handout_md", "handout_html"):
        text = _run(tmp_path, v, "--format", adapter.split("_")[1])
        _says_the_same(text, plan, "question")
        _patient_document(text, plan)
        if level == "incomplete":
            assert "安全確認の質問に答えてください" in text and "実施チェック表" not in text
    elif adapter == "fhir":
        bundle = json.loads(_run(tmp_path, v, "--format", "fhir"))
        careplan = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "CarePlan")
        notes = " ".join(n["text"] for n in careplan["note"])
        assert plan["triage"]["headline"] in notes
        if level == "incomplete":
            assert careplan["status"] == "draft" and "activity" not in careplan
            assert all(q["question"] in notes for q in _essential(plan))
    elif adapter == "self_check":
        result = self_check(self_check_answers(v), "ja", KB)
        assert result["triage"]["level"] == level
        if level == "incomplete":
            assert result["program"]["components"] == [] and result["advice"] == []
            assert result["program"]["note"] == explain.WITHHELD_INCOMPLETE.ja
    elif adapter == "self_check_cli":
        _check_terminal_self_check(v, plan)


def _check_terminal_self_check(v, plan) -> None:
    """Type the vignette's answers into ``ptplan check`` (y / n / ? for don't know)."""
    given = v["case_data"].get("red_flags") or {}
    keys = {"yes": "y", "no": "n"}
    lines = [keys.get(given.get(q.id, "unknown"), "?") for q in KB.red_flag_questions.values() if q.self_check]
    result = runner.invoke(app, ["check"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    if plan["triage"]["level"] == "incomplete":
        assert "安全確認が未完了です" in result.output
        assert "運動プログラム" not in result.output and "痛む場所" not in result.output
        assert not any(w in result.output for w in SAFE_WORDS)
