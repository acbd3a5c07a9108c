"""The therapist's worklist: what needs action today in the clinic, most urgent first.

Alert kinds and their order, the default thresholds and the patient-facing symptom texts are data
(``worklist.yaml``); a clinic may set its own thresholds (``clinics.alert_settings``). Each alert has a
``key`` naming it and its occasion (the session, plan, due date or assessment it is about), so an
acknowledged alert stays quiet until something new happens: a later gap, a new due date, a new report.

Kinds: ``red_flag`` (a warning symptom the patient reported with a session log, with the action they
were given), ``flare`` (repeated pain rise after sessions in the recent course, read exactly as the review reads it),
``review_overdue`` / ``review_due``, ``no_session`` (no log for N days on an issued program) and
``screening_incomplete`` (the newest assessment's triage is ``incomplete``).
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ptplan.clinic import read_models
from ptplan.clinic.access import STAFF, Actor, use_case
from ptplan.core import progression, services
from ptplan.core.sessions import SessionLog as CoreSession
from ptplan.errors import ConflictError, InputError, NotFoundError, Problem
from ptplan.store import repositories as repo
from ptplan.store.models import AlertAck, Assessment, Clinic, Patient, Plan, SessionLog

DATA = Path(__file__).with_name("worklist.yaml")
FLARE_RULE = "regress_recent_flares"  # kb/progression.yaml: the review's "repeated flares" rule


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Bilingual(_Strict):
    ja: str
    en: str


class SettingDef(_Strict):
    value: int
    min: int
    max: int
    help: Bilingual


class Kind(_Strict):
    id: str
    priority: int
    name: Bilingual


class WorklistData(_Strict):
    settings: dict[str, SettingDef]
    kinds: list[Kind] = Field(min_length=1)
    symptom_default_action: Bilingual
    symptom_sent_note: Bilingual


@functools.cache
def data() -> WorklistData:
    return WorklistData.model_validate(yaml.safe_load(DATA.read_text(encoding="utf-8")))


def texts() -> dict:
    d = data()
    return {"symptom_default_action": d.symptom_default_action.model_dump(),
            "symptom_sent_note": d.symptom_sent_note.model_dump()}


def check_settings(given: Any) -> dict[str, int]:
    """A clinic's overrides: known names with whole numbers in range, or one InputError naming each field."""
    if not isinstance(given, dict):
        raise InputError.single("settings", "expected a mapping of setting name to a whole number", "type",
                                "設定名と整数の対応表が必要です", status=422)
    defs, problems = data().settings, []
    for name, value in given.items():
        d = defs.get(name)
        if d is None:
            problems.append(Problem(f"settings.{name}", f"unknown setting; expected one of {', '.join(defs)}",
                                    "unknown", "未知の設定です"))
        elif isinstance(value, bool) or not isinstance(value, int) or not d.min <= value <= d.max:
            problems.append(Problem(f"settings.{name}", f"expected a whole number from {d.min} to {d.max} "
                                    f"(got {value!r})", "range", f"{d.min} から {d.max} までの整数を入力してください"))
    if problems:
        raise InputError(problems, status=422)
    return dict(given)


def effective_settings(clinic: Clinic) -> dict[str, int]:
    own = clinic.alert_settings or {}
    return {name: int(own.get(name, d.value)) for name, d in data().settings.items()}


def _flare_count(kb) -> float:
    rule = kb.kind("progression")[FLARE_RULE]
    return float(next(c.value for c in rule.any if c.metric == "recent_flares"))


def _rank() -> dict[str, int]:
    return {k.id: k.priority for k in data().kinds}


def _alert(kind: str, patient: Patient, key: str, reason: dict, link: str, since: dt.date | None,
           **extra) -> dict[str, Any]:
    name = next(k.name for k in data().kinds if k.id == kind)
    return {"kind": kind, "key": key, "patient_id": patient.id, "patient_name": patient.name,
            "title": name.model_dump(), "reason": reason, "link": link,
            "since": since.isoformat() if since else None, **extra}


def _plan_issued(plan: Plan | None) -> bool:
    return plan is not None and services.program_issued(plan.plan_json or {})


def compute(actor: Actor, today: dt.date, patient_ids: list[int] | None = None) -> list[dict[str, Any]]:
    """Every current alert of the actor's clinic (or of these patients), acknowledged or not."""
    db, clinic_id = actor.db, actor.clinic_id
    clinic = db.get(Clinic, clinic_id)
    s = effective_settings(clinic)
    q = select(Patient).where(Patient.clinic_id == clinic_id)
    if patient_ids is not None:
        q = q.where(Patient.id.in_(patient_ids))
    patients = {p.id: p for p in db.scalars(q)}
    ids = list(patients)
    if not ids:
        return []
    dates = repo.visit_dates(db, ids)
    alerts: list[dict] = []
    since = today - dt.timedelta(days=max(s["symptom_days"], s["flare_window_days"]))
    recent: dict[int, list[SessionLog]] = {}
    for row in db.scalars(select(SessionLog).where(SessionLog.clinic_id == clinic_id, SessionLog.patient_id.in_(ids),
                                                   SessionLog.performed_on >= since)
                          .order_by(SessionLog.performed_on, SessionLog.id)):
        recent.setdefault(row.patient_id, []).append(row)
    last_logged = dict(db.execute(select(SessionLog.patient_id, func.max(SessionLog.performed_on))
                                  .where(SessionLog.clinic_id == clinic_id, SessionLog.patient_id.in_(ids))
                                  .group_by(SessionLog.patient_id)).all())
    kb = actor.knowledge()
    for pid, patient in patients.items():
        rows = recent.get(pid, [])
        alerts += _symptom_alerts(patient, rows, today - dt.timedelta(days=s["symptom_days"]), kb)
        alerts += _flare(patient, rows, today - dt.timedelta(days=s["flare_window_days"]), kb)
        plan, last_review = dates[pid]["plan"], dates[pid]["last_review"]
        if _plan_issued(plan):
            alerts += _no_session(patient, plan, last_logged.get(pid), today, s["no_session_days"])
            alerts += _review(patient, plan, read_models.next_review(plan, last_review), today,
                              s["review_due_within_days"])
    alerts += _screening(db, clinic_id, patients, today - dt.timedelta(days=s["screening_days"]))
    return alerts


def _symptom_alerts(patient, rows, start: dt.date, kb) -> list[dict]:
    out = []
    for row in rows:
        rep = row.symptoms or {}
        if row.performed_on < start or not rep.get("yes"):
            continue
        out.append(_alert("red_flag", patient, f"red_flag:{row.id}",
                          {lang: _symptom_reason(rep, lang, kb) for lang in ("ja", "en")}, f"/patients/{patient.id}",
                          row.performed_on, urgency=rep.get("urgency"), action=rep.get("action"),
                          yes=rep.get("yes"), session_id=row.id))
    return out


def _symptom_reason(rep: dict, lang: str, kb) -> str:
    names = [f["suspected"][lang] for f in rep.get("flags") or []]
    questions = kb.red_flag_questions
    said = [getattr(questions[q].clinician, lang) if q in questions else q for q in rep.get("yes") or []]
    if lang == "ja":
        return f"「はい」と回答: {'、'.join(said)}" + (f"（{'、'.join(names)}）" if names else "")
    yes = "; ".join(said)
    return f"answered yes: {yes}" + (f" ({'; '.join(names)})" if names else "")


def _flare(patient, rows, start: dt.date, kb) -> list[dict]:
    """The review's own reading (``core.progression``): flares in the recent course of the sessions logged
    since ``start``, against the count at which rule ``regress_recent_flares`` lowers the load."""
    window = [r for r in rows if r.performed_on >= start]
    logs = [CoreSession(date=r.performed_on, pain_before=r.pain_before, pain_after=r.pain_after) for r in window]
    metrics = progression.session_metrics(logs, kb=kb)
    needed = _flare_count(kb)
    if metrics["recent_flares"] < needed:
        return []
    rise = progression.setting(kb, "flare_pain_rise", 2)
    course = progression.recent(logs, int(progression.setting(kb, "recent_days", 7)),
                                int(progression.setting(kb, "recent_sessions", 3)))
    days = {s.date for s in course}
    risen = [r for r in window if r.performed_on in days and r.pain_before is not None and r.pain_after is not None
             and r.pain_after - r.pain_before >= rise - 1e-9]
    last = risen[-1] if risen else window[-1]
    shown = [f"{r.pain_before:g}→{r.pain_after:g}" for r in risen]
    reason = {"ja": f"直近 {len(course)} 回のうち {metrics['recent_flares']} 回で運動後の痛みが {rise:g} 以上上昇"
                    f"（{'、'.join(shown)}）",
              "en": f"pain rose by {rise:g} or more after {metrics['recent_flares']} of the last {len(course)} "
                    f"sessions ({', '.join(shown)})"}
    link = f"/plans/{last.plan_id}/review" if last.plan_id else f"/patients/{patient.id}"
    return [_alert("flare", patient, f"flare:{last.id}", reason, link, last.performed_on,
                   sessions=[r.id for r in risen])]


def _no_session(patient, plan: Plan, last: dt.date | None, today: dt.date, days: int) -> list[dict]:
    start = last or plan.created_at.date()
    gap = (today - start).days
    if gap < days:
        return []
    reason = {"ja": f"{gap} 日間記録がありません（最終記録: {last.isoformat() if last else 'なし'}）",
              "en": f"no session logged for {gap} days (last: {last.isoformat() if last else 'none'})"}
    return [_alert("no_session", patient, f"no_session:{patient.id}:{start.isoformat()}", reason,
                   f"/patients/{patient.id}", start, days=gap)]


def _review(patient, plan: Plan, due: dt.date | None, today: dt.date, within: int) -> list[dict]:
    if due is None or (due - today).days > within:
        return []
    kind = "review_overdue" if due < today else "review_due"
    late = (today - due).days
    reason = ({"ja": f"再評価予定日 {due.isoformat()} から {late} 日経過", "en": f"review was due {due.isoformat()}, "
               f"{late} days ago"} if kind == "review_overdue" else
              {"ja": f"再評価予定日 {due.isoformat()}", "en": f"review due {due.isoformat()}"})
    return [_alert(kind, patient, f"review:{plan.id}:{due.isoformat()}", reason, f"/plans/{plan.id}/review", due,
                   plan_id=plan.id)]


def _screening(db, clinic_id: int, patients: dict, start: dt.date) -> list[dict]:
    newest = select(Assessment.patient_id, func.max(Assessment.id).label("id")).where(
        Assessment.clinic_id == clinic_id, Assessment.patient_id.in_(list(patients))).group_by(
        Assessment.patient_id).subquery()
    out = []
    for a in db.scalars(select(Assessment).join(newest, Assessment.id == newest.c.id)):
        if a.created_at.date() < start:
            continue
        plan = db.scalars(select(Plan).where(Plan.assessment_id == a.id).order_by(Plan.id.desc()).limit(1)).first()
        triage = (plan.plan_json.get("triage") if plan else None) or _screen(a.case_json)
        if (triage or {}).get("level") != "incomplete":
            continue
        n = triage.get("essential_unanswered") or len([q for q in triage.get("to_ask") or [] if q.get("essential")])
        reason = {"ja": f"評価 第{a.version}版: 必須の安全確認 {n} 問が未回答または「不明」",
                  "en": f"assessment v{a.version}: {n} essential screening question(s) unanswered or 'unknown'"}
        link = f"/plans/{plan.id}" if plan else f"/patients/{a.patient_id}"
        out.append(_alert("screening_incomplete", patients[a.patient_id], f"screening:{a.id}", reason, link,
                          a.created_at.date(), assessment_id=a.id, unanswered=n))
    return out


def _screen(case: dict) -> dict | None:
    try:
        return services.screen_case(case or {})
    except InputError:
        return None


def _sorted(alerts: list[dict]) -> list[dict]:
    rank, urgency = _rank(), {"emergency": 0, "urgent": 1, "routine": 2, "unmatched": 3}
    # most urgent kind first; within red flags the most urgent report; then the oldest occasion first
    return sorted(alerts, key=lambda a: (rank[a["kind"]], urgency.get(a.get("urgency") or "", 9), a["since"] or "",
                                         a["patient_id"]))


def _acks(db, clinic_id: int, keys: list[str]) -> dict[str, AlertAck]:
    if not keys:
        return {}
    return {a.alert_key: a for a in db.scalars(select(AlertAck).where(AlertAck.clinic_id == clinic_id,
                                                                      AlertAck.alert_key.in_(keys)))}


@use_case
def worklist(actor: Actor, today: dt.date | None = None, include_acknowledged: bool = False) -> list[dict]:
    """The clinic's alerts, most urgent first; acknowledged ones only when asked (with who, when, note)."""
    actor.require(*STAFF)
    today = today or dt.date.today()
    alerts = compute(actor, today)
    acks = _acks(actor.db, actor.clinic_id, [a["key"] for a in alerts])
    out = []
    for a in _sorted(alerts):
        ack = acks.get(a["key"])
        if ack is not None and not include_acknowledged:
            continue
        a["acknowledged"] = None if ack is None else {"by": ack.created_by, "at": ack.created_at.isoformat(),
                                                      "note": ack.note}
        out.append(a)
    actor.audit("list", "worklist", detail=f"{len(out)} alerts")
    return out


@use_case
def acknowledge(actor: Actor, key: str, note: str | None, today: dt.date | None = None) -> AlertAck:
    """Mark a current alert of the clinic handled, with a note; the acknowledgement is audited."""
    actor.require(*STAFF)
    today = today or dt.date.today()
    current = {a["key"]: a for a in compute(actor, today)}
    alert = current.get(key)
    if alert is None:
        raise NotFoundError("key", f"no current alert {key!r} in your clinic's worklist")
    if _acks(actor.db, actor.clinic_id, [key]):
        raise ConflictError("key", f"alert {key!r} is already acknowledged", "この通知は確認済みです", "duplicate")
    patient = actor.patient(alert["patient_id"])
    try:
        with actor.db.begin_nested():  # another therapist may acknowledge it at the same moment
            row = repo.add_record(actor.db, AlertAck, patient, actor.user.id, alert_key=key, kind=alert["kind"],
                                  note=note or None)
    except IntegrityError:
        raise ConflictError("key", f"alert {key!r} is already acknowledged", "この通知は確認済みです",
                            "duplicate") from None
    actor.audit("acknowledge", "alert", row.id, patient.id, detail=f"{key}: {note or ''}"[:500])
    return row


@use_case
def get_settings(actor: Actor) -> dict:
    actor.require(*STAFF)
    clinic = actor.db.get(Clinic, actor.clinic_id)
    return {"settings": effective_settings(clinic), "own": dict(clinic.alert_settings or {}),
            "defaults": {n: d.value for n, d in data().settings.items()}}


@use_case
def set_settings(actor: Actor, given: Any) -> dict:
    """The clinic admin sets the clinic's thresholds (a mapping; a name left out takes the default)."""
    actor.require("admin")
    own = check_settings(given)
    clinic = actor.db.get(Clinic, actor.clinic_id)
    clinic.alert_settings = own or None
    actor.db.flush()
    actor.audit("update", "alert_settings", clinic.id, detail=", ".join(f"{k}={v}" for k, v in own.items())[:500])
    return {"settings": effective_settings(clinic), "own": own,
            "defaults": {n: d.value for n, d in data().settings.items()}}
