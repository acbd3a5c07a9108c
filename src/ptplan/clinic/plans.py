"""Plans: make one from a stored assessment, read it as the effective plan (generated plan + edits),
edit it with typed ops, and review it. Every later step reads the effective plan, never the bare
generated one: the review, adherence, the handout, the patient's page and the exports."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import ValidationError

from ptplan.clinic.access import Actor, listed, use_case
from ptplan.core import plan_edits, services
from ptplan.core.case import Case
from ptplan.core.plan_edits import Effective
from ptplan.errors import InputError
from ptplan.store import repositories as repo
from ptplan.store.models import Assessment, MeasureResult, Plan, ReviewDecision, SessionLog, utcnow


@dataclass
class PlanView:
    """A stored plan as its reader may see it: the row, the plan as generated, the edit records, the effective
    plan and the edits it could not apply. Readers take the plans and edits from here, never from the row."""

    row: Plan
    effective: Effective
    not_carried: list[dict] = field(default_factory=list)
    generated: dict = field(default_factory=dict)
    edits: list[dict] = field(default_factory=list)

    @property
    def plan(self) -> dict:
        return self.effective.plan


def view(actor: Actor, row: Plan) -> PlanView:
    eff = plan_edits.effective_plan(row.plan_json, row.edits, actor.knowledge())
    dropped = [d for e in row.edits or [] if isinstance(e, dict) for d in e.get("not_carried") or []]
    seen = PlanView(row, eff, dropped, row.plan_json, list(row.edits or []))
    return for_patient(seen) if actor.user.role == "patient" else seen


def for_patient(seen: PlanView) -> PlanView:
    """A patient never receives a program that is not issued (provisional while the safety screen is incomplete,
    or withheld): both plans become :func:`ptplan.core.services.patient_view`, and the edit records, which name
    and carry exercises, are left out. An issued plan is seen as the therapist sees it."""
    if services.program_issued(seen.plan):
        return seen
    return PlanView(seen.row, Effective(services.patient_view(seen.plan), seen.effective.applied), [],
                    services.patient_view(seen.generated), [])


def case_of(actor: Actor, row: Plan) -> Case | None:
    assessment = actor.db.get(Assessment, row.assessment_id)
    return stored_case(assessment) if assessment is not None else None


def stored_case(assessment: Assessment) -> Case:
    """The case of a stored assessment; a clear 422 (not a 500) when this version cannot read it any more."""
    try:
        return Case.model_validate(assessment.case_json)
    except ValidationError:
        raise InputError.single("assessment_id", f"assessment {assessment.id} was stored in a form this version cannot "
                                "read; record a new assessment", "unreadable",
                                f"評価 {assessment.id} はこの版では読めない形で保存されています。評価をやり直してください",
                                status=422) from None


def make(actor: Actor, assessment: Assessment, lang: str) -> Plan:
    """The plan of ``assessment`` (inside the caller's transaction), with the previous plan's edits carried over."""
    kb = actor.knowledge()
    case = stored_case(assessment)
    plan_json = services.make_plan(case, lang=lang, kb=kb)
    previous = actor.db.scalars(repo.records_query(Plan, assessment.patient_id).limit(1)).first()
    edits: list[dict] = []
    if previous is not None and previous.edits:
        edits, dropped = plan_edits.carry_forward(plan_json, previous.edits, kb, case, from_plan=previous.id)
        if dropped:
            edits.append({"seq": len(edits) + 1, "op": "note", "path": "", "not_carried": dropped,
                          "reason": f"{len(dropped)} edit(s) of plan {previous.id} no longer apply",
                          "by": actor.user.username, "at": utcnow().isoformat()})
    row = repo.add_record(actor.db, Plan, actor.patient(assessment.patient_id), actor.user.id,
                          assessment_id=assessment.id, kb_version=str(plan_json.get("kb_version", "")), lang=lang,
                          plan_json=plan_json, edits=edits)
    actor.audit("create", "plan", row.id, row.patient_id, detail=f"from assessment {assessment.id}, "
                                                               f"{len(edits)} edit(s) carried")
    return row


@use_case
def create_plan(actor: Actor, assessment_id: int, lang: str) -> PlanView:
    actor.require("therapist")
    return view(actor, make(actor, actor.record(Assessment, assessment_id, "assessment_id"), lang))


@use_case
def get_plan(actor: Actor, plan_id: int) -> PlanView:
    """The plan as its readers see it (generated plan, edits and the effective plan)."""
    row = actor.record(Plan, plan_id, "plan_id")
    actor.audit("read", "plan", row.id, row.patient_id)
    return view(actor, row)


@use_case
def document(actor: Actor, plan_id: int, fmt: str, lang: str | None = None) -> tuple[PlanView, dict | None]:
    """The plan to render as a document or an export (handout, Markdown, FHIR): the effective plan (in
    ``lang`` when it can be, see :func:`in_language`) and the case it was made from. Audited as an export."""
    row = actor.record(Plan, plan_id, "plan_id")
    actor.audit("export", "plan", row.id, row.patient_id, detail=fmt)
    case = case_of(actor, row)
    return in_language(actor, view(actor, row), lang, case), case.model_dump(mode="json", exclude_none=True) if case else None


def in_language(actor: Actor, seen: PlanView, lang: str | None, case: Case | None = None) -> PlanView:
    """The plan as its reader asked for it, in one language: the stored plan when it is in ``lang``, otherwise
    the same plan made again from its case in ``lang`` with the same edits replayed. That is the same plan only
    when the knowledge base is the version that made it, so with any other version (or no readable case) the
    stored plan is returned unchanged and the caller shows the whole document in ``row.lang``."""
    row = seen.row
    if not lang or lang == row.lang:
        return seen
    kb = actor.knowledge()
    if str(kb.version) != str(row.kb_version):
        return seen
    if case is None:
        try:
            case = case_of(actor, row)
        except InputError:
            return seen
        if case is None:
            return seen
    generated = services.make_plan(case, lang=lang, kb=kb)
    eff = plan_edits.effective_plan(generated, seen.edits, kb)
    again = PlanView(row, eff, seen.not_carried, generated, seen.edits)
    return for_patient(again) if actor.user.role == "patient" else again


@use_case
def list_plans(actor: Actor, patient_id: int, limit: int, offset: int) -> tuple[list[PlanView], int]:
    rows, total = listed(actor, Plan, patient_id, limit, offset, "plan")
    return [view(actor, r) for r in rows], total


@use_case
def edit_plan(actor: Actor, plan_id: int, request: dict | plan_edits.EditRequest) -> PlanView:
    """Append one checked edit. The plan row is locked while the edit is checked and stored, so concurrent
    editors take turns: every acknowledged edit is kept, in the order the edits were made."""
    actor.require("therapist")
    op = request if isinstance(request, plan_edits.EditRequest) else plan_edits.parse_edit(request)
    row = actor.record(Plan, plan_id, "plan_id", lock=True)
    record = plan_edits.make_record(row.plan_json, row.edits or [], op, actor.knowledge(), case_of(actor, row))
    record.update(by=actor.user.username, at=utcnow().isoformat())
    repo.append_plan_edit(actor.db, row, record)
    actor.audit("update", "plan", row.id, row.patient_id, detail=f"{record['op']} {record.get('path', '')}".strip())
    return view(actor, row)


@use_case
def review(actor: Actor, plan_id: int, lang: str) -> ReviewDecision:
    """Progress / hold / regress / refer on the effective plan, from the measures and sessions logged."""
    actor.require("therapist")
    row = actor.record(Plan, plan_id, "plan_id")
    plan = view(actor, row).plan
    baseline, latest = _timepoints(actor.db.scalars(
        repo.records_query(MeasureResult, row.patient_id, newest_first=False)).all())
    sessions = [{"date": s.performed_on.isoformat(), "exercises": s.exercises or [], "pain_before": s.pain_before,
                 "pain_after": s.pain_after, "rpe": s.rpe}
                for s in actor.db.scalars(repo.records_query(SessionLog, row.patient_id).limit(500))]
    result = services.review(plan, baseline, latest, sessions, lang=lang, kb=actor.knowledge())
    decision = repo.add_record(actor.db, ReviewDecision, actor.patient(row.patient_id), actor.user.id, plan_id=row.id,
                               decision=str(result.get("decision", "hold"))[:20], detail=result)
    actor.audit("create", "review", decision.id, decision.patient_id, detail=decision.decision)
    return decision


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


@use_case
def list_reviews(actor: Actor, patient_id: int, limit: int, offset: int):
    return listed(actor, ReviewDecision, patient_id, limit, offset, "review")
