"""Users: admins manage the logins of their own clinic (a patient login is linked to a patient record)."""

from __future__ import annotations

from ptplan.clinic.access import Actor, use_case
from ptplan.errors import InputError
from ptplan.store import auth as pw
from ptplan.store import repositories as repo
from ptplan.store.models import Clinic, User


@use_case
def list_users(actor: Actor, limit: int, offset: int) -> tuple[list[User], int]:
    actor.require("admin")
    rows, total = repo.list_users(actor.db, actor.clinic_id, limit, offset)
    actor.audit("list", "user", detail=f"{len(rows)} of {total}")  # patient logins: names linked to records
    return list(rows), total


@use_case
def create_user(actor: Actor, username: str, password: str, role: str, display_name: str = "",
                patient_id: int | None = None) -> User:
    """A login in the admin's clinic, named ``<name>@<clinic code>`` (the suffix is added when left out).
    Login names are unique on the server, but an admin can only create names in their clinic's namespace, so
    a taken name (409) is always one of their own clinic: another clinic's login names are never revealed.
    A patient of another clinic is a 404."""
    actor.require("admin")
    clinic = actor.db.get(Clinic, actor.clinic_id)
    local, username = in_clinic(username, clinic)
    check_password(password, local, display_name)
    if patient_id is not None:
        actor.patient(patient_id)
    user = repo.create_user(actor.db, clinic, username, password, role, display_name or local, patient_id)
    actor.audit("create", "user", user.id, patient_id, detail=f"{user.username} ({user.role})")
    return user


@use_case
def get_user(actor: Actor, user_id: int) -> User:
    actor.require("admin")
    user = repo.get_user(actor.db, actor.clinic_id, user_id)
    actor.audit("read", "user", user.id, user.patient_id)
    return user


@use_case
def update_user(actor: Actor, user_id: int, changes: dict) -> User:
    """``changes``: display_name, active, password (hashed here). A new password or a deactivation ends the
    user's sessions and API tokens (reactivating does not bring them back); an admin cannot deactivate
    themselves (the clinic could be left without one)."""
    actor.require("admin")
    user = repo.get_user(actor.db, actor.clinic_id, user_id)
    if changes.get("active") is False and user.id == actor.user.id:
        raise InputError.single("active", "you cannot deactivate your own login; ask another admin",
                                "self_deactivation", "自分自身のログインは無効にできません。別の管理者に依頼してください",
                                status=422)
    if changes.get("password") is not None:
        check_password(changes["password"], user.username, user.display_name)
    if changes.get("display_name") is not None:
        user.display_name = changes["display_name"]
    if changes.get("active") is not None:
        user.active = changes["active"]
    if changes.get("password") is not None:
        user.password_hash = pw.hash_password(changes["password"])
    if changes.get("password") is not None or changes.get("active") is False:
        ended = repo.revoke_tokens(actor.db, user.id)
        actor.audit("revoke", "session", user.id, user.patient_id, detail=f"{ended} sessions/tokens ended")
    actor.audit("update", "user", user.id, user.patient_id, detail=",".join(sorted(changes)))
    return user


def clinic_code(clinic: Clinic) -> str:
    return clinic.code or f"c{clinic.id}"


def in_clinic(username: str, clinic: Clinic) -> tuple[str, str]:
    """(name, login name) for ``username`` in ``clinic``'s namespace: ``taro`` and ``taro@aoba`` both give
    ``("taro", "taro@aoba")``; another clinic's suffix is a 422."""
    code = clinic_code(clinic)
    local, at, suffix = username.rpartition("@") if "@" in username else (username, "", "")
    if at and suffix != code:
        raise InputError.single("username", f"login names of your clinic end in @{code}; leave the @ part out and "
                                "it is added", "clinic_suffix",
                                f"このクリニックのユーザー名は @{code} で終わります。@ 以降を省くと自動で付きます", status=422)
    login = f"{local}@{code}"
    if len(login) > 100:
        raise InputError.single("username", f"expected at most {99 - len(code)} characters before @{code}",
                                "string_too_long", f"@{code} の前は {99 - len(code)} 文字以内にしてください", status=422)
    return local, login


def check_password(password: str, username: str, display_name: str = "") -> None:
    """The password policy (``ptplan.store.auth.password_problems``) as an InputError on ``password``."""
    problems = pw.password_problems(password, username, display_name)
    if problems:
        en, ja = problems[0].split("|")
        raise InputError.single("password", en, "weak_password", ja, status=422)


def clinic_overview(actor: Actor) -> dict:
    """What the admin page shows: the clinic, its users, its patients (for linking a login) and counts."""
    actor.require("admin")
    db, cid = actor.db, actor.clinic_id
    users, total = repo.list_users(db, cid, 200, 0)
    return {"clinic": db.get(Clinic, cid), "users": users, "patients": db.scalars(repo.patients_query(cid).limit(500)).all(),
            "counts": {"users": total, **repo.clinic_counts(db, cid)}}


@use_case
def admin_page(actor: Actor) -> dict:
    """The admin page's read model; it lists every patient name of the clinic, so it is audited."""
    data = clinic_overview(actor)
    actor.audit("list", "patient", detail=f"admin page: {len(data['patients'])} patients")
    return data
