"""Patients of the actor's clinic: list with name search and paging, create, read, update, timeline."""

from typing import Annotated

from fastapi import APIRouter, Query

from ptplan.api.deps import CurrentActor, IdPath, PageDep
from ptplan.api.schemas import PageOf, PatientIn, PatientOut, PatientPatch, TimelineEvent, page_of
from ptplan.clinic import patients

router = APIRouter(prefix="/patients", tags=["patients"])
Search = Annotated[str | None, Query(max_length=100, description="part of the patient's name")]


@router.get("")
def list_patients(actor: CurrentActor, page: PageDep, q: Search = None) -> PageOf[PatientOut]:
    rows, total = patients.list_patients(actor, q, page.limit, page.offset)
    return page_of(PatientOut, rows, total, page)


@router.post("", status_code=201)
def create_patient(body: PatientIn, actor: CurrentActor) -> PatientOut:
    return PatientOut.model_validate(patients.create_patient(actor, body.model_dump()))


@router.get("/{patient_id}")
def get_patient(patient_id: IdPath, actor: CurrentActor) -> PatientOut:
    return PatientOut.model_validate(patients.get_patient(actor, patient_id))


@router.patch("/{patient_id}")
def update_patient(patient_id: IdPath, body: PatientPatch, actor: CurrentActor) -> PatientOut:
    return PatientOut.model_validate(patients.update_patient(actor, patient_id, body.model_dump(exclude_unset=True)))


@router.get("/{patient_id}/timeline")
def timeline(patient_id: IdPath, actor: CurrentActor,
             limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[TimelineEvent]:
    return [TimelineEvent(**e) for e in patients.timeline(actor, patient_id, limit)]
