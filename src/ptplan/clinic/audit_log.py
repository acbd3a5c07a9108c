"""The audit log of patient-data access, for the admins of the clinic (reading it is audited as well)."""

from __future__ import annotations

from ptplan.clinic.access import Actor, use_case
from ptplan.store import repositories as repo


@use_case
def list_events(actor: Actor, patient_id: int | None, limit: int, offset: int):
    """A page of the clinic's events, newest first (only one patient's when ``patient_id`` is given)."""
    actor.require("admin")
    rows, total = repo.page(actor.db, repo.audit_query(actor.clinic_id, patient_id), limit, offset)
    # the log names who read which patient: reading it is a read of patient data too
    actor.audit("list", "audit", None, patient_id if repo.storable_id(patient_id) else None,
                detail=f"{len(rows)} of {total}")
    return list(rows), total
