"""Queries and writes, always scoped by clinic so isolation is not left to each route.

Functions take a Session and return ORM rows; callers commit. Nothing here updates or deletes an
assessment or an audit event: new versions and new events are inserted instead.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Sequence

from sqlalchemy import false, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ptplan.errors import ConflictError, InputError, NotFoundError
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

#: Ids are 32-bit integer columns on PostgreSQL; a larger id cannot name a row, so it is "not found".
MAX_ROW_ID = 2**31 - 1


def storable_id(row_id: int | None) -> bool:
    return row_id is not None and 0 < row_id <= MAX_ROW_ID


def page(db: Session, stmt, limit: int, offset: int) -> tuple[Sequence, int]:
    total = db.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    return db.scalars(stmt.limit(limit).offset(offset)).all(), int(total or 0)


# --- clinics and users -------------------------------------------------------------------------

CLINIC_CODE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?")
GENERATED_CODE = re.compile(r"c[0-9]+")  # c<id>: the code a clinic gets when its name gives none


def get_or_create_clinic(db: Session, name: str, code: str | None = None) -> Clinic:
    """The clinic called ``name``, created if new. Its ``code`` is ``code`` when given, else the ASCII
    letters and digits of the name (``Aoba`` -> ``aoba``) when free, else ``c<id>``."""
    clinic = db.scalar(select(Clinic).where(Clinic.name == name))
    if clinic is not None:
        if code is not None and code != clinic.code:
            raise InputError.single("clinic_code", f"clinic {name!r} already has the code {clinic.code!r}", "conflict",
                                    f"クリニック {name!r} のコードは既に {clinic.code!r} です", status=409)
        return clinic
    if code is not None:
        check_clinic_code(db, code)
    wanted = code or _slug(name)
    free = bool(wanted) and not GENERATED_CODE.fullmatch(wanted) and _code_free(db, wanted)
    clinic = Clinic(name=name, code=wanted if free else f"tmp-{secrets.token_hex(8)}")
    db.add(clinic)
    db.flush()
    if not free:
        clinic.code = f"c{clinic.id}"
        db.flush()
    return clinic


def check_clinic_code(db: Session, code: str) -> None:
    if not CLINIC_CODE.fullmatch(code) or GENERATED_CODE.fullmatch(code):
        raise InputError.single("clinic_code", "expected 1-40 of a-z, 0-9 and '-' (not starting or ending with '-', "
                                "and not c followed by digits, which are kept for generated codes)", "pattern",
                                "クリニックコードは半角英小文字・数字・ハイフン 40 文字以内で指定してください"
                                "（先頭と末尾はハイフン不可。c＋数字は自動で付くコード用です）", status=422)
    if not _code_free(db, code):
        raise InputError.single("clinic_code", f"the clinic code {code!r} is taken", "duplicate",
                                f"クリニックコード {code!r} は既に使われています", status=409)


def _code_free(db: Session, code: str) -> bool:
    # Nor may login names end in it: after a downgrade and upgrade of migration 0010 the clinics have c<id>
    # again, and a new clinic given an old code must not gain a namespace where names already exist.
    return db.scalar(select(Clinic.id).where(Clinic.code == code)) is None and \
        db.scalar(select(User.id).where(User.username.like(f"%@{code}")).limit(1)) is None


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40].strip("-")
    return slug if CLINIC_CODE.fullmatch(slug) else ""


def create_user(db: Session, clinic: Clinic, username: str, password: str, role: str, display_name: str = "",
                patient_id: int | None = None) -> User:
    if db.scalar(select(User.id).where(User.username == username)) is not None:
        raise _taken(username)
    if len(password) < auth.MIN_PASSWORD:
        raise InputError.single("password", f"expected at least {auth.MIN_PASSWORD} characters", "too_short",
                                f"パスワードは {auth.MIN_PASSWORD} 文字以上にしてください", status=422)
    if role == "patient" and patient_id is None:
        raise InputError.single("patient_id", "a patient login must be linked to a patient record", "required",
                                "患者ユーザーには患者記録の指定が必要です", status=422)
    user = User(clinic_id=clinic.id, username=username, password_hash=auth.hash_password(password), role=role,
                display_name=display_name or username, patient_id=patient_id if role == "patient" else None)
    try:
        with db.begin_nested():  # another request may take the name between the check and the insert
            db.add(user)
    except IntegrityError:
        raise _taken(username) from None
    return user


def _taken(username: str) -> ConflictError:
    return ConflictError("username", f"{username!r} is already taken", f"ユーザー名 {username!r} は既に使われています",
                         "duplicate")


def user_by_name(db: Session, username: str) -> User | None:
    return db.scalar(select(User).where(User.username == username))


def get_user(db: Session, clinic_id: int, user_id: int) -> User:
    user = db.scalar(select(User).where(User.id == user_id, User.clinic_id == clinic_id)) if storable_id(user_id) else None
    if user is None:
        raise NotFoundError("user_id", f"no user {user_id} in your clinic")
    return user


def list_users(db: Session, clinic_id: int, limit: int, offset: int):
    return page(db, select(User).where(User.clinic_id == clinic_id).order_by(User.username), limit, offset)


def clinic_counts(db: Session, clinic_id: int) -> dict[str, int]:
    return {"patients": int(db.scalar(select(func.count(Patient.id)).where(Patient.clinic_id == clinic_id)) or 0),
            "active": int(db.scalar(select(func.count(User.id)).where(User.clinic_id == clinic_id, User.active)) or 0)}


# --- tokens ------------------------------------------------------------------------------------

def issue_token(db: Session, user: User, kind: str, ttl: dt.timedelta, name: str = "") -> tuple[str, AuthToken]:
    plain = auth.new_token()
    row = AuthToken(user_id=user.id, kind=kind, token_hash=auth.token_digest(plain), name=name,
                    expires_at=utcnow() + ttl)
    db.add(row)
    db.flush()
    return plain, row


def revoke_tokens(db: Session, user_id: int) -> int:
    """End every live session and API token of the user; how many there were."""
    rows = db.scalars(select(AuthToken).where(AuthToken.user_id == user_id, AuthToken.revoked.is_(False))).all()
    for row in rows:
        row.revoked = True
    return len(rows)


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

def patients_query(clinic_id: int, q: str | None = None, dialect: str | None = None, window: int | None = None):
    """The clinic's patients by name; ``q`` keeps those whose name or furigana contains it (indexed).
    ``dialect`` (the session's database) lets PostgreSQL page short queries along their own index;
    ``window`` (offset + limit of the page the caller will take, if known) bounds each kana form's part."""
    _searchable(q)
    stmt = select(Patient).where(Patient.clinic_id == clinic_id)
    if q and q.strip() and name_search.uses_pieces(dialect, q.strip()):
        return name_search.piece_query(q.strip(), clinic_id, window)
    if q and q.strip():
        return stmt.where(name_search.name_matches(q.strip(), clinic_id)).order_by(name_search.search_order(), Patient.id)
    return stmt.order_by(Patient.name, Patient.id)


def _searchable(q: str | None) -> None:
    """A search with a control character (a NUL breaks SQLite's full-text MATCH and PostgreSQL text) is a 422."""
    if q and any(not c.isprintable() and not c.isspace() for c in q):
        raise InputError.single("q", "the search contains a control character (such as NUL)", "control_character",
                                "検索語に制御文字（NUL など）が含まれています", status=422)


def get_patient(db: Session, clinic_id: int, patient_id: int, lock: bool = False) -> Patient:
    stmt = select(Patient).where(Patient.id == patient_id, Patient.clinic_id == clinic_id)
    patient = db.scalar(_locked(stmt) if lock else stmt) if storable_id(patient_id) else None
    if patient is None:
        raise NotFoundError("patient_id", f"no patient {patient_id} in your clinic")
    return patient


def patient_with_chart_number(db: Session, clinic_id: int, number: str) -> int | None:
    """The id of the clinic's patient with this カルテ番号, if any (unique index of migration 0011)."""
    return db.scalar(select(Patient.id).where(Patient.clinic_id == clinic_id, Patient.chart_number == number))


def create_patient(db: Session, clinic_id: int, **fields) -> Patient:
    patient = Patient(clinic_id=clinic_id, **fields)
    db.add(patient)
    db.execute(update(Clinic).where(Clinic.id == clinic_id).values(patient_count=Clinic.patient_count + 1))
    db.flush()
    return patient


def list_patients(db: Session, clinic_id: int, q: str | None, limit: int, offset: int) -> tuple[Sequence, int]:
    """A page of the clinic's patients by name, and the total; the unfiltered total comes from the counter,
    a search's from the name index where it can (see :func:`ptplan.store.name_search.search_plan`)."""
    _searchable(q)
    size = int(db.scalar(select(Clinic.patient_count).where(Clinic.id == clinic_id)) or 0)
    if not (q and q.strip()):
        return db.scalars(patients_query(clinic_id).limit(limit).offset(offset)).all(), size
    plan = name_search.search_plan(db, clinic_id, q.strip(), size)
    dialect = db.get_bind().dialect.name
    if name_search.uses_pieces(dialect, q.strip()):
        stmt = patients_query(clinic_id, q, dialect, window=offset + limit)
        return db.scalars(stmt.limit(limit).offset(offset)).all(), plan.total
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
    """The patient's next assessment version. The patient row is locked first, so concurrent saves for one
    patient take turns and get distinct versions; a clash that still happens is a 409, never a 500."""
    db.execute(_locked(select(Patient.id).where(Patient.id == patient.id)))
    last = db.scalar(select(func.max(Assessment.version)).where(Assessment.patient_id == patient.id)) or 0
    row = Assessment(clinic_id=patient.clinic_id, patient_id=patient.id, version=last + 1, assessed_on=assessed_on,
                     case_json=case_json, created_by=user_id)
    try:
        with db.begin_nested():
            db.add(row)
    except IntegrityError:
        raise ConflictError("patient_id", "another assessment of this patient was saved at the same moment; save again",
                            "同じ患者の評価が同時に保存されました。もう一度保存してください") from None
    return row


def _locked(stmt):
    # FOR UPDATE on PostgreSQL (the row waits for the other writer and is re-read); SQLite ignores it
    # because BEGIN IMMEDIATE already serializes writers.
    return stmt.with_for_update().execution_options(populate_existing=True)


def get_owned(db: Session, model, clinic_id: int, row_id: int, field: str, lock: bool = False):
    """One patient record of ``model`` that belongs to the clinic, else 404 (never 403: no existence leak).
    ``lock`` holds the row until the transaction ends (read-modify-write of its JSON)."""
    stmt = select(model).where(model.id == row_id, model.clinic_id == clinic_id)
    row = db.scalar(_locked(stmt) if lock else stmt) if storable_id(row_id) else None
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
    """Append one edit record. The caller holds the plan row locked (``get_owned(..., lock=True)``), so
    concurrent editors take turns and none overwrites another's edit."""
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


def visit_dates(db: Session, patient_ids: list[int]) -> dict[int, dict]:
    """Per patient: ``last_visit`` (latest session, assessment date or assessment entry), the latest
    ``plan`` and its ``last_review`` (the newest review decision on it), in four queries whatever the number of patients."""
    out = {pid: {"last_visit": None, "plan": None, "last_review": None} for pid in patient_ids}
    if not patient_ids:
        return out
    for model, col in ((SessionLog, SessionLog.performed_on), (Assessment, Assessment.assessed_on),
                       (Assessment, Assessment.created_at)):
        for pid, when in db.execute(select(model.patient_id, func.max(col)).where(model.patient_id.in_(patient_ids))
                                    .group_by(model.patient_id)):
            day = when.date() if isinstance(when, dt.datetime) else when
            if day is not None and (out[pid]["last_visit"] is None or day > out[pid]["last_visit"]):
                out[pid]["last_visit"] = day
    newest = select(Plan.patient_id, func.max(Plan.id).label("id")).where(Plan.patient_id.in_(patient_ids)) \
        .group_by(Plan.patient_id).subquery()
    for plan in db.scalars(select(Plan).join(newest, Plan.id == newest.c.id)):
        out[plan.patient_id]["plan"] = plan
    plan_ids = [v["plan"].id for v in out.values() if v["plan"] is not None]
    if plan_ids:
        latest = select(func.max(ReviewDecision.id)).where(ReviewDecision.plan_id.in_(plan_ids)) \
            .group_by(ReviewDecision.plan_id)
        by_plan = {r.plan_id: r for r in db.scalars(select(ReviewDecision).where(ReviewDecision.id.in_(latest)))}
        for v in out.values():
            if v["plan"] is not None:
                v["last_review"] = by_plan.get(v["plan"].id)
    return out


def outcome_records(db: Session, clinic_id: int):
    """(sessions per patient id, measure results by patient/name/date, patients by id) of one clinic."""
    sessions = dict(db.execute(select(SessionLog.patient_id, func.count()).where(
        SessionLog.clinic_id == clinic_id).group_by(SessionLog.patient_id)).all())
    measures = db.scalars(select(MeasureResult).where(MeasureResult.clinic_id == clinic_id)
                          .order_by(MeasureResult.patient_id, MeasureResult.name, MeasureResult.taken_on,
                                    MeasureResult.id)).all()
    patients = {p.id: p for p in db.scalars(select(Patient).where(Patient.clinic_id == clinic_id))}
    return sessions, measures, patients


# --- audit -------------------------------------------------------------------------------------

def record_audit(db: Session, user: User | None, action: str, resource: str, resource_id: int | None = None,
                 patient_id: int | None = None, ip: str | None = None, detail: str | None = None) -> None:
    db.add(AuditEvent(clinic_id=user.clinic_id if user else None, user_id=user.id if user else None,
                      username=user.username if user else "-", action=action, resource=resource,
                      resource_id=resource_id, patient_id=patient_id, ip=(ip or "")[:64] or None,
                      detail=(detail or "")[:500] or None))


def audit_query(clinic_id: int, patient_id: int | None = None):
    stmt = select(AuditEvent).where(AuditEvent.clinic_id == clinic_id)
    if patient_id is not None:
        stmt = stmt.where(AuditEvent.patient_id == patient_id if storable_id(patient_id) else false())
    return stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
