"""Session logs and adherence.

A session log records one day's home or clinic session: the exercises actually done (with the
sets, reps, hold or minutes achieved), pain before and after (NRS 0-10), how hard it felt (RPE
0-10) and notes. Adherence compares sessions done with sessions prescribed over a window, using
``sessions_per_week`` from each exercise's dose in the plan JSON (docs/CONTRACTS.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ptplan.errors import InputError, Problem


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExerciseDone(_Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="exercise id from the plan")
    sets: int | None = Field(None, ge=0, le=20)
    reps: int | None = Field(None, ge=0, le=200)
    hold_s: int | None = Field(None, ge=0, le=600, description="seconds per hold")
    duration_min: float | None = Field(None, ge=0, le=300, description="minutes")
    pain_after: float | None = Field(None, ge=0, le=10, description="NRS after this exercise, if recorded")


class SessionLog(_Model):
    date: dt.date
    exercises: list[ExerciseDone] = Field(default_factory=list)
    pain_before: float | None = Field(None, ge=0, le=10, description="NRS 0-10 before the session")
    pain_after: float | None = Field(None, ge=0, le=10, description="NRS 0-10 after the session")
    rpe: float | None = Field(None, ge=0, le=10, description="difficulty, 0-10 rating of perceived exertion")
    notes: str | None = Field(None, max_length=2000)

    @field_validator("exercises", mode="before")
    @classmethod
    def _ids_as_strings(cls, v: Any) -> Any:
        # a plain list of ids is the quickest way to log "did it as prescribed"
        return [{"id": e} if isinstance(e, str) else e for e in v] if isinstance(v, list) else v

    @property
    def pain_rise(self) -> float | None:
        if self.pain_before is None or self.pain_after is None:
            return None
        return self.pain_after - self.pain_before

    def did(self, exercise_id: str) -> bool:
        return any(e.id == exercise_id and e.sets != 0 for e in self.exercises)


def parse_sessions(data: Iterable[Any], path: str = "sessions") -> list[SessionLog]:
    """Validate raw session dicts (or SessionLog objects) into logs sorted by date; one InputError for all problems."""
    if isinstance(data, str | bytes | Mapping) or not isinstance(data, Iterable):
        raise InputError.single(path, "expected a list of sessions", "type", "セッションの記録はリストで入力してください")
    out, problems = [], []
    for i, raw in enumerate(data):
        if isinstance(raw, SessionLog):
            out.append(raw)
            continue
        try:
            out.append(SessionLog.model_validate(raw))
        except ValidationError as exc:
            for e in exc.errors():
                loc = ".".join(str(p) for p in e["loc"])
                problems.append(Problem(f"{path}[{i}].{loc}" if loc else f"{path}[{i}]", e["msg"], e["type"]))
    if problems:
        raise InputError(problems)
    return sorted(out, key=lambda s: s.date)


def plan_exercises(plan: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The exercises of a plan JSON, each with ``component`` (id) and ``family`` added from its component."""
    program = (plan or {}).get("program") or {} if isinstance(plan, Mapping) else None
    if not isinstance(program, Mapping):
        raise InputError.single("plan", "expected the plan JSON (a mapping with program.components)", "type",
                                "計画（program.components を含む対応表）が必要です")
    out = []
    for i, comp in enumerate(program.get("components") or []):
        for j, ex in enumerate(comp.get("exercises") or []):
            if not isinstance(ex, Mapping) or not isinstance(ex.get("id"), str):
                raise InputError.single(f"plan.program.components[{i}].exercises[{j}].id", "expected an exercise id",
                                        "missing", "種目の id が必要です")
            out.append({**ex, "component": comp.get("id"), "family": ex.get("family") or comp.get("family")})
    return out


def window_days(sessions: Sequence[SessionLog], start: dt.date | None = None, end: dt.date | None = None) -> int:
    """Days in the window, both ends included; defaults to the first and last logged session."""
    start = start or (sessions[0].date if sessions else None)
    end = end or (sessions[-1].date if sessions else None)
    if start is None or end is None:
        return 0
    return max(1, (end - start).days + 1)


def adherence(plan: Mapping[str, Any], sessions: Sequence[SessionLog], start: dt.date | None = None,
              end: dt.date | None = None) -> dict[str, Any]:
    """Done / prescribed per exercise and overall over the window (ratios capped at 1.0).

    Prescribed = ``sessions_per_week`` x days / 7. Only sessions inside the window count.
    """
    days = window_days(sessions, start, end)
    lo = start or (sessions[0].date if sessions else None)
    hi = end or (sessions[-1].date if sessions else None)
    inside = [s for s in sessions if lo is not None and lo <= s.date <= hi]
    per: dict[str, dict[str, Any]] = {}
    for ex in plan_exercises(plan):
        spw = (ex.get("dose") or {}).get("sessions_per_week") or 0
        prescribed = round(spw * days / 7, 2)
        done = sum(1 for s in inside if s.did(ex["id"]))
        ratio = round(min(1.0, done / prescribed), 2) if prescribed > 0 else None
        per[ex["id"]] = {"done": done, "prescribed": prescribed, "ratio": ratio}
    total_p = sum(v["prescribed"] for v in per.values())
    total_d = sum(min(v["done"], v["prescribed"]) for v in per.values())
    overall = round(min(1.0, total_d / total_p), 2) if total_p > 0 else None
    return {"overall": overall, "days": days, "start": lo.isoformat() if lo else None,
            "end": hi.isoformat() if hi else None, "per_exercise": per}
