"""A therapist's edits applied to the generated plan, and the edit records that describe them.

The stored plan JSON is never changed (see ``ptplan.store.models.Plan``); the plan a therapist or
patient sees is the generated plan with the recorded edits replayed in order. Edits use the same
record as the API's ``POST /plans/{id}/edits``: op ``set`` / ``remove`` / ``note`` with a JSON
pointer, a value and a reason.
"""

from __future__ import annotations

import copy
from typing import Any

from ptplan.errors import InputError
from ptplan.web.i18n import text


def _parts(pointer: str) -> list[str]:
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]


def _parent(doc: Any, pointer: str) -> tuple[Any, str]:
    parts = _parts(pointer)
    if not parts:
        raise InputError.single("path", "the pointer must name an item inside the plan", "bad_pointer",
                                "プログラム内の項目を指定してください")
    for part in parts[:-1]:
        doc = doc[int(part)] if isinstance(doc, list) else doc[part]
    return doc, parts[-1]


def apply_edit(plan: dict, edit: dict) -> None:
    """Apply one edit in place; edits that no longer fit the plan are skipped (the record stays)."""
    if edit.get("op") == "note":
        return
    try:
        parent, key = _parent(plan, edit["path"])
        if isinstance(parent, list):
            index = int(key)
            if edit["op"] == "remove":
                parent.pop(index)
            else:
                parent[index] = copy.deepcopy(edit["value"])
        elif edit["op"] == "remove":
            parent.pop(key)
        else:
            parent[key] = copy.deepcopy(edit["value"])
    except (KeyError, IndexError, ValueError, TypeError):
        return


def effective(plan_json: dict, edits: list[dict] | None) -> dict:
    plan = copy.deepcopy(plan_json)
    for edit in edits or []:
        apply_edit(plan, edit)
    return plan


def exercise_entry(ex, lang: str, why: str = "") -> dict:
    """A KB exercise as a plan exercise item (the plan JSON's exercise keys)."""
    dose = ex.dose.as_plan()
    return {"id": ex.id, "name": text(ex.name, lang), "dose": dose, "why": why, "refs": list(ex.refs),
            "steps": list(ex.steps.ja if lang == "ja" else ex.steps.en), "feel": text(ex.feel, lang),
            "stop_if": text(ex.stop_if, lang), "regression": ex.regression, "progression": ex.progression,
            "added_by_therapist": True}


def alternatives(kb, current_id: str, exclude: set[str]) -> list:
    """Exercises that share a target with ``current_id`` (same structure trained), easiest first."""
    current = kb.exercises.get(current_id)
    if current is None:
        return []
    targets = set(current.targets)
    found = [ex for ex in kb.exercises.values()
             if ex.id != current_id and ex.id not in exclude and targets & set(ex.targets)]
    return sorted(found, key=lambda ex: (ex.lens != current.lens, ex.level, ex.id))


def exercise_ids(plan: dict) -> set[str]:
    return {ex.get("id") for c in plan.get("program", {}).get("components", []) for ex in c.get("exercises", [])}
