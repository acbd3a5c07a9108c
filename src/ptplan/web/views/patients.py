"""Staff: the patient list (search, last visit, next review), new patients, and one patient's page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from ptplan.clinic import inputs, patients, read_models
from ptplan.clinic.access import STAFF
from ptplan.errors import InputError
from ptplan.http.deps import IdPath, SessionDep
from ptplan.web import charts, records
from ptplan.web.base import FormDep, checked_form, page

router = APIRouter()


@router.get("/patients")
def patient_list(request: Request, db: SessionDep):
    p = page(request, db, login=True, roles=STAFF)
    q = request.query_params.get("q", "").strip()[:100]
    template = "_patient_rows.html" if request.headers.get("hx-request") else "patients.html"
    try:
        rows = read_models.patient_rows(p.actor, q)
    except InputError as err:  # the search comes back as typed, the problem under it
        return p.render(template, status=err.status, rows=[], q=q, errors=p.by_field(err.problems), values={})
    return p.render(template, rows=rows, q=q, errors={}, values={})


@router.post("/patients")
def create_patient(request: Request, db: SessionDep, form: FormDep):
    p = page(request, db, login=True, roles=STAFF)
    form = checked_form(request, form)
    values = {k: str(form.get(k) or "").strip() for k in ("name", "furigana", "chart_number", "birth_year", "sex", "note")}
    try:
        typed = {k: v for k, v in values.items() if v}
        if "birth_year" in typed:  # the model takes a number: ASCII digits become one, other text is refused
            typed["birth_year"] = inputs.form_year(typed["birth_year"])
        body = inputs.parse(inputs.PatientIn, typed)
        patient = patients.create_patient(p.actor, body.model_dump())
    except InputError as err:
        return p.render("patients.html", status=422, rows=read_models.patient_rows(p.actor, ""), q="",
                        errors=p.by_field(err.problems), values=values)
    return RedirectResponse(f"/patients/{patient.id}", status_code=303)


@router.get("/patients/{patient_id}")
def patient_page(patient_id: IdPath, request: Request, db: SessionDep):
    p = page(request, db, login=True, roles=STAFF)
    data = read_models.patient_page(p.actor, patient_id)
    chart_list = records.charts(data.pop("outcomes"), p._, p.actor.knowledge())
    return p.render("patient.html", charts=[(c, charts.svg(c, p._("chart.empty"))) for c in chart_list], **data)
