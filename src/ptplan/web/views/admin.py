"""Admin: the clinic and its settings, its users (create, including patient logins linked to a patient
record), audit log."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from ptplan.clinic import audit_log, clinic_settings, inputs, users
from ptplan.errors import InputError, NotFoundError
from ptplan.http.deps import SessionDep
from ptplan.store.models import ROLES
from ptplan.web.base import FormDep, checked_form, page

router = APIRouter()


def _admin_page(p, values: dict, errors: dict, status: int = 200):
    return p.render("admin.html", status=status, roles=ROLES, values=values, errors=errors,
                    **users.admin_page(p.actor))


@router.get("/admin")
def admin_home(request: Request, db: SessionDep):
    return _admin_page(page(request, db, login=True, roles=("admin",)), {}, {})


@router.post("/admin/users")
def create_user(request: Request, db: SessionDep, form: FormDep):
    p = page(request, db, login=True, roles=("admin",))
    form = checked_form(request, form)
    values = {k: str(form.get(k) or "").strip() for k in ("username", "display_name", "role", "patient_id")}
    data = {**{k: v for k, v in values.items() if v}, "password": str(form.get("password") or "")}
    try:
        body = inputs.parse(inputs.UserIn, data)
        users.create_user(p.actor, body.username, body.password, body.role, body.display_name, body.patient_id)
    except (InputError, NotFoundError) as err:  # an unknown patient id is shown beside its field too
        return _admin_page(p, values, p.by_field(err.problems), status=422)
    return RedirectResponse("/admin", status_code=303)


@router.post("/admin/settings")
def update_settings(request: Request, db: SessionDep, form: FormDep):
    """The clinic settings form: an unchecked box is absent from the form, so absent means off."""
    p = page(request, db, login=True, roles=("admin",))
    form = checked_form(request, form)
    try:
        body = inputs.parse(inputs.ClinicSettingsPatch, {"keep_video_clips": str(form.get("keep_video_clips") or "off")})
        clinic_settings.update_settings(p.actor, body.model_dump(exclude_unset=True))
    except InputError as err:
        return _admin_page(p, {}, p.by_field(err.problems), status=422)
    return RedirectResponse("/admin", status_code=303)


@router.get("/admin/audit")
def audit_log_page(request: Request, db: SessionDep):
    p = page(request, db, login=True, roles=("admin",))
    raw = request.query_params.get("patient_id", "").strip()
    patient_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else None
    raw_offset = request.query_params.get("offset", "0").strip()
    offset = int(raw_offset) if raw_offset.isascii() and raw_offset.isdigit() and len(raw_offset) < 9 else 0
    rows, total = audit_log.list_events(p.actor, patient_id, 100, offset)
    return p.render("audit.html", rows=rows, total=total, offset=offset, patient_id=raw)
