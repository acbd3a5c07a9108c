"""Therapist: the plan (hypotheses, findings, components, exercises with why and references), edits
(swap / dose / remove / add, each recorded with a reason), the review decision and the handout.

The page shows the effective plan (:mod:`ptplan.core.plan_edits`); each form becomes one typed edit
that the core checks before the clinic layer stores it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ptplan.clinic import feedback, plans, read_models
from ptplan.clinic.access import STAFF
from ptplan.core import plan_edits
from ptplan.errors import InputError
from ptplan.http.deps import IdPath, SessionDep
from ptplan.web import charts, records
from ptplan.web.base import FormDep, checked_form, page

router = APIRouter()
DOSE_KEYS = ("sets", "reps", "hold_s", "rest_s", "duration_min", "sessions_per_week")


def _case(p, view: plans.PlanView):
    try:
        return plans.case_of(p.actor, view.row)
    except InputError:  # an assessment this version cannot read: the page still shows the plan
        return None


def baseline_scores(kb, case, lang: str) -> list[dict]:
    """The questionnaires of the assessment, scored, with their band (「ODI 57.8%（重度の障害）」)."""
    from ptplan.core.measures import score_questionnaires

    if case is None or not case.questionnaires:
        return []
    rows = []
    for name, result in score_questionnaires(case.questionnaires, kb).items():
        meta = kb.kind("measures").get(name)
        bands = {b.id: b.label.get(lang) for b in (getattr(meta, "bands", None) or [])}
        band = result.get("risk") or result.get("band")
        parts = {k: result[k] for k in ("pain", "function", "qol", "pa", "w", "psychosocial") if result.get(k) is not None}
        rows.append({"id": name, "name": meta.name.get(lang) if meta else name, "score": result.get("score"),
                     "band": bands.get(band, ""), "parts": parts})
    return rows


def edit_log(view: plans.PlanView) -> list[dict]:
    """The edit records, newest first, each dose change with the dose it replaced (``before``)."""
    doses: dict[str, dict | None] = {}
    for ci, comp in enumerate(plan_edits.components(view.generated)):
        for ei, ex in enumerate(comp.get("exercises", [])):
            doses[f"/program/components/{ci}/exercises/{ei}"] = ex.get("dose")
    out = []
    for e in view.edits:
        rec = dict(e)
        path = e.get("path") or ""
        if e.get("op") == "dose":
            rec["before"] = doses.get(path)
            doses[path] = e.get("dose")
        elif e.get("op") == "swap":
            doses[path] = None  # the swapped-in exercise's own dose: the record says the new one only
        out.append(rec)
    return list(reversed(out))


def _plan_context(p, view: plans.PlanView) -> dict:
    from ptplan.render.clinical import finding_text

    plan, kb = view.plan, p.actor.knowledge()
    case = _case(p, view)
    case_data = case.model_dump(mode="json", exclude_none=True) if case is not None else None
    in_plan = plan_edits.exercise_ids(plan)
    comps = plan_edits.components(plan)
    swaps = {ex["id"]: alternatives(kb, ex["id"], in_plan)[:12] for c in comps for ex in c.get("exercises", [])}
    addable = {c["id"]: sorted((e for e in kb.exercises.values() if e.lens == c.get("lens") and e.id not in in_plan),
                               key=lambda e: (e.level, e.id))[:30] for c in comps}
    return {"row": view.row, "plan": plan, "swaps": swaps, "addable": addable,
            "findings": {f["id"]: f for f in plan.get("findings", [])}, "refs": {r["id"]: r for r in plan.get("references", [])},
            "patient": p.actor.patient(view.row.patient_id), "edits": edit_log(view),
            "finding_texts": {f["id"]: finding_text(kb, f, case_data, p.lang) for f in plan.get("findings", [])},
            "baseline": baseline_scores(kb, case, p.lang), "case": case_data or {},
            "day_names": dict(zip(("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
                                  ("月", "火", "水", "木", "金", "土", "日") if p.lang == "ja" else
                                  ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), strict=True)),
            "skipped": view.effective.skipped, "not_carried": view.not_carried, "ops": plan_edits.OPS,
            "changes": plan_edits.CHANGES, "reverted": plan_edits.reverted(view.edits),
            "names": {ex.id: ex.name.get(p.lang) for ex in kb.exercises.values()},
            "test_names": {tid: test.name for tid, test in kb.tests.items()}}


def alternatives(kb, current_id: str, exclude: set[str]) -> list:
    """Exercises that share a target with ``current_id`` (same structure trained), easiest first."""
    current = kb.exercises.get(current_id)
    if current is None:
        return []
    targets = set(current.targets)
    found = [ex for ex in kb.exercises.values() if ex.id != current_id and ex.id not in exclude and targets & set(ex.targets)]
    return sorted(found, key=lambda ex: (ex.lens != current.lens, ex.level, ex.id))


def _seen(p, plan_id: int) -> plans.PlanView:
    """The plan in the reader's language (made again from its case when it was made in the other one)."""
    return plans.in_language(p.actor, plans.get_plan(p.actor, plan_id), p.lang)


@router.get("/plans/{plan_id}")
def plan_page(plan_id: IdPath, request: Request, db: SessionDep):
    p = page(request, db, login=True, roles=STAFF)
    return p.render("plan.html", errors={}, **_plan_context(p, _seen(p, plan_id)))


@router.post("/plans/{plan_id}/edit")
def edit_plan(plan_id: IdPath, request: Request, db: SessionDep, form: FormDep):
    p = page(request, db, login=True, roles=("therapist",))
    form = checked_form(request, form)
    try:
        plans.edit_plan(p.actor, plan_id, edit_request(form))
    except InputError as err:
        # the page comes back with every typed value and the cursor in the form that failed
        errors = {"edit": p.messages(err.problems), "where": str(form.get("where", "")),
                  "typed": {k: str(v) for k, v in form.items() if k != "csrf_token"},
                  "fields": [pr.path for pr in err.problems]}
        return p.render("plan.html", status=422, errors=errors, **_plan_context(p, _seen(p, plan_id)))
    return RedirectResponse(f"/plans/{plan_id}#{form.get('where', '')}", status_code=303)


def _need(form, key: str, message: str, message_ja: str) -> str:
    value = str(form.get(key) or "").strip()
    if not value:
        raise InputError.single(key, message, "required", message_ja)
    return value


def _index(form, key: str, message: str, message_ja: str) -> int:
    raw = str(form.get(key, "")).strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 3):
        raise InputError.single(key, message, "bad_pointer", message_ja)
    return int(raw)


def edit_request(form) -> dict:
    """The typed edit (``ptplan.core.plan_edits``) one submitted edit form asks for; the core checks it."""
    action = str(form.get("action", ""))
    reason = _need(form, "reason", "say why you change the plan", "変更の理由を書いてください")[:2000]
    if action == "revert":
        return {"op": "revert", "reason": reason,
                "edit": _index(form, "edit", "no such edit on this plan", "この変更は記録にありません")}
    ci = _index(form, "component", "no such component in this plan", "この構成要素はプログラムにありません")
    if action == "add":
        return {"op": "add", "path": f"/program/components/{ci}", "reason": reason,
                "exercise_id": _need(form, "exercise", "choose an exercise to add", "追加する運動を選んでください")}
    path = f"/program/components/{ci}/exercises/" + str(
        _index(form, "exercise_index", "no such exercise in this component", "この運動は構成要素にありません"))
    if action == "remove":
        return {"op": "remove", "path": path, "reason": reason}
    if action == "swap":
        return {"op": "swap", "path": path, "reason": reason,
                "exercise_id": _need(form, "exercise", "choose the replacement", "置き換える運動を選んでください")}
    if action == "dose":
        return {"op": "dose", "path": path, "reason": reason, "dose": _dose(form)}
    raise InputError.single("action", "expected add, remove, swap or dose", "invalid", "操作の種類が正しくありません")


def _dose(form) -> dict:
    """The dose fields of the form as changes: a number sets the field, a blank one stops dosing it
    (sessions per week is kept when blank). Values the dose model refuses are named by the core."""
    changes: dict = {}
    for key in DOSE_KEYS:
        raw = str(form.get(key) or "").strip() if key in form else None
        if raw:
            changes[key] = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 7 else raw
        elif raw is not None and key != "sessions_per_week":
            changes[key] = None
    return changes


@router.get("/plans/{plan_id}/review")
def review_page(plan_id: IdPath, request: Request, db: SessionDep):
    p = page(request, db, login=True, roles=STAFF)
    data = read_models.review_page(p.actor, plan_id)
    chart_list = records.charts(data.pop("outcomes"), p._, p.actor.knowledge())
    return p.render("review.html", charts=[(c, charts.svg(c, p._("chart.empty"))) for c in chart_list], **data)


@router.post("/plans/{plan_id}/review")
def run_review(plan_id: IdPath, request: Request, db: SessionDep, form: FormDep):
    p = page(request, db, login=True, roles=("therapist",))
    checked_form(request, form)
    plans.review(p.actor, plan_id, p.lang)
    return RedirectResponse(f"/plans/{plan_id}/review", status_code=303)


@router.get("/plans/{plan_id}/handout")
def handout(plan_id: IdPath, request: Request, db: SessionDep):
    p = page(request, db, login=True)
    view, case = plans.document(p.actor, plan_id, "web handout", p.lang)
    from ptplan.render import render

    patient = p.actor.patient(view.row.patient_id)
    changes = feedback.changes_for(p.actor.db, patient.id, view.plan, p.actor.knowledge())
    return HTMLResponse(render(view.plan, "html", view.plan.get("lang") or p.lang, case=case, patient=patient.name,
                               therapist=_therapist(p, view.row), changes=changes))


def _therapist(p, row) -> str:
    """The name of the therapist who made the plan (the reader's own when that account is gone)."""
    from ptplan.store.models import User

    user = p.actor.db.get(User, row.created_by) if row.created_by else None
    if user is None or user.clinic_id != row.clinic_id:
        user = p.actor.user if p.actor.user.role != "patient" else None
    return (user.display_name or user.username) if user is not None else ""


@router.get("/plans/{plan_id}/rehab-plan")
def rehab_plan(plan_id: IdPath, request: Request, db: SessionDep):
    """The リハビリテーション実施計画書 of the effective plan, as A4 PDF to print and sign."""
    p = page(request, db, login=True)
    view, case = plans.document(p.actor, plan_id, "web rehab-plan", p.lang)
    from ptplan.render import render

    return Response(render(view.plan, "rehab-plan", view.plan.get("lang") or p.lang, case=case), media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="rehab-plan-{plan_id}.pdf"'})
