"""Therapist: new and follow-up assessment forms, the live triage banner, and saving → plan."""

from __future__ import annotations

import datetime as dt
import json

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import ImmutableMultiDict

from ptplan.clinic import assessments, inputs
from ptplan.core import services
from ptplan.core.case import Case
from ptplan.errors import InputError
from ptplan.http.deps import IdPath, SessionDep
from ptplan.web import carried_text, forms
from ptplan.web.base import FormDep, checked_form, page

router = APIRouter()


#: how many not-yet-done tests the 「プランを左右する検査」 section offers (a screen's worth; an interface choice)
PLAN_TESTS = 6


def _form_page(p, patient, values: dict, errors: dict, follow_up: bool, status: int = 200, redrawn: bool = False):
    kb = p.actor.knowledge()
    secs = forms.sections(kb)
    complaint = forms.complaint_of(values)
    focus = _focus(values, kb, forms.all_fields(secs)) if complaint else {"essential": [], "tests": [], "done": []}
    layout = forms.focused(secs, complaint, focus["essential"], focus["done"] + focus["tests"])
    # the first error in the order the form shows its fields; a folded section with an error opens
    first = next((name for name in forms.all_fields(layout) if errors.get(name)), "" if errors else None)
    with_errors = {sec.id for sec in layout if any(errors.get(n) for n in forms.all_fields([sec]))}
    return p.render("assessment.html", status=status, patient=patient, sections=layout, values=values, errors=errors,
                    follow_up=follow_up, triage=triage_of(values, p.lang, kb), general=errors.get("", []),
                    first_error=first, complaint=complaint, complaints=forms.COMPLAINTS, done_tests=focus["done"],
                    open_sections=with_errors, redrawn=redrawn, carried=_carried_items(values, kb, p.lang),
                    plan_next=_plan_next(secs, focus["tests"]))


def _plan_next(secs, tests: list[str]) -> list[tuple]:
    """(title, anchor) of the tests not yet done that would change the plan most, best first: the list the test
    results re-rank as they are typed (htmx swaps only this list in, never an input)."""
    groups = forms.groups_by_test(secs)
    return [(groups[t][0], forms.group_anchor(groups[t][2])) for t in tests if t in groups]


def _carried_items(values: dict, kb, lang: str) -> list[tuple[str, str]]:
    """(part, text) of the carried parts in the words of a chart, to show what the follow-up keeps without a field."""
    problems: list = []
    kept = forms.read_carried(_multidict({forms.CARRIED: values.get(forms.CARRIED) or ""}), problems)
    return carried_text.lines(kept, kb, lang)


def _multidict(form) -> ImmutableMultiDict:
    if isinstance(form, dict):  # a re-shown form: values by field name, lists for checkboxes
        return ImmutableMultiDict([(k, v) for k, vs in form.items() for v in (vs if isinstance(vs, list) else [vs])])
    return form


def _focus(values: dict, kb, fields: dict) -> dict:
    """The red-flag questions and tests the complaint opens, from everything typed so far (a part that does not
    read yet is left out: the layout never fails). ``fields``: the form's fields by name."""
    case, _problems = forms.read_form(_multidict(values), fields)
    try:
        return services.assessment_focus(case, kb, PLAN_TESTS)
    except InputError:
        sites = forms.COMPLAINTS[forms.complaint_of(values)]
        return services.assessment_focus({"pain": [{"site": s} for s in sites]}, kb, PLAN_TESTS)


def _typed(form, fields: dict) -> dict:
    """What was posted, by field name (lists for check boxes), to show again."""
    return {k: (form.getlist(k) if fields.get(k) and fields[k].kind == "checks" else form.get(k)) for k in form}


@router.get("/patients/{patient_id}/assess")
def assessment_form(patient_id: IdPath, request: Request, db: SessionDep):
    p = page(request, db, login=True, roles=("therapist",))
    patient = assessments.form_patient(p.actor, patient_id)
    follow_up = request.query_params.get("follow_up") == "1"
    last = assessments.latest_case(p.actor, patient.id) if follow_up else None
    values: dict = forms.to_form(last) if last else {}
    if last:
        values["complaint"] = forms.complaint_from_case(last)
        kept = forms.carried(last, forms.all_fields(forms.sections(p.actor.knowledge())))
        if kept:  # what the form has no field for goes back with the form, so the follow-up does not drop it
            values[forms.CARRIED] = json.dumps(kept, ensure_ascii=False, sort_keys=True)
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
def save_assessment(patient_id: IdPath, request: Request, db: SessionDep, form: FormDep):
    p = page(request, db, login=True, roles=("therapist",))
    patient = p.actor.patient(patient_id)
    form = checked_form(request, form)
    fields = forms.all_fields(forms.sections(p.actor.knowledge()))
    case, errors = forms.validate(form, fields)
    changes, record_errors = _record_changes(patient, form)
    errors = {**record_errors, **errors}
    checked = None
    if not errors:
        case["assessed_on"] = str(form.get("assessed_on") or "").strip() or dt.date.today().isoformat()
        case["lang"] = p.lang
        try:  # the form's fields are valid; what can still fail is the date (e.g. 2026-02-30)
            checked = inputs.parse(Case, case)
        except InputError as err:
            errors = forms.by_field(err.problems, case, fields)
    if not errors:
        try:  # the record changes and the assessment in one transaction: a refused step stores neither
            _row, plan = assessments.assess_and_plan(p.actor, patient.id, checked, p.lang, changes)
            return RedirectResponse(f"/plans/{plan.id}", status_code=303)
        except InputError as err:  # a カルテ番号 another patient has comes back as patient.chart_number
            errors = forms.by_field(err.problems, case, fields)
    # the form again, with what was typed: the patient was already shown when it was opened (that read is in the
    # audit log), so this answer writes no read event
    return _form_page(p, patient, _typed(form, fields), errors, form.get("follow_up") == "1", status=422)


@router.post("/patients/{patient_id}/assess/redraw")
def redraw_assessment(patient_id: IdPath, request: Request, db: SessionDep, form: FormDep):
    """The form again for the complaint chosen, with everything typed so far; nothing is saved. htmx swaps the
    form in when the complaint changes; without JavaScript the 「表示を更新」 button posts here."""
    p = page(request, db, login=True, roles=("therapist",))
    patient = p.actor.patient(patient_id)
    form = checked_form(request, form)
    values = _typed(form, forms.all_fields(forms.sections(p.actor.knowledge())))
    # htmx names the element that asked: a field (a recent knee injury) keeps the focus where the clinician
    # moved it (htmx restores it by id); the complaint, or the no-JavaScript button, puts it on the complaint
    by_field = request.headers.get("HX-Trigger") not in (None, "", "complaint")
    return _form_page(p, patient, values, {}, form.get("follow_up") == "1", redrawn=not by_field)


@router.post("/assess/triage")
def triage_partial(request: Request, db: SessionDep, form: FormDep):
    """The banner above the form, redrawn by htmx whenever a red-flag answer changes."""
    p = page(request, db, login=True, roles=("therapist",))
    form = checked_form(request, form)
    return p.render("_triage.html", triage=triage_of(form, p.lang, p.actor.knowledge()))


def triage_of(form, lang: str, kb=None) -> dict | None:
    """The live banner: everything typed so far (pain sites, age, knee signs, red flags) screened by the core."""
    form = _multidict(form)
    if not any(k.startswith("red_flags.") and form.get(k) for k in form):
        return None
    case, _problems = forms.read_form(form, forms.all_fields(forms.sections(kb)))
    try:
        return services.screen_case(case, lang, kb=kb)
    except InputError:
        return None
