"""What has changed since the baseline, for the patient: each re-measured outcome and re-tested physical test
with its first and latest value, whether that is better or worse, and the exercises of the plan that work on it.

Direction comes from the knowledge base, never from the name: a measure's ``direction`` (``higher_worse``:
lower pain is better; ``higher_better``: a higher KOOS-12 is better); a test's direction is read from the
thresholds at which it yields a finding (``lt`` / ``le`` / ``below_norm``: a low result is the problem, so a
higher one is better, e.g. more chair stands; ``gt`` / ``ge`` / ``above_norm``: a slower TUG is the problem).
A test whose thresholds point both ways, or that yields nothing, is shown without a verdict.

The exercises that target a test are those of the plan whose ``addresses`` name a finding the test yields.
Outcome measures (pain, disability) are not tied to one exercise: the whole programme works on them.
Pure: takes plain values and the plan, returns plain dicts (texts are the KB's bilingual ``{ja, en}``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ptplan.core import conditions

EPS = 1e-9
HIGHER_BETTER_OPS = {"lt", "le", "below_norm"}
HIGHER_WORSE_OPS = {"gt", "ge", "above_norm"}
SIDES = {"left": {"ja": "左", "en": "left"}, "right": {"ja": "右", "en": "right"}}


def _kb(kb):
    if kb is None:
        from ptplan.core.kb.loader import default_kb

        kb = default_kb()
    return kb


def _number(v: Any) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def retest_direction(test) -> str | None:
    """``higher_better`` / ``higher_worse`` from the operators of the test's numeric yields, else ``None``."""
    ops = {leaf.op for y in test.yields for leaf in conditions.leaves(y.when.parsed)
           if leaf.path.startswith(f"test.{test.id}.")}
    up, down = bool(ops & HIGHER_BETTER_OPS), bool(ops & HIGHER_WORSE_OPS)
    return "higher_better" if up and not down else "higher_worse" if down and not up else None


def verdict(baseline: float, latest: float, direction: str | None) -> str:
    """``better`` / ``worse`` / ``same`` for the patient, or ``changed`` when the direction is unknown."""
    if abs(latest - baseline) < EPS:
        return "same"
    if direction is None:
        return "changed"
    higher = latest > baseline
    return "better" if higher == (direction == "higher_better") else "worse"


def _targets(plan: Mapping | None, findings: set[str]) -> list[dict]:
    out = []
    for comp in sorted(((plan or {}).get("program") or {}).get("components") or [], key=lambda c: c.get("priority", 99)):
        for ex in comp.get("exercises") or []:
            if findings & set(ex.get("addresses") or []):
                out.append({"id": ex.get("id"), "name": ex.get("name", "")})
    return out


def measure_changes(baseline: Mapping[str, Any], latest: Mapping[str, Any], kb=None) -> list[dict]:
    """``baseline`` / ``latest``: measure id -> headline score (a number, or None when not scored)."""
    kb = _kb(kb)
    metas = kb.kind("measures")
    out = []
    for name, first in baseline.items():
        b, last = _number(first), _number(latest.get(name))
        meta = metas.get(name)
        if b is None or last is None or meta is None or meta.direction not in ("higher_worse", "higher_better"):
            continue
        out.append({"kind": "measure", "id": name, "label": meta.concept.model_dump(), "short": _short(meta),
                    "baseline": b, "latest": last, "unit": meta.unit, "direction": meta.direction,
                    "verdict": verdict(b, last, meta.direction), "exercises": []})
    return out


def _short(meta) -> str:
    """The abbreviation in the measure's English name, e.g. "ODI" from "Oswestry Disability Index (ODI)"."""
    name = meta.name.en
    return name[name.rindex("(") + 1:name.rindex(")")] if "(" in name and name.endswith(")") else name


def retest_changes(baseline: Mapping[str, Mapping], latest: Mapping[str, Mapping], plan: Mapping | None = None,
                 kb=None) -> list[dict]:
    """``baseline`` / ``latest``: the cases' ``tests`` (test id -> {value | left, right, ...}); numeric tests
    re-tested with a different value (each side on its own line for sided tests). Measures are kept even
    when unchanged: "pain 5 → 5" is news to the patient, a re-test with the same count is not."""
    kb = _kb(kb)
    tests = kb.kind("tests")
    out = []
    for tid, first in baseline.items():
        test, again = tests.get(tid), latest.get(tid)
        if test is None or not isinstance(first, Mapping) or not isinstance(again, Mapping):
            continue
        if test.record.kind in ("positive", "checklist"):
            continue
        direction = retest_direction(test)
        findings = {y.finding for y in test.yields}
        for key in ("value", "left", "right"):
            b, last = _number(first.get(key)), _number(again.get(key))
            if b is None or last is None or abs(b - last) < EPS:
                continue  # a test re-done with the same result says nothing to the patient
            label = test.name.model_dump()
            if key in SIDES:
                label = {"ja": f"{label['ja']}（{SIDES[key]['ja']}）", "en": f"{label['en']} ({SIDES[key]['en']})"}
            out.append({"kind": "test", "id": tid if key == "value" else f"{tid}.{key}", "label": label,
                        "short": "", "baseline": b, "latest": last, "unit": test.record.unit, "direction": direction,
                        "verdict": verdict(b, last, direction), "exercises": _targets(plan, findings)})
    return out


def changes(baseline_scores: Mapping[str, Any], latest_scores: Mapping[str, Any],
            baseline_tests: Mapping[str, Mapping], latest_tests: Mapping[str, Mapping],
            plan: Mapping | None = None, kb=None) -> list[dict]:
    """Every change since the baseline: outcome measures first, then the re-tested physical tests."""
    kb = _kb(kb)
    return measure_changes(baseline_scores, latest_scores, kb) + retest_changes(baseline_tests, latest_tests, plan, kb)
