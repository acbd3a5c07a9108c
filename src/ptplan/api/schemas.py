"""Request and response bodies. Input and output schemas are separate; outputs are built from ORM
rows with ``from_attributes`` and never expose password hashes or token hashes."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from ptplan.core.case import Case
from ptplan.core.sessions import ExerciseDone

T = TypeVar("T")


def _plain_text(value: str) -> str:
    # NUL cannot be stored by PostgreSQL and lone surrogates cannot be encoded: refuse both as input.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_plain_text)]
Note = Annotated[str, Field(max_length=5000), AfterValidator(_plain_text)]
Role = Literal["admin", "therapist", "patient"]
Lang = Literal["ja", "en"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ErrorProblem(BaseModel):
    field: str = Field(description="dotted path of the offending field ('' when not about one field)")
    message: str
    message_ja: str
    code: str


class ErrorBody(BaseModel):
    code: str
    message: str
    problems: list[ErrorProblem]


class ErrorObject(BaseModel):
    """The one JSON error shape of the API (built by ptplan.errors.error_payload)."""

    error: ErrorBody


class PageOf(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


def page_of(out: type[BaseModel], rows, total: int, page) -> PageOf:
    """One page of ``rows`` shown as ``out``; the one place a paged answer is built."""
    return PageOf[out](items=[out.model_validate(r) for r in rows], total=total, limit=page.limit, offset=page.offset)


class LoginIn(_In):
    username: Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_plain_text)]
    password: Annotated[str, Field(min_length=1, max_length=1000), AfterValidator(_plain_text)]


class UserOut(_Out):
    id: int
    clinic_id: int
    username: str
    display_name: str
    role: Role
    patient_id: int | None
    active: bool


class LoginOut(BaseModel):
    user: UserOut
    csrf_token: str


class TokenIn(_In):
    name: Annotated[str, Field(max_length=100), AfterValidator(_plain_text)] = ""


class TokenOut(BaseModel):
    id: int
    token: str = Field(description="shown once; send as 'Authorization: Bearer <token>'")
    expires_at: dt.datetime


class UserIn(_In):
    username: Annotated[str, Field(min_length=3, max_length=100, pattern=r"^[A-Za-z0-9_.@-]+$")]
    password: Annotated[str, Field(min_length=8, max_length=1000), AfterValidator(_plain_text)]
    role: Role
    display_name: Annotated[str, Field(max_length=200), AfterValidator(_plain_text)] = ""
    patient_id: Annotated[int, Field(ge=1, le=2**53)] | None = None


class UserPatch(_In):
    display_name: Annotated[str, Field(max_length=200), AfterValidator(_plain_text)] | None = None
    password: Annotated[str, Field(min_length=8, max_length=1000), AfterValidator(_plain_text)] | None = None
    active: bool | None = None


class PatientIn(_In):
    name: Name
    birth_year: Annotated[int, Field(ge=1900, le=2100)] | None = None
    sex: Literal["female", "male", "other"] | None = None
    note: Note | None = None


class PatientPatch(_In):
    name: Name | None = None
    birth_year: Annotated[int, Field(ge=1900, le=2100)] | None = None
    sex: Literal["female", "male", "other"] | None = None
    note: Note | None = None


class PatientOut(_Out):
    id: int
    clinic_id: int
    name: str
    birth_year: int | None
    sex: str | None
    note: str | None
    created_at: dt.datetime


class AssessmentIn(_In):
    case: Case = Field(description="case JSON (see `ptplan schema case`)")


class AssessmentOut(_Out):
    id: int
    patient_id: int
    version: int
    assessed_on: dt.date | None
    case: dict[str, Any] = Field(validation_alias="case_json")
    created_by: int | None
    created_at: dt.datetime


class PlanIn(_In):
    assessment_id: Annotated[int, Field(ge=1, le=2**53)]
    lang: Lang = "ja"


class PlanEditIn(_In):
    op: Literal["set", "remove", "note"] = Field(description="set a value, remove an item, or add a note")
    path: Annotated[str, Field(max_length=300, pattern=r"^(/[^/]*)*$")] = Field(
        description="JSON pointer into the plan, e.g. /program/components/0/exercises/1/dose")
    value: Any = None
    reason: Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(_plain_text)]


class PlanOut(_Out):
    id: int
    patient_id: int
    assessment_id: int
    kb_version: str
    lang: str
    plan: dict[str, Any] = Field(validation_alias="plan_json")
    edits: list[dict[str, Any]]
    created_by: int | None
    created_at: dt.datetime


class MeasureIn(_In):
    name: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]
    answers: Annotated[list[float | None], Field(max_length=200)] | Annotated[
        dict[Annotated[str, Field(max_length=40)], float | None], Field(max_length=200)] = Field(
        description="item answers in order, or by item id; see `ptplan measure list`")
    taken_on: dt.date


class MeasureOut(_Out):
    id: int
    patient_id: int
    name: str
    taken_on: dt.date
    answers: list[float | None] | dict[str, float | None]
    result: dict[str, Any]
    score: float | None
    created_at: dt.datetime


class SessionIn(_In):
    """A session as ``ptplan.core.sessions.SessionLog`` records it, optionally linked to a plan."""

    date: dt.date = Field(description="day of the session")
    exercises: Annotated[list[ExerciseDone], Field(max_length=60)] = Field(
        default_factory=list, description="exercises done (ids from the plan, with sets/reps/hold if recorded)")
    pain_before: Annotated[float, Field(ge=0, le=10)] | None = None
    pain_after: Annotated[float, Field(ge=0, le=10)] | None = None
    rpe: Annotated[float, Field(ge=0, le=10, description="rating of perceived exertion 0-10")] | None = None
    notes: Annotated[str, Field(max_length=2000), AfterValidator(_plain_text)] | None = None
    plan_id: Annotated[int, Field(ge=1, le=2**53)] | None = None


class SessionOut(_Out):
    id: int
    patient_id: int
    plan_id: int | None
    date: dt.date = Field(validation_alias="performed_on")
    exercises: list[dict[str, Any]]
    pain_before: float | None
    pain_after: float | None
    rpe: float | None
    notes: str | None = Field(validation_alias="note")
    created_at: dt.datetime


class ReviewIn(_In):
    lang: Lang = "ja"


class ReviewOut(_Out):
    id: int
    patient_id: int
    plan_id: int
    decision: str
    detail: dict[str, Any]
    created_at: dt.datetime


class TimelineEvent(BaseModel):
    kind: Literal["assessment", "plan", "measure", "session", "review"]
    id: int
    on: dt.date
    summary: str


class AuditOut(_Out):
    id: int
    at: dt.datetime
    user_id: int | None
    username: str
    action: str
    resource: str
    resource_id: int | None
    patient_id: int | None
    ip: str | None
    detail: str | None


VideoTask = Literal["squat", "forward-bend", "gait", "single-leg-stance"]


class VideoOut(_Out):
    id: int
    patient_id: int
    assessment_id: int
    task: str
    status: Literal["queued", "running", "done", "failed"]
    filename: str
    size_bytes: int
    result: dict[str, Any] | None = Field(description="the analysis (measures, quality, findings) once done")
    error: list[ErrorProblem] | None = Field(description="why the analysis failed, one problem per line")
    clip_stored: Annotated[bool, BeforeValidator(lambda path: path is not None)] = Field(
        validation_alias="clip_path", description="whether the clip file is still kept on the server")
    created_by: int | None
    created_at: dt.datetime
    finished_at: dt.datetime | None
