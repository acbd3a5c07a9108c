"""Admin: the clinic, its users (create, including patient logins linked to a patient record), audit log."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import func, select

from ptplan.api.deps import SessionDep
from ptplan.errors import InputError
from ptplan.store import repositories as repo
from ptplan.store.models import ROLES, Clinic, Patient, User
from ptplan.web.base import checked_form, page

router = APIRouter()


def _admin_page(p, db, values: dict, errors: dict, status: int = 200):
    clinic = db.get(Clinic, p.actor.clinic_id)
    users, total = repo.list_users(db, clinic.id, 200, 0)
    patients = db.scalars(repo.patients_query(clinic.id).limit(500)).all()
    counts = {"users": total, "patients": db.scalar(select(func.count(Patient.id)).where(Patient.clinic_id == clinic.id)),
              "active": db.scalar(select(func.count(User.id)).where(User.clinic_id == clinic.id, User.active))}
    return p.render("admin.html", status=status, clinic=clinic, users=users, patients=patients, roles=ROLES,
                    counts=counts, values=values, errors=errors)


@router.get("/admin")
def admin_home(request: Request, db: SessionDep):
    p = page(request, db, login=True, roles=("admin",))
    return _admin_page(p, db, {}, {})


@router.post("/admin/users")
async def create_user(request: Request, db: SessionDep):
    p = page(request, db, login=True, roles=("admin",))
    form = await checked_form(request, p)
    values = {k: str(form.get(k) or "").strip() for k in ("username", "display_name", "role", "patient_id")}
    errors: dict[str, list[str]] = {}
    if not values["username"]:
        errors["username"] = [p._("error.required")]
    if values["role"] not in ROLES:
        errors["role"] = [p._("error.choose_one")]
    patient_id = int(values["patient_id"]) if values["patient_id"].isdigit() else None
    if patient_id is not None:
        try:
            p.actor.patient(patient_id)
        except InputError:
            errors["patient_id"] = [p._("error.bad_value")]
    if not errors:
        try:
            user = repo.create_user(db, db.get(Clinic, p.actor.clinic_id), values["username"], str(form.get("password") or ""),
                                    values["role"], values["display_name"], patient_id)
            p.actor.audit("create", "user", user.id, patient_id, detail=f"{user.username} ({user.role})")
            db.commit()
            return RedirectResponse("/admin", status_code=303)
        except InputError as err:
            db.rollback()
            for pr in err.problems:
                errors.setdefault(pr.path, []).append(pr.message_ja if p.lang == "ja" and pr.message_ja else pr.message)
    return _admin_page(p, db, values, errors, status=422)


@router.get("/admin/audit")
def audit_log(request: Request, db: SessionDep):
    p = page(request, db, login=True, roles=("admin",))
    raw = request.query_params.get("patient_id", "").strip()
    patient_id = int(raw) if raw.isdigit() else None
    try:
        offset = max(0, int(request.query_params.get("offset", "0")))
    except ValueError:
        offset = 0
    rows, total = repo.page(db, repo.audit_query(p.actor.clinic_id, patient_id), 100, offset)
    return p.render("audit.html", rows=rows, total=total, offset=offset, patient_id=raw)
