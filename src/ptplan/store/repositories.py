"""Queries and writes, always scoped by clinic so isolation is not left to each route.

Functions take a Session and return ORM rows; callers commit. Nothing here updates or deletes an
assessment or an audit event: new versions and new events are inserted instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ptplan.errors import InputError, NotFoundError
from ptplan.store import auth, name_search
from ptplan.store.models import (
    Assessment,
    AuditEvent,
    AuthToken,
    Clinic,
    MeasureResult,
    Patient,
    Plan,
    ReviewDecision,
    SessionLog,
    User,
    utcnow,
)


def page(db: Session, stmt, limit: int, offset: int) -> tuple[Sequence, int]:
    total = db.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    return db.scalars(stmt.limit(limit).offset(offset)).all(), int(total or 0)


# --- clinics and users -------------------------------------------------------------------------

def get_or_create_clinic(db: Session, name: str) -> Clinic:
    clinic = db.scalar(select(Clinic).where(Clinic.name == name))
    if clinic is None:
        clinic = Clinic(name=name)
        db.add(clinic)
        db.flush()
    return clinic


def create_user(db: Session, clinic: Clinic, username: str, password: str, role: str, display_name: str = "",
                patient_id: int | None = None) -> User:
    if db.scalar(select(User.id).where(User.username == username)) is not None:
        raise InputError.single("username", f"{username!r} is already taken", "duplicate",
                                f"ユーザー名 {username!r} は既に使われています")
    if len(password) < auth.MIN_PASSWORD:
        raise InputError.single("password", f"expected at least {auth.MIN_PASSWORD} characters", "too_short",
                                f"パスワードは {auth.MIN_PASSWORD} 文字以上にしてください")
    if role == "patient" and patient_id is None:
        raise InputError.single("patient_id", "a patient login must be linked to a patient record", "required",
                                "患者ユーザーには患者記録の指定が必要です")
    user = User(clinic_id=clinic.id, username=username, password_hash=auth.hash_password(password), role=role,
                display_name=display_name or username, patient_id=patient_id if role == "patient" else None)
    db.add(user)
    db.flush()
    return user


def user_by_name(db: Session, username: str) -> User | None:
    return db.scalar(select(User).where(User.username == username))


def get_user(db: Session, clinic_id: int, user_id: int) -> User:
    user = db.scalar(select(User).where(User.id == user_id, User.clinic_id == clinic_id))
    if user is None:
        raise NotFoundError("user_id", f"no user {user_id} in your clinic")
    return user


def list_users(db: Session, clinic_id: int, limit: int, offset: int):
    return page(db, select(User).where(User.clinic_id == clinic_id).order_by(User.username), limit, offset)


# --- tokens ------------------------------------------------------------------------------------

def issue_token(db: Session, user: User, kind: str, ttl: dt.timedelta, name: str = "") -> tuple[str, AuthToken]:
    plain = auth.new_token()
    row = AuthToken(user_id=user.id, kind=kind, token_hash=auth.token_digest(plain), name=name,
                    expires_at=utcnow() + ttl)
    db.add(row)
    db.flush()
    return plain, row


def resolve_token(db: Session, plain: str, kind: str) -> tuple[User, AuthToken] | None:
    row = db.scalar(select(AuthToken).where(AuthToken.token_hash == auth.token_digest(plain), AuthToken.kind == kind))
    if row is None or row.revoked or _aware(row.expires_at) <= utcnow():
        return None
    user = db.get(User, row.user_id)
    return (user, row) if user is not None and user.active else None


def _aware(when: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


# --- patients ----------------------------------------------------------------------------------

def patients_query(clinic_id: int, q: str | None = None):
    """The clinic's patients by name; ``q`` keeps those whose name or furigana contains it (indexed)."""
    stmt = select(Patient).where(Patient.clinic_id == clinic_id)
    if q and q.strip():
        return stmt.where(name_search.name_matches(q.strip(), clinic_id)).order_by(name_search.search_order(), Patient.id)
    return stmt.order_by(Patient.name, Patient.id)


def get_patient(db: Session, clinic_id: int, patient_id: int) -> Patient:
    patient = db.scalar(select(Patient).where(Patient.id == patient_id, Patient.clinic_id == clinic_id))
    if patient is None:
        raise NotFoundError("patient_id", f"no patient {patient_id} in your clinic")
    return patient


def create_patient(db: Session, clinic_id: int, **fields) -> Patient:
    patient = Patient(clinic_id=clinic_id, **fields)
    db.add(patient)
    db.execute(update(Clinic).where(Clinic.id == clinic_id).values(patient_count=Clinic.patient_count + 1))
    db.flush()
    return patient


def list_patients(db: Session, clinic_id: int, q: str | None, limit: int, offset: int) -> tuple[Sequence, int]:
    """A page of the clinic's patients by name, and the total; the unfiltered total comes from the counter,
    a search's from the name index where it can (see :func:`ptplan.store.name_search.search_plan`)."""
    size = int(db.scalar(select(Clinic.patient_count).where(Clinic.id == clinic_id)) or 0)
    if not (q and q.strip()):
        return db.scalars(patients_query(clinic_id).limit(limit).offset(offset)).all(), size
    plan = name_search.search_plan(db, clinic_id, q.strip(), size)
    if plan.total is None:
        return page(db, patients_query(clinic_id, q), limit, offset)
    order = Patient.name if plan.in_name_order else name_search.search_order()
    stmt = (select(Patient).where(Patient.clinic_id == clinic_id,
                                  name_search.name_matches(q.strip(), clinic_id, plan.in_name_order))
            .order_by(order, Patient.id))
    return db.scalars(stmt.limit(limit).offset(offset)).all(), plan.total


# --- patient records ---------------------------------------------------------------------------

def add_assessment(db: Session, patient: Patient, case_json: dict, assessed_on: dt.date | None,
                   user_id: int | None) -> Assessment:
    last = db.scalar(select(func.max(Assessment.version)).where(Assessment.patient_id == patient.id)) or 0
    row = Assessment(clinic_id=patient.clinic_id, patient_id=patient.id, version=last + 1, assessed_on=assessed_on,
                     case_json=case_json, created_by=user_id)
    db.add(row)
    db.flush()
    return row


def get_owned(db: Session, model, clinic_id: int, row_id: int, field: str):
    """One patient record of ``model`` that belongs to the clinic, else 404 (never 403: no existence leak)."""
    row = db.scalar(select(model).where(model.id == row_id, model.clinic_id == clinic_id))
    if row is None:
        raise NotFoundError(field, f"no {model.__tablename__.rstrip('s').replace('_', ' ')} {row_id} in your clinic")
    return row


def records_query(model, patient_id: int, newest_first: bool = True):
    order = {SessionLog: SessionLog.performed_on, MeasureResult: MeasureResult.taken_on}.get(model, model.created_at)
    if newest_first:
        return select(model).where(model.patient_id == patient_id).order_by(order.desc(), model.id.desc())
    return select(model).where(model.patient_id == patient_id).order_by(order, model.id)


def add_record(db: Session, model, patient: Patient, user_id: int | None, **fields):
    row = model(clinic_id=patient.clinic_id, patient_id=patient.id, created_by=user_id, **fields)
    db.add(row)
    db.flush()
    return row


def append_plan_edit(db: Session, plan: Plan, edit: dict) -> Plan:
    # Reassign (not append in place) so the JSON column is seen as changed.
    plan.edits = [*(plan.edits or []), edit]
    db.flush()
    return plan


def timeline(db: Session, patient_id: int, limit: int) -> list[dict]:
    """The patient's history, newest first: assessments, plans, measures, sessions and reviews."""
    events: list[dict] = []
    for model, kind in ((Assessment, "assessment"), (Plan, "plan"), (MeasureResult, "measure"),
                        (SessionLog, "session"), (ReviewDecision, "review")):
        for row in db.scalars(records_query(model, patient_id).limit(limit)):
            events.append({"kind": kind, "id": row.id, "on": _event_date(row), "summary": _summary(kind, row)})
    events.sort(key=lambda e: (e["on"], e["kind"], e["id"]), reverse=True)
    return events[:limit]


def _event_date(row) -> dt.date:
    for attr in ("performed_on", "taken_on", "assessed_on"):
        value = getattr(row, attr, None)
        if value is not None:
            return value
    return row.created_at.date()


def _summary(kind: str, row) -> str:
    return {"assessment": lambda r: f"version {r.version}", "plan": lambda r: f"kb {r.kb_version}, {len(r.edits or [])} edits",
            "measure": lambda r: f"{r.name} {r.score}", "review": lambda r: r.decision,
            "session": lambda r: f"{len(r.exercises or [])} exercises, pain {r.pain_before}->{r.pain_after}"}[kind](row)


# --- audit -------------------------------------------------------------------------------------

def record_audit(db: Session, user: User | None, action: str, resource: str, resource_id: int | None = None,
                 patient_id: int | None = None, ip: str | None = None, detail: str | None = None) -> None:
    db.add(AuditEvent(clinic_id=user.clinic_id if user else None, user_id=user.id if user else None,
                      username=user.username if user else "-", action=action, resource=resource,
                      resource_id=resource_id, patient_id=patient_id, ip=ip, detail=(detail or "")[:500] or None))


def audit_query(clinic_id: int, patient_id: int | None = None):
    stmt = select(AuditEvent).where(AuditEvent.clinic_id == clinic_id)
    if patient_id is not None:
        stmt = stmt.where(AuditEvent.patient_id == patient_id)
    return stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
