"""A patient's records: assessments (versioned), measure results and session logs.

Staff of the clinic read everything; a patient reads their own records, logs their own sessions and
answers their own questionnaires. The use cases in :mod:`ptplan.clinic` audit every read and write.
"""

from fastapi import APIRouter, Response

from ptplan.api.deps import CurrentActor, IdPath, PageDep
from ptplan.api.schemas import AssessmentIn, AssessmentOut, MeasureIn, MeasureOut, PageOf, SessionIn, SessionOut, page_of
from ptplan.clinic import assessments, measures, sessions
from ptplan.errors import InputError, Problem

router = APIRouter(tags=["records"])


@router.get("/patients/{patient_id}/assessments", tags=["assessments"])
def list_assessments(patient_id: IdPath, actor: CurrentActor, page: PageDep) -> PageOf[AssessmentOut]:
    return page_of(AssessmentOut, *assessments.list_assessments(actor, patient_id, page.limit, page.offset), page)


@router.post("/patients/{patient_id}/assessments", status_code=201, tags=["assessments"])
def create_assessment(patient_id: IdPath, body: AssessmentIn, actor: CurrentActor) -> AssessmentOut:
    return AssessmentOut.model_validate(assessments.add_assessment(actor, patient_id, body.case))


@router.get("/assessments/{assessment_id}", tags=["assessments"])
def get_assessment(assessment_id: IdPath, actor: CurrentActor) -> AssessmentOut:
    return AssessmentOut.model_validate(assessments.get_assessment(actor, assessment_id))


@router.get("/patients/{patient_id}/measures", tags=["measures"])
def list_measures(patient_id: IdPath, actor: CurrentActor, page: PageDep) -> PageOf[MeasureOut]:
    return page_of(MeasureOut, *measures.list_measures(actor, patient_id, page.limit, page.offset), page)


@router.post("/patients/{patient_id}/measures", status_code=201, tags=["measures"])
def create_measure(patient_id: IdPath, body: MeasureIn, actor: CurrentActor) -> MeasureOut:
    try:
        row = measures.record_measure(actor, patient_id, body.name, body.answers, body.taken_on)
    except InputError as err:
        raise InputError([Problem(_answers_path(p.path, body.name), p.message, p.code, p.message_ja)
                          for p in err.problems], status=422) from None
    return MeasureOut.model_validate(row)


def _answers_path(path: str, name: str) -> str:
    # The scorer names items as ``<measure>.item[n]`` and the measure as ``measure``; map to request fields.
    if path == "measure":
        return "name"
    if path == "taken_on":
        return path
    return "answers" + path.removeprefix(name) if path.startswith(name) else "answers"


@router.get("/patients/{patient_id}/sessions", tags=["sessions"])
def list_sessions(patient_id: IdPath, actor: CurrentActor, page: PageDep) -> PageOf[SessionOut]:
    return page_of(SessionOut, *sessions.list_sessions(actor, patient_id, page.limit, page.offset), page)


@router.post("/patients/{patient_id}/sessions", status_code=201, tags=["sessions"],
             responses={200: {"description": "a log with this client_key was stored before; nothing new is stored"}})
def create_session(patient_id: IdPath, body: SessionIn, actor: CurrentActor, response: Response) -> SessionOut:
    row = sessions.log_session(actor, patient_id, {**body.model_dump(mode="json", exclude={"date"}), "date": body.date})
    if getattr(row, "replayed", False):
        response.status_code = 200
    return SessionOut.model_validate(row)
