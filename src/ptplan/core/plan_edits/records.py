"""Making an edit record: the op checked against the effective plan and the case before it is stored."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from ptplan.core.case import Case
from ptplan.core.exclusions import cautions, contraindication
from ptplan.core.facts import build_facts
from ptplan.core.findings import derive_findings
from ptplan.core.i18n import Text
from ptplan.core.measures import score_questionnaires
from ptplan.core.norms import lookup_for
from ptplan.core.plan_edits.ops import (
    CHANGES,
    AddOp,
    DoseOp,
    DoseValues,
    EditOp,
    NoteOp,
    RevertOp,
    SwapOp,
    at,
    bad,
    exercise_ids,
    reverted,
)
from ptplan.core.plan_edits.replay import effective_plan
from ptplan.errors import InputError, Problem, message_ja


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
    comp, ex = at(current, op.path)
    record.update(path=op.path, component=comp.get("id"))
    if ex is not None:
        record["exercise"] = ex.get("id")
    if isinstance(op, SwapOp | AddOp):
        _check_new_exercise(kb, case, current, op.exercise_id)
        record["exercise_id"] = op.exercise_id
        with_cautions(record, kb, case)
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
        raise bad("exercise_id", f"unknown exercise {exercise_id!r}", "知識ベースにない運動です", "unknown")
    if exercise_id in exercise_ids(plan):
        raise bad("exercise_id", f"{exercise_id} is already in the plan", "この運動はすでにプログラムにあります", "duplicate")
    refusal = refusal_for(kb, case, ex)
    if refusal is not None:
        raise bad("exercise_id", f"{exercise_id} is excluded for this person: {refusal.en}",
                   f"この方には行えない運動です：{refusal.ja}", "contraindicated")


def refusal_for(kb, case: Case | None, ex) -> Text | None:
    """Why the case excludes exercise ``ex`` (a contraindication that holds, or floor work the person
    cannot do), or None. The prescription's safety checks (``prescription.allowed``, ``core.exclusions``);
    home equipment is not checked (the therapist may add an item for the clinic)."""
    if case is None:
        return None
    facts, norms = _facts(kb, case)
    if ex.floor_work and facts.get("activity.can_get_to_floor") is False:
        return Text(ja="床での運動ができないため", en="the person cannot get down to the floor")
    check = contraindication(kb, ex.id, facts, norms)
    return check.reason if check is not None else None


def with_cautions(record: dict[str, Any], kb, case: Case | None) -> dict[str, Any]:
    """A swap or add ``record`` with the cautions the contraindication rules add to its exercise for ``case``
    (e.g. lying on the back from week 16 of pregnancy) under ``cautions`` as {ja, en}: the replay has no case,
    and the item must carry what the engine would have put on it. Without a case the record is left as it is."""
    ex = kb.exercises.get(str(record.get("exercise_id")))
    if ex is None or case is None:
        return record
    facts, norms = _facts(kb, case)
    record.pop("cautions", None)
    warned = [c.reason.model_dump() for c in cautions(kb, ex.id, facts, norms)]
    if warned:
        record["cautions"] = warned
    return record


def _facts(kb, case: Case):
    facts = build_facts(case, score_questionnaires(case.questionnaires, kb))
    norms = lookup_for(kb, case.demographics.age, case.demographics.sex)
    derive_findings(case, kb, facts, norms)
    return facts, norms


def _check_revert(edits: list[dict], seq: int) -> None:
    target = edits[seq - 1] if 0 < seq <= len(edits) else None
    if target is None:
        raise bad("edit", f"there is no edit {seq} on this plan", f"この計画に変更 {seq} はありません", "not_found")
    if target.get("op") not in CHANGES:
        raise bad("edit", f"edit {seq} is a {target.get('op')}; only swap, dose, remove and add can be reverted",
                   "元に戻せるのは入れ替え・量・削除・追加だけです")
    if seq in reverted(edits):
        raise bad("edit", f"edit {seq} is already reverted", f"変更 {seq} はすでに元に戻されています", "duplicate")


