"""Prescription: supported hypotheses → components → exercises → dose, schedule and phases.

Safety rules enforced here, whatever the data say:
- an exercise that :mod:`ptplan.core.exclusions` rules out for the case (its own contraindications, a
  contraindication rule on its position or loads, equipment not recorded at home) is never chosen;
- floor exercises are left out when the person cannot get down to the floor;
- a program has at least two components and two exercise families, or it is empty (with a reason);
- every moderate- or high-confidence hypothesis that called a component gets at least one exercise aimed at it
  (one whose addresses name the hypothesis or a finding that supports it) before any component gets a second;
- the program fits the KB's program limits (meta.yaml ``program_limits``: exercises and estimated minutes on the
  busiest day); what does not fit is left for later, lowest priority first, and the plan lists it;
- non-fallback components only take exercises that address a present finding, a supported hypothesis,
  or one of the component's own targets; a component without targets (direction-specific
  exercise) never takes an exercise for the opposite directional preference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ptplan.core import dosing
from ptplan.core.compiled import held
from ptplan.core.conditions import NormLookup
from ptplan.core.kb_index import index_of

#: engine convention: the self-check plan (no assessment) combines at most this many fallback components.
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
    allowed_memo: dict[str, bool] = field(default_factory=dict)  # exercise id -> allowed(); this plan only
    # compiled exclusion condition -> its value for these facts (one Check serves many exercises); this plan only
    holds: dict[Any, bool] = field(default_factory=dict)

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
    return not any(held(fn, ctx.facts, ctx.norms, ctx.holds) for fn in ctx.contraindicated[ex.id])


def candidates(kb, cc: ChosenComponent, ctx: Context) -> list[Chosen]:
    """The exercises the component could take, best first (at most its own ``exercises`` count)."""
    comp = cc.component
    ranked = []
    idx = index_of(kb)
    present, memo = ctx.present, ctx.allowed_memo
    for order, ex, family_rank, aimed in idx.component_pools[comp.id]:
        matched = [a for a in ex.addresses if a in present]
        if not matched and not (aimed and cc.reasons) and not comp.fallback:
            continue  # relevance first: it is cheaper than the contraindication checks
        ok = memo.get(ex.id)
        if ok is None:
            ok = memo[ex.id] = allowed(ex, ctx)
        if not ok:
            continue
        # Up to two findings on target count, not how many ids an exercise lists: a long address list (a published
        # programme that names every stage it suits) must not outrank the exercise made for the finding.
        on_target = min(sum(1 for a in matched if a in aimed), 2)
        ranked.append((-on_target, not aimed, -min(len(matched), 2), ex.level, family_rank, order,
                       ex, matched, list(aimed)))
    ranked.sort(key=lambda r: r[:6])
    return [_Candidate(ex, matched, aimed, ctx, idx) for *_, ex, matched, aimed in _spread_families(ranked, len(ranked))]


class _Candidate(Chosen):
    """A :class:`Chosen` from a component's pool: its dose, the adjustments that changed it and its cautions are
    worked out on first use (a pool ranks every allowed exercise; the program takes a few)."""

    def __init__(self, exercise, matched: list[str], aimed: list[str], ctx: Context, idx) -> None:
        self.exercise, self.matched, self.aimed, self._ctx, self._idx = exercise, matched, aimed, ctx, idx

    @cached_property
    def _dosing(self) -> tuple[dict[str, Any], list[Any]]:
        """The dose and the adjustments that changed it."""
        ex = self.exercise
        adj = [a for a in self._ctx.adjustments if a.dose and (not a.families or ex.family in a.families)]
        dose = dose_for(ex, adj, self._idx)
        return dose, [a for a in adj if a.id in dose["adjusted_by"]]

    @cached_property
    def dose(self) -> dict[str, Any]:
        return self._dosing[0]

    @cached_property
    def adjustments(self) -> list[Any]:
        return self._dosing[1]

    @cached_property
    def cautions(self) -> list[Any]:
        ctx = self._ctx
        return [c.reason for c in self._idx.cautions[self.exercise.id] if c.fn(ctx.facts, ctx.norms)]


def fill(kb, cc: ChosenComponent, ctx: Context, used: set[str]) -> None:
    """Give the component its best exercises not used elsewhere (no program limits: see :func:`build_program`)."""
    for ch in candidates(kb, cc, ctx):
        if len(cc.exercises) < cc.component.exercises and ch.exercise.id not in used:
            used.add(ch.exercise.id)
            cc.exercises.append(ch)


def _spread_families(ranked: list, n: int) -> list:
    """Best-ranked first, but take one exercise of each family before a second of any."""
    picked, seen, taken = [], set(), set()  # taken: id() of the exercises picked
    for r in ranked:
        if len(picked) < n and r[-3].family not in seen:
            picked.append(r)
            seen.add(r[-3].family)
            taken.add(id(r[-3]))
    for r in ranked:
        if len(picked) < n and id(r[-3]) not in taken:
            picked.append(r)
            taken.add(id(r[-3]))
    return picked


def dose_for(ex, adjustments: list, idx) -> dict[str, Any]:
    """The exercise's KB dose with the fired adjustments applied (``idx`` holds both as plain dicts).

    A ``fixed`` dose (a published programme such as ロコトレ) is never raised; adjustments may still lower it."""
    dose = dict(idx.doses[ex.id])
    refs = list(dose.pop("refs", []))
    applied = []
    for a in adjustments:
        keys = [k for k in idx.dose_sets[a.id] if k in dose  # only what the exercise doses (no reps on a walk)
                and not (ex.dose.fixed and idx.dose_sets[a.id][k] >= dose[k])]
        if not keys:
            continue
        for key in keys:
            dose[key] = idx.dose_sets[a.id][key]
        applied.append(a.id)
        refs += [r for r in a.refs if r not in refs]
    dose["refs"] = refs
    dose["adjusted_by"] = applied
    return dose


@dataclass
class LeftOut:
    """An exercise the program would have taken but that did not fit its limits."""

    chosen: Chosen
    component: Any
    reason: str  # "max_exercises" | "daily_minutes"
    hypotheses: list[str]  # the hypotheses it would have served


@dataclass
class Program:
    components: list[ChosenComponent]
    left_for_later: list[LeftOut] = field(default_factory=list)
    minutes: float = 0.0  # estimated minutes on the busiest day
    unserved: list[str] = field(default_factory=list)  # hypotheses no allowed exercise could serve (all ruled out)


def serves(ch: Chosen, hid: str, evidence: dict[str, list[str]]) -> bool:
    """The exercise is aimed at the hypothesis: it names it, or a finding the hypothesis rests on; a hypothesis
    that rests on no finding (e.g. the order in which knee and back pain began) is served by its components."""
    named = set(ch.exercise.addresses)
    found = evidence.get(hid, [])
    return hid in named or bool(named & set(found)) or not found


class _Budget:
    def __init__(self, limits) -> None:
        self.limits, self.days, self.count = limits, [0.0] * 7, 0

    def cost(self, ch: Chosen) -> list[float]:
        per_day = dosing.day_minutes(ch.dose, self.limits)
        days = SPREAD.get(min(int(ch.dose["sessions_per_week"] or 0), 7), ())
        return [per_day if i in days else 0.0 for i in range(7)]

    def refusal(self, ch: Chosen) -> str | None:
        if self.count >= self.limits.max_exercises:
            return "max_exercises"
        if max(d + c for d, c in zip(self.days, self.cost(ch), strict=True)) > self.limits.daily_minutes:
            return "daily_minutes"
        return None

    def take(self, ch: Chosen) -> None:
        self.days = [d + c for d, c in zip(self.days, self.cost(ch), strict=True)]
        self.count += 1


def build_program(kb, ctx: Context, supported: list[str], yellow: list,
                  evidence: dict[str, list[str]] | None = None) -> Program:
    """Components with exercises, best first, within the program limits; no components when two components and
    two families cannot be met. ``evidence``: the findings each supported hypothesis rests on."""
    evidence = evidence or {}
    limits = kb.meta.program_limits
    called = pick_components(kb, supported, yellow, ctx.adjustments)
    fallbacks = sorted((c for c in kb.kind("components").values() if c.fallback), key=lambda c: (c.priority, c.id))
    pools = {cc.component.id: candidates(kb, cc, ctx) for cc in called}
    budget, used, left = _Budget(limits), set(), []
    chosen = {cc.component.id: cc for cc in called}

    def offer(cc: ChosenComponent, ch: Chosen, served: list[str], record: bool = True) -> bool:
        if ch.exercise.id in used:
            return False
        why_not = budget.refusal(ch)
        if why_not:
            if record and all(x.chosen.exercise.id != ch.exercise.id for x in left):
                left.append(LeftOut(ch, cc.component, why_not, served))
            return False
        budget.take(ch)
        used.add(ch.exercise.id)
        cc.exercises.append(ch)
        return True

    # 1. every hypothesis that called a component gets an exercise aimed at it (a cheaper one when the best does not
    # fit), then every yellow flag or adjustment; a component that is only there to fill a gap (trunk work with low
    # back pain) comes first among those, and only if the hypotheses' exercises left the gap open
    hyps = set(supported)
    wanted: list[ChosenComponent] = [cc for cc in called if not cc.component.only_if_missing]
    gaps = [cc for cc in called if cc.component.only_if_missing]
    for hypothesis_pass in (True, False):
        if not hypothesis_pass and not ctx.self_care_only:  # the self-check plan fills gaps after its fallbacks
            # a gap (trunk work with low back pain) is filled before the other added components take the day
            wanted = [cc for cc in gaps if not _covered(cc.component, wanted)] + wanted
        for cc in wanted:
            for reason in [r for r in cc.reasons if (r in hyps) == hypothesis_pass]:
                if any(serves(ch, reason, evidence) for c in wanted for ch in c.exercises if reason in c.reasons):
                    continue
                pool = [ch for ch in pools[cc.component.id] if ch.exercise.id not in used]
                for n, ch in enumerate([ch for ch in pool if serves(ch, reason, evidence)] or pool[:1]):
                    if offer(cc, ch, [reason], record=n == 0):
                        break
    # 2. fallbacks, one exercise each, until two components and two families combine (the self-check plan takes
    # them all, then fills its gaps)
    extra: list[ChosenComponent] = []
    for comp in fallbacks:
        filled = [c for c in wanted + extra if c.exercises]
        if _complete(filled) and (not ctx.self_care_only or len(filled) >= MAX_COMPONENTS):
            break
        if comp.id not in chosen:
            extra.append(ChosenComponent(comp, [h for h in supported if h in comp.hypotheses]))
            pools[comp.id] = candidates(kb, extra[-1], ctx)
            _first_unused(extra[-1], pools[comp.id], used, lambda cc, ch: offer(cc, ch, [], record=False))
    if ctx.self_care_only:
        for cc in gaps:
            if not _covered(cc.component, wanted + extra):
                extra.append(cc)
                _first_unused(cc, pools[cc.component.id], used, lambda cc, ch: offer(cc, ch, [], record=False))
    # 3. every component gets one, then one more per component at a time, in priority order
    every = sorted(wanted + extra, key=lambda c: (c.component.priority, c.component.id))
    for depth in range(max((c.component.exercises for c in every), default=0)):
        for cc in every:
            if len(cc.exercises) == depth < cc.component.exercises:
                _first_unused(cc, pools[cc.component.id], used, lambda cc, ch: offer(
                    cc, ch, [r for r in cc.reasons if r in hyps and serves(ch, r, evidence)], record=cc in wanted))
    comps = [cc for cc in every if cc.exercises]
    if not _complete(comps):
        return Program([])
    taken = {ch.exercise.id for c in comps for ch in c.exercises}
    left = [x for x in left if x.chosen.exercise.id not in taken]
    waiting = {h for x in left for h in x.hypotheses}
    unserved = [h for h in dict.fromkeys(r for cc in called for r in cc.reasons if r in hyps) if h not in waiting
                and not any(serves(ch, h, evidence) for c in comps if h in c.reasons for ch in c.exercises)]
    return Program(comps, left, max(budget.days), unserved)


def _first_unused(cc: ChosenComponent, pool: list[Chosen], used: set[str], offer) -> None:
    """Offer the component its best exercise not in the program yet (taken, or left for later if it does not fit)."""
    for ch in pool:
        if ch.exercise.id not in used:
            offer(cc, ch)
            return


def _covered(comp, chosen) -> bool:
    targets = set(comp.targets)
    return any(targets & set(ch.exercise.addresses) for c in chosen for ch in c.exercises)


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
