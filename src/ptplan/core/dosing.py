"""Dose changes for the progression engine: one step up or down, or a switch along a KB link.

The steps and limits are data (``type: dose`` entries of ``kb/progression.yaml``). A regression
never raises any dose field: a switch to an easier exercise keeps, for every field both doses
share, the lower of the two values.
"""

from __future__ import annotations

from typing import Any

from ptplan.core.i18n import Text

FIELD_WORDS = {"sets": ("セット数", "sets"), "reps": ("回数", "reps"), "hold_s": ("保持時間（秒）", "hold (s)"),
               "duration_min": ("時間（分）", "minutes")}
COMPARABLE = ("sets", "reps", "hold_s", "duration_min", "sessions_per_week")


def dose_rule(kb, family: str | None):
    rules = [r for r in kb.kind("progression").values() if r.type == "dose"]
    return next((r for r in rules if family in r.families), None) or next(
        (r for r in rules if "any" in r.families), None)


def _kb_dose(kb, exercise_id: str) -> dict[str, Any] | None:
    ex = kb.exercises.get(exercise_id)
    return ex.dose.as_plan() if ex else None


def _link(kb, ex: dict[str, Any], which: str) -> str | None:
    kb_ex = kb.exercises.get(ex["id"])
    return ex.get(which) or (getattr(kb_ex, which) if kb_ex else None)


def _name(kb, exercise_id: str, lang: str) -> str:
    ex = kb.exercises.get(exercise_id)
    return ex.name.get(lang) if ex else exercise_id


def _step_text(field: str, before, after) -> Text:
    ja, en = FIELD_WORDS[field]
    return Text(ja=f"{ja}を {before} → {after} にします。", en=f"{en.capitalize()} {before} → {after}.")


def step_up(kb, ex: dict[str, Any], rule, lang: str) -> tuple[dict, str | None, Text | None]:
    """(new dose, exercise switched to, what changed); (same dose, None, None) when nothing fits."""
    dose = dict(ex.get("dose") or {})
    for s in rule.progress_steps if rule else ():
        cur = dose.get(s.field)
        if cur is not None and cur < s.limit:
            dose[s.field] = min(s.limit, cur + s.step)
            return dose, None, _step_text(s.field, cur, dose[s.field])
    target = _link(kb, ex, "progression")
    if target:
        new = _kb_dose(kb, target) or dose
        return new, target, Text(ja=f"量が上限に達したので「{_name(kb, target, 'ja')}」に進みます。",
                                 en=f"The dose is at its upper limit, so move on to '{_name(kb, target, 'en')}'.")
    return dose, None, None


def capped(new: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """``new`` with every field it shares with ``current`` lowered to at most the current value."""
    out = dict(new)
    for f in COMPARABLE:
        if out.get(f) is not None and current.get(f) is not None:
            out[f] = min(out[f], current[f])
    return out


def step_down(kb, ex: dict[str, Any], rule, lang: str) -> tuple[dict, str | None, Text | None]:
    dose = dict(ex.get("dose") or {})
    target = _link(kb, ex, "regression")
    if target:
        new = capped(_kb_dose(kb, target) or dose, dose)
        return new, target, Text(ja=f"やさしい種目「{_name(kb, target, 'ja')}」に戻します。",
                                 en=f"Go back to the easier '{_name(kb, target, 'en')}'.")
    for s in rule.regress_steps if rule else ():
        cur = dose.get(s.field)
        if cur is not None and cur > s.limit:
            dose[s.field] = max(s.limit, cur - s.step)
            return dose, None, _step_text(s.field, cur, dose[s.field])
    return dose, None, None


def session_minutes(dose: dict[str, Any], limits) -> float:
    """Estimated minutes one session of an exercise takes at ``dose`` (``limits``: the KB's program limits).

    Engine convention, not a clinical number: an aerobic dose is its duration; otherwise every repetition
    takes ``rep_s`` of movement plus its hold, on each side when the dose is per side, with a rest between
    sets and a moment to get into position."""
    if dose.get("duration_min"):
        return float(dose["duration_min"])
    sets, reps, hold = dose.get("sets") or 1, dose.get("reps") or 1, dose.get("hold_s") or 0
    sides = 2 if dose.get("per_side") else 1
    rest = dose.get("rest_s")
    rest = limits.set_rest_s if rest is None else rest
    seconds = sets * reps * (limits.rep_s + hold) * sides + (sets - 1) * rest + limits.setup_s
    return seconds / 60


def day_minutes(dose: dict[str, Any], limits) -> float:
    """Minutes on a day the exercise is done: more than 7 sessions a week means more than one a day."""
    per_week = dose.get("sessions_per_week") or 0
    return session_minutes(dose, limits) * max(1.0, per_week / 7)
