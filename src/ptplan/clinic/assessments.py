"""Assessments: save one (versioned, never overwritten), and "save an assessment and make its plan",
the therapist's form in one transaction: the case, its scored questionnaires and the plan."""

from __future__ import annotations

import datetime as dt

from ptplan.clinic import patients, plans
from ptplan.clinic.access import Actor, listed, use_case
from ptplan.core import measures
from ptplan.core.case import Case
from ptplan.core.case_io import check_case
from ptplan.errors import InputError
from ptplan.store import repositories as repo
from ptplan.store.models import Assessment, MeasureResult, Patient, Plan


def checked(actor: Actor, case: Case, prefix: str = "case.") -> Case:
    """The knowledge-base half of case validation for a case already parsed; problem paths start with ``prefix``."""
    try:
        return check_case(case, actor.knowledge())
    except InputError as err:
        raise err.under(prefix) from None


def _store(actor: Actor, patient_id: int, case: Case) -> Assessment:
    actor.require("therapist")
    patient = actor.patient(patient_id)
    case = checked(actor, case)
    on = dt.date.fromisoformat(case.assessed_on) if case.assessed_on else None
    row = repo.add_assessment(actor.db, patient, case.model_dump(mode="json", exclude_none=True), on, actor.user.id)
    actor.audit("create", "assessment", row.id, patient.id, detail=f"version {row.version}")
    return row


@use_case
def add_assessment(actor: Actor, patient_id: int, case: Case) -> Assessment:
    return _store(actor, patient_id, case)


@use_case
def assess_and_plan(actor: Actor, patient_id: int, case: Case, lang: str,
                    record_changes: dict | None = None) -> tuple[Assessment, Plan]:
    """Store the case, each answered questionnaire as a dated measure result (for the charts), and the plan
    (carrying over the edits of the patient's previous plan that still apply).

    ``record_changes``: changes to the patient record made with the assessment (the web form's カルテ番号,
    フリガナ …), in the same transaction, so a refused assessment leaves the record (and its audit trail) as it
    was. Their problems are named ``patient.<field>``."""
    if record_changes:
        try:
            patients.change_record(actor, patient_id, record_changes)
        except InputError as err:
            raise err.under("patient.") from None
    row = _store(actor, patient_id, case)
    _store_measures(actor, row, case)
    return row, plans.make(actor, row, lang)


def _store_measures(actor: Actor, row: Assessment, case: Case) -> None:
    patient = actor.patient(row.patient_id)
    for name, answers in case.questionnaires.items():
        values = list(answers.values()) if isinstance(answers, dict) else list(answers)
        if not any(a is not None for a in values):
            continue
        try:
            result = measures.score(name, answers, kb=actor.knowledge()).as_dict()
        except InputError:
            continue  # the case validated; a measure the scorer refuses is simply not charted
        score = result.get("score")
        repo.add_record(actor.db, MeasureResult, patient, actor.user.id, name=name, taken_on=row.assessed_on or dt.date.today(),
                        answers=answers, result=result, score=float(score) if isinstance(score, int | float) else None)


@use_case
def get_assessment(actor: Actor, assessment_id: int) -> Assessment:
    row = actor.record(Assessment, assessment_id, "assessment_id")
    actor.audit("read", "assessment", row.id, row.patient_id)
    return row


@use_case
def form_patient(actor: Actor, patient_id: int) -> Patient:
    """The patient an assessment form is opened for (the form shows their name), audited as a read."""
    actor.require("therapist")
    patient = actor.patient(patient_id)
    actor.audit("read", "patient", patient.id, patient.id, detail="assessment form")
    return patient


@use_case
def latest_case(actor: Actor, patient_id: int) -> dict | None:
    """The case of the patient's latest assessment (to prefill a follow-up), audited as a read."""
    patient = actor.patient(patient_id)
    row = actor.db.scalars(repo.records_query(Assessment, patient.id).limit(1)).first()
    if row is not None:
        actor.audit("read", "assessment", row.id, patient.id, detail="follow-up form")
    return row.case_json if row else None


@use_case
def list_assessments(actor: Actor, patient_id: int, limit: int, offset: int):
    return listed(actor, Assessment, patient_id, limit, offset, "assessment")
