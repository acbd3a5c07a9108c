"""Clinic settings an admin may change for their own clinic: today whether video clips are kept after
analysis (``keep_video_clips``; the job layer deletes a clip after *done* and after *failed* unless it is set)."""

from __future__ import annotations

from ptplan.clinic.access import Actor, use_case
from ptplan.store.models import Clinic

FIELDS = ("keep_video_clips",)


@use_case
def get_settings(actor: Actor) -> Clinic:
    actor.require("admin")
    return actor.db.get(Clinic, actor.clinic_id)


@use_case
def update_settings(actor: Actor, changes: dict) -> Clinic:
    """Set the given settings; each change is audited with its old and new value."""
    actor.require("admin")
    clinic = actor.db.get(Clinic, actor.clinic_id)
    changed = []
    for key in FIELDS:
        if changes.get(key) is not None and changes[key] != getattr(clinic, key):
            changed.append(f"{key}: {getattr(clinic, key)} -> {changes[key]}")
            setattr(clinic, key, changes[key])
    if changed:
        actor.audit("update", "clinic_settings", clinic.id, detail="; ".join(changed))
    return clinic
