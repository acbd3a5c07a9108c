"""Stateless plan preview: case JSON in, plan JSON out. Nothing is stored, so nothing is audited.

The case is parsed by the core's Case model (so its schema is in the OpenAPI document), then checked
against the knowledge base by the same service every adapter uses.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query

from ptplan.api import engine_bridge
from ptplan.api.schemas import Lang
from ptplan.core.case import Case
from ptplan.errors import PtplanError

router = APIRouter(tags=["plans"])


@router.post("/plans:preview")
def preview(case: Annotated[Case, Body(description="case JSON (see `ptplan schema case`)")],
            lang: Annotated[Lang, Query(description="language of the plan texts")] = "ja") -> dict[str, Any]:
    try:
        return engine_bridge.plan_from_data(case.model_dump(mode="json", exclude_unset=True), lang=lang)
    except PtplanError as err:
        # Validation problems of the case are input errors of this request: 422 like any other field.
        raise PtplanError(list(err.problems), status=422 if err.status == 400 else err.status) from None


