"""Replaying edit records on the generated plan: the effective plan. A record that no longer fits is
skipped with the reason, never an error."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from ptplan.core import prescription
from ptplan.core.i18n import Text
from ptplan.core.plan import exercise_json, references_json
from ptplan.core.plan_edits.ops import CHANGES, components, exercise_ids, find, reverted


@dataclass
class Effective:
    """The plan with the edits applied, the numbers of the edits applied and those skipped (with why)."""

    plan: dict[str, Any]
    applied: list[int] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)



def effective_plan(plan_json: dict, edits: list[dict] | None, kb) -> Effective:
    """The plan with every edit that is not reverted applied in order. Never raises for a bad record."""
    plan = copy.deepcopy(plan_json) if isinstance(plan_json, dict) else {}
    out = Effective(plan)
    undone = reverted(edits or [])
    for n, edit in enumerate(edits or [], start=1):
        if not isinstance(edit, dict) or edit.get("op") not in CHANGES or n in undone:
            continue
        why = _apply(plan, edit, kb)
        if why is None:
            out.applied.append(n)
        else:
            out.skipped.append({"edit": n, "op": edit.get("op"), "reason": why.en, "reason_ja": why.ja})
    if out.applied:
        plan["references"] = references_json(kb, plan)
        plan.setdefault("program", {})["schedule"] = prescription.week_schedule(
            (ex.get("id"), (ex.get("dose") or {}).get("sessions_per_week") or 0)
            for c in components(plan) for ex in c.get("exercises") or [])
    return out


GONE = Text(ja="対象の運動がプログラムにありません", en="the exercise it changes is no longer in the plan")
NO_COMPONENT = Text(ja="対象の構成要素がプログラムにありません", en="the component it adds to is no longer in the plan")
THERE = Text(ja="その運動はすでにプログラムにあります", en="that exercise is already in the plan")
UNKNOWN = Text(ja="知識ベースにない運動です", en="the knowledge base no longer has that exercise")
BROKEN = Text(ja="記録の形が正しくありません", en="the stored record is not a valid edit")


def _apply(plan: dict, edit: dict, kb) -> Text | None:
    """Apply one change in place; the reason it cannot be applied, or None when it was."""
    op = edit["op"]
    if op == "add":
        comp = next((c for c in components(plan) if c.get("id") == edit.get("component")), None)
        if comp is None:
            return NO_COMPONENT
        item = _item(kb, plan, comp, edit)
        if isinstance(item, Text):
            return item
        comp.setdefault("exercises", []).append(item)
        return None
    hit = find(plan, edit.get("component"), str(edit.get("exercise")))
    if hit is None:
        return GONE
    comp, j = hit
    if op == "remove":
        comp["exercises"].pop(j)
    elif op == "dose":
        old = comp["exercises"][j]
        if not isinstance(edit.get("dose"), dict):
            return BROKEN
        dose = {**edit["dose"], "refs": list((old.get("dose") or {}).get("refs") or []), "adjusted_by": []}
        comp["exercises"][j] = {**old, "dose": dose, "edited": {"op": "dose", "reason": edit.get("reason")}}
    else:
        item = _item(kb, plan, comp, edit, replaces=comp["exercises"][j].get("id"))
        if isinstance(item, Text):
            return item
        comp["exercises"][j] = item
    return None


def _item(kb, plan: dict, comp: dict, edit: dict, replaces: str | None = None) -> dict | Text:
    """A KB exercise as a plan item, built by the engine's ``exercise_json`` (same keys as generated items)."""
    ex = kb.exercises.get(str(edit.get("exercise_id")))
    if ex is None:
        return UNKNOWN
    if ex.id in exercise_ids(plan) and ex.id != replaces:
        return THERE
    present = {f.get("id") for f in plan.get("findings") or [] if isinstance(f, dict)} | {
        h.get("id") for h in plan.get("hypotheses") or [] if isinstance(h, dict) and h.get("status") == "supported"}
    kb_comp = kb.kind("components").get(comp.get("id"))
    name = kb_comp.name if kb_comp is not None else Text(ja=str(comp.get("name") or ""), en=str(comp.get("name") or ""))
    dose = {**ex.dose.model_dump(exclude_none=True), "adjusted_by": []}
    chosen = prescription.Chosen(ex, dose, [a for a in ex.addresses if a in present], [], cautions=_cautions(edit))
    item = exercise_json(kb, chosen, _Named(name), plan.get("lang") or "ja")
    item.update(added_by_therapist=True, edited={"op": edit["op"], "replaces": replaces, "reason": edit.get("reason")})
    return item


def _cautions(edit: dict) -> list[Text]:
    """The case's contraindication-rule cautions stored with the record (``records.with_cautions``)."""
    stored = edit.get("cautions")
    return [Text(ja=str(c["ja"]), en=str(c["en"])) for c in stored if isinstance(c, dict)
            and str(c.get("ja") or "").strip() and str(c.get("en") or "").strip()] if isinstance(stored, list) else []


@dataclass(frozen=True)
class _Named:
    """What ``exercise_json`` reads of a component: its name."""

    name: Text


