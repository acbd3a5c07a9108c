"""Plans made from a stored assessment, therapist edits as appended records, and review decisions."""

from typing import Any

from fastapi import APIRouter

from ptplan.api import engine_bridge
from ptplan.api.deps import CurrentActor, IdPath, PageDep
from ptplan.api.listing import list_patient_records
from ptplan.api.schemas import PageOf, PlanEditIn, PlanIn, PlanOut, ReviewIn, ReviewOut
from ptplan.core.case import Case
from ptplan.errors import InputError
from ptplan.store import repositories as repo
from ptplan.store.models import Assessment, MeasureResult, Plan, ReviewDecision, SessionLog, utcnow

router = APIRouter(tags=["plans"])


@router.post("/plans", status_code=201)
def create_plan(body: PlanIn, actor: CurrentActor) -> PlanOut:
    actor.require("therapist")
    assessment = actor.record(Assessment, body.assessment_id, "assessment_id")
    plan = engine_bridge.make_plan(Case.model_validate(assessment.case_json), lang=body.lang)
    row = repo.add_record(actor.db, Plan, actor.patient(assessment.patient_id), actor.user.id,
                          assessment_id=assessment.id, kb_version=str(plan.get("kb_version", "")), lang=body.lang,
                          plan_json=plan, edits=[])
    actor.audit("create", "plan", row.id, row.patient_id, detail=f"from assessment {assessment.id}")
    actor.db.commit()
    return PlanOut.model_validate(row)


@router.get("/plans/{plan_id}")
def get_plan(plan_id: IdPath, actor: CurrentActor) -> PlanOut:
    row = actor.record(Plan, plan_id, "plan_id")
    actor.audit("read", "plan", row.id, row.patient_id)
    actor.db.commit()
    return _as_seen_by(actor, PlanOut.model_validate(row))


@router.get("/patients/{patient_id}/plans")
def list_plans(patient_id: IdPath, actor: CurrentActor, page: PageDep) -> PageOf[PlanOut]:
    listed = list_patient_records(actor, Plan, PlanOut, patient_id, page, "plan")
    for item in listed.items:
        _as_seen_by(actor, item)
    return listed


def _as_seen_by(actor, out: PlanOut) -> PlanOut:
    """A patient never receives a program that is not issued (e.g. provisional: safety check incomplete)."""
    if actor.user.role == "patient":
        out.plan = engine_bridge.patient_view(out.plan)
    return out


@router.post("/plans/{plan_id}/edits", status_code=201)
def edit_plan(plan_id: IdPath, body: PlanEditIn, actor: CurrentActor) -> PlanOut:
    """Record a therapist's change; the generated plan JSON itself is kept as it was made."""
    actor.require("therapist")
    row = actor.record(Plan, plan_id, "plan_id")
    if body.op != "note" and not _pointer_exists(row.plan_json, body.path):
        raise InputError.single("path", f"{body.path!r} does not point into this plan", "bad_pointer",
                                "プログラム内に該当する場所がありません", status=422)
    edit = {"op": body.op, "path": body.path, "value": body.value, "reason": body.reason,
            "by": actor.user.username, "at": utcnow().isoformat()}
    repo.append_plan_edit(actor.db, row, edit)
    actor.audit("update", "plan", row.id, row.patient_id, detail=f"{body.op} {body.path}")
    actor.db.commit()
    return PlanOut.model_validate(row)


def _pointer_exists(doc: Any, pointer: str) -> bool:
    for raw in pointer.split("/")[1:]:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(doc, dict) and part in doc:
            doc = doc[part]
        elif isinstance(doc, list) and part.isdigit() and int(part) < len(doc):
            doc = doc[int(part)]
        else:
            return False
    return True


@router.post("/plans/{plan_id}/reviews", status_code=201)
def review_plan(plan_id: IdPath, body: ReviewIn, actor: CurrentActor) -> ReviewOut:
    """Progress / hold / regress / refer, from the measures and sessions since the plan was made."""
    actor.require("therapist")
    plan = actor.record(Plan, plan_id, "plan_id")
    baseline, latest = _timepoints(actor.db.scalars(
        repo.records_query(MeasureResult, plan.patient_id, newest_first=False)).all())
    sessions = [{"date": s.performed_on.isoformat(), "exercises": s.exercises or [], "pain_before": s.pain_before,
                 "pain_after": s.pain_after, "rpe": s.rpe}
                for s in actor.db.scalars(repo.records_query(SessionLog, plan.patient_id).limit(500))]
    result = engine_bridge.review(plan.plan_json, baseline, latest, sessions, lang=body.lang)
    row = repo.add_record(actor.db, ReviewDecision, actor.patient(plan.patient_id), actor.user.id, plan_id=plan.id,
                          decision=str(result.get("decision", "hold"))[:20], detail=result)
    actor.audit("create", "review", row.id, row.patient_id, detail=row.decision)
    actor.db.commit()
    return ReviewOut.model_validate(row)


def _timepoints(measures) -> tuple[dict, dict]:
    """Baseline = each measure's first answers, latest = its most recent, as the progression engine reads them."""
    if not measures:
        return {}, {}
    first: dict[str, MeasureResult] = {}
    for m in measures:
        first.setdefault(m.name, m)
    last = {m.name: m for m in measures}
    def point(rows: dict) -> dict:
        return {"date": min(r.taken_on for r in rows.values()).isoformat(),
                "questionnaires": {n: r.answers for n, r in rows.items()}}
    return point(first), point(last)


@router.get("/patients/{patient_id}/reviews")
def list_reviews(patient_id: IdPath, actor: CurrentActor, page: PageDep) -> PageOf[ReviewOut]:
    return list_patient_records(actor, ReviewDecision, ReviewOut, patient_id, page, "review")
