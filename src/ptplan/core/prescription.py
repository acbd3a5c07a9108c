"""Prescription: supported hypotheses → components → exercises → dose, schedule and phases.

Safety rules enforced here, whatever the data say:
- an exercise that :mod:`ptplan.core.exclusions` rules out for the case (its own contraindications, a
  contraindication rule on its position or loads, equipment not recorded at home) is never chosen;
- floor exercises are left out when the person cannot get down to the floor;
- a program has at least two components and two exercise families, or it is empty (with a reason);
- non-fallback components only take exercises that address a present finding, a supported hypothesis,
  or one of the component's own targets; a component without targets (direction-specific
  exercise) never takes an exercise for the opposite directional preference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ptplan.core.conditions import NormLookup
from ptplan.core.kb_index import index_of

#: engine convention: more components than this make a home program too long to keep up.
MAX_COMPONENTS = 4
WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: which weekdays n sessions fall on: spread out so the same muscles get rest days between.
SPREAD = {1: (2,), 2: (1, 4), 3: (0, 2, 4), 4: (0, 1, 3, 4), 5: (0, 1, 2, 3, 4), 6: (0, 1, 2, 3, 4, 5),
          7: tuple(range(7))}


@dataclass
class Chosen:
    exercise: Any
    dose: dict[str, Any]
    matched: list[str]  # present findings / supported hypotheses it addresses
    adjustments: list[Any]
    aimed: list[str] = field(default_factory=list)  # component targets it addresses (maybe untested)
    cautions: list[Any] = field(default_factory=list)  # contraindication-rule cautions that hold (Text)


@dataclass
class ChosenComponent:
    component: Any
    reasons: list[str]  # supported hypothesis ids or yellow-flag ids that called it
    exercises: list[Chosen] = field(default_factory=list)


@dataclass
class Context:
    """What exercise choice needs to know about the person, computed once per plan."""

    facts: dict[str, Any]
    norms: NormLookup
    present: set[str]  # finding ids present + supported hypothesis ids
    adjustments: list[Any]  # adjustment entries whose condition holds
    self_care_only: bool = False
    contraindicated: dict[str, tuple] = field(default_factory=dict)  # exercise id -> compiled conditions
    caps: dict[str, int] = field(default_factory=dict)

    def level_cap(self, family: str) -> int:
        if family not in self.caps:
            self.caps[family] = min((a.max_level for a in self.adjustments
                                     if a.max_level and (not a.families or family in a.families)), default=3)
        return self.caps[family]


def make_context(kb, facts, norms, present: set[str], self_care_only: bool = False) -> Context:
    idx = index_of(kb)
    fired = [a for a, fn in idx.adjustments if fn(facts, norms)]
    return Context(facts, norms, present, fired, self_care_only, idx.contraindicated)


def pick_components(kb, supported: list[str], yellow: list, adjustments: list = ()) -> list[ChosenComponent]:
    chosen: dict[str, ChosenComponent] = {}
    for cid, comp in kb.kind("components").items():
        why = [h for h in supported if h in comp.hypotheses]
        if why and not comp.fallback:
            chosen[cid] = ChosenComponent(comp, why)
    for entry in [*yellow, *adjustments]:  # yellow flags and prescription adjustments may add components
        for cid in entry.adds_components:
            chosen.setdefault(cid, ChosenComponent(kb.kind("components")[cid], [])).reasons.append(entry.id)
    return sorted(chosen.values(), key=lambda c: (c.component.priority, c.component.id))


def allowed(ex, ctx: Context) -> bool:
    if ctx.self_care_only and not ex.self_care:
        return False
    if ex.floor_work and ctx.facts.get("activity.can_get_to_floor") is False:
        return False
    if ex.level > ctx.level_cap(ex.family):
        return False
    facts, norms = ctx.facts, ctx.norms
    for fn in ctx.contraindicated[ex.id]:  # noqa: SIM110 - hot loop
        if fn(facts, norms):
            return False
    return True


def fill(kb, cc: ChosenComponent, ctx: Context, used: set[str]) -> None:
    comp = cc.component
    ranked = []
    idx = index_of(kb)
    targets, present, family_rank = set(comp.targets), ctx.present, {f: i for i, f in enumerate(comp.families)}
    for order, ex in sorted(pair for fam in comp.families for pair in idx.exercises_by_family.get(fam, ())):
        if ex.id in used:
            continue
        matched = [a for a in ex.addresses if a in present]
        aimed = [a for a in ex.addresses if a in targets]
        if (not matched and not (aimed and cc.reasons) and not comp.fallback) or not allowed(ex, ctx):
            continue  # relevance first: it is cheaper than the contraindication checks
        on_target = sum(1 for a in matched if a in targets)
        ranked.append((-on_target, -len(aimed), -len(matched), ex.level, family_rank[ex.family], order,
                       ex, matched, aimed))
    ranked.sort(key=lambda r: r[:6])
    for ex, matched, aimed in _spread_families(ranked, comp.exercises):
        used.add(ex.id)
        adj = [a for a in ctx.adjustments if a.dose and (not a.families or ex.family in a.families)]
        dose = dose_for(ex, adj, idx)
        changed = [a for a in adj if a.id in dose["adjusted_by"]]
        warned = [c.reason for c in idx.cautions[ex.id] if c.fn(ctx.facts, ctx.norms)]
        cc.exercises.append(Chosen(ex, dose, matched, changed, aimed, warned))


def _spread_families(ranked: list, n: int) -> list:
    """Best-ranked first, but take one exercise of each family before a second of any."""
    picked, seen = [], set()
    for r in ranked:
        if len(picked) < n and r[6].family not in seen:
            picked.append(r)
            seen.add(r[6].family)
    for r in ranked:
        if len(picked) < n and all(r[6] is not p[6] for p in picked):
            picked.append(r)
    picked.sort(key=lambda r: r[:6])
    return [(r[6], r[7], r[8]) for r in picked]


def dose_for(ex, adjustments: list, idx) -> dict[str, Any]:
    """The exercise's KB dose with the fired adjustments applied (``idx`` holds both as plain dicts)."""
    dose = dict(idx.doses[ex.id])
    refs = list(dose.pop("refs", []))
    applied = []
    for a in adjustments:
        keys = [k for k in idx.dose_sets[a.id] if k in dose]  # only what the exercise doses (no reps on a walk)
        if not keys:
            continue
        for key in keys:
            dose[key] = idx.dose_sets[a.id][key]
        applied.append(a.id)
        refs += [r for r in a.refs if r not in refs]
    dose["refs"] = refs
    dose["adjusted_by"] = applied
    return dose


def build_program(kb, ctx: Context, supported: list[str], yellow: list) -> list[ChosenComponent]:
    """Components with exercises, best first; ``[]`` when two components and two families cannot be met."""
    used: set[str] = set()
    comps = []
    for cc in pick_components(kb, supported, yellow, ctx.adjustments):
        if len(comps) < MAX_COMPONENTS and _filled(kb, cc, ctx, used):
            comps.append(cc)
    fallbacks = sorted((c for c in kb.kind("components").values() if c.fallback), key=lambda c: (c.priority, c.id))
    for comp in fallbacks:
        if _complete(comps) and (not ctx.self_care_only or len(comps) >= MAX_COMPONENTS):
            break  # the self-check plan takes every fallback: stretching, strengthening and walking
        if any(c.component.id == comp.id for c in comps):
            continue
        cc = ChosenComponent(comp, [h for h in supported if h in comp.hypotheses])
        if _filled(kb, cc, ctx, used):
            comps.append(cc)
    return comps if _complete(comps) else []


def _filled(kb, cc: ChosenComponent, ctx: Context, used: set[str]) -> bool:
    fill(kb, cc, ctx, used)
    return bool(cc.exercises)


def _complete(comps: list[ChosenComponent]) -> bool:
    families = {ch.exercise.family for c in comps for ch in c.exercises}
    return len(comps) >= 2 and len(families) >= 2


def schedule(comps: list[ChosenComponent]) -> dict[str, Any]:
    return week_schedule((ch.exercise.id, ch.dose["sessions_per_week"]) for c in comps for ch in c.exercises)


def week_schedule(items) -> dict[str, Any]:
    """The week for (exercise id, sessions per week) pairs; also rebuilt for a therapist-edited plan."""
    days = {d: [] for d in WEEK}
    for exercise_id, per_week in items:
        for i in SPREAD.get(min(int(per_week or 0), 7), ()):
            days[WEEK[i]].append(exercise_id)
    busiest = max((len(v) for v in days.values()), default=0)
    return {"sessions_per_week": sum(1 for v in days.values() if v), "max_exercises_per_day": busiest,
            "days": [{"day": d, "exercises": ids} for d, ids in days.items() if ids]}
