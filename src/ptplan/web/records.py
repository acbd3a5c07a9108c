"""Read models for the pages: a patient's dates, current plan and outcome series."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ptplan.core.kb.loader import default_kb
from ptplan.core.sessions import SessionLog as CoreSession
from ptplan.core.sessions import adherence as core_adherence
from ptplan.store import repositories as repo
from ptplan.store.models import Assessment, MeasureResult, Plan, ReviewDecision, SessionLog
from ptplan.web import plan_edits
from ptplan.web.charts import Chart

SCALES = {"nrs": (0, 10, True), "odi": (0, 100, True), "rmdq": (0, 24, True), "koos12": (0, 100, False),
          "koos_ps": (0, 100, True), "jkom": (0, 100, True)}
KNEE_MEASURES = ("koos12", "koos_ps", "jkom")


def latest_plan(db: Session, patient_id: int) -> Plan | None:
    return db.scalars(repo.records_query(Plan, patient_id).limit(1)).first()


def last_visit(db: Session, patient_id: int) -> dt.date | None:
    dates = [db.scalar(select(func.max(SessionLog.performed_on)).where(SessionLog.patient_id == patient_id)),
             db.scalar(select(func.max(Assessment.assessed_on)).where(Assessment.patient_id == patient_id))]
    created = db.scalar(select(func.max(Assessment.created_at)).where(Assessment.patient_id == patient_id))
    dates.append(created.date() if created else None)
    found = [d for d in dates if d is not None]
    return max(found) if found else None


def next_review(db: Session, patient_id: int) -> dt.date | None:
    plan = latest_plan(db, patient_id)
    if plan is None:
        return None
    weeks = (plan.plan_json.get("follow_up") or {}).get("review_weeks") or 4
    last = db.scalar(select(func.max(ReviewDecision.created_at)).where(ReviewDecision.plan_id == plan.id))
    start = max(plan.created_at.date(), last.date() if last else plan.created_at.date())
    return start + dt.timedelta(weeks=int(weeks))


def current_plan(db: Session, patient_id: int) -> tuple[Plan | None, dict | None]:
    row = latest_plan(db, patient_id)
    return row, (plan_edits.effective(row.plan_json, row.edits) if row else None)


def mcid(name: str) -> tuple[float | None, str | None]:
    entry = default_kb().kind("measures").get(name)
    found = getattr(entry, "mcid", None) if entry is not None else None
    points = getattr(found, "points", None) if found is not None else None
    if points is not None:
        return float(points), getattr(found, "ref", None)
    return None, None


def _score(row: MeasureResult) -> float | None:
    if row.score is not None:
        return row.score
    answers = [a for a in (row.answers or []) if a is not None]
    if row.name == "nrs" and answers:
        return round(sum(answers) / len(answers), 1)  # the NRS score is the rating itself
    return None


def measure_series(db: Session, patient_id: int) -> dict[str, list[tuple[dt.date, float]]]:
    series: dict[str, list] = {}
    for row in db.scalars(repo.records_query(MeasureResult, patient_id, newest_first=False)):
        value = _score(row)
        if value is not None:
            series.setdefault(row.name, []).append((row.taken_on, value))
    return series


def sessions(db: Session, patient_id: int, limit: int = 200) -> list[SessionLog]:
    return list(db.scalars(repo.records_query(SessionLog, patient_id, newest_first=False).limit(limit)))


def adherence(rows: list[SessionLog], plan: dict | None) -> list[tuple[dt.date, float]]:
    """Per ISO week with sessions: exercises done / prescribed over that week, as a percentage
    (``ptplan.core.sessions.adherence``, sessions_per_week from each exercise's dose)."""
    if not plan or not rows:
        return []
    logs = [CoreSession(date=r.performed_on, exercises=r.exercises or [], pain_before=r.pain_before,
                        pain_after=r.pain_after) for r in rows]
    weeks = sorted({r.performed_on - dt.timedelta(days=r.performed_on.weekday()) for r in rows})
    out = []
    for monday in weeks:
        overall = core_adherence(plan, logs, start=monday, end=monday + dt.timedelta(days=6))["overall"]
        if overall is not None:
            out.append((monday, round(100 * overall)))
    return out


def charts(db: Session, patient_id: int, _, with_measures: bool = True) -> list[Chart]:
    rows = sessions(db, patient_id)
    _row, plan = current_plan(db, patient_id)
    out = [Chart(_("chart.session_pain"), "NRS", 0, 10,
                 [(r.performed_on, r.pain_after) for r in rows if r.pain_after is not None], *_mcid_args("nrs", _)),
           Chart(_("chart.adherence"), "%", 0, 100, adherence(rows, plan), higher_worse=False)]
    if not with_measures:
        return out
    series = measure_series(db, patient_id)
    for name in ("nrs", "odi", "rmdq"):
        lo, hi, worse = SCALES[name]
        out.append(Chart(_(f"chart.{name}"), _(f"unit.{name}"), lo, hi, series.get(name, []), *_mcid_args(name, _),
                         higher_worse=worse))
    knee = next((n for n in KNEE_MEASURES if series.get(n)), KNEE_MEASURES[0])
    lo, hi, worse = SCALES[knee]
    out.append(Chart(_("chart.knee", measure=knee.upper()), "0-100", lo, hi, series.get(knee, []),
                     *_mcid_args(knee, _), higher_worse=worse))
    return out


def _mcid_args(name: str, _) -> tuple[float | None, str]:
    points, ref = mcid(name)
    return (points, _("chart.mcid", points=f"{points:g}", ref=ref or "-")) if points is not None else (None, "")
