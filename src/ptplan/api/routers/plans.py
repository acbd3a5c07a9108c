"""Plans made from a stored assessment, therapist edits as typed ops (appended records), and reviews.

``GET /plans/{id}`` answers the generated ``plan``, the ``edits`` and the ``effective`` plan (the plan
with the edits applied); every later step (review, adherence, handout, patient page) uses ``effective``.
"""

from typing import Annotated, Literal

from fastapi import APIRouter, Body, Query, Response

from ptplan.api.deps import CurrentActor, IdPath, PageDep
from ptplan.api.schemas import Lang, PageOf, PlanIn, PlanOut, ReviewIn, ReviewOut, page_of
from ptplan.clinic import feedback, plans
from ptplan.core.plan_edits import EditOp
from ptplan.errors import PtplanError

router = APIRouter(tags=["plans"])
EDIT_EXAMPLE = {"op": "swap", "path": "/program/components/0/exercises/0", "exercise_id": "bird_dog",
                "reason": "no pressure biofeedback unit at home"}


@router.post("/plans", status_code=201)
def create_plan(body: PlanIn, actor: CurrentActor) -> PlanOut:
    return PlanOut.of(plans.create_plan(actor, body.assessment_id, body.lang))


@router.get("/plans/{plan_id}")
def get_plan(plan_id: IdPath, actor: CurrentActor) -> PlanOut:
    return PlanOut.of(plans.get_plan(actor, plan_id))


DocumentFormat = Literal["html", "md", "json", "fhir", "pdf", "rehab-plan", "rehab-plan-html"]
#: documents that also read the case the plan was made from (patient details, goals, test results)
WITH_CASE = {"fhir", "rehab-plan", "rehab-plan-html"}


@router.get("/plans/{plan_id}/document", response_class=Response, responses={200: {"description": "the document", "content": {
    "text/html": {"schema": {"type": "string"}}, "text/markdown": {"schema": {"type": "string"}},
    "application/json": {"schema": {"type": "object"}}, "application/fhir+json": {"schema": {"type": "object"}},
    "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}})
def plan_document(plan_id: IdPath, actor: CurrentActor,
                  format: Annotated[DocumentFormat, Query(description=(
                      "handout (html, pdf), Markdown, JSON, FHIR, or the リハビリテーション実施計画書 "
                      "(rehab-plan as PDF, rehab-plan-html)"))] = "html",
                  lang: Annotated[Lang | None, Query(description=(
                      "language of the document; default the plan's. A plan made in the other language is made "
                      "again from its case in this one (same knowledge-base version), otherwise it stays in its own"))] = None,
                  ) -> Response:
    """The effective plan (the therapist's edits applied) as a document: what the patient is given."""
    from ptplan.render import RENDERERS, render

    view, case = plans.document(actor, plan_id, format, lang)  # made again in ``lang`` when it can be
    opts = {"case": case} if format in WITH_CASE and case else {}
    if format in ("html", "pdf"):  # the handout shows what has changed since the baseline, after a review
        opts["changes"] = feedback.changes_for(actor.db, view.row.patient_id, view.plan, actor.knowledge())
    try:
        body = render(view.plan, format, view.plan.get("lang") or lang, **opts)
    except ImportError as exc:  # pdf, fhir and rehab-plan need the render extra
        raise PtplanError.single("format", f"{format} needs the render extra on this server ({exc.name} is not "
                                 "installed): pip install 'ptplan[render]'", "not_installed",
                                 f"{format} の出力にはサーバーに ptplan[render] が必要です", status=501) from None
    return Response(body, media_type=RENDERERS[format].media_type)


@router.get("/patients/{patient_id}/plans")
def list_plans(patient_id: IdPath, actor: CurrentActor, page: PageDep) -> PageOf[PlanOut]:
    views, total = plans.list_plans(actor, patient_id, page.limit, page.offset)
    return PageOf[PlanOut](items=[PlanOut.of(v) for v in views], total=total, limit=page.limit, offset=page.offset)


@router.post("/plans/{plan_id}/edits", status_code=201)
def edit_plan(plan_id: IdPath, body: Annotated[EditOp, Body(openapi_examples={"swap": {"value": EDIT_EXAMPLE}})],
              actor: CurrentActor) -> PlanOut:
    """Record a therapist's change (swap, dose, remove, add, note or revert); the generated plan is kept as made."""
    return PlanOut.of(plans.edit_plan(actor, plan_id, body))


@router.post("/plans/{plan_id}/reviews", status_code=201)
def review_plan(plan_id: IdPath, body: ReviewIn, actor: CurrentActor) -> ReviewOut:
    """Progress / hold / regress / refer on the effective plan, from the measures and sessions since it was made."""
    return ReviewOut.model_validate(plans.review(actor, plan_id, body.lang))


@router.get("/patients/{patient_id}/reviews")
def list_reviews(patient_id: IdPath, actor: CurrentActor, page: PageDep) -> PageOf[ReviewOut]:
    return page_of(ReviewOut, *plans.list_reviews(actor, patient_id, page.limit, page.offset), page)
