"""Patient: today's exercises (steps, dose, hold/rest timer), logging a session, own progress charts."""

from __future__ import annotations

import datetime as dt
import importlib

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from markupsafe import Markup
from pydantic import ValidationError

from ptplan.api.deps import SessionDep
from ptplan.api.routers import records as record_routes
from ptplan.api.schemas import SessionIn
from ptplan.core.kb.loader import default_kb
from ptplan.web import charts, records
from ptplan.web.base import checked_form, page

router = APIRouter()
RPE = tuple(range(11))  # how hard it felt, 0-10 (the core's ``rpe``)


def _me(request: Request, db):
    p = page(request, db, login=True, roles=("patient",))
    return p, p.actor.patient(p.actor.user.patient_id)


def _home(p, db, patient, values: dict, errors: dict, status: int = 200, saved: bool = False):
    row, plan = records.current_plan(db, patient.id)
    return p.render("me.html", status=status, patient=patient, plan=plan, row=row, values=values, errors=errors,
                    saved=saved, rpe_scale=RPE, figure=illustration)


def illustration(exercise_id: str) -> Markup | None:
    """The outputs module's drawing of an exercise, when that module and a drawing for it exist."""
    try:
        figures = importlib.import_module("ptplan.render.figures")
        return Markup(figures.illustration_svg(default_kb(), exercise_id, animated=True))
    except (ImportError, AttributeError, KeyError):
        return None


@router.get("/me")
def today(request: Request, db: SessionDep):
    p, patient = _me(request, db)
    return _home(p, db, patient, {"performed_on": dt.date.today().isoformat(), "done": None}, {},
                 saved=request.query_params.get("saved") == "1")


@router.post("/me/sessions")
async def log_session(request: Request, db: SessionDep):
    p, patient = _me(request, db)
    form = await checked_form(request, p)
    values = {k: str(form.get(k) or "").strip() for k in ("performed_on", "pain_before", "pain_after", "rpe", "note")}
    values["done"] = form.getlist("done")
    errors: dict[str, list[str]] = {}
    numbers = {key: _pain(values[key], key, errors, p) for key in ("pain_before", "pain_after", "rpe")}
    row, plan = records.current_plan(db, patient.id)
    in_plan = {ex["id"] for c in (plan or {}).get("program", {}).get("components", []) for ex in c.get("exercises", [])}
    body = None
    try:
        body = SessionIn(date=values["performed_on"] or dt.date.today().isoformat(),
                         exercises=[{"id": e} for e in values["done"] if e in in_plan], notes=values["note"] or None,
                         plan_id=row.id if row else None, **numbers)
    except ValidationError as exc:
        for e in exc.errors():
            key = {"date": "performed_on", "notes": "note", "exercises": "done"}.get(str(e["loc"][0]), "")
            errors.setdefault(key, []).append(p._("error.bad_value"))
    if errors:
        return _home(p, db, patient, values, errors, status=422)
    record_routes.create_session(patient.id, body, p.actor)
    return RedirectResponse("/me/progress?saved=1", status_code=303)


def _pain(raw: str, key: str, errors: dict, p) -> float | None:
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 10:
        errors[key] = [p._("error.pain_range")]
        return None
    return value


@router.get("/me/progress")
def progress(request: Request, db: SessionDep):
    p, patient = _me(request, db)
    chart_list = records.charts(db, patient.id, p._, with_measures=False)
    return p.render("progress.html", patient=patient, saved=request.query_params.get("saved") == "1",
                    charts=[(c, charts.svg(c, p._("chart.empty"))) for c in chart_list],
                    sessions=list(reversed(records.sessions(db, patient.id)))[:20])
