"""Therapist: new and follow-up assessment forms, the live triage banner, and saving → plan."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import ImmutableMultiDict

from ptplan.api import engine_bridge
from ptplan.api.deps import IdPath, SessionDep
from ptplan.api.routers import plans as plan_routes
from ptplan.api.routers import records as record_routes
from ptplan.api.schemas import AssessmentIn, PlanIn
from ptplan.core import services
from ptplan.errors import InputError
from ptplan.store import repositories as repo
from ptplan.store.models import Assessment, MeasureResult
from ptplan.web import forms
from ptplan.web.base import checked_form, page

router = APIRouter()


def _form_page(p, patient, values: dict, errors: dict, follow_up: bool, status: int = 200):
    secs = forms.sections()
    return p.render("assessment.html", status=status, patient=patient, sections=secs, values=values, errors=errors,
                    follow_up=follow_up, triage=triage_of(values, p.lang), general=errors.get("", []))


@router.get("/patients/{patient_id}/assess")
def assessment_form(patient_id: IdPath, request: Request, db: SessionDep):
    p = page(request, db, login=True, roles=("therapist",))
    patient = p.actor.patient(patient_id)
    follow_up = request.query_params.get("follow_up") == "1"
    values: dict = {}
    if follow_up:
        last = db.scalars(repo.records_query(Assessment, patient.id).limit(1)).first()
        values = forms.to_form(last.case_json) if last else {}
    values["assessed_on"] = dt.date.today().isoformat()
    return _form_page(p, patient, values, {}, follow_up)


@router.post("/patients/{patient_id}/assess")
async def save_assessment(patient_id: IdPath, request: Request, db: SessionDep):
    p = page(request, db, login=True, roles=("therapist",))
    patient = p.actor.patient(patient_id)
    form = await checked_form(request, p)
    fields = forms.all_fields(forms.sections())
    case, errors = forms.validate(form, fields)
    on = str(form.get("assessed_on") or "").strip() or dt.date.today().isoformat()
    if not errors:
        case["assessed_on"] = on
        case["lang"] = p.lang
        try:
            saved = record_routes.create_assessment(patient.id, AssessmentIn(case=case), p.actor)
        except InputError as err:
            errors = {"": list(err.problems)}
    if errors:
        values = {k: (form.getlist(k) if fields.get(k) and fields[k].kind == "checks" else form.get(k)) for k in form}
        return _form_page(p, patient, values, errors, form.get("follow_up") == "1", status=422)
    _store_measures(db, p.actor, patient, case.get("questionnaires", {}), dt.date.fromisoformat(on))
    plan = plan_routes.create_plan(PlanIn(assessment_id=saved.id, lang=p.lang), p.actor)
    return RedirectResponse(f"/plans/{plan.id}", status_code=303)


def _store_measures(db, actor, patient, questionnaires: dict, taken_on: dt.date) -> None:
    """Each questionnaire answered in the assessment also becomes a dated measure result (for the charts)."""
    for name, answers in questionnaires.items():
        if not any(a is not None for a in answers):
            continue
        try:
            result = engine_bridge.score_measure(name, answers)
        except InputError:
            continue  # the case validated; a measure the scorer refuses is simply not charted
        score = result.get("score")
        repo.add_record(db, MeasureResult, patient, actor.user.id, name=name, taken_on=taken_on, answers=answers,
                        result=result, score=float(score) if isinstance(score, int | float) else None)
    db.commit()


@router.post("/assess/triage")
async def triage_partial(request: Request, db: SessionDep):
    """The banner above the form, redrawn by htmx whenever a red-flag answer changes."""
    p = page(request, db, login=True, roles=("therapist",))
    form = await checked_form(request, p)
    return p.render("_triage.html", triage=triage_of(form, p.lang))


def triage_of(form, lang: str) -> dict | None:
    """The live banner: everything typed so far (pain sites, age, knee signs, red flags) screened by the core."""
    if isinstance(form, dict):  # a re-shown form: values by field name, lists for checkboxes
        form = ImmutableMultiDict([(k, v) for k, vs in form.items() for v in (vs if isinstance(vs, list) else [vs])])
    if not any(k.startswith("red_flags.") and form.get(k) for k in form):
        return None
    case, _problems = forms.read_form(form, forms.all_fields(forms.sections()))
    try:
        return services.screen_case(case, lang)
    except InputError:
        return None
