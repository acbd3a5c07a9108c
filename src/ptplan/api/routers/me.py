"""The patient's own calendar feed: make (or remake) the secret URL, revoke it, and the feed itself,
which a phone calendar reads with the key in the URL and no other credential (:mod:`ptplan.clinic.calendar`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from ptplan.api.deps import CurrentActor, SessionDep
from ptplan.api.schemas import _Out
from ptplan.clinic import calendar
from ptplan.http.deps import client_ip, kb_of

router = APIRouter(prefix="/me", tags=["me"])


class FeedOut(_Out):
    url: str
    key: str


def feed_url(request: Request, key: str) -> str:
    return str(request.url_for("calendar_feed").include_query_params(key=key))


@router.post("/calendar", status_code=201)
def make_feed(request: Request, actor: CurrentActor) -> FeedOut:
    """A new secret calendar URL for the patient; the earlier one stops working."""
    key = calendar.issue_feed(actor)
    return FeedOut(url=feed_url(request, key), key=key)


@router.delete("/calendar", status_code=204)
def revoke_feed(actor: CurrentActor) -> Response:
    calendar.revoke_feed(actor)
    return Response(status_code=204)


@router.get("/calendar.ics", name="calendar_feed", response_class=Response,
            responses={200: {"content": {"text/calendar": {"schema": {"type": "string"}}},
                             "description": "RFC 5545 calendar"}})
def calendar_feed(request: Request, db: SessionDep,
                  key: Annotated[str, Query(min_length=10, max_length=200, pattern=r"^[A-Za-z0-9_-]+$",
                                            description="the secret key of the patient's feed URL")]) -> Response:
    body = calendar.feed(db, key, client_ip(request), kb_of(request))
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "private, no-store", "Content-Disposition": 'inline; filename="ptplan.ics"'})
