"""What the pages show about patients, read in as few queries as the page needs: the patient list with
last visit and next review (batched), a patient's outcome series and adherence, the therapist's review
page and the patient's own page. Each page-level read is a use case and is audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from ptplan.clinic import plans
from ptplan.clinic.access import STAFF, Actor, use_case
from ptplan.core.sessions import SessionLog as CoreSession
from ptplan.core.sessions import adherence as core_adherence
from ptplan.store import repositories as repo
from ptplan.store.models import Assessment, MeasureResult, Patient, Plan, ReviewDecision, SessionLog

DEFAULT_REVIEW_WEEKS = 4  # the engine's convention (core.plan.DEFAULT_REVIEW_WEEKS) when a plan has none


@dataclass
class Outcomes:
    """A patient's series for the charts: pain after sessions, weekly adherence and scored measures."""

    session_pain: list[tuple[dt.date, float]] = field(default_factory=list)
    adherence: list[tuple[dt.date, float]] = field(default_factory=list)
    measures: dict[str, list[tuple[dt.date, float]]] = field(default_factory=dict)


def latest_plan(db: Session, patient_id: int) -> Plan | None:
    return db.scalars(repo.records_query(Plan, patient_id).limit(1)).first()


def current_plan(actor: Actor, patient_id: int) -> plans.PlanView | None:
    row = latest_plan(actor.db, patient_id)
    return plans.view(actor, row) if row is not None else None


def next_review(plan: Plan | None, last_review: ReviewDecision | None) -> dt.date | None:
    """The date of the next review: after the latest review decision on the plan, the weeks that decision set
    (``next_review_weeks``: a hold or regress may bring it forward); otherwise the plan's ``review_weeks``
    from the day the plan was made."""
    if plan is None:
        return None
    weeks = (plan.plan_json.get("follow_up") or {}).get("review_weeks") or DEFAULT_REVIEW_WEEKS
    start = plan.created_at.date()
    if last_review is not None:
        start = max(start, last_review.created_at.date())
        decided = (last_review.detail or {}).get("next_review_weeks") if isinstance(last_review.detail, dict) else None
        if isinstance(decided, int | float) and not isinstance(decided, bool) and decided > 0:
            weeks = decided
    return start + dt.timedelta(days=round(7 * float(weeks)))


def _score(row: MeasureResult) -> float | None:
    if row.score is not None:
        return row.score
    answers = [a for a in (row.answers or []) if a is not None] if isinstance(row.answers, list) else []
    if row.name == "nrs" and answers:
        return round(sum(answers) / len(answers), 1)  # the NRS score is the rating itself
    return None


def measure_series(db: Session, patient_id: int) -> dict[str, list[tuple[dt.date, float]]]:
    series: dict[str, list] = {}
    for row in db.scalars(repo.records_query(MeasureResult, patient_id, newest_first=False)):
        value = _score(row)
        if value is not None:
            series.setdefault(row.name, []).append((row.taken_on, value))
    return series


def sessions(db: Session, patient_id: int, limit: int = 200) -> list[SessionLog]:
    return list(db.scalars(repo.records_query(SessionLog, patient_id, newest_first=False).limit(limit)))


def adherence(rows: list, plan: dict | None) -> list[tuple[dt.date, float]]:
    """Per ISO week with sessions: exercises done / prescribed over that week, as a percentage
    (``ptplan.core.sessions.adherence``, sessions_per_week from each exercise's dose of the effective plan)."""
    if not plan or not rows:
        return []
    logs = [CoreSession(date=r.performed_on, exercises=r.exercises or [], pain_before=r.pain_before,
                        pain_after=r.pain_after) for r in rows]
    weeks = sorted({r.performed_on - dt.timedelta(days=r.performed_on.weekday()) for r in rows})
    out = []
    for monday in weeks:
        if monday > dt.date.max - dt.timedelta(days=6):
            continue  # a stored date at the end of the calendar has no full week to count
        overall = core_adherence(plan, logs, start=monday, end=monday + dt.timedelta(days=6))["overall"]
        if overall is not None:
            out.append((monday, round(100 * overall)))
    return out


def outcomes(actor: Actor, patient_id: int, with_measures: bool = True) -> Outcomes:
    rows = sessions(actor.db, patient_id)
    current = current_plan(actor, patient_id)
    return Outcomes([(r.performed_on, r.pain_after) for r in rows if r.pain_after is not None],
                    adherence(rows, current.plan if current else None),
                    measure_series(actor.db, patient_id) if with_measures else {})


@use_case
def patient_rows(actor: Actor, q: str | None, limit: int = 200) -> list[dict]:
    """The patient list: each patient with last visit and next review, in a fixed number of queries."""
    actor.require(*STAFF)
    query = repo.patients_query(actor.clinic_id, q, actor.db.get_bind().dialect.name, window=limit)
    patients = list(actor.db.scalars(query.limit(limit)))
    dates = repo.visit_dates(actor.db, [p.id for p in patients])
    actor.audit("list", "patient", detail=f"web search {len(patients)}")
    return [{"patient": p, "last_visit": dates[p.id]["last_visit"],
             "next_review": next_review(dates[p.id]["plan"], dates[p.id]["last_review"])} for p in patients]


@use_case
def patient_page(actor: Actor, patient_id: int) -> dict:
    actor.require(*STAFF)
    patient = actor.patient(patient_id)
    db = actor.db
    dates = repo.visit_dates(db, [patient.id])[patient.id]
    actor.audit("read", "patient", patient.id, patient.id)
    return {"patient": patient, "assessments": db.scalars(repo.records_query(Assessment, patient.id).limit(20)).all(),
            "plans": db.scalars(repo.records_query(Plan, patient.id).limit(20)).all(),
            "reviews": db.scalars(repo.records_query(ReviewDecision, patient.id).limit(5)).all(),
            "outcomes": outcomes(actor, patient.id), "last_visit": dates["last_visit"],
            "next_review": next_review(dates["plan"], dates["last_review"])}


@use_case
def review_page(actor: Actor, plan_id: int) -> dict:
    """The therapist's review page: decisions on this plan, recent sessions and the outcome series."""
    actor.require(*STAFF)
    row = actor.record(Plan, plan_id, "plan_id")
    decisions = [d for d in actor.db.scalars(repo.records_query(ReviewDecision, row.patient_id).limit(10))
                 if d.plan_id == row.id]
    actor.audit("read", "review", row.id, row.patient_id, detail="review page")
    return {"row": row, "patient": actor.patient(row.patient_id), "decisions": decisions,
            "sessions": sessions(actor.db, row.patient_id)[-10:], "outcomes": outcomes(actor, row.patient_id)}


def _own(actor: Actor) -> Patient:
    actor.require("patient")
    return actor.patient(actor.user.patient_id)


@use_case
def my_plan(actor: Actor) -> tuple[Patient, plans.PlanView | None]:
    """The patient's own record and current (effective) plan, for today's exercises."""
    patient = _own(actor)
    current = current_plan(actor, patient.id)
    actor.audit("read", "plan", current.row.id if current else None, patient.id, detail="patient home")
    return patient, current


@use_case
def my_progress(actor: Actor) -> dict:
    patient = _own(actor)
    actor.audit("read", "session", None, patient.id, detail="patient progress")
    return {"patient": patient, "outcomes": outcomes(actor, patient.id, with_measures=False),
            "sessions": list(reversed(sessions(actor.db, patient.id)))[:20]}
