"""Edits across plans: carrying a previous plan's edits to the plan of a re-assessment, and reading the
records stored before typed ops (the migration to typed records)."""

from __future__ import annotations

import copy
import re
from typing import Any

from pydantic import ValidationError

from ptplan.core.case import Case
from ptplan.core.i18n import Text
from ptplan.core.plan_edits.ops import CHANGES, EXERCISE_PATH, DoseValues, at, components, find, reverted
from ptplan.core.plan_edits.records import refusal_for, with_cautions
from ptplan.core.plan_edits.replay import effective_plan
from ptplan.errors import InputError


def carry_forward(new_plan: dict, old_edits: list[dict], kb, case: Case | None,
                  from_plan: int | None = None) -> tuple[list[dict], list[dict]]:
    """Edits of the previous plan re-made on ``new_plan``: (records for the new plan, those that no longer apply).

    Each change that is not reverted is tried in order against the new plan (by exercise and component
    id) and the new case (contraindications); what fits becomes a record of the new plan with the same
    reason, author and time plus ``carried_from``; what does not is listed with the reason.
    """
    carried: list[dict] = []
    dropped: list[dict] = []
    undone = reverted(old_edits)
    for n, edit in enumerate(old_edits or [], start=1):
        if not isinstance(edit, dict) or edit.get("op") not in CHANGES or n in undone:
            continue
        why = _carry_refusal(new_plan, carried, edit, kb, case)
        origin = {"plan": from_plan, "edit": n}
        if why is None:
            carried.append(with_cautions({**_rebased(effective_plan(new_plan, carried, kb).plan, edit),
                                          "seq": len(carried) + 1, "carried_from": origin}, kb, case))
        else:
            dropped.append({**origin, "op": edit.get("op"), "exercise": edit.get("exercise_id") or edit.get("exercise"),
                            "reason": why.en, "reason_ja": why.ja, "edit_reason": edit.get("reason")})
    return carried, dropped


def _carry_refusal(new_plan: dict, carried: list[dict], edit: dict, kb, case: Case | None) -> Text | None:
    trial = effective_plan(new_plan, [*carried, {**edit}], kb)
    if trial.skipped:
        return Text(ja=trial.skipped[-1]["reason_ja"], en=trial.skipped[-1]["reason"])
    ex = kb.exercises.get(str(edit.get("exercise_id"))) if edit.get("op") in ("swap", "add") else None
    return refusal_for(kb, case, ex) if ex is not None else None


def _rebased(plan: dict, edit: dict) -> dict:
    """``edit`` with its pointer and component recomputed on ``plan`` (where its target now is)."""
    out = {k: v for k, v in edit.items() if k not in ("seq", "carried_from")}
    if edit["op"] == "add":
        ci = next(i for i, c in enumerate(components(plan)) if c.get("id") == edit.get("component"))
        out["path"] = f"/program/components/{ci}"
        return out
    comp, j = find(plan, edit.get("component"), str(edit.get("exercise")))
    ci = next(i for i, c in enumerate(components(plan)) if c is comp)
    out.update(path=f"/program/components/{ci}/exercises/{j}", component=comp.get("id"))
    return out



def from_legacy(plan_json: dict, edits: list[dict]) -> list[dict]:
    """Edit records of the old shape (``set`` / ``remove`` / ``note`` with a JSON pointer and a value)
    as typed records: the web's swap, dose, add and remove forms map one to one; any other ``set``
    becomes a note that keeps the original under ``legacy`` (it is no longer applied)."""
    out: list[dict] = []
    plan = copy.deepcopy(plan_json) if isinstance(plan_json, dict) else {}
    for edit in edits or []:
        if isinstance(edit, dict) and "seq" in edit:  # already a typed record
            out.append(edit)
            continue
        record = _legacy_record(plan, edit)
        meta = {k: edit.get(k) for k in ("reason", "by", "at") if isinstance(edit, dict) and k in edit}
        out.append({"seq": len(out) + 1, **record, **meta})
        _legacy_apply(plan, record, edit)
    return out


def _legacy_record(plan: dict, edit: Any) -> dict:
    op = edit.get("op") if isinstance(edit, dict) else None
    path = str(edit.get("path") or "") if isinstance(edit, dict) else ""
    value = edit.get("value") if isinstance(edit, dict) else None
    m_ex, m_dose = EXERCISE_PATH.match(path), re.match(r"^(/program/components/\d+/exercises/\d+)/dose$", path)
    m_list = re.match(r"^/program/components/(\d+)/exercises$", path)
    try:
        if op == "remove" and m_ex:
            comp, ex = at(plan, path)
            return {"op": "remove", "path": path, "component": comp.get("id"), "exercise": ex.get("id")}
        if op == "set" and m_ex and isinstance(value, dict) and isinstance(value.get("id"), str):
            comp, ex = at(plan, path)
            return {"op": "swap", "path": path, "component": comp.get("id"), "exercise": ex.get("id"),
                    "exercise_id": value["id"]}
        if op == "set" and m_dose and isinstance(value, dict):
            comp, ex = at(plan, m_dose.group(1))
            dose = {k: v for k, v in value.items() if k in DoseValues.model_fields}
            DoseValues.model_validate(dose)
            return {"op": "dose", "path": m_dose.group(1), "component": comp.get("id"), "exercise": ex.get("id"),
                    "dose": dose}
        if op == "set" and m_list and isinstance(value, list) and value and isinstance(value[-1], dict):
            comp, _ex = at(plan, f"/program/components/{m_list.group(1)}")
            return {"op": "add", "path": f"/program/components/{m_list.group(1)}", "component": comp.get("id"),
                    "exercise_id": value[-1].get("id")}
    except (InputError, ValidationError, AttributeError):
        pass
    return {"op": "note", "path": path if op == "note" else "", "legacy": edit}


def _legacy_apply(plan: dict, record: dict, edit: dict) -> None:
    """Follow the old edit on the working copy, so later pointers resolve as they did when they were made."""
    if record["op"] == "note":
        return
    comp = next(c for c in components(plan) if c.get("id") == record["component"])
    exercises = comp.setdefault("exercises", [])
    if record["op"] == "add":
        exercises.append(copy.deepcopy(edit["value"][-1]))
        return
    j = next(i for i, ex in enumerate(exercises) if ex.get("id") == record["exercise"])
    if record["op"] == "remove":
        exercises.pop(j)
    elif record["op"] == "swap":
        exercises[j] = copy.deepcopy(edit["value"])
    else:
        exercises[j] = {**exercises[j], "dose": copy.deepcopy(edit["value"])}
