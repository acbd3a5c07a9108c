"""User management: admins manage the users of their own clinic only."""

from fastapi import APIRouter

from ptplan.api.deps import CurrentActor, IdPath, PageDep
from ptplan.api.schemas import PageOf, UserIn, UserOut, UserPatch, page_of
from ptplan.store import auth as pw
from ptplan.store import repositories as repo
from ptplan.store.models import Clinic

router = APIRouter(prefix="/users", tags=["users"])


@router.get("")
def list_users(actor: CurrentActor, page: PageDep) -> PageOf[UserOut]:
    actor.require("admin")
    rows, total = repo.list_users(actor.db, actor.clinic_id, page.limit, page.offset)
    return page_of(UserOut, rows, total, page)


@router.post("", status_code=201)
def create_user(body: UserIn, actor: CurrentActor) -> UserOut:
    actor.require("admin")
    if body.patient_id is not None:
        actor.patient(body.patient_id)  # 404 unless the patient is in the admin's clinic
    clinic = actor.db.get(Clinic, actor.clinic_id)
    user = repo.create_user(actor.db, clinic, body.username, body.password, body.role, body.display_name,
                            body.patient_id)
    actor.audit("create", "user", user.id, body.patient_id, detail=f"role={body.role}")
    actor.db.commit()
    return UserOut.model_validate(user)


@router.get("/{user_id}")
def get_user(user_id: IdPath, actor: CurrentActor) -> UserOut:
    actor.require("admin")
    return UserOut.model_validate(repo.get_user(actor.db, actor.clinic_id, user_id))


@router.patch("/{user_id}")
def update_user(user_id: IdPath, body: UserPatch, actor: CurrentActor) -> UserOut:
    actor.require("admin")
    user = repo.get_user(actor.db, actor.clinic_id, user_id)
    if body.display_name is not None:
        user.display_name = body.display_name
    if body.active is not None:
        user.active = body.active
    if body.password is not None:
        user.password_hash = pw.hash_password(body.password)
    actor.audit("update", "user", user.id, user.patient_id, detail=",".join(sorted(body.model_fields_set)))
    actor.db.commit()
    return UserOut.model_validate(user)
