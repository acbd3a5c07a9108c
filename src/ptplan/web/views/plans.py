"""Therapist: the plan (hypotheses, findings, components, exercises with why and references), edits
(swap / dose / remove / add, each recorded with a reason), the review decision and the handout."""

from __future__ import annotations

import importlib

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ptplan.api.deps import IdPath, SessionDep
from ptplan.api.routers import plans as plan_routes
from ptplan.api.schemas import ReviewIn
from ptplan.core.kb.loader import default_kb
from ptplan.errors import InputError
from ptplan.store import repositories as repo
from ptplan.store.models import Plan, ReviewDecision, utcnow
from ptplan.web import charts, plan_edits, records
from ptplan.web.base import checked_form, page

router = APIRouter()
STAFF = ("therapist", "admin")
DOSE_KEYS = ("sets", "reps", "hold_s", "rest_s", "duration_min", "sessions_per_week")


def _plan_context(p, row: Plan) -> dict:
    plan = plan_edits.effective(row.plan_json, row.edits)
    kb = default_kb()
    in_plan = plan_edits.exercise_ids(plan)
    swaps = {ex["id"]: plan_edits.alternatives(kb, ex["id"], in_plan)[:12]
             for c in plan.get("program", {}).get("components", []) for ex in c.get("exercises", [])}
    addable = {c["id"]: sorted((e for e in kb.exercises.values() if e.lens == c.get("lens") and e.id not in in_plan),
                               key=lambda e: (e.level, e.id))[:30]
               for c in plan.get("program", {}).get("components", [])}
    findings = {f["id"]: f for f in plan.get("findings", [])}
    refs = {r["id"]: r for r in plan.get("references", [])}
    return {"row": row, "plan": plan, "swaps": swaps, "addable": addable, "findings": findings, "refs": refs,
            "patient": p.actor.patient(row.patient_id), "edits": list(reversed(row.edits or [])),
            "test_names": {tid: test.name for tid, test in kb.tests.items()}}


@router.get("/plans/{plan_id}")
def plan_page(plan_id: IdPath, request: Request, db: SessionDep):
    p = page(request, db, login=True, roles=STAFF)
    row = p.actor.record(Plan, plan_id, "plan_id")
    p.actor.audit("read", "plan", row.id, row.patient_id)
    db.commit()
    return p.render("plan.html", errors={}, **_plan_context(p, row))


@router.post("/plans/{plan_id}/edit")
async def edit_plan(plan_id: IdPath, request: Request, db: SessionDep):
    p = page(request, db, login=True, roles=("therapist",))
    row = p.actor.record(Plan, plan_id, "plan_id")
    form = await checked_form(request, p)
    try:
        edit = build_edit(plan_edits.effective(row.plan_json, row.edits), form, p.lang)
    except InputError as err:
        errors = {"edit": [pr.message_ja if p.lang == "ja" and pr.message_ja else pr.message for pr in err.problems],
                  "where": str(form.get("where", ""))}
        return p.render("plan.html", status=422, errors=errors, **_plan_context(p, row))
    edit.update(by=p.actor.user.username, at=utcnow().isoformat())
    repo.append_plan_edit(db, row, edit)
    p.actor.audit("update", "plan", row.id, row.patient_id, detail=f"{edit['op']} {edit['path']}")
    db.commit()
    return RedirectResponse(f"/plans/{row.id}#{form.get('where', '')}", status_code=303)


def _need(form, key: str, message: str, message_ja: str) -> str:
    value = str(form.get(key) or "").strip()
    if not value:
        raise InputError.single(key, message, "required", message_ja)
    return value


def build_edit(plan: dict, form, lang: str) -> dict:
    """The edit record (op, JSON pointer, value, reason) for one submitted edit form."""
    action = str(form.get("action", ""))
    reason = _need(form, "reason", "say why you change the plan", "変更の理由を書いてください")[:2000]
    comps = plan.get("program", {}).get("components", [])
    try:
        ci = int(form.get("component", -1))
        comp = comps[ci]
    except (ValueError, IndexError):
        raise InputError.single("component", "no such component in this plan", "bad_pointer",
                                "この構成要素はプログラムにありません") from None
    base = f"/program/components/{ci}/exercises"
    if action == "add":
        ex = _kb_exercise(_need(form, "exercise", "choose an exercise to add", "追加する運動を選んでください"))
        return {"op": "set", "path": base, "value": [*comp["exercises"], plan_edits.exercise_entry(ex, lang, reason)],
                "reason": f"add {ex.id}: {reason}"}
    ei = _index(form, comp)
    current = comp["exercises"][ei]
    if action == "remove":
        return {"op": "remove", "path": f"{base}/{ei}", "value": None, "reason": f"remove {current['id']}: {reason}"}
    if action == "swap":
        ex = _kb_exercise(_need(form, "exercise", "choose the replacement", "置き換える運動を選んでください"))
        return {"op": "set", "path": f"{base}/{ei}", "value": plan_edits.exercise_entry(ex, lang, current.get("why", "")),
                "reason": f"swap {current['id']} → {ex.id}: {reason}"}
    if action == "dose":
        return {"op": "set", "path": f"{base}/{ei}/dose", "value": _dose(form, current.get("dose") or {}),
                "reason": f"dose {current['id']}: {reason}"}
    raise InputError.single("action", "expected add, remove, swap or dose", "invalid", "操作の種類が正しくありません")


def _index(form, comp: dict) -> int:
    try:
        ei = int(form.get("exercise_index", -1))
        comp["exercises"][ei]
        return ei
    except (ValueError, IndexError):
        raise InputError.single("exercise_index", "no such exercise in this component", "bad_pointer",
                                "この運動は構成要素にありません") from None


def _kb_exercise(ex_id: str):
    ex = default_kb().exercises.get(ex_id)
    if ex is None:
        raise InputError.single("exercise", f"unknown exercise {ex_id!r}", "unknown", "知識ベースにない運動です")
    return ex


def _dose(form, old: dict) -> dict:
    dose = dict(old)
    limits = {"sets": (1, 10), "reps": (1, 100), "hold_s": (1, 600), "rest_s": (0, 600), "duration_min": (1, 120),
              "sessions_per_week": (1, 14)}
    for key in DOSE_KEYS:
        raw = str(form.get(key) or "").strip()
        if not raw:
            dose.pop(key, None) if key != "sessions_per_week" else None
            continue
        lo, hi = limits[key]
        if not raw.isdigit() or not lo <= int(raw) <= hi:
            raise InputError.single(key, f"{key}: expected a whole number from {lo} to {hi}", "out_of_range",
                                    f"{key} は {lo}〜{hi} の整数で入力してください")
        dose[key] = int(raw)
    return dose


@router.get("/plans/{plan_id}/review")
def review_page(plan_id: IdPath, request: Request, db: SessionDep):
    p = page(request, db, login=True, roles=STAFF)
    row = p.actor.record(Plan, plan_id, "plan_id")
    decisions = db.scalars(repo.records_query(ReviewDecision, row.patient_id).limit(10)).all()
    decisions = [d for d in decisions if d.plan_id == row.id]
    chart_list = records.charts(db, row.patient_id, p._)
    return p.render("review.html", row=row, patient=p.actor.patient(row.patient_id), decisions=decisions,
                    sessions=records.sessions(db, row.patient_id)[-10:],
                    charts=[(c, charts.svg(c, p._("chart.empty"))) for c in chart_list])


@router.post("/plans/{plan_id}/review")
async def run_review(plan_id: IdPath, request: Request, db: SessionDep):
    p = page(request, db, login=True, roles=("therapist",))
    await checked_form(request, p)
    plan_routes.review_plan(plan_id, ReviewIn(lang=p.lang), p.actor)
    return RedirectResponse(f"/plans/{plan_id}/review", status_code=303)


@router.get("/plans/{plan_id}/handout")
def handout(plan_id: IdPath, request: Request, db: SessionDep):
    p = page(request, db, login=True)
    row = p.actor.record(Plan, plan_id, "plan_id")
    plan = plan_edits.effective(row.plan_json, row.edits)
    p.actor.audit("export", "plan", row.id, row.patient_id, detail="web handout")
    db.commit()
    rendered = _rendered_handout(plan, p.lang)
    if rendered is not None:
        return HTMLResponse(rendered)
    return p.render("handout.html", plan=plan, row=row, patient=p.actor.patient(row.patient_id))


def _rendered_handout(plan: dict, lang: str) -> str | None:
    """The outputs module's A4 handout when it is installed; None means use the simple print view."""
    try:
        render = importlib.import_module("ptplan.render").render
    except (ImportError, AttributeError):
        return None
    try:
        return render(plan, "html", lang)
    except Exception:  # noqa: BLE001 - a renderer bug must not hide the plan; the print view still works
        return None
