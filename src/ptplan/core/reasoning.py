"""Reasoning as data: rules (rules.yaml) score hypotheses (hypotheses.yaml) from findings and facts.

A hypothesis is *supported* when its summed weight is at least 1 and at least one rule for it
fired. Confidence bands on the summed weight are engine conventions, not clinical numbers:
4 or more is high, 2-3 moderate, 1 low. All three lenses are always examined; a lens with no
supported hypothesis reports its hypotheses whose discriminating tests are not yet done as
``insufficient_data``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ptplan.core.case import Case
from ptplan.core.conditions import NormLookup
from ptplan.core.kb_index import index_of

THREE_LENSES = ("core", "mobility", "movement")
PATTERNS = {"h_knee_to_back": "knee_to_back", "h_back_to_knee": "back_to_knee",
            "h_concurrent_knee_back": "concurrent"}


@dataclass
class HypothesisResult:
    id: str
    score: int = 0
    positive: bool = False
    for_findings: list[str] = field(default_factory=list)
    against: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    missing_tests: list[str] = field(default_factory=list)
    status: str = "supported"

    @property
    def supported(self) -> bool:
        return self.positive and self.score >= 1

    @property
    def confidence(self) -> str:
        return "high" if self.score >= 4 else "moderate" if self.score >= 2 else "low"


def score_rules(kb, facts: dict[str, Any], norms: NormLookup,
                sources: dict[str, set[str]] | None = None) -> dict[str, HypothesisResult]:
    """Sum the fired rules per hypothesis.

    ``sources`` (finding id -> the results that yield it: ``test:<id>:<values read>``, ``test:<id>`` or
    ``rule:<id>``) lets one test result count once per hypothesis: a rule for it that rests only on findings of
    test results already counted for that hypothesis adds nothing (one drawing-in test yields two findings, but it
    is still one test)."""
    results: dict[str, HypothesisResult] = {}
    idx = index_of(kb)
    builds_on = idx.rule_findings
    sources = sources or {}
    counted: dict[str, set[str]] = {}
    only_findings = idx.rule_only_findings
    for rule, fn in idx.rules:
        if not fn(facts, norms):
            continue
        rid = rule.id
        named = [path[8:] for path in builds_on[rid] if facts.get(path)]
        # a rule of findings only, all from test results this hypothesis already counted, is the same result again
        tests = {t for f in named for t in sources.get(f, ()) if t.startswith("test:")}
        from_tests = all(any(t.startswith("test:") for t in sources.get(f, ())) for f in named)
        seen = counted.setdefault(rule.hypothesis, set())
        if rule.weight > 0 and tests and from_tests and tests <= seen and only_findings[rid]:
            results.setdefault(rule.hypothesis, HypothesisResult(rule.hypothesis)).for_findings += [
                f for f in named if f not in results[rule.hypothesis].for_findings]
            continue  # the same test result again
        if rule.weight > 0:
            seen |= tests
        r = results.setdefault(rule.hypothesis, HypothesisResult(rule.hypothesis))
        r.score += rule.weight
        r.rules.append(rid)
        r.positive = r.positive or rule.weight > 0
        target = r.for_findings if rule.weight > 0 else r.against
        target += [f for f in named if f not in target]
    for r in results.values():
        r.against = [f for f in r.against if f not in r.for_findings]  # a finding a rule builds on is not against it
    return results


def discriminating_tests(kb, hid: str) -> list[str]:
    return list(index_of(kb).discriminating[hid])


def next_tests(kb, case: Case, limit: int | None = None, regions: tuple[str, ...] | None = None) -> list[str]:
    """The tests not yet done that would tell most of the complaint's open hypotheses apart, best first.

    A hypothesis is open (live or a candidate) for the complaint when it is about one of the complaint's regions
    (its ``regions`` in hypotheses.yaml), the complaint has the pain sites its rules need (the knee-back pattern
    hypotheses need both), and the findings so far have not refuted it (summed rule weight below 0). A test
    counts the open hypotheses it discriminates (``discriminating_tests`` or the test's ``discriminates``);
    ties keep the knowledge-base order. ``regions``: the complaint's screening regions (spine, knee); by
    default those of the case's pain sites. Tests that discriminate no open hypothesis are not listed."""
    from ptplan.core.facts import build_facts
    from ptplan.core.findings import derive_findings, done_tests
    from ptplan.core.measures import score_questionnaires
    from ptplan.core.norms import lookup_for
    from ptplan.core.screening import regions_of

    regions = tuple(regions) if regions is not None else regions_of(case, kb)
    site_region = {site: region for region, sites in kb.meta.screening_regions.items() for site in sites}
    facts = build_facts(case, score_questionnaires(case.questionnaires, kb))
    norms = lookup_for(kb, case.demographics.age, case.demographics.sex)
    derive_findings(case, kb, facts, norms)
    scored = score_rules(kb, facts, norms)
    idx = index_of(kb)
    open_ = [hid for hid, h in kb.kind("hypotheses").items()
             if set(h.regions) & set(regions) and {site_region.get(s) for s in idx.needs_sites[hid]} <= set(regions)
             and (scored[hid].score if hid in scored else 0) >= 0]
    done = set(done_tests(case, kb))
    count = {tid: sum(tid in idx.discriminating[hid] for hid in open_) for tid in kb.tests if tid not in done}
    ranked = sorted((tid for tid, n in count.items() if n), key=lambda tid: -count[tid])  # stable: KB order
    return ranked if limit is None else ranked[:limit]


def reason(case: Case, kb, facts: dict[str, Any], norms: NormLookup, done: list[str],
           sources: dict[str, set[str]] | None = None) -> list[HypothesisResult]:
    """Supported hypotheses (best first) plus insufficient-data entries for lenses with none supported.
    ``sources``: where each finding came from (see :func:`score_rules`)."""
    scored = score_rules(kb, facts, norms, sources)
    hyps = kb.kind("hypotheses")
    disc, done_set = index_of(kb).discriminating, set(done)
    out = [r for r in scored.values() if r.supported]
    for r in out:
        r.missing_tests = [t for t in disc[r.id] if t not in done_set]
    for lens in THREE_LENSES:
        if any(hyps[r.id].lens == lens for r in out):
            continue
        for hid, h in hyps.items():
            if h.lens != lens:
                continue
            missing = [t for t in disc[hid] if t not in done_set]
            r = scored.get(hid) or HypothesisResult(hid)
            if missing and r.score >= 0:  # a refuted hypothesis is not "undecided"
                r.status, r.missing_tests = "insufficient_data", missing
                out.append(r)
    order = {hid: i for i, hid in enumerate(hyps)}
    out.sort(key=lambda r: (r.status != "supported", -r.score, order[r.id]))
    return out


def lens_status(kb, results: list[HypothesisResult]) -> dict[str, str]:
    hyps = kb.kind("hypotheses")
    status = {}
    for lens in THREE_LENSES:
        mine = [r for r in results if hyps[r.id].lens == lens]
        status[lens] = ("supported" if any(r.status == "supported" for r in mine)
                        else "insufficient_data" if mine else "no_problem_found")
    return status


def knee_back_pattern(case: Case, results: list[HypothesisResult]) -> dict[str, Any]:
    """knee_to_back | back_to_knee | concurrent | none | insufficient_data, from the pattern hypotheses."""
    if not (case.has_pain("knee") and case.has_pain("low_back")):
        return {"pattern": "none", "hypothesis": None, "confidence": None}
    candidates = [r for r in results if r.id in PATTERNS and r.status == "supported"]
    if not candidates:
        return {"pattern": "insufficient_data", "hypothesis": None, "confidence": None}
    # On a tie the direction cannot be told, which is the concurrent pattern by definition.
    best = max(candidates, key=lambda r: (r.score, r.id == "h_concurrent_knee_back"))
    return {"pattern": PATTERNS[best.id], "hypothesis": best.id, "confidence": best.confidence}
