"""Request dependencies both adapters use, each with an ``Annotated`` alias: settings, the database
session, the knowledge base, the client address and numeric path ids."""

from __future__ import annotations

import ipaddress
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


MAX_FORWARDED = 1024  # characters of X-Forwarded-For looked at; a longer header is ignored, not an error


def client_ip(request: Request) -> str:
    """The client's address: the peer, or — only when the peer is a proxy listed in ``trusted_proxies`` — the
    last ``X-Forwarded-For`` hop that is not itself a trusted proxy. A forged or over-long header from
    anywhere else changes nothing (uvicorn's own proxy-header handling is off, see ``ptplan serve``)."""
    peer = request.client.host if request.client else "-"
    networks = getattr(request.app.state, "trusted_proxies", ())
    if not networks or not _in(peer, networks):
        return peer
    header = request.headers.get("x-forwarded-for", "")
    if not header or len(header) > MAX_FORWARDED:
        return peer
    for hop in reversed([h.strip() for h in header.split(",")]):
        try:
            address = str(ipaddress.ip_address(hop))
        except ValueError:
            return peer  # a malformed hop: believe nothing beyond the proxy
        if not _in(address, networks):
            return address
    return peer


def _in(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def kb_of(request: Request):
    """The knowledge base the server loaded once at start (``create_app``)."""
    return request.app.state.kb


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_db)]
IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="numeric id")]
