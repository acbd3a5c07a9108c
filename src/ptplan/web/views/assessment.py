"""Therapist: new and follow-up assessment forms, the live triage banner, and saving → plan."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import ImmutableMultiDict

from ptplan.clinic import assessments, inputs
from ptplan.core import services
from ptplan.core.case import Case
from ptplan.errors import InputError
from ptplan.http.deps import IdPath, SessionDep
from ptplan.web import forms
from ptplan.web.base import checked_form, page

router = APIRouter()


def _form_page(p, patient, values: dict, errors: dict, follow_up: bool, status: int = 200):
    secs = forms.sections(p.actor.knowledge())
    first = next((name for name in forms.all_fields(secs) if errors.get(name)), "" if errors else None)
    return p.render("assessment.html", status=status, patient=patient, sections=secs, values=values, errors=errors,
                    follow_up=follow_up, triage=triage_of(values, p.lang, p.actor.knowledge()), general=errors.get("", []),
                    first_error=first)


@router.get("/patients/{patient_id}/assess")
def assessment_form(patient_id: IdPath, request: Request, db: SessionDep):
    p = page(request, db, login=True, roles=("therapist",))
    patient = assessments.form_patient(p.actor, patient_id)
    follow_up = request.query_params.get("follow_up") == "1"
    last = assessments.latest_case(p.actor, patient.id) if follow_up else None
    values: dict = forms.to_form(last) if last else {}
    values["assessed_on"] = dt.date.today().isoformat()
    return _form_page(p, patient, values, {}, follow_up)


@router.post("/patients/{patient_id}/assess")
async def save_assessment(patient_id: IdPath, request: Request, db: SessionDep):
    p = page(request, db, login=True, roles=("therapist",))
    patient = p.actor.patient(patient_id)
    form = await checked_form(request, p)
    fields = forms.all_fields(forms.sections(p.actor.knowledge()))
    case, errors = forms.validate(form, fields)
    if not errors:
        case["assessed_on"] = str(form.get("assessed_on") or "").strip() or dt.date.today().isoformat()
        case["lang"] = p.lang
        try:  # the form's fields are valid; what can still fail is the date (e.g. 2026-02-30)
            _row, plan = assessments.assess_and_plan(p.actor, patient.id, inputs.parse(Case, case), p.lang)
            return RedirectResponse(f"/plans/{plan.id}", status_code=303)
        except InputError as err:
            errors = forms.by_field(err.problems, case, fields)
    values = {k: (form.getlist(k) if fields.get(k) and fields[k].kind == "checks" else form.get(k)) for k in form}
    return _form_page(p, patient, values, errors, form.get("follow_up") == "1", status=422)


@router.post("/assess/triage")
async def triage_partial(request: Request, db: SessionDep):
    """The banner above the form, redrawn by htmx whenever a red-flag answer changes."""
    p = page(request, db, login=True, roles=("therapist",))
    form = await checked_form(request, p)
    return p.render("_triage.html", triage=triage_of(form, p.lang, p.actor.knowledge()))


def triage_of(form, lang: str, kb=None) -> dict | None:
    """The live banner: everything typed so far (pain sites, age, knee signs, red flags) screened by the core."""
    if isinstance(form, dict):  # a re-shown form: values by field name, lists for checkboxes
        form = ImmutableMultiDict([(k, v) for k, vs in form.items() for v in (vs if isinstance(vs, list) else [vs])])
    if not any(k.startswith("red_flags.") and form.get(k) for k in form):
        return None
    case, _problems = forms.read_form(form, forms.all_fields(forms.sections(kb)))
    try:
        return services.screen_case(case, lang, kb=kb)
    except InputError:
        return None
