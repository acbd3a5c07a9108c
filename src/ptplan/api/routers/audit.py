"""The audit log of patient-data access, for the admins of the clinic."""

from typing import Annotated

from fastapi import APIRouter, Query

from ptplan.api.deps import CurrentActor, PageDep
from ptplan.api.schemas import AuditOut, PageOf, page_of
from ptplan.clinic import audit_log

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("")
def list_audit(actor: CurrentActor, page: PageDep,
               patient_id: Annotated[int | None, Query(ge=1, le=2**53, description="only this patient")] = None,
               ) -> PageOf[AuditOut]:
    return page_of(AuditOut, *audit_log.list_events(actor, patient_id, page.limit, page.offset), page)
