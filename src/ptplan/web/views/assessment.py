"""Therapist: new and follow-up assessment forms, the live triage banner, and saving → plan."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import ImmutableMultiDict

from ptplan.clinic import assessments, inputs, patients
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
    values.update(from_record(patient, dt.date.today()))
    return _form_page(p, patient, values, {}, follow_up)


def from_record(patient, on: dt.date) -> dict[str, str]:
    """What the patient record already says: its numbers, the age this calendar year (the record keeps only the
    birth year, so the birthday may still be ahead) and the sex; not typed again."""
    out = {"patient.chart_number": patient.chart_number or "", "patient.furigana": patient.furigana or ""}
    if patient.birth_year and 10 <= on.year - patient.birth_year <= 110:
        out["demographics.age"] = str(on.year - patient.birth_year)
    if patient.sex:
        out["demographics.sex"] = patient.sex
    return out


def _record_changes(patient, form) -> tuple[dict, dict]:
    """(changes to the patient record, problems by field) from the form's patient fields."""
    typed = {name.split(".", 1)[1]: str(form.get(name) or "").strip() for name in forms.RECORD_FIELDS if name in form}
    try:
        body = inputs.parse(inputs.PatientPatch, {k: v for k, v in typed.items() if v})
    except InputError as err:
        return {}, forms.by_field(err.under("patient.").problems, {}, dict.fromkeys(forms.RECORD_FIELDS))
    changes = {k: getattr(body, k) for k in typed if getattr(body, k) != getattr(patient, k)}
    return changes, {}


@router.post("/patients/{patient_id}/assess")
async def save_assessment(patient_id: IdPath, request: Request, db: SessionDep):
    p = page(request, db, login=True, roles=("therapist",))
    patient = p.actor.patient(patient_id)
    form = await checked_form(request, p)
    fields = forms.all_fields(forms.sections(p.actor.knowledge()))
    case, errors = forms.validate(form, fields)
    changes, record_errors = _record_changes(patient, form)
    errors = {**record_errors, **errors}
    if not errors and changes:
        try:  # a カルテ番号 another patient has is refused before anything is stored
            patients.update_patient(p.actor, patient.id, changes)
        except InputError as err:
            errors = forms.by_field(err.under("patient.").problems, case, fields)
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
