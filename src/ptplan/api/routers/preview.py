"""Stateless plan preview: case JSON in, plan JSON out. Nothing is stored, so nothing is audited."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query

from ptplan.api import engine_bridge
from ptplan.api.schemas import Lang
from ptplan.errors import PtplanError

router = APIRouter(tags=["plans"])


@router.post("/plans:preview")
def preview(case: Annotated[dict[str, Any], Body(description="case JSON (see `ptplan schema case`)")],
            lang: Annotated[Lang, Query(description="language of the plan texts")] = "ja") -> dict[str, Any]:
    try:
        return engine_bridge.plan_from_data(case, lang=lang)
    except PtplanError as err:
        # Validation problems of the case are input errors of this request: 422 like any other field.
        raise PtplanError(list(err.problems), status=422 if err.status == 400 else err.status) from None


