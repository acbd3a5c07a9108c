"""Request dependencies, each with an ``Annotated`` alias: the DB session, the current actor
(authenticated by bearer token or session cookie + CSRF), role checks and common parameters."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from sqlalchemy.orm import Session

from ptplan.api import security
from ptplan.errors import NotFoundError, PermissionDenied, Problem, PtplanError
from ptplan.settings import Settings
from ptplan.store import repositories as repo
from ptplan.store.models import Patient, User

MAX_ID = 2**53  # larger ids cannot exist; refusing them keeps SQLite from overflowing


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_db(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as db:
        try:
            yield db
        except Exception:
            db.rollback()
            raise


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_db)]
IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="numeric id")]


@dataclass
class Page:
    limit: int
    offset: int


def page_params(limit: Annotated[int, Query(ge=1, le=200, description="items per page")] = 50,
                offset: Annotated[int, Query(ge=0, le=10_000_000, description="items to skip")] = 0) -> Page:
    return Page(limit, offset)


PageDep = Annotated[Page, Depends(page_params)]


class Unauthenticated(PtplanError):
    def __init__(self, message: str = "log in or send a bearer token") -> None:
        super().__init__([Problem("", message, "unauthenticated", "ログインするか API トークンを送ってください")], status=401)


@dataclass
class Actor:
    """The authenticated user of this request, with the helpers routes need for access and audit."""

    user: User
    db: Session
    ip: str

    @property
    def clinic_id(self) -> int:
        return self.user.clinic_id

    @property
    def is_staff(self) -> bool:
        return self.user.role in ("admin", "therapist")

    def require(self, *roles: str) -> None:
        if self.user.role not in roles:
            raise PermissionDenied(f"your role ({self.user.role}) may not do this; needs {' or '.join(roles)}")

    def patient(self, patient_id: int) -> Patient:
        """The patient, if this actor may see them: staff of their clinic, or the patient themselves."""
        if self.user.role == "patient" and self.user.patient_id != patient_id:
            raise NotFoundError("patient_id", f"no patient {patient_id} in your records")
        return repo.get_patient(self.db, self.clinic_id, patient_id)

    def record(self, model, row_id: int, field: str):
        row = repo.get_owned(self.db, model, self.clinic_id, row_id, field)
        self.patient(row.patient_id)
        return row

    def audit(self, action: str, resource: str, resource_id: int | None = None, patient_id: int | None = None,
              detail: str | None = None) -> None:
        repo.record_audit(self.db, self.user, action, resource, resource_id, patient_id, self.ip, detail)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "-"


async def presented_csrf(request: Request) -> str | None:
    """The CSRF token the client sent (header, or form field for plain HTML forms); no database here."""
    if request.method in security.SAFE_METHODS:
        return None
    presented = request.headers.get(security.CSRF_HEADER)
    if presented is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        presented = (await request.form()).get(security.CSRF_FIELD)
    return presented if isinstance(presented, str) else None


def current_actor(request: Request, db: SessionDep, settings: SettingsDep,
                  csrf: Annotated[str | None, Depends(presented_csrf)]) -> Actor:
    # A plain def on purpose: it runs in the threadpool, so a database wait never blocks the event loop.
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        found = repo.resolve_token(db, auth[7:].strip(), "api")
        if found is None:
            raise Unauthenticated("the bearer token is unknown, revoked or expired")
        return Actor(found[0], db, client_ip(request))
    cookie = request.cookies.get(security.SESSION_COOKIE)
    found = repo.resolve_token(db, cookie, "session") if cookie else None
    if found is None:
        raise Unauthenticated()
    if request.method not in security.SAFE_METHODS and not security.csrf_ok(settings.secret_key, cookie, csrf):
        raise PtplanError.single(security.CSRF_HEADER, "missing or wrong CSRF token for a cookie-authenticated "
                                 "request; send the ptplan_csrf cookie value in X-CSRF-Token", "csrf",
                                 "CSRF トークンがありません。ptplan_csrf の値を X-CSRF-Token で送ってください", status=403)
    return Actor(found[0], db, client_ip(request))


CurrentActor = Annotated[Actor, Depends(current_actor)]
