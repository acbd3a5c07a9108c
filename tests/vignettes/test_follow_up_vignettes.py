"""Follow-up vignettes (tests/vignettes/follow_up/*.yaml): a course of sessions and measures, and the decision the
recent-course rules of kb/progression.yaml expect. Every decision rule has at least one vignette."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from ptplan.core import dosing
from ptplan.core.kb.loader import default_kb
from ptplan.core.progression import review

KB = default_kb()
START = dt.date(2026, 1, 5)
HERE = Path(__file__).parent / "follow_up"
VIGNETTES = [v for p in sorted(HERE.glob("*.yaml")) for v in yaml.safe_load(p.read_text(encoding="utf-8"))]


def _plan(spec: dict) -> dict:
    ex = spec.get("exercise", "drawing_in_supine")
    dose = spec.get("dose") or {"sets": 1, "reps": 10, "hold_s": 10, "sessions_per_week": 3}
    return {"program": {"components": [{"id": "c1", "family": spec.get("family", "motor_control"),
                                        "exercises": [{"id": ex, "dose": dose}]}],
                        "phases": [{"id": "phase_1"}, {"id": "phase_2"}]},
            "follow_up": {"review_weeks": spec.get("review_weeks", 4)}}


def _timepoint(spec: dict) -> dict:
    qs = {k: v for k, v in spec.items() if k != "day"}
    return {"date": (START + dt.timedelta(days=spec["day"])).isoformat(), "questionnaires": qs}


def _sessions(groups: list, ex: str) -> list[dict]:
    out = []
    for g in groups:
        days = g.get("days") or list(range(g["from"], g["to"] + 1, g["every"]))
        out += [{"date": (START + dt.timedelta(days=d)).isoformat(), "exercises": [ex], "pain_before": g["before"],
                 "pain_after": g["after"], "rpe": g.get("rpe")} for d in days]
    return out


def _raised(ex: dict) -> bool:
    before, after = ex["dose_before"], ex["dose_after"]
    return ex["switch_to"] is None and any(after.get(f, before[f]) > before[f] for f in dosing.COMPARABLE if f in before)


def _lowered(ex: dict) -> bool:
    before, after = ex["dose_before"], ex["dose_after"]
    return ex["switch_to"] is not None or any(after.get(f, before[f]) < before[f] for f in dosing.COMPARABLE
                                              if f in before)


CHECKS = {
    "decision": lambda r, w: r["decision"] == w,
    "rule": lambda r, w: r["rule"] == w,
    "next_review_weeks": lambda r, w: r["next_review_weeks"] == w,
    "adherence": lambda r, w: r["metrics"]["adherence"] == w,
    "no_dose_raised": lambda r, w: w and not any(_raised(e) or e["decision"] == "progress" for e in r["exercises"]),
    "dose_lowered": lambda r, w: w and all(_lowered(e) for e in r["exercises"]),
    "missing_baseline": lambda r, w: r["missing_baseline"] == w,
    "not_compared": lambda r, w: not set(w) & set(r["measures"]),
}


@pytest.mark.parametrize("v", VIGNETTES, ids=[v["id"] for v in VIGNETTES])
def test_it_meets_the_follow_up_vignette(v):
    unknown = set(v["expect"]) - set(CHECKS)
    assert not unknown, f"unknown expect keys {unknown}"
    spec = v.get("plan") or {}
    r = review(_plan(spec), _timepoint(v["baseline"]), _timepoint(v["latest"]),
               _sessions(v["sessions"], spec.get("exercise", "drawing_in_supine")),
               new_red_flags=v.get("new_red_flags") or (), new_signs=v.get("new_signs") or (), lang="en")
    for key, want in v["expect"].items():
        assert CHECKS[key](r, want), f"{key}: expected {want!r}; got decision {r['decision']} ({r['rule']}), " \
                                     f"metrics {r['metrics']}"
    for target in v["covers"]:
        assert target == f"progression.{r['rule']}", f"covers {target}, decided by {r['rule']}"


def test_every_decision_rule_has_a_follow_up_vignette_and_there_are_at_least_fifteen():
    rules = {f"progression.{r.id}" for r in KB.kind("progression").values() if r.type == "decision"}
    covered = {t for v in VIGNETTES for t in v["covers"]}
    assert rules <= covered, sorted(rules - covered)
    assert len(VIGNETTES) >= 15 and len({v["id"] for v in VIGNETTES}) == len(VIGNETTES)
