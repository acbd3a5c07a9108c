"""Therapist: the patient list (search, last visit, next review), new patients, and one patient's page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from ptplan.api.deps import IdPath, SessionDep
from ptplan.api.schemas import PatientIn
from ptplan.store import repositories as repo
from ptplan.store.models import Assessment, Plan, ReviewDecision
from ptplan.web import charts, records
from ptplan.web.base import checked_form, page

router = APIRouter()
STAFF = ("therapist", "admin")


def _rows(db, clinic_id: int, q: str | None) -> list[dict]:
    patients = db.scalars(repo.patients_query(clinic_id, q).limit(200)).all()
    return [{"patient": pt, "last_visit": records.last_visit(db, pt.id), "next_review": records.next_review(db, pt.id)}
            for pt in patients]


@router.get("/patients")
def patient_list(request: Request, db: SessionDep):
    p = page(request, db, login=True, roles=STAFF)
    q = request.query_params.get("q", "").strip()[:100]
    rows = _rows(db, p.actor.clinic_id, q)
    p.actor.audit("list", "patient", detail=f"web search {len(rows)}")
    db.commit()
    template = "_patient_rows.html" if request.headers.get("hx-request") else "patients.html"
    return p.render(template, rows=rows, q=q, errors={}, values={})


@router.post("/patients")
async def create_patient(request: Request, db: SessionDep):
    p = page(request, db, login=True, roles=("therapist",))
    form = await checked_form(request, p)
    values = {k: str(form.get(k) or "").strip() for k in ("name", "birth_year", "sex", "note")}
    try:
        body = PatientIn.model_validate({k: v for k, v in values.items() if v})
    except ValidationError as exc:
        errors = {}
        for e in exc.errors():
            errors.setdefault(str(e["loc"][0]) if e["loc"] else "", []).append(
                p._("error.required") if e["type"] == "missing" else e["msg"])
        return p.render("patients.html", status=422, rows=_rows(db, p.actor.clinic_id, ""), q="", errors=errors,
                        values=values)
    patient = repo.create_patient(db, p.actor.clinic_id, **body.model_dump())
    p.actor.audit("create", "patient", patient.id, patient.id)
    db.commit()
    return RedirectResponse(f"/patients/{patient.id}", status_code=303)


@router.get("/patients/{patient_id}")
def patient_page(patient_id: IdPath, request: Request, db: SessionDep):
    p = page(request, db, login=True, roles=STAFF)
    patient = p.actor.patient(patient_id)
    assessments = db.scalars(repo.records_query(Assessment, patient.id).limit(20)).all()
    plans = db.scalars(repo.records_query(Plan, patient.id).limit(20)).all()
    reviews = db.scalars(repo.records_query(ReviewDecision, patient.id).limit(5)).all()
    chart_list = records.charts(db, patient.id, p._)
    p.actor.audit("read", "patient", patient.id, patient.id)
    db.commit()
    return p.render("patient.html", patient=patient, assessments=assessments, plans=plans, reviews=reviews,
                    charts=[(c, charts.svg(c, p._("chart.empty"))) for c in chart_list],
                    last_visit=records.last_visit(db, patient.id), next_review=records.next_review(db, patient.id))
