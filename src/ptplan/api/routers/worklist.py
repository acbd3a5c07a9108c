"""The therapist's worklist (alerts of the clinic, most urgent first), acknowledgements and the clinic's
alert thresholds. See :mod:`ptplan.clinic.worklist`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query

from ptplan.api.deps import CurrentActor
from ptplan.api.schemas import _Out
from ptplan.clinic import worklist
from ptplan.clinic.inputs import AckIn

router = APIRouter(prefix="/worklist", tags=["worklist"])


class Alert(_Out):
    kind: str
    key: str
    patient_id: int
    patient_name: str
    title: dict[str, str]
    reason: dict[str, str]
    link: str
    since: dt.date | None
    urgency: str | None = None
    action: dict[str, str] | None = None
    acknowledged: dict[str, Any] | None = None


class Worklist(_Out):
    items: list[Alert]
    total: int


class AckOut(_Out):
    id: int
    key: str
    kind: str
    patient_id: int
    note: str | None
    created_by: int | None
    created_at: dt.datetime


class AlertSettings(_Out):
    settings: dict[str, int]
    own: dict[str, int]
    defaults: dict[str, int]


@router.get("")
def get_worklist(actor: CurrentActor, include_acknowledged: Annotated[bool, Query(
        description="also list alerts already acknowledged (with who, when and the note)")] = False) -> Worklist:
    items = worklist.worklist(actor, include_acknowledged=include_acknowledged)
    return Worklist(items=[Alert.model_validate(a) for a in items], total=len(items))


@router.post("/acknowledgements", status_code=201)
def acknowledge(body: AckIn, actor: CurrentActor) -> AckOut:
    row = worklist.acknowledge(actor, body.key, body.note)
    return AckOut(id=row.id, key=row.alert_key, kind=row.kind, patient_id=row.patient_id, note=row.note,
                  created_by=row.created_by, created_at=row.created_at)


@router.get("/settings")
def get_settings(actor: CurrentActor) -> AlertSettings:
    return AlertSettings.model_validate(worklist.get_settings(actor))


@router.put("/settings")
def put_settings(actor: CurrentActor, body: Annotated[dict[str, Any], Body(
        description="the clinic's own thresholds, e.g. {\"no_session_days\": 10}; a name left out takes the default")]
        ) -> AlertSettings:
    return AlertSettings.model_validate(worklist.set_settings(actor, body))
