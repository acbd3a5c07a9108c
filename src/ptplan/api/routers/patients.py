"""Patients of the actor's clinic: list with name search and paging, create, read, update, timeline."""

from typing import Annotated

from fastapi import APIRouter, Query

from ptplan.api.deps import CurrentActor, IdPath, PageDep
from ptplan.api.schemas import PageOf, PatientIn, PatientOut, PatientPatch, TimelineEvent, page_of
from ptplan.store import repositories as repo

router = APIRouter(prefix="/patients", tags=["patients"])
Search = Annotated[str | None, Query(max_length=100, description="part of the patient's name")]


@router.get("")
def list_patients(actor: CurrentActor, page: PageDep, q: Search = None) -> PageOf[PatientOut]:
    actor.require("admin", "therapist")
    rows, total = repo.list_patients(actor.db, actor.clinic_id, q, page.limit, page.offset)
    actor.audit("list", "patient", detail=f"q={q!r} returned {len(rows)} of {total}")
    actor.db.commit()
    return page_of(PatientOut, rows, total, page)


@router.post("", status_code=201)
def create_patient(body: PatientIn, actor: CurrentActor) -> PatientOut:
    actor.require("admin", "therapist")
    patient = repo.create_patient(actor.db, actor.clinic_id, **body.model_dump())
    actor.audit("create", "patient", patient.id, patient.id)
    actor.db.commit()
    return PatientOut.model_validate(patient)


@router.get("/{patient_id}")
def get_patient(patient_id: IdPath, actor: CurrentActor) -> PatientOut:
    patient = actor.patient(patient_id)
    actor.audit("read", "patient", patient.id, patient.id)
    actor.db.commit()
    return PatientOut.model_validate(patient)


@router.patch("/{patient_id}")
def update_patient(patient_id: IdPath, body: PatientPatch, actor: CurrentActor) -> PatientOut:
    actor.require("admin", "therapist")
    patient = actor.patient(patient_id)
    for key, value in body.model_dump(exclude_unset=True).items():
        if key == "name" and value is None:
            continue
        setattr(patient, key, value)
    actor.audit("update", "patient", patient.id, patient.id, detail=",".join(sorted(body.model_fields_set)))
    actor.db.commit()
    return PatientOut.model_validate(patient)


@router.get("/{patient_id}/timeline")
def timeline(patient_id: IdPath, actor: CurrentActor,
             limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[TimelineEvent]:
    patient = actor.patient(patient_id)
    events = repo.timeline(actor.db, patient.id, limit)
    actor.audit("read", "timeline", patient.id, patient.id)
    actor.db.commit()
    return [TimelineEvent(**e) for e in events]
