"""Stateless plan preview: case JSON in, plan JSON out. Nothing is stored, so nothing is audited.

The case is parsed by the core's Case model (so its schema is in the OpenAPI document), then checked
against the knowledge base and planned by the same core functions every adapter uses.

The endpoint is ``async``: the plan is a few milliseconds of pure CPU work holding the GIL, which a
thread-pool hop would not run any sooner, so running it on the event loop saves the hop (about a fifth
of the preview's server time, bench/api.py); more throughput comes from more processes (--workers).

The answer is the engine's plan dict written straight to JSON (pydantic-core's serialiser), not rebuilt
as ``Plan`` models and dumped again as FastAPI does for a ``response_model``: that round trip was about a
fifth of the preview's server time and changes nothing, since the engine's output is the plan contract
(tests/api/test_preview_contract.py checks that it validates as ``Plan`` and that both give the same JSON).
``response_model=Plan`` stays for the OpenAPI document.
"""

from typing import Annotated

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import Response
from pydantic_core import to_json

from ptplan.api.schemas import Lang
from ptplan.core import services
from ptplan.core.case import Case
from ptplan.core.case_io import check_case
from ptplan.core.plan_model import Plan

router = APIRouter(tags=["plans"])


@router.post("/plans:preview", response_model=Plan, response_model_exclude_unset=True)
async def preview(case: Annotated[Case, Body(description="case JSON (see `ptplan schema case`)")], request: Request,
                  lang: Annotated[Lang, Query(description="language of the plan texts")] = "ja") -> Response:
    """The plan (its schema is `ptplan schema plan`, docs/CONTRACTS.md) for a case; nothing is stored."""
    kb = request.app.state.kb
    plan = services.make_plan(check_case(case, kb), lang=lang, kb=kb)
    return Response(to_json(plan), media_type="application/json")
