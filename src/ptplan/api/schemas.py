"""Request and response bodies. Input and output schemas are separate; outputs are built from ORM
rows with ``from_attributes`` and never expose password hashes or token hashes."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

from ptplan.clinic.inputs import (  # noqa: F401  (the API's request bodies are the use cases' inputs)
    ClinicSettingsPatch,
    Lang,
    Name,
    Note,
    PatientIn,
    PatientPatch,
    RecordedDay,
    Role,
    SessionIn,
    UserIn,
    UserPatch,
    _In,
    plain_text,
)
from ptplan.core.case import Case
from ptplan.core.plan_model import Plan

T = TypeVar("T")


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
    username: Annotated[str, Field(min_length=1, max_length=100), AfterValidator(plain_text)]
    password: Annotated[str, Field(min_length=1, max_length=1000), AfterValidator(plain_text)]


class UserOut(_Out):
    id: int
    clinic_id: int
    username: str
    display_name: str
    role: Role
    patient_id: int | None
    active: bool


class ClinicSettingsOut(_Out):
    keep_video_clips: bool = Field(description="clips are kept after analysis; when false each clip is deleted "
                                               "once its analysis is done or has failed")


class LoginOut(BaseModel):
    user: UserOut
    csrf_token: str


class TokenIn(_In):
    name: Annotated[str, Field(max_length=100), AfterValidator(plain_text)] = ""


class TokenOut(BaseModel):
    id: int
    token: str = Field(description="shown once; send as 'Authorization: Bearer <token>'")
    expires_at: dt.datetime


class PatientOut(_Out):
    id: int
    clinic_id: int
    name: str
    furigana: str | None
    chart_number: str | None
    birth_year: int | None
    sex: str | None
    note: str | None = Field(description="the therapist's remarks: staff only, null when a patient reads their own record")
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


#: A plan JSON as stored: a plan of the current contract (``ptplan.core.plan_model.Plan``), or, for a plan
#: made by an older engine version, the JSON as it was stored (so it still reads). Passed through unchanged.
PlanJson = Annotated[dict[str, Any], PlainSerializer(lambda plan: plan, return_type=Plan | dict[str, Any])]


class PlanOut(BaseModel):
    id: int
    patient_id: int
    assessment_id: int
    kb_version: str
    lang: str
    plan: PlanJson = Field(description="the plan as the engine made it (never changed)")
    edits: list[dict[str, Any]] = Field(description="the therapist's edit records, oldest first (number n = item n)")
    effective: PlanJson = Field(description="the plan with the edits applied: what the patient is given")
    skipped_edits: list[dict[str, Any]] = Field(description="edits that no longer fit the plan, with the reason")
    not_carried: list[dict[str, Any]] = Field(
        description="edits of the previous plan that a re-assessment could not carry over, with the reason")
    created_by: int | None
    created_at: dt.datetime

    @classmethod
    def of(cls, view) -> PlanOut:
        """From a :class:`ptplan.clinic.plans.PlanView`."""
        row = view.row
        return cls(id=row.id, patient_id=row.patient_id, assessment_id=row.assessment_id, kb_version=row.kb_version,
                   lang=row.lang, plan=view.generated, edits=view.edits, effective=view.plan,
                   skipped_edits=view.effective.skipped, not_carried=view.not_carried, created_by=row.created_by,
                   created_at=row.created_at)


class MeasureIn(_In):
    name: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]
    answers: Annotated[list[float | None], Field(max_length=200)] | Annotated[
        dict[Annotated[str, Field(max_length=40)], float | None], Field(max_length=200)] = Field(
        description="item answers in order, or by item id; see `ptplan measure list`")
    taken_on: RecordedDay


class MeasureOut(_Out):
    id: int
    patient_id: int
    name: str
    taken_on: dt.date
    answers: list[float | None] | dict[str, float | None]
    result: dict[str, Any]
    score: float | None
    created_at: dt.datetime


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
    symptoms: dict[str, Any] | None = Field(None, description="warning-sign answers given with the log and what "
                                            "to do about them (action ja/en)")
    client_key: str | None = None
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
