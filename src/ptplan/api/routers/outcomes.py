"""Clinic outcomes for the clinic lead (admin): JSON, or the anonymized export as CSV or FHIR R4 NDJSON
(``?format=csv`` / ``?format=ndjson``). See :mod:`ptplan.clinic.outcomes`; every read is audited."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from ptplan.api.deps import CurrentActor
from ptplan.clinic import outcomes, outcomes_export

router = APIRouter(prefix="/outcomes", tags=["outcomes"])


@router.get("", response_class=Response, responses={200: {"description": "the clinic's outcomes", "content": {
    "application/json": {"schema": {"type": "object"}}, "text/csv": {"schema": {"type": "string"}},
    "application/fhir+ndjson": {"schema": {"type": "string"}}}}})
def clinic_outcomes(actor: CurrentActor, format: Annotated[Literal["json", "csv", "ndjson"], Query(description=(
        "json (default), csv or ndjson (FHIR R4 MeasureReport resources, one a line); groups of fewer than "
        "min_group patients are suppressed"))] = "json") -> Response:
    report = outcomes.report(actor, detail=format)
    if format == "csv":
        return Response(outcomes_export.csv_text(report), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="ptplan-clinic-outcomes.csv"'})
    if format == "ndjson":
        return Response(outcomes_export.ndjson(report), media_type="application/fhir+ndjson",
                        headers={"Content-Disposition": 'attachment; filename="ptplan-clinic-outcomes.ndjson"'})
    import json

    return Response(json.dumps(report, ensure_ascii=False), media_type="application/json")
