"""Normalize a case into findings: test results and case facts checked against KB thresholds.

Each finding keeps where it came from (``test:<id>`` or ``rule:<id>``), the raw values the
threshold looked at, the threshold text (with the age/sex norm row when one was used) and refs.
The facts mapping gains ``finding.<id> = True`` for every finding, so later rules can read them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ptplan.core import conditions, explain
from ptplan.core.case import Case
from ptplan.core.conditions import NormLookup
from ptplan.core.i18n import Text
from ptplan.core.kb_index import index_of
from ptplan.core.norms import norm_text


@dataclass(frozen=True)
class FindingHit:
    id: str
    source: str
    value: dict[str, Any]
    threshold: Text
    refs: tuple[str, ...]
    status: str = "verified"
    video: dict[str, Any] | None = None   # the video measure behind it, when a video analysis produced it
    also: tuple[str, ...] = ()  # other tests that yield the same finding in this case (test ids)


def link_movement_facts(case: Case, facts: dict[str, Any]) -> None:
    """Movement observations and the matching ``<task>_observation`` test are the same facts."""
    for task, m in case.movement.items():
        for obs in m.observations:
            facts[f"test.{task}_observation.obs.{obs}"] = True
    for task in ("squat", "forward_bend", "gait", "single_leg_stance"):
        result = case.tests.get(f"{task}_observation")
        for obs in result.observations if result else ():
            facts[f"movement.{task}.{obs}"] = True


def done_tests(case: Case, kb) -> list[str]:
    """Tests with a result, in knowledge-base order (a recorded movement task counts as its observation test)."""
    done = set(case.tests) | {f"{task}_observation" for task in case.movement}
    return [tid for tid in kb.tests if tid in done]


def derive_findings(case: Case, kb, facts: dict[str, Any], norms: NormLookup) -> dict[str, FindingHit]:
    link_movement_facts(case, facts)
    hits: dict[str, FindingHit] = {}
    age, sex = case.demographics.age, case.demographics.sex
    idx = index_of(kb)
    for tid in done_tests(case, kb):
        for y, fn, paths in idx.yields[tid]:
            if not fn(facts, norms):
                continue
            if y.finding in hits:
                hit = hits[y.finding]
                if hit.source != f"test:{tid}" and tid not in hit.also:
                    hits[y.finding] = replace(hit, also=(*hit.also, tid))
                continue
            values = _values(paths, facts)
            hits[y.finding] = FindingHit(y.finding, f"test:{tid}", values,
                                         _threshold(y.threshold, y.when.parsed, kb, tid, age, sex), tuple(y.refs), y.status,
                                         video_source(case, tid, values))
            facts[f"finding.{y.finding}"] = True
    for rule, fn, paths in idx.finding_rules:
        if rule.finding in hits or not fn(facts, norms):
            continue
        hits[rule.finding] = FindingHit(rule.finding, f"rule:{rule.id}", _values(paths, facts), rule.threshold,
                                        tuple(rule.refs), rule.status)
        facts[f"finding.{rule.finding}"] = True
    return hits


def video_source(case: Case, tid: str, values: dict[str, Any]) -> dict[str, Any] | None:
    """The video evidence behind a finding read from ``<task>_observation``, when a video analysis recorded it."""
    task = tid.removesuffix("_observation")
    m = case.movement.get(task)
    if m is None or m.source != "video":
        return None
    prefix = f"test.{tid}.obs."
    for path in values:
        obs = path.removeprefix(prefix)
        if path.startswith(prefix) and obs in m.evidence:
            e = m.evidence[obs]
            return {"task": task, "observation": obs, "measure": e.measure, "value": e.value, "unit": e.unit,
                    "quality": e.quality}
    return None


def _values(paths: tuple[str, ...], facts: dict[str, Any]) -> dict[str, Any]:
    """The raw facts a threshold looked at (only those that are known), by path; ``paths``: the sorted fact paths
    of its condition (``KbIndex.yields``)."""
    return {p: facts[p] for p in paths if facts.get(p) is not None}


def _threshold(text: Text, cond: conditions.Condition, kb, tid: str, age, sex) -> Text:
    if not any(leaf.op in ("below_norm", "above_norm") for leaf in conditions.leaves(cond)):
        return text
    ja, en = norm_text(kb, tid, age, sex)
    return explain.text(ja=f"{text.ja}（{ja}）", en=f"{text.en} ({en})") if ja else text
