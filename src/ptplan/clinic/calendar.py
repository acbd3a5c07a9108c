"""The patient's calendar feed: a secret URL (an ``AuthToken`` of kind ``calendar``, only its hash stored)
that a phone calendar subscribes to, showing the weekly schedule of the current (effective) plan and
the review date. The patient makes a new URL (the old one stops working) or revokes it; every read of
the feed is audited."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from ptplan.clinic import read_models
from ptplan.clinic.access import Actor, use_case
from ptplan.errors import NotFoundError
from ptplan.store import repositories as repo
from ptplan.store.models import AuthToken, ReviewDecision

KIND = "calendar"
LIFETIME = dt.timedelta(days=3 * 365)  # until revoked; a new URL is made in one click


def _active(actor: Actor) -> list[AuthToken]:
    return list(actor.db.scalars(select(AuthToken).where(AuthToken.user_id == actor.user.id, AuthToken.kind == KIND,
                                                         AuthToken.revoked.is_(False))))


@use_case
def issue_feed(actor: Actor) -> str:
    """A new secret feed key for the patient; any earlier one is revoked."""
    actor.require("patient")
    for row in _active(actor):
        row.revoked = True
    plain, row = repo.issue_token(actor.db, actor.user, KIND, LIFETIME, "calendar feed")
    actor.audit("create", "calendar_feed", row.id, actor.user.patient_id)
    return plain


@use_case
def revoke_feed(actor: Actor) -> int:
    actor.require("patient")
    rows = _active(actor)
    for row in rows:
        row.revoked = True
    actor.audit("revoke", "calendar_feed", None, actor.user.patient_id, detail=f"{len(rows)} revoked")
    return len(rows)


@use_case
def has_feed(actor: Actor) -> bool:
    actor.require("patient")
    return bool(_active(actor))


def feed(db, key: str, ip: str, kb=None) -> str:
    """The iCalendar text for a feed key; NotFoundError (404) for an unknown, revoked or expired key."""
    from ptplan.clinic import auth

    actor = auth.actor_for(db, key, KIND, ip, kb)
    if actor is None or actor.user.role != "patient" or not actor.user.active:
        raise NotFoundError("key", "unknown or revoked calendar feed")
    return _feed(actor)


@use_case
def _feed(actor: Actor) -> str:
    from ptplan.render import render

    patient_id = actor.user.patient_id
    current = read_models.current_plan(actor, patient_id)  # the patient's view: nothing provisional
    actor.audit("read", "calendar_feed", current.row.id if current else None, patient_id)
    if current is None:
        return render({"lang": "ja", "program": {}, "follow_up": {}}, "ics", "ja", uid=f"ptplan-patient{patient_id}")
    last = actor.db.scalars(select(ReviewDecision).where(ReviewDecision.plan_id == current.row.id)
                            .order_by(ReviewDecision.id.desc()).limit(1)).first()
    start = max(current.row.created_at.date(), last.created_at.date() if last else current.row.created_at.date())
    review = read_models.next_review(current.row, last)
    return render(current.plan, "ics", current.plan.get("lang") or "ja", start_date=start, review_date=review,
                  uid=f"ptplan-plan{current.row.id}", sequence=len(current.row.edits or []))
