"""A patient's records: assessments (versioned), measure results and session logs.

Staff of the clinic read everything; a patient reads their own records, logs their own sessions and
answers their own questionnaires. Every read and write is audited with the patient's id.
"""

import datetime as dt

from fastapi import APIRouter

from ptplan.api import engine_bridge
from ptplan.api.deps import CurrentActor, IdPath, PageDep
from ptplan.api.listing import list_patient_records
from ptplan.api.schemas import AssessmentIn, AssessmentOut, MeasureIn, MeasureOut, PageOf, SessionIn, SessionOut
from ptplan.errors import InputError
from ptplan.store import repositories as repo
from ptplan.store.models import Assessment, MeasureResult, Plan, SessionLog

router = APIRouter(tags=["records"])


@router.get("/patients/{patient_id}/assessments", tags=["assessments"])
def list_assessments(patient_id: IdPath, actor: CurrentActor, page: PageDep) -> PageOf[AssessmentOut]:
    return list_patient_records(actor, Assessment, AssessmentOut, patient_id, page, "assessment")


@router.post("/patients/{patient_id}/assessments", status_code=201, tags=["assessments"])
def create_assessment(patient_id: IdPath, body: AssessmentIn, actor: CurrentActor) -> AssessmentOut:
    actor.require("therapist")
    patient = actor.patient(patient_id)
    case = engine_bridge.check_case(body.case, prefix="case.")
    row = repo.add_assessment(actor.db, patient, case.model_dump(mode="json", exclude_none=True),
                              _date(case.assessed_on), actor.user.id)
    actor.audit("create", "assessment", row.id, patient.id, detail=f"version {row.version}")
    actor.db.commit()
    return AssessmentOut.model_validate(row)


@router.get("/assessments/{assessment_id}", tags=["assessments"])
def get_assessment(assessment_id: IdPath, actor: CurrentActor) -> AssessmentOut:
    row = actor.record(Assessment, assessment_id, "assessment_id")
    actor.audit("read", "assessment", row.id, row.patient_id)
    actor.db.commit()
    return AssessmentOut.model_validate(row)


@router.get("/patients/{patient_id}/measures", tags=["measures"])
def list_measures(patient_id: IdPath, actor: CurrentActor, page: PageDep) -> PageOf[MeasureOut]:
    return list_patient_records(actor, MeasureResult, MeasureOut, patient_id, page, "measure")


@router.post("/patients/{patient_id}/measures", status_code=201, tags=["measures"])
def create_measure(patient_id: IdPath, body: MeasureIn, actor: CurrentActor) -> MeasureOut:
    actor.require("therapist", "patient")
    patient = actor.patient(patient_id)
    result = engine_bridge.score_measure(body.name, body.answers)
    score = result.get("score")
    row = repo.add_record(actor.db, MeasureResult, patient, actor.user.id, name=body.name, taken_on=body.taken_on,
                          answers=body.answers, result=result,
                          score=float(score) if isinstance(score, int | float) else None)
    actor.audit("create", "measure", row.id, patient.id, detail=body.name)
    actor.db.commit()
    return MeasureOut.model_validate(row)


@router.get("/patients/{patient_id}/sessions", tags=["sessions"])
def list_sessions(patient_id: IdPath, actor: CurrentActor, page: PageDep) -> PageOf[SessionOut]:
    return list_patient_records(actor, SessionLog, SessionOut, patient_id, page, "session")


@router.post("/patients/{patient_id}/sessions", status_code=201, tags=["sessions"])
def create_session(patient_id: IdPath, body: SessionIn, actor: CurrentActor) -> SessionOut:
    actor.require("therapist", "patient")
    patient = actor.patient(patient_id)
    if body.plan_id is not None and actor.record(Plan, body.plan_id, "plan_id").patient_id != patient.id:
        raise InputError.single("plan_id", f"plan {body.plan_id} belongs to another patient", "mismatch",
                                "別の患者のプログラムです", status=422)
    fields = body.model_dump(mode="json", exclude={"date", "notes"})
    row = repo.add_record(actor.db, SessionLog, patient, actor.user.id, performed_on=body.date, note=body.notes,
                          **fields)
    actor.audit("create", "session", row.id, patient.id)
    actor.db.commit()
    return SessionOut.model_validate(row)


def _date(text: str | None) -> dt.date | None:
    # The case model checks only the YYYY-MM-DD shape; 2026-02-30 must still be refused here.
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        raise InputError.single("case.assessed_on", f"expected a real calendar date YYYY-MM-DD (got {text!r})",
                                "date", "実在する日付（YYYY-MM-DD）を入力してください", status=422) from None
