"""Request dependencies both adapters use, each with an ``Annotated`` alias: settings, the database
session, the knowledge base, the client address and numeric path ids."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session

from ptplan.settings import Settings

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


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "-"


def kb_of(request: Request):
    """The knowledge base the server loaded once at start (``create_app``)."""
    return request.app.state.kb


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_db)]
IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="numeric id")]
