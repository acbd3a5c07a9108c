"""Clinic outcomes for the clinic lead: the share of patients reaching the MCID on NRS, ODI, RDQ and KOOS-12
at 6 and 12 weeks, adherence (sessions logged / prescribed) and the number of current alerts, for the whole
clinic and split by knee–back pattern and by leading hypothesis. Anonymous: groups only, never a patient.

:func:`summarize` is the arithmetic on plain :class:`PatientRecord` values (unit-tested on constructed
cohorts); :func:`report` reads the clinic through the store and is the audited use case. The MCID test is
the measures' own (:func:`ptplan.core.measures.compare`, direction-aware, points or percent of baseline) with
each MCID's source and status from ``kb/measures.yaml``; windows and the smallest group shown are
``outcomes.yaml``. A group, or a cell, of fewer than ``min_group`` patients is suppressed: its numbers are
``None`` and ``suppressed`` is true, so no reader can take it for 0. Where one suppressed group or cell could be
worked out from the clinic total, the smallest shown one of that split is suppressed as well.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from ptplan.clinic import worklist
from ptplan.clinic.access import Actor, use_case
from ptplan.core import measures as core_measures
from ptplan.core.i18n import Text
from ptplan.store import repositories as repo
from ptplan.store.models import MeasureResult, Patient, SessionLog

DATA = Path(__file__).with_name("outcomes.yaml")
GROUPINGS = ("all", "pattern", "hypothesis")


class Window(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    weeks: int
    from_days: int
    to_days: int
    target_days: int


class OutcomesData(BaseModel):
    model_config = ConfigDict(extra="forbid")
    measures: list[str] = Field(min_length=1)
    windows: list[Window] = Field(min_length=1)
    min_group: int = Field(ge=1)
    adherence_weeks: int = Field(ge=1)
    patterns: dict[str, Text]


@functools.cache
def data() -> OutcomesData:
    return OutcomesData.model_validate(yaml.safe_load(DATA.read_text(encoding="utf-8")))


@dataclass
class PatientRecord:
    """One patient, as the arithmetic needs it (no name, no id)."""

    pattern: str
    hypothesis: str | None
    scores: dict[str, list[tuple[dt.date, float]]] = field(default_factory=dict)  # measure -> dated, oldest first
    sessions_logged: int = 0
    sessions_prescribed: float = 0.0
    alerts: int = 0


def follow_up(series: list[tuple[dt.date, float]], window: Window) -> tuple[float, float] | None:
    """(baseline, follow-up): the first score, and the one inside the window nearest its target day."""
    if len(series) < 2:
        return None
    start, baseline = series[0]
    inside = [(abs((d - start).days - window.target_days), i, v) for i, (d, v) in enumerate(series[1:])
              if window.from_days <= (d - start).days <= window.to_days]
    return (baseline, min(inside)[2]) if inside else None


def reached(name: str, baseline: float, later: float, kb=None) -> bool | None:
    return core_measures.compare(name, baseline, later, kb=kb)["mcid_met"]


def _share(num: float, den: float) -> float | None:
    return round(num / den, 3) if den > 0 else None


def _cell(n: int, hits: int, min_group: int) -> dict[str, Any]:
    if n < min_group:
        return {"n": None, "reached": None, "share": None, "suppressed": True}
    return {"n": n, "reached": hits, "share": _share(hits, n), "suppressed": False}


def _group(records: list[PatientRecord], cfg: OutcomesData, kb) -> dict[str, Any]:
    small = len(records) < cfg.min_group
    mcid: dict[str, dict[str, dict]] = {}
    for name in cfg.measures:
        mcid[name] = {}
        for w in cfg.windows:
            pairs = [p for p in (follow_up(r.scores.get(name, []), w) for r in records) if p is not None]
            hits = sum(1 for b, later in pairs if reached(name, b, later, kb))
            mcid[name][str(w.weeks)] = _cell(0 if small else len(pairs), hits, cfg.min_group)
    logged = sum(r.sessions_logged for r in records)
    prescribed = round(sum(r.sessions_prescribed for r in records), 1)
    return {"patients": None if small else len(records), "suppressed": small, "mcid": mcid,
            "adherence": ({"logged": None, "prescribed": None, "share": None, "suppressed": True} if small else
                          {"logged": logged, "prescribed": prescribed,
                           "share": _share(min(logged, prescribed), prescribed), "suppressed": False}),
            "alerts": {"count": None, "suppressed": True} if small else
            {"count": sum(r.alerts for r in records), "suppressed": False}}


HIDDEN_CELL = {"n": None, "reached": None, "share": None, "suppressed": True}


def _hide(group: dict) -> None:
    group.update(patients=None, suppressed=True, alerts={"count": None, "suppressed": True},
                 adherence={"logged": None, "prescribed": None, "share": None, "suppressed": True})
    for by_week in group["mcid"].values():
        for w in by_week:
            by_week[w] = dict(HIDDEN_CELL)


def _complement(split: list[dict], total: dict) -> None:
    """Each split (by pattern, by hypothesis) covers every patient, so one hidden group or cell could be read
    back as the whole clinic minus the shown ones: then the smallest shown one is hidden too."""
    hidden = [g for g in split if g["suppressed"]]
    shown = [g for g in split if not g["suppressed"]]
    if len(hidden) == 1 and shown and not total["suppressed"]:
        _hide(min(shown, key=lambda g: (g["patients"], g["id"])))
    for name, by_week in total["mcid"].items():
        for w, whole in by_week.items():
            cells = [g["mcid"][name][w] for g in split]
            open_cells = [c for c in cells if not c["suppressed"]]
            if not whole["suppressed"] and sum(c["suppressed"] for c in cells) == 1 and open_cells:
                victim = min(open_cells, key=lambda c: c["n"])
                victim.update(HIDDEN_CELL)


def summarize(records: list[PatientRecord], kb=None, cfg: OutcomesData | None = None) -> list[dict[str, Any]]:
    """One row per group: ``by`` (all / pattern / hypothesis), ``id`` and the numbers (see :func:`_group`)."""
    cfg = cfg or data()
    keys = {"all": lambda r: "all", "pattern": lambda r: r.pattern, "hypothesis": lambda r: r.hypothesis or "none"}
    out = []
    for by in GROUPINGS:
        groups: dict[str, list[PatientRecord]] = {}
        for r in records:
            groups.setdefault(keys[by](r), []).append(r)
        split = [{"by": by, "id": gid, **_group(groups[gid], cfg, kb)} for gid in sorted(groups)]
        if by != "all" and out:
            _complement(split, out[0])
        out += split
    return out


def measure_info(kb, lang: str | None = None) -> list[dict[str, Any]]:
    """The summarised measures with their MCID, its source and status (``unverified`` carried as such)."""
    metas = kb.kind("measures")
    out = []
    for name in data().measures:
        m = metas[name]
        t = m.mcid
        out.append({"id": name, "name": m.name.model_dump(), "direction": m.direction,
                    "mcid": None if t is None else {"points": t.points, "percent": t.percent, "ref": t.ref,
                                                    "status": t.status or "verified"}})
    return out


def group_label(by: str, gid: str, kb) -> dict[str, str]:
    if by == "all":
        return {"ja": "全体", "en": "All patients"}
    if by == "pattern":
        text = data().patterns.get(gid)
        return text.model_dump() if text else {"ja": gid, "en": gid}
    hyp = kb.kind("hypotheses").get(gid)
    return hyp.name.model_dump() if hyp is not None else {"ja": "主な仮説なし", "en": "no leading hypothesis"}


# --- reading the clinic ------------------------------------------------------------------------------------

def _leading(plan_json: dict) -> str | None:
    supported = [h for h in plan_json.get("hypotheses") or [] if h.get("status") == "supported"]
    return max(supported, key=lambda h: h.get("score", 0))["id"] if supported else None


def _prescribed(plan_json: dict, start: dt.date, end: dt.date) -> float:
    spw = ((plan_json.get("program") or {}).get("schedule") or {}).get("sessions_per_week") or 0
    days = max(0, (end - start).days + 1)
    return round(spw * days / 7, 2)


def records(actor: Actor, today: dt.date) -> list[PatientRecord]:
    """Every patient of the actor's clinic with a plan, read in a fixed number of queries."""
    db, cid, cfg = actor.db, actor.clinic_id, data()
    ids = list(db.scalars(select(Patient.id).where(Patient.clinic_id == cid)))
    plans = {pid: v["plan"] for pid, v in repo.visit_dates(db, ids).items() if v["plan"] is not None}
    scores: dict[int, dict[str, list]] = {}
    for m in db.scalars(select(MeasureResult).where(MeasureResult.clinic_id == cid,
                                                    MeasureResult.name.in_(cfg.measures))
                        .order_by(MeasureResult.taken_on, MeasureResult.id)):
        if m.score is not None:
            scores.setdefault(m.patient_id, {}).setdefault(m.name, []).append((m.taken_on, float(m.score)))
    logged: dict[int, list[dt.date]] = {}
    for pid, day in db.execute(select(SessionLog.patient_id, SessionLog.performed_on)
                               .where(SessionLog.clinic_id == cid)):
        logged.setdefault(pid, []).append(day)
    alerts: dict[int, int] = {}
    for a in worklist.compute(actor, today):
        alerts[a["patient_id"]] = alerts.get(a["patient_id"], 0) + 1
    out = []
    for pid, plan in plans.items():
        pj = plan.plan_json or {}
        start = plan.created_at.date()
        end = min(today, start + dt.timedelta(weeks=cfg.adherence_weeks) - dt.timedelta(days=1))
        out.append(PatientRecord(pattern=(pj.get("knee_back") or {}).get("pattern") or "none",
                                 hypothesis=_leading(pj), scores=scores.get(pid, {}),
                                 sessions_logged=sum(1 for d in logged.get(pid, []) if start <= d <= end),
                                 sessions_prescribed=_prescribed(pj, start, end), alerts=alerts.get(pid, 0)))
    return out


@use_case
def report(actor: Actor, today: dt.date | None = None, detail: str = "page") -> dict[str, Any]:
    """The clinic's outcomes (admin only: the clinic lead); audited with how it was read (page, csv, ndjson)."""
    actor.require("admin")
    today = today or dt.date.today()
    kb = actor.knowledge()
    rows = summarize(records(actor, today), kb)
    for row in rows:
        row["label"] = group_label(row["by"], row["id"], kb)
    action = "export" if detail in ("csv", "ndjson") else "read"  # the page and the JSON are reads
    actor.audit(action, "outcomes", detail=f"{detail}: {len(rows)} groups")
    cfg = data()
    return {"as_of": today.isoformat(), "min_group": cfg.min_group, "windows": [w.weeks for w in cfg.windows],
            "measures": measure_info(kb), "groups": rows}
