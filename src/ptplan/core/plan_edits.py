"""The effective plan: the generated plan with the therapist's typed edits replayed in order.

The generated plan JSON is never changed. A therapist's change is an *edit record* appended to the
plan: ``swap`` an exercise for another from the knowledge base, change its ``dose`` (checked against
the dose model), ``remove`` it, ``add`` one to a component, write a ``note``, or ``revert`` an earlier
edit (a new record: nothing is deleted). The core checks every edit against the plan and the case
before it is stored, and builds swapped or added exercises with the engine's own item builder, so
every item of the effective plan has the same keys and a contraindicated exercise is refused.

Records address what they change by id (component id, exercise id), not only by position: the
pointer given by the client is resolved once, when the edit is made. Replaying by id keeps an edit
on its exercise when an earlier edit is reverted, and lets a re-assessment carry the edits that
still apply over to the new plan (:func:`carry_forward`). An edit that no longer fits is skipped
and reported, never an error: a plan can always be read.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, create_model

from ptplan.core import prescription
from ptplan.core.case import Case
from ptplan.core.facts import build_facts
from ptplan.core.findings import derive_findings
from ptplan.core.i18n import Text
from ptplan.core.kb.schema import Dose
from ptplan.core.measures import score_questionnaires
from ptplan.core.norms import lookup_for
from ptplan.core.plan import exercise_json, references_json
from ptplan.errors import InputError, Problem, message_ja

EXERCISE_PATH = re.compile(r"^/program/components/(\d{1,3})/exercises/(\d{1,3})$")
COMPONENT_PATH = re.compile(r"^/program/components/(\d{1,3})(?:/exercises)?$")


def storable_text(text: str) -> str:
    """``text`` if a database can store it, else ValueError (for pydantic validators)."""
    # NUL cannot be stored by PostgreSQL and a lone surrogate cannot be encoded: refuse both as input.
    if "\x00" in text:
        raise ValueError("must not contain NUL characters")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return text


Reason = Annotated[str, Field(min_length=1, max_length=2000, description="why the plan changes (shown in the edit log)"),
                   AfterValidator(storable_text)]
ExerciseId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=80, description="exercise id of the KB")]
ExercisePointer = Annotated[str, Field(pattern=EXERCISE_PATH.pattern, description="/program/components/I/exercises/J")]
ComponentPointer = Annotated[str, Field(pattern=COMPONENT_PATH.pattern, description="/program/components/I")]

#: A whole dose as a therapist may set it, with the knowledge base's own limits (``kb.schema.Dose``).
DoseValues = create_model("DoseValues", __config__=ConfigDict(extra="forbid"),
                          **{n: (f.annotation, f) for n, f in Dose.model_fields.items() if n != "refs"})
#: The fields to change: a number sets the field, null stops dosing it; fields left out stay as they are.
DoseChanges = create_model("DoseChanges", __config__=ConfigDict(extra="forbid"),
                           **{n: (f.annotation | None, None) for n, f in DoseValues.model_fields.items()})


class EditRequest(BaseModel):
    """What every edit request carries: the op (in each subclass) and the reason."""

    model_config = ConfigDict(extra="forbid")
    reason: Reason


class SwapOp(EditRequest):
    """Replace the exercise at ``path`` by the KB exercise ``exercise_id``."""

    op: Literal["swap"]
    path: ExercisePointer
    exercise_id: ExerciseId


class DoseOp(EditRequest):
    """Change the dose of the exercise at ``path``; the resulting dose must satisfy the dose model."""

    op: Literal["dose"]
    path: ExercisePointer
    dose: DoseChanges  # type: ignore[valid-type]


class RemoveOp(EditRequest):
    op: Literal["remove"]
    path: ExercisePointer


class AddOp(EditRequest):
    """Append the KB exercise ``exercise_id`` to the component at ``path``."""

    op: Literal["add"]
    path: ComponentPointer
    exercise_id: ExerciseId


class NoteOp(EditRequest):
    op: Literal["note"]
    path: Annotated[str, Field(max_length=300, pattern=r"^(/[^/]*)*$")] = ""


class RevertOp(EditRequest):
    """Undo edit number ``edit`` (1-based, as listed in ``edits``); the reverted record stays."""

    op: Literal["revert"]
    edit: Annotated[int, Field(ge=1, le=100_000)]


EditOp = Annotated[SwapOp | DoseOp | RemoveOp | AddOp | NoteOp | RevertOp, Field(discriminator="op")]
_EDIT = TypeAdapter(EditOp)
CHANGES = ("swap", "dose", "remove", "add")
OPS = (*CHANGES, "note", "revert")


@dataclass
class Effective:
    """The plan with the edits applied, the numbers of the edits applied and those skipped (with why)."""

    plan: dict[str, Any]
    applied: list[int] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)


def parse_edit(data: Any) -> EditOp:
    """An edit request as a typed op, or one InputError naming each bad field."""
    try:
        return _EDIT.validate_python(data)
    except ValidationError as exc:
        raise InputError([Problem(".".join(str(p) for p in e["loc"][1:] or e["loc"]) or "op", e["msg"], e["type"],
                                  message_ja(e["type"], e.get("ctx"))) for e in exc.errors()], status=422) from None


# --- reading the plan ----------------------------------------------------------------------------

def components(plan: dict) -> list[dict]:
    program = plan.get("program") if isinstance(plan, dict) else None
    comps = program.get("components") if isinstance(program, dict) else None
    return [c for c in comps if isinstance(c, dict)] if isinstance(comps, list) else []


def exercise_ids(plan: dict) -> set[str]:
    return {ex.get("id") for c in components(plan) for ex in c.get("exercises") or [] if isinstance(ex, dict)}


def _find(plan: dict, component: str | None, exercise: str) -> tuple[dict, int] | None:
    """The component holding ``exercise`` (the named component first) and its index there."""
    comps = components(plan)
    for c in sorted(comps, key=lambda c: c.get("id") != component):
        for j, ex in enumerate(c.get("exercises") or []):
            if isinstance(ex, dict) and ex.get("id") == exercise:
                return c, j
    return None


def _at(plan: dict, path: str) -> tuple[dict, dict | None]:
    """The component (and exercise) a pointer names, or an InputError on ``path``."""
    m = EXERCISE_PATH.match(path) or COMPONENT_PATH.match(path)
    comps = components(plan)
    ci = int(m.group(1)) if m else len(comps)
    if ci >= len(comps):
        raise _bad("path", f"{path!r} does not point into this plan", "プログラム内に該当する場所がありません", "bad_pointer")
    comp = comps[ci]
    if m.re is COMPONENT_PATH:
        return comp, None
    exercises = comp.get("exercises") or []
    ej = int(m.group(2))
    if ej >= len(exercises):
        raise _bad("path", f"{path!r} does not point into this plan", "プログラム内に該当する場所がありません", "bad_pointer")
    return comp, exercises[ej]


def _bad(path: str, message: str, message_ja: str, code: str = "invalid") -> InputError:
    return InputError.single(path, message, code, message_ja, status=422)


# --- making an edit record -----------------------------------------------------------------------

def make_record(plan_json: dict, edits: list[dict], op: EditOp, kb, case: Case | None) -> dict[str, Any]:
    """The record to append for ``op``, checked against the effective plan of ``plan_json`` + ``edits``.

    Raises InputError (status 422) naming the field when the edit does not fit: a pointer outside the
    plan, an exercise the KB does not have, one already in the plan, one a contraindication of the case
    excludes, or a revert of an edit that does not exist, is a note, or is already reverted.
    """
    current = effective_plan(plan_json, edits, kb).plan
    record: dict[str, Any] = {"seq": len(edits or []) + 1, "op": op.op, "reason": op.reason}
    if isinstance(op, RevertOp):
        _check_revert(edits or [], op.edit)
        return {**record, "path": "", "edit": op.edit}
    if isinstance(op, NoteOp):
        return {**record, "path": op.path}
    comp, ex = _at(current, op.path)
    record.update(path=op.path, component=comp.get("id"))
    if ex is not None:
        record["exercise"] = ex.get("id")
    if isinstance(op, SwapOp | AddOp):
        _check_new_exercise(kb, case, current, op.exercise_id)
        record["exercise_id"] = op.exercise_id
    if isinstance(op, DoseOp):
        record["dose"] = _new_dose(ex.get("dose") or {}, op.dose.model_dump(exclude_unset=True))
    return record


def _new_dose(old: dict, changes: dict) -> dict:
    """The exercise's dose with ``changes`` applied, checked against the dose model (problems under ``dose.``)."""
    merged = {k: v for k, v in {**old, **changes}.items() if k in DoseValues.model_fields and v is not None}
    try:
        return DoseValues.model_validate(merged).model_dump(exclude_none=True)
    except ValidationError as exc:
        raise InputError([Problem("dose." + ".".join(str(p) for p in e["loc"]), e["msg"], e["type"],
                                  message_ja(e["type"], e.get("ctx"))) for e in exc.errors()], status=422) from None


def _check_new_exercise(kb, case: Case | None, plan: dict, exercise_id: str) -> None:
    ex = kb.exercises.get(exercise_id)
    if ex is None:
        raise _bad("exercise_id", f"unknown exercise {exercise_id!r}", "知識ベースにない運動です", "unknown")
    if exercise_id in exercise_ids(plan):
        raise _bad("exercise_id", f"{exercise_id} is already in the plan", "この運動はすでにプログラムにあります", "duplicate")
    refusal = refusal_for(kb, case, ex)
    if refusal is not None:
        raise _bad("exercise_id", f"{exercise_id} is excluded for this person: {refusal.en}",
                   f"この方には行えない運動です：{refusal.ja}", "contraindicated")


def refusal_for(kb, case: Case | None, ex) -> Text | None:
    """Why the case excludes exercise ``ex`` (a contraindication that holds, or floor work the person
    cannot do), or None. The same checks the prescription makes (``prescription.allowed``)."""
    if case is None:
        return None
    facts = build_facts(case, score_questionnaires(case.questionnaires, kb))
    norms = lookup_for(kb, case.demographics.age, case.demographics.sex)
    derive_findings(case, kb, facts, norms)
    if ex.floor_work and facts.get("activity.can_get_to_floor") is False:
        return Text(ja="床での運動ができないため", en="the person cannot get down to the floor")
    for contra in ex.contraindications:
        if contra.when.parsed.evaluate(facts, norms):
            return contra.reason
    return None


def _check_revert(edits: list[dict], seq: int) -> None:
    target = edits[seq - 1] if 0 < seq <= len(edits) else None
    if target is None:
        raise _bad("edit", f"there is no edit {seq} on this plan", f"この計画に変更 {seq} はありません", "not_found")
    if target.get("op") not in CHANGES:
        raise _bad("edit", f"edit {seq} is a {target.get('op')}; only swap, dose, remove and add can be reverted",
                   "元に戻せるのは入れ替え・量・削除・追加だけです")
    if seq in reverted(edits):
        raise _bad("edit", f"edit {seq} is already reverted", f"変更 {seq} はすでに元に戻されています", "duplicate")


def reverted(edits: list[dict]) -> set[int]:
    return {e["edit"] for e in edits or [] if isinstance(e, dict) and e.get("op") == "revert" and isinstance(e.get("edit"), int)}


# --- replaying ----------------------------------------------------------------------------------

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
    hit = _find(plan, edit.get("component"), str(edit.get("exercise")))
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
    chosen = prescription.Chosen(ex, dose, [a for a in ex.addresses if a in present], [])
    item = exercise_json(kb, chosen, _Named(name), plan.get("lang") or "ja")
    item.update(added_by_therapist=True, edited={"op": edit["op"], "replaces": replaces, "reason": edit.get("reason")})
    return item


@dataclass(frozen=True)
class _Named:
    """What ``exercise_json`` reads of a component: its name."""

    name: Text


# --- re-assessment -------------------------------------------------------------------------------

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
            carried.append({**_rebased(effective_plan(new_plan, carried, kb).plan, edit), "seq": len(carried) + 1,
                            "carried_from": origin})
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
    comp, j = _find(plan, edit.get("component"), str(edit.get("exercise")))
    ci = next(i for i, c in enumerate(components(plan)) if c is comp)
    out.update(path=f"/program/components/{ci}/exercises/{j}", component=comp.get("id"))
    return out


# --- edits stored before typed ops ---------------------------------------------------------------

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
            comp, ex = _at(plan, path)
            return {"op": "remove", "path": path, "component": comp.get("id"), "exercise": ex.get("id")}
        if op == "set" and m_ex and isinstance(value, dict) and isinstance(value.get("id"), str):
            comp, ex = _at(plan, path)
            return {"op": "swap", "path": path, "component": comp.get("id"), "exercise": ex.get("id"),
                    "exercise_id": value["id"]}
        if op == "set" and m_dose and isinstance(value, dict):
            comp, ex = _at(plan, m_dose.group(1))
            dose = {k: v for k, v in value.items() if k in DoseValues.model_fields}
            DoseValues.model_validate(dose)
            return {"op": "dose", "path": m_dose.group(1), "component": comp.get("id"), "exercise": ex.get("id"),
                    "dose": dose}
        if op == "set" and m_list and isinstance(value, list) and value and isinstance(value[-1], dict):
            comp, _ex = _at(plan, f"/program/components/{m_list.group(1)}")
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
