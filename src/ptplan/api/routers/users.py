"""User management: admins manage the users of their own clinic only."""

from fastapi import APIRouter

from ptplan.api.deps import CurrentActor, IdPath, PageDep
from ptplan.api.schemas import PageOf, UserIn, UserOut, UserPatch, page_of
from ptplan.clinic import users

router = APIRouter(prefix="/users", tags=["users"])


@router.get("")
def list_users(actor: CurrentActor, page: PageDep) -> PageOf[UserOut]:
    return page_of(UserOut, *users.list_users(actor, page.limit, page.offset), page)


@router.post("", status_code=201)
def create_user(body: UserIn, actor: CurrentActor) -> UserOut:
    return UserOut.model_validate(users.create_user(actor, body.username, body.password, body.role, body.display_name,
                                                    body.patient_id))


@router.get("/{user_id}")
def get_user(user_id: IdPath, actor: CurrentActor) -> UserOut:
    return UserOut.model_validate(users.get_user(actor, user_id))


@router.patch("/{user_id}")
def update_user(user_id: IdPath, body: UserPatch, actor: CurrentActor) -> UserOut:
    return UserOut.model_validate(users.update_user(actor, user_id, body.model_dump(exclude_unset=True)))
