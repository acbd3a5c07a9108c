"""Patients of the actor's clinic: list and search, create, read, update, timeline."""

from __future__ import annotations

from ptplan.clinic.access import STAFF, Actor, use_case
from ptplan.errors import InputError
from ptplan.store import repositories as repo
from ptplan.store.models import Patient

FIELDS = ("name", "furigana", "chart_number", "birth_year", "sex", "note")


def _chart_number_free(actor: Actor, number: str | None, patient_id: int | None = None) -> None:
    """A カルテ番号 names one patient of the clinic: a second patient with it is refused (409), naming the field."""
    if not number:
        return
    other = repo.patient_with_chart_number(actor.db, actor.clinic_id, number)
    if other is not None and other != patient_id:
        raise InputError.single("chart_number", f"chart number {number} is already used by another patient",
                                "duplicate", f"カルテ番号 {number} は別の患者さんに登録されています", status=409)


@use_case
def list_patients(actor: Actor, q: str | None, limit: int, offset: int) -> tuple[list[Patient], int]:
    actor.require(*STAFF)
    rows, total = repo.list_patients(actor.db, actor.clinic_id, q, limit, offset)
    actor.audit("list", "patient", detail=f"q={q!r} returned {len(rows)} of {total}")
    return list(rows), total


@use_case
def create_patient(actor: Actor, fields: dict) -> Patient:
    """A new patient record; admins and therapists of the clinic may add one."""
    actor.require(*STAFF)
    _chart_number_free(actor, fields.get("chart_number"))
    patient = repo.create_patient(actor.db, actor.clinic_id, **{k: fields.get(k) for k in FIELDS})
    actor.audit("create", "patient", patient.id, patient.id)
    return patient


STAFF_ONLY = ("note",)  # the therapist's remarks about the patient: not part of the patient's own view


@use_case
def get_patient(actor: Actor, patient_id: int) -> dict:
    """The record as ``actor`` may see it (a plain dict, so hiding a field never touches the stored row):
    a patient reading their own record gets no staff-only fields (they are None)."""
    patient = actor.patient(patient_id)
    actor.audit("read", "patient", patient.id, patient.id)
    shown = {column.key: getattr(patient, column.key) for column in Patient.__table__.columns}
    if actor.user.role not in STAFF:
        shown.update(dict.fromkeys(STAFF_ONLY))
    return shown


@use_case
def update_patient(actor: Actor, patient_id: int, changes: dict) -> Patient:
    """Set the given fields (a name cannot be cleared)."""
    return change_record(actor, patient_id, changes)


def change_record(actor: Actor, patient_id: int, changes: dict) -> Patient:
    """The body of ``update_patient`` inside the caller's transaction (a use case that changes the record as one
    of its steps, e.g. the assessment form), audited the same way."""
    actor.require(*STAFF)
    patient = actor.patient(patient_id)
    if changes.get("chart_number"):
        _chart_number_free(actor, changes["chart_number"], patient.id)
    for key, value in changes.items():
        if key in FIELDS and not (key == "name" and value is None):
            setattr(patient, key, value)
    actor.audit("update", "patient", patient.id, patient.id, detail=",".join(sorted(changes)))
    return patient


@use_case
def timeline(actor: Actor, patient_id: int, limit: int) -> list[dict]:
    patient = actor.patient(patient_id)
    events = repo.timeline(actor.db, patient.id, limit)
    actor.audit("read", "timeline", patient.id, patient.id)
    return events
