"""The view model every document renderer shares: a plan plus the handout options, ready to print.

Markdown and the HTML/PDF handout read the same context, so they never disagree about what a plan says.
"""

from __future__ import annotations

import datetime as dt
import re

from ptplan.errors import InputError
from ptplan.render.labels import CATEGORY, CONFIDENCE, DAYS, URGENCY, dose_text, label, labels

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date(value, field: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not DATE.match(value):
        raise InputError.single(field, f"expected a date as YYYY-MM-DD, got {value!r}", "date",
                                f"日付は YYYY-MM-DD の形で指定してください（{value!r}）")
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise InputError.single(field, f"not a real date: {value}", "date", f"存在しない日付です: {value}") from exc


def format_date(d: dt.date | None, lang: str) -> str:
    if d is None:
        return label("not_set", lang)
    return f"{d.year}年{d.month}月{d.day}日" if lang == "ja" else d.strftime("%-d %B %Y")


def _require(plan: dict) -> None:
    if not isinstance(plan, dict):
        raise InputError.single("plan", "expected the plan JSON object", "type", "プランのJSONオブジェクトが必要です")
    for key in ("triage", "program", "disclaimer"):
        if key not in plan:
            raise InputError.single(key, f"the plan has no '{key}'", "missing", f"プランに '{key}' がありません")


def exercises(plan: dict, lang: str) -> list[dict]:
    """Every exercise of the programme in priority order, numbered, with its dose as one line."""
    out = []
    comps = sorted(plan["program"].get("components", []), key=lambda c: c.get("priority", 99))
    for comp in comps:
        for ex in comp.get("exercises", []):
            out.append({**ex, "number": len(out) + 1, "component": comp.get("name", ""),
                        "dose_line": dose_text(ex.get("dose", {}), lang), "steps": list(ex.get("steps") or [])})
    return out


def _advice(plan: dict, lang: str) -> list[dict]:
    return [{**a, "category_name": label(a.get("category", "education"), lang, CATEGORY)
             if a.get("category") in CATEGORY else ""} for a in plan.get("advice", [])]


def _referral(plan: dict, lang: str) -> dict:
    triage = plan["triage"]
    level = triage.get("level", "none")
    return {"level": level, "headline": label(level, lang, URGENCY) if level in URGENCY else "",
            "flags": triage.get("flags", [])}


def build(plan: dict, lang: str, therapist: str | None = None, review_date=None, patient: str | None = None,
          clinic: str | None = None, date=None, **_ignored) -> dict:
    """Context for one document. ``review_date`` defaults to ``date`` + ``follow_up.review_weeks``."""
    _require(plan)
    made = _date(date, "date") or dt.date.today()
    review = _date(review_date, "review_date")
    weeks = (plan.get("follow_up") or {}).get("review_weeks")
    if review is None and weeks:
        review = made + dt.timedelta(weeks=int(weeks))
    exs = exercises(plan, lang)
    allowed = plan["triage"].get("exercise_allowed", True) and bool(exs)
    return {
        "lang": lang, "L": labels(lang), "plan": plan, "exercises": exs, "referral_only": not allowed,
        "referral": _referral(plan, lang), "advice": _advice(plan, lang),
        "components": sorted(plan["program"].get("components", []), key=lambda c: c.get("priority", 99)),
        "phases": plan["program"].get("phases", []),
        "see_doctor": (plan.get("follow_up") or {}).get("see_doctor_when", []),
        "hypotheses": plan.get("hypotheses", []),
        "confidence": {k: label(k, lang, CONFIDENCE) for k in CONFIDENCE},
        "therapist": therapist or "", "patient": patient or "", "clinic": clinic or "",
        "date": format_date(made, lang), "review_date": format_date(review, lang),
        "days": DAYS[lang], "disclaimer": plan["disclaimer"], "kb_version": plan.get("kb_version", ""),
        "yellow_flags": plan["triage"].get("yellow_flags", []),
    }
