"""Listing one kind of a patient's records, the same way for every record router."""

from ptplan.api.schemas import PageOf, page_of
from ptplan.store import repositories as repo


def list_patient_records(actor, model, out, patient_id: int, page, resource: str) -> PageOf:
    """A page of the patient's ``model`` rows, newest first; the read is audited with the patient's id."""
    patient = actor.patient(patient_id)
    rows, total = repo.page(actor.db, repo.records_query(model, patient.id), page.limit, page.offset)
    actor.audit("list", resource, None, patient.id, detail=f"{len(rows)} of {total}")
    actor.db.commit()
    return page_of(out, rows, total, page)
