"""Tables. Clinical content (cases, plans, measure answers) is stored as JSON documents; rows carry
what the server needs to find, isolate and audit them (clinic, patient, author, time).

Assessments are versioned and never overwritten; plans keep the generated JSON untouched and
append therapist edits as records; audit events are append-only (enforced by triggers too).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, validates

from ptplan.core import kana

ROLES = ("admin", "therapist", "patient")

NAMING = {"ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
          "ck": "ck_%(table_name)s_%(constraint_name)s",
          "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s", "pk": "pk_%(table_name)s"}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every backend (SQLite stores no offset and returns naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
            return value.replace(tzinfo=None) if dialect.name == "sqlite" else value
        return value

    def process_result_value(self, value, dialect):
        return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Clinic(Base):
    __tablename__ = "clinics"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # Short ASCII name (a-z, 0-9, -) ending the login names its admins create: taro@aoba (ptplan.clinic.users).
    # A unique index, and nullable only in the schema (migration 0010): get_or_create_clinic always sets it.
    code: Mapped[str | None] = mapped_column(String(40), index=True, unique=True)
    # Kept in step with inserts (patients are never deleted) so the unfiltered list total costs no count(*).
    patient_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Uploaded clips are deleted once analysed unless the clinic chooses to keep them.
    keep_video_clips: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The clinic's own worklist thresholds over the defaults of ptplan/clinic/worklist.yaml (None: defaults).
    alert_settings: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Patient(Base):
    __tablename__ = "patients"
    __table_args__ = (Index("ix_patients_clinic_name", "clinic_id", "name", "id"),  # covers ORDER BY name, id
                      Index("ux_patients_clinic_chart_number", "clinic_id", "chart_number", unique=True))
    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(200))
    # Reading in katakana (フリガナ); name search covers it (ptplan.store.name_search).
    furigana: Mapped[str | None] = mapped_column(String(200))
    # The clinic's own patient number (カルテ番号), unique within the clinic (migration 0011).
    chart_number: Mapped[str | None] = mapped_column(String(50))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    sex: Mapped[str | None] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    @validates("furigana")
    def _one_kana_form(self, _key, value: str | None) -> str | None:
        # Stored in one form (full-width katakana), so ｻﾄｳ, さとう and サトウ are one reading to the search.
        return kana.furigana(value)

class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="RESTRICT"), index=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id", ondelete="RESTRICT"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuthToken(Base):
    """A web session (kind ``session``) or an API bearer token (kind ``api``); only a hash is stored."""

    __tablename__ = "auth_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class _PatientOwned:
    """Columns every patient record has: clinic and patient (for isolation) and who wrote it when."""

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="RESTRICT"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="RESTRICT"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Assessment(_PatientOwned, Base):
    __tablename__ = "assessments"
    __table_args__ = (UniqueConstraint("patient_id", "version", name="uq_assessments_patient_version"),)
    version: Mapped[int] = mapped_column(Integer)
    assessed_on: Mapped[dt.date | None] = mapped_column(Date)
    case_json: Mapped[dict] = mapped_column(JSON)


class Plan(_PatientOwned, Base):
    __tablename__ = "plans"
    __table_args__ = (Index("ix_plans_patient_created", "patient_id", "created_at"),)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="RESTRICT"), index=True)
    kb_version: Mapped[str] = mapped_column(String(40))
    lang: Mapped[str] = mapped_column(String(5))
    plan_json: Mapped[dict] = mapped_column(JSON)
    edits: Mapped[list] = mapped_column(JSON, default=list)


class MeasureResult(_PatientOwned, Base):
    __tablename__ = "measure_results"
    __table_args__ = (Index("ix_measure_results_patient_taken", "patient_id", "taken_on"),)
    name: Mapped[str] = mapped_column(String(40))
    taken_on: Mapped[dt.date] = mapped_column(Date)
    answers: Mapped[list] = mapped_column(JSON)
    result: Mapped[dict] = mapped_column(JSON)
    score: Mapped[float | None] = mapped_column(Float)


class SessionLog(_PatientOwned, Base):
    """One home or clinic session, in the shape of ``ptplan.core.sessions.SessionLog``."""

    __tablename__ = "session_logs"
    __table_args__ = (Index("ix_session_logs_patient_performed", "patient_id", "performed_on", "id"),
                      Index("uq_session_logs_patient_client_key", "patient_id", "client_key", unique=True))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"))
    performed_on: Mapped[dt.date] = mapped_column(Date)
    exercises: Mapped[list] = mapped_column(JSON, default=list)
    pain_before: Mapped[float | None] = mapped_column(Float)
    pain_after: Mapped[float | None] = mapped_column(Float)
    rpe: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    # Red-flag answers given with the log and what they mean (ptplan.clinic.symptoms.report); None: not asked.
    symptoms: Mapped[dict | None] = mapped_column(JSON)
    # The key the patient's device made for this log: a log sent again (offline queue) is stored once.
    client_key: Mapped[str | None] = mapped_column(String(64))


class ReviewDecision(_PatientOwned, Base):
    __tablename__ = "review_decisions"
    __table_args__ = (Index("ix_review_decisions_patient_created", "patient_id", "created_at"),)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="RESTRICT"))
    decision: Mapped[str] = mapped_column(String(20))
    detail: Mapped[dict] = mapped_column(JSON)


class VideoAnalysis(_PatientOwned, Base):
    """One uploaded clip and its analysis job: queued -> running -> done | failed."""

    __tablename__ = "video_analyses"
    __table_args__ = (Index("ix_video_analyses_assessment_created", "assessment_id", "created_at"),
                      Index("ix_video_analyses_status_heartbeat", "status", "heartbeat_at"))
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="RESTRICT"))
    task: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(10), default="queued")
    filename: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    result: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[list | None] = mapped_column(JSON)
    clip_path: Mapped[str | None] = mapped_column(String(1000))
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The job's lease (ptplan.clinic.jobs): runs started, and the current run's start, heartbeat and claim token.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    job_token: Mapped[str | None] = mapped_column(String(32))


class AlertAck(_PatientOwned, Base):
    """A worklist alert a therapist acknowledged (``alert_key`` names the alert and its occasion)."""

    __tablename__ = "alert_acks"
    __table_args__ = (UniqueConstraint("clinic_id", "alert_key", name="uq_alert_acks_clinic_key"),)
    alert_key: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)


class AuditEvent(Base):
    """Who did what to which patient's data, when. Rows are only ever inserted."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_clinic_at", "clinic_id", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    clinic_id: Mapped[int | None] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(Integer)
    username: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))
    resource: Mapped[str] = mapped_column(String(40))
    resource_id: Mapped[int | None] = mapped_column(Integer)
    patient_id: Mapped[int | None] = mapped_column(Integer, index=True)
    ip: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(String(500))


class LoginFailure(Base):
    """One failed login, kept for the throttle's window (``ptplan.clinic.throttle``); shared by every server
    process. ``username`` is lower-cased; ``ip`` is the client address after the trusted-proxy rule."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_username_at", "username", "at"), Index("ix_login_failures_ip_at", "ip", "at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    username: Mapped[str] = mapped_column(String(100))
    ip: Mapped[str] = mapped_column(String(64))
