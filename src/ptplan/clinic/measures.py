"""Outcome measures: score a questionnaire by its published algorithm and store the dated result."""

from __future__ import annotations

import datetime as dt

from ptplan.clinic.access import Actor, listed, use_case
from ptplan.clinic.sessions import check_day
from ptplan.core import measures
from ptplan.store import repositories as repo
from ptplan.store.models import MeasureResult


@use_case
def record_measure(actor: Actor, patient_id: int, name: str, answers: list | dict, taken_on: dt.date) -> MeasureResult:
    """Problems name the core's paths: ``measure`` for the name, ``<name>.item[n]`` for an item."""
    actor.require("therapist", "patient")
    patient = actor.patient(patient_id)
    check_day(taken_on, "taken_on")
    result = measures.score(name, answers, kb=actor.knowledge()).as_dict()
    score = result.get("score")
    row = repo.add_record(actor.db, MeasureResult, patient, actor.user.id, name=name, taken_on=taken_on,
                          answers=answers, result=result, score=float(score) if isinstance(score, int | float) else None)
    actor.audit("create", "measure", row.id, patient.id, detail=name)
    return row


@use_case
def list_measures(actor: Actor, patient_id: int, limit: int, offset: int):
    return listed(actor, MeasureResult, patient_id, limit, offset, "measure")
