"""Session logs: a patient (or their therapist) records one day's exercises, pain and effort."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ptplan.clinic import symptoms
from ptplan.clinic.access import Actor, listed, use_case
from ptplan.core import plan_edits
from ptplan.errors import InputError, Problem
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
    """``fields``: date, exercises, pain_before, pain_after, rpe, notes, plan_id (``ptplan.core.sessions`` shape),
    and optionally ``symptoms`` (self-check warning-sign answers, read by :mod:`ptplan.clinic.symptoms`) and
    ``client_key``. A log whose ``client_key`` the patient already sent is not stored again: the stored one is
    returned with ``replayed`` set, so an offline queue that sends twice records the session once."""
    actor.require("therapist", "patient")
    patient = actor.patient(patient_id)
    key = fields.get("client_key")
    if key and (earlier := _by_key(actor, patient.id, key)) is not None:
        earlier.replayed = True
        return earlier
    plan_id = fields.get("plan_id")
    if plan_id is not None and actor.record(Plan, plan_id, "plan_id").patient_id != patient.id:
        raise InputError.single("plan_id", f"plan {plan_id} belongs to another patient", "mismatch",
                                "別の患者のプログラムです", status=422)
    day = check_day(fields["date"], "date")
    _check_in_plan(actor, patient.id, plan_id, fields.get("exercises") or [], day)
    from ptplan.clinic import worklist

    report = symptoms.report(fields.get("symptoms"), actor.knowledge(), worklist.texts())
    values = dict(performed_on=day, note=fields.get("notes"), plan_id=plan_id,
                  exercises=fields.get("exercises") or [], pain_before=fields.get("pain_before"),
                  pain_after=fields.get("pain_after"), rpe=fields.get("rpe"), symptoms=report, client_key=key)
    try:
        with actor.db.begin_nested():  # the same queued log may arrive twice at once
            row = repo.add_record(actor.db, SessionLog, patient, actor.user.id, **values)
    except IntegrityError:
        earlier = _by_key(actor, patient.id, key) if key else None
        if earlier is None:
            raise
        earlier.replayed = True
        return earlier
    row.replayed = False
    actor.audit("create", "session", row.id, patient.id,
                detail=f"symptoms reported: {', '.join(report['yes'])}"[:500] if report and report["yes"] else None)
    return row


def _check_in_plan(actor: Actor, patient_id: int, plan_id: int | None, exercises: list, day: dt.date) -> None:
    """Every exercise of a log was in the effective plan (the generated plan with the therapist's edits, as this
    reader sees it) of ``plan_id``, or of the patient's latest plan when the log names none, on the log's day: in
    it now, or taken out by an edit made that day or later (a log kept by the offline queue while the therapist
    removed or swapped the exercise is still stored). Else a 422 per id."""
    if not exercises:
        return
    from ptplan.clinic import plans

    row = (actor.db.get(Plan, plan_id) if plan_id is not None
           else actor.db.scalars(repo.records_query(Plan, patient_id).limit(1)).first())
    seen = plans.view(actor, row) if row is not None else None
    allowed = plan_edits.exercise_ids(seen.plan) if seen is not None else set()
    left = plan_edits.left_the_plan(seen.edits) if seen is not None else {}
    problems = []
    for i, done in enumerate(exercises):
        ex_id = done.get("id") if isinstance(done, dict) else getattr(done, "id", None)
        if ex_id not in allowed and not (ex_id in left and day.isoformat() <= left[ex_id]):
            where = f"plan {row.id}" if row is not None else "no plan (the patient has none yet)"
            problems.append(Problem(f"exercises.{i}.id", f"exercise {ex_id!r} is not in the patient's program ({where})",
                                    "not_in_plan", f"「{ex_id}」はこの患者のプログラムにない運動です"))
    if problems:
        raise InputError(problems, status=422)


def _by_key(actor: Actor, patient_id: int, key: str) -> SessionLog | None:
    return actor.db.scalars(select(SessionLog).where(SessionLog.patient_id == patient_id,
                                                     SessionLog.client_key == key)).first()


@use_case
def list_sessions(actor: Actor, patient_id: int, limit: int, offset: int):
    return listed(actor, SessionLog, patient_id, limit, offset, "session")
