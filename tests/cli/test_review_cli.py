"""``ptplan review CASE LOG`` on the sample logs (one per decision)."""

import json
from pathlib import Path

import pytest

LOGS = Path(__file__).resolve().parents[2] / "examples" / "logs"
CASE = LOGS / "case_for_logs.yaml"


@pytest.mark.parametrize(("log", "decision", "next_phase"), [
    ("progress", "progress", "phase_2"), ("hold", "hold", "phase_1"), ("regress", "regress", "phase_1"),
    ("refer", "refer", "phase_1"), ("review", "review", "phase_1"), ("refer_no_improvement", "refer", "phase_1"),
])
def test_it_decides_each_sample_log(run, log, decision, next_phase):
    code, out, err = run("review", str(CASE), str(LOGS / f"{log}.yaml"), "--json")
    r = json.loads(out)
    assert (code, r["decision"], r["phase"]["next"]) == (0, decision, next_phase), err


def test_it_prints_the_decision_and_next_phase_in_japanese(run):
    code, out, _ = run("review", str(CASE), str(LOGS / "progress.yaml"))
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("判定: 進める")
    assert "次の段階: phase_2 (現在: phase_1)" in lines


def test_it_reports_a_bad_log_with_its_field_and_exit_2(run, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("latest: {nrs: [15]}\nsessions: []\nplan: {program: {components: []}}\n", encoding="utf-8")
    code, _, err = run("review", str(CASE), str(bad))
    assert code == 2 and "latest.nrs.item[1]: expected 0–10, got 15" in err


def test_it_makes_the_plan_from_the_case_when_the_log_has_none(run, tmp_path):
    log = tmp_path / "noplan.yaml"
    log.write_text("latest: {nrs: [5]}\nsessions: []\n", encoding="utf-8")
    code, out, err = run("review", str(CASE), str(log), "--json")
    r = json.loads(out)
    assert code == 0, err
    assert r["decision"] in ("progress", "hold", "regress", "refer")
    assert r["exercises"], "the decision covers the exercises of the plan made from the case"
