"""Stateless plan preview: case JSON in, plan JSON out. Nothing is stored, so nothing is audited.

The case is parsed by the core's Case model (so its schema is in the OpenAPI document), then checked
against the knowledge base and planned by the same core functions every adapter uses.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query

from ptplan.api import engine_bridge
from ptplan.api.schemas import Lang
from ptplan.core.case import Case

router = APIRouter(tags=["plans"])


@router.post("/plans:preview")
def preview(case: Annotated[Case, Body(description="case JSON (see `ptplan schema case`)")],
            lang: Annotated[Lang, Query(description="language of the plan texts")] = "ja") -> dict[str, Any]:
    return engine_bridge.plan_from_case(case, lang=lang)


