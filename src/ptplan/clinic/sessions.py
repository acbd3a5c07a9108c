"""Session logs: a patient (or their therapist) records one day's exercises, pain and effort."""

from __future__ import annotations

import datetime as dt

from ptplan.clinic.access import Actor, listed, use_case
from ptplan.errors import InputError
from ptplan.store import repositories as repo
from ptplan.store.models import Plan, SessionLog

EARLIEST = dt.date(1900, 1, 1)


def check_day(day: dt.date, field: str) -> dt.date:
    """A date that can be a real record: from 1900 up to tomorrow (time zones), never far in the future."""
    latest = dt.date.today() + dt.timedelta(days=1)
    if not EARLIEST <= day <= latest:
        raise InputError.single(field, f"expected a date from {EARLIEST} to {latest} (got {day})", "date_range",
                                f"{EARLIEST} から {latest} までの日付を入力してください", status=422)
    return day


@use_case
def log_session(actor: Actor, patient_id: int, fields: dict) -> SessionLog:
    """``fields``: date, exercises, pain_before, pain_after, rpe, notes, plan_id (``ptplan.core.sessions`` shape)."""
    actor.require("therapist", "patient")
    patient = actor.patient(patient_id)
    plan_id = fields.get("plan_id")
    if plan_id is not None and actor.record(Plan, plan_id, "plan_id").patient_id != patient.id:
        raise InputError.single("plan_id", f"plan {plan_id} belongs to another patient", "mismatch",
                                "別の患者のプログラムです", status=422)
    row = repo.add_record(actor.db, SessionLog, patient, actor.user.id, performed_on=check_day(fields["date"], "date"),
                          note=fields.get("notes"), plan_id=plan_id, exercises=fields.get("exercises") or [],
                          pain_before=fields.get("pain_before"), pain_after=fields.get("pain_after"), rpe=fields.get("rpe"))
    actor.audit("create", "session", row.id, patient.id)
    return row


@use_case
def list_sessions(actor: Actor, patient_id: int, limit: int, offset: int):
    return listed(actor, SessionLog, patient_id, limit, offset, "session")
