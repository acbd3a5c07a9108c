"""Lookups the engine needs on every plan, computed once per loaded knowledge base.

The knowledge base is immutable after loading, so these indexes never go stale; they are kept
by object identity (the KB object itself is held so its id cannot be reused).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ptplan.core import conditions
from ptplan.core.compiled import compile_condition

_CACHE: dict[int, tuple[Any, KbIndex]] = {}


@dataclass(frozen=True)
class KbIndex:
    red_flag_questions_used: frozenset[str]
    discriminating: dict[str, tuple[str, ...]]
    rule_findings: dict[str, tuple[str, ...]]  # rule id -> finding paths it builds on (not under "not")
    advice_findings: dict[str, tuple[str, ...]]
    advice_fact_leaves: dict[str, tuple] = None  # advice id -> (path, compiled leaf) of `when`, not under "not"
    # (entry, compiled condition) pairs in KB order, for the loops that run on every plan
    rules: tuple = ()
    red_flags: tuple = ()
    yellow_flags: tuple = ()
    # test id -> ((yield, fn, fact paths), ...) and ((finding rule, fn, fact paths), ...): the fact paths are
    # those the condition reads that are not findings, sorted (the values a finding reports)
    yields: dict[str, tuple] = None
    finding_rules: tuple = ()
    adjustments: tuple = ()
    advice: tuple = ()  # (entry, when fn or None, not_when fn or None)
    contraindicated: dict[str, tuple] = None  # exercise id -> (fn, ...): every exclusion (core/exclusions.py)
    exclusions: dict[str, tuple] = None  # exercise id -> (exclusions.Check, ...)
    cautions: dict[str, tuple] = None  # exercise id -> (exclusions.Check, ...) added as cautions
    advice_exclusions: dict[str, tuple] = None  # advice id -> (exclusions.Check, ...)
    doses: dict[str, dict] = None  # exercise id -> default dose as a plain dict (copied before changing)
    dose_sets: dict[str, dict] = None  # adjustment id -> the dose values it sets
    # hypothesis id -> pain sites every rule for it needs (``pain.<site> is true`` at the top of each rule)
    needs_sites: dict[str, frozenset[str]] = None
    # component id -> the exercises of its families in KB order, as (order, exercise, rank of its family in the
    # component's list, the component targets it addresses): the candidate pool of prescription.candidates
    component_pools: dict[str, tuple] = None
    rule_only_findings: dict[str, bool] = None  # rule id -> its condition reads findings only (no other fact)
    # rule id -> the leaves of its condition that explain.hypothesis_explanation may put in words (a labelled case
    # fact read with is/eq/in; no finding, no silent fact), in condition order
    rule_fact_leaves: dict[str, tuple] = None


def index_of(kb) -> KbIndex:
    hit = _CACHE.get(id(kb))
    if hit is not None and hit[0] is kb:
        return hit[1]
    idx = _build(kb)
    _CACHE[id(kb)] = (kb, idx)
    return idx


def _build(kb) -> KbIndex:
    from ptplan.core.exclusions import build_checks
    from ptplan.core.explain import worded_leaves

    exclusions, cautions, advice_exclusions = build_checks(kb)
    used = frozenset(leaf.path[len("red_flag."):] for flag in kb.red_flags.values()
                     for leaf in conditions.leaves(flag.when.parsed) if leaf.path.startswith("red_flag."))
    hyps = kb.kind("hypotheses")
    disc = {hid: tuple(tid for tid, t in kb.tests.items() if tid in h.discriminating_tests or hid in t.discriminates)
            for hid, h in hyps.items()}
    by_family: dict[str, list[tuple[int, Any]]] = {}
    for order, ex in enumerate(kb.exercises.values()):
        by_family.setdefault(ex.family, []).append((order, ex))
    rules = {rid: _positive_findings(r.when.parsed) for rid, r in kb.kind("rules").items()}
    advice = {aid: tuple(leaf.path for leaf in conditions.leaves(a.when.parsed) if leaf.path.startswith("finding."))
              if a.when else () for aid, a in kb.advice.items()}
    fn = compile_condition
    fact_leaves = {aid: tuple((leaf.path, fn(leaf)) for leaf in _positive_leaves(a.when.parsed)) if a.when else ()
                   for aid, a in kb.advice.items()}
    return KbIndex(
        used, disc, rules, advice, fact_leaves,
        rules=tuple((r, fn(r.when.parsed)) for r in kb.kind("rules").values()),
        red_flags=tuple((f, fn(f.when.parsed)) for f in kb.red_flags.values()),
        yellow_flags=tuple((y, fn(y.when.parsed)) for y in kb.yellow_flags.values()),
        yields={tid: tuple((y, fn(y.when.parsed), _fact_paths(y.when.parsed)) for y in t.yields)
                for tid, t in kb.tests.items()},
        finding_rules=tuple((r, fn(r.when.parsed), _fact_paths(r.when.parsed))
                            for r in kb.kind("finding_rules").values()),
        adjustments=tuple((a, fn(a.when.parsed)) for a in kb.kind("adjustments").values()),
        advice=tuple((a, fn(a.when.parsed) if a.when else None, fn(a.not_when.parsed) if a.not_when else None)
                     for a in kb.advice.values()),
        contraindicated={eid: tuple(c.fn for c in checks) for eid, checks in exclusions.items()},
        exclusions=exclusions, cautions=cautions, advice_exclusions=advice_exclusions,
        doses={eid: ex.dose.as_plan() for eid, ex in kb.exercises.items()},
        dose_sets={a.id: a.dose.model_dump(exclude_none=True) if a.dose else {} for a in kb.kind("adjustments").values()},
        needs_sites=_needs_sites(kb),
        rule_only_findings={rid: all(leaf.path.startswith("finding.") for leaf in conditions.leaves(r.when.parsed))
                            for rid, r in kb.kind("rules").items()},
        rule_fact_leaves={rid: worded_leaves(r.when.parsed) for rid, r in kb.kind("rules").items()},
        component_pools={comp.id: _component_pool(comp, by_family) for comp in kb.kind("components").values()},
    )


def _component_pool(comp, by_family: dict[str, list[tuple[int, Any]]]) -> tuple:
    targets, family_rank = set(comp.targets), {f: i for i, f in enumerate(comp.families)}
    pairs = sorted(pair for fam in comp.families for pair in by_family.get(fam, ()))
    return tuple((order, ex, family_rank[ex.family], tuple(a for a in ex.addresses if a in targets))
                 for order, ex in pairs)


def _fact_paths(cond) -> tuple[str, ...]:
    return tuple(sorted({leaf.path for leaf in conditions.leaves(cond) if not leaf.path.startswith("finding.")}))


def _needs_sites(kb) -> dict[str, frozenset[str]]:
    """The pain sites without which no rule in favour of a hypothesis can fire (e.g. both knee and low back for
    the knee-back pattern hypotheses): the ``pain.<site> is true`` leaves every positive rule requires."""
    out: dict[str, frozenset[str]] = {}
    for r in kb.kind("rules").values():
        if r.weight <= 0:
            continue
        cond = r.when.parsed
        tops = cond.children if isinstance(cond, conditions.Node) and cond.kind == "all" else (cond,)
        sites = frozenset(c.path[len("pain."):] for c in tops if isinstance(c, conditions.Leaf) and c.op == "is"
                          and c.value is True and c.path.count(".") == 1 and c.path.startswith("pain."))
        out[r.hypothesis] = out[r.hypothesis] & sites if r.hypothesis in out else sites
    return {hid: out.get(hid, frozenset()) for hid in kb.kind("hypotheses")}


def _positive_leaves(cond, negated: bool = False):
    if isinstance(cond, conditions.Leaf):
        if not negated and not cond.path.startswith("finding."):
            yield cond
        return
    for child in cond.children:
        yield from _positive_leaves(child, negated ^ (cond.kind == "not"))


def _positive_findings(cond, negated: bool = False) -> tuple[str, ...]:
    if isinstance(cond, conditions.Leaf):
        return (cond.path,) if cond.path.startswith("finding.") and not negated else ()
    out: tuple[str, ...] = ()
    for child in cond.children:
        out += _positive_findings(child, negated ^ (cond.kind == "not"))
    return tuple(dict.fromkeys(out))
