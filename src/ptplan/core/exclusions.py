"""What a case rules out: the one place that decides which exercises and advice items are excluded
(and which cautions are added), from three kinds of knowledge-base data:

- an exercise's own ``contraindications`` (source ``exercise``);
- the rules of ``contraindications.yaml``, which apply to every exercise with a listed position, load
  or piece of equipment and to every advice item with a listed load (source: the rule id);
- ``equipment.yaml``: an exercise needing equipment that has an ``available_when`` is excluded while
  the case does not record it (source ``equipment.<id>``): nothing is assumed to be at home.

Prescription reads the compiled exclusions from the KB index (``contraindicated``), advice selection
asks :func:`advice_blocked`, and the plan reports :func:`excluded` grouped by reason, so a therapist
can read why an item is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ptplan.core import conditions
from ptplan.core.compiled import compile_condition, held
from ptplan.core.conditions import NormLookup
from ptplan.core.explain import text
from ptplan.core.i18n import Text
from ptplan.core.kb_index import index_of


@dataclass(frozen=True)
class Check:
    source: str  # "exercise", a contraindication rule id, or "equipment.<id>"
    fn: Any  # compiled condition: true when the item is excluded (or cautioned)
    reason: Text
    refs: tuple[str, ...] = ()


def _applies(rule, ex) -> bool:
    return ex.position in rule.positions or bool(set(rule.loads) & set(ex.loads)) or bool(
        set(rule.equipment) & set(ex.equipment))


def _equipment_check(kb, eid: str) -> Check | None:
    entry = kb.kind("equipment").get(eid)
    if entry is None or entry.available_when is None:
        return None
    missing = conditions.Node("not", (entry.available_when.parsed,))
    return Check(f"equipment.{eid}", compile_condition(missing), text(
        ja=f"{entry.name.ja}を使えることが記録されていないため（院内で行う場合は担当者が追加します）",
        en=f"No record that a {entry.name.en.lower()} is available (the therapist can add it for the clinic)"))


def build_checks(kb) -> tuple[dict[str, tuple[Check, ...]], dict[str, tuple[Check, ...]], dict[str, tuple[Check, ...]]]:
    """(exercise id -> exclusions, exercise id -> cautions, advice id -> exclusions), compiled once per KB.
    A contraindication rule or a piece of equipment is one Check (one compiled condition) shared by every item it
    applies to, so a plan can evaluate it once (see :func:`excluded`)."""
    rules = list(kb.kind("contraindications").values())
    rule_check = {r.id: Check(r.id, compile_condition(r.when.parsed), r.reason, tuple(r.refs)) for r in rules}
    equipment = {eid: _equipment_check(kb, eid) for ex in kb.exercises.values() for eid in ex.equipment}
    excl, caut, adv = {}, {}, {}
    for eid, ex in kb.exercises.items():
        own = [Check("exercise", compile_condition(c.when.parsed), c.reason) for c in ex.contraindications]
        ruled = [(r, rule_check[r.id]) for r in rules if _applies(r, ex)]
        excl[eid] = tuple(own + [c for r, c in ruled if r.effect == "exclude"]
                          + [equipment[e] for e in ex.equipment if equipment[e] is not None])
        caut[eid] = tuple(c for r, c in ruled if r.effect == "caution")
    for aid, a in kb.advice.items():
        adv[aid] = tuple(rule_check[r.id] for r in rules if r.effect == "exclude" and set(r.loads) & set(a.loads))
    return excl, caut, adv


def advice_blocked(kb, aid: str, facts: dict[str, Any], norms: NormLookup) -> bool:
    return any(check.fn(facts, norms) for check in index_of(kb).advice_exclusions[aid])


def contraindication(kb, eid: str, facts: dict[str, Any], norms: NormLookup) -> Check | None:
    """The first exclusion of exercise ``eid`` that holds and is about the person's safety (its own
    contraindications and the rules of contraindications.yaml), or None. Missing home equipment is not one:
    a therapist may add such an exercise for use in the clinic."""
    for check in index_of(kb).exclusions[eid]:
        if not check.source.startswith("equipment.") and check.fn(facts, norms):
            return check
    return None


def cautions(kb, eid: str, facts: dict[str, Any], norms: NormLookup) -> list[Check]:
    return [c for c in index_of(kb).cautions[eid] if c.fn(facts, norms)]


def excluded(kb, facts: dict[str, Any], norms: NormLookup, memo: dict | None = None) -> list[dict[str, Any]]:
    """Every exclusion that holds for the case, one group per reason (KB order):
    ``{"id", "reason": Text, "refs", "exercises": [ids], "advice": [ids]}``.
    ``memo``: compiled condition -> its value for these facts (one plan's, e.g. ``prescription.Context.holds``);
    a shared check is evaluated once."""
    idx = index_of(kb)
    groups: dict[str, dict[str, Any]] = {}
    memo = {} if memo is None else memo

    def add(check: Check, kind: str, item: str) -> None:
        key = f"{check.source}:{check.reason.en}" if check.source == "exercise" else check.source
        g = groups.setdefault(key, {"id": check.source, "reason": check.reason, "refs": list(check.refs),
                                    "exercises": [], "advice": []})
        g[kind].append(item)

    for eid in kb.exercises:
        for check in idx.exclusions[eid]:
            if held(check.fn, facts, norms, memo):
                add(check, "exercises", eid)
    for aid in kb.advice:
        for check in idx.advice_exclusions[aid]:
            if held(check.fn, facts, norms, memo):
                add(check, "advice", aid)
    return list(groups.values())
