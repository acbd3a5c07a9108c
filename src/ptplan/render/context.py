"""The view model every document renderer shares: a plan plus the handout options, ready to print.

Markdown and the HTML/PDF handout read the same context, so they never disagree about what a plan says.
"""

from __future__ import annotations

import datetime as dt
import re

from ptplan.errors import InputError
from ptplan.render import changes as changes_view
from ptplan.render import patient as plain
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


def exercises(plan: dict, lang: str, kb=None) -> list[dict]:
    """Every exercise of the programme in priority order, numbered, with its dose as one line, the name a
    patient reads first and the reason in a patient's words (``plain_why``; the plan's own ``why`` when the
    exercise is not in the knowledge base)."""
    out = []
    comps = sorted(plan["program"].get("components", []), key=lambda c: c.get("priority", 99))
    for comp in comps:
        for ex in comp.get("exercises", []):
            given = ex.get("name", "")
            out.append({**ex, "number": len(out) + 1, "component": comp.get("name", ""),
                        "patient_name": plain.name(ex.get("id", ""), given, lang),
                        "plain_why": plain.reason(ex.get("id", ""), kb, lang) or ex.get("why", ""),
                        "dose_line": dose_text(ex.get("dose", {}), lang), "steps": list(ex.get("steps") or [])})
    return out


def as_list(value) -> list:
    """Plan fields such as a phase's goals may be one string or a list of strings."""
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


#: the most self-care items a handout prints; the rest stay on the therapist's plan
HANDOUT_ADVICE = 8
#: where an advice item belongs when the plan says so (``place``); without it, by category
PLACES = {"see_doctor": "see_doctor", "medical_option": "ask_doctor"}


def _advice(plan: dict, lang: str) -> dict[str, list[dict]]:
    """Advice split for the handout: the ranked short self-care list (at most :data:`HANDOUT_ADVICE`), "see a
    doctor" items, and what to ask a doctor about. Items carry ``rank`` (1 = first) and ``place`` (handout,
    more_information, ask_doctor, see_doctor) once the reasoning ranks them; until then the plan's order holds."""
    out: dict[str, list[dict]] = {"self_care": [], "see_doctor": [], "ask_doctor": [], "more_information": []}
    items = list(plan.get("advice", []))
    if any("rank" in a for a in items):
        items.sort(key=lambda a: a.get("rank") if isinstance(a.get("rank"), int) else 10_000)
    for a in items:
        cat = a.get("category", "education")
        place = a.get("place") or PLACES.get(cat, "handout")
        item = {**a, "category_name": label(cat, lang, CATEGORY) if cat in CATEGORY else ""}
        if place == "handout" and len(out["self_care"]) >= HANDOUT_ADVICE:
            place = "more_information"
        out["self_care" if place == "handout" else place if place in out else "more_information"].append(item)
    return out


def _goals(case: dict | None) -> list[str]:
    goals = (case or {}).get("goals") or []
    return [str(g) for g in goals if str(g).strip()]


def _assessed_on(case: dict | None) -> str | None:
    value = (case or {}).get("assessed_on")
    return str(value) if value else None


def _because(items: list, kb, lang: str) -> list[str]:
    """Red-flag reasons arrive as question ids; show the clinician's short wording of each."""
    questions = kb.red_flag_questions if kb is not None else {}
    return [questions[i].clinician.get(lang) if i in questions else str(i) for i in items]


def program_status(plan: dict) -> str:
    """``issued`` / ``provisional`` / ``withheld`` (plans stored before the field existed: from exercise_allowed)."""
    status = (plan.get("program") or {}).get("status")
    if status:
        return status
    return "issued" if plan["triage"].get("exercise_allowed", True) else "withheld"


def headline(plan: dict, lang: str) -> str:
    triage = plan["triage"]
    level = triage.get("level", "none")
    return triage.get("headline") or (label(level, lang, URGENCY) if level in URGENCY else "")


def _referral(plan: dict, lang: str, kb) -> dict:
    """One action (the most urgent flag's) and every flag as a reason, each with its evidence."""
    triage = plan["triage"]
    flags = [{**f, "because": as_list(f.get("evidence")) or _because(as_list(f.get("because")), kb, lang)}
             for f in triage.get("flags", [])]
    action = triage.get("action") or (flags[0].get("action") if flags else "")
    questions = [q for q in triage.get("to_ask", []) if q.get("essential", True)] if triage.get("level") == "incomplete" else []
    return {"level": triage.get("level", "none"), "headline": headline(plan, lang), "action": action, "flags": flags,
            "questions": questions}


def _phases(plan: dict) -> list[dict]:
    out = []
    for ph in plan["program"].get("phases", []):
        weeks = ph.get("weeks")
        if isinstance(weeks, list | tuple):
            weeks = "–".join(str(w) for w in weeks)
        out.append({**ph, "weeks": str(weeks).replace("-", "–") if weeks else "", "goals": as_list(ph.get("goals")),
                    "progress_when": as_list(ph.get("progress_when"))})
    return out


def _scheduled(plan: dict, days: list[str]) -> dict[str, list[bool]]:
    """exercise id -> one flag per weekday (mon..sun): is it on the schedule that day? All days if unknown."""
    order = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    sched = plan["program"].get("schedule") or {}
    per_day = {d.get("day"): set(d.get("exercises", [])) for d in sched.get("days", []) if isinstance(d, dict)}
    if not per_day:
        return {}
    ids = {e for v in per_day.values() for e in v}
    return {e: [e in per_day.get(d, set()) for d in order] for e in ids}


def _kb(kb):
    if kb is not None:
        return kb
    from ptplan.core.kb.loader import default_kb

    return default_kb()


def build(plan: dict, lang: str, therapist: str | None = None, review_date=None, patient: str | None = None,
          clinic: str | None = None, date=None, kb=None, case: dict | None = None, changes: list[dict] | None = None,
          **_ignored) -> dict:
    """Context for one document. ``date`` defaults to the case's assessment date (``assessed_on``), then
    today; ``review_date`` to ``date`` + ``follow_up.review_weeks``. ``case`` gives the goals; ``changes``
    (:func:`ptplan.core.feedback.changes`, after a review) what has changed since the baseline."""
    _require(plan)
    kb = _kb(kb)
    made = _date(date, "date") or _date(_assessed_on(case), "case.assessed_on") or dt.date.today()
    review = _date(review_date, "review_date")
    weeks = (plan.get("follow_up") or {}).get("review_weeks")
    if review is None and weeks:
        review = made + dt.timedelta(weeks=int(weeks))
    exs = exercises(plan, lang, kb)
    # patient-facing documents show a program only when it is issued (never a provisional one)
    allowed = program_status(plan) == "issued" and plan["triage"].get("exercise_allowed", True) and bool(exs)
    days = _scheduled(plan, DAYS[lang])
    for ex in exs:
        ex["days"] = days.get(ex["id"], [True] * 7)
    advice = _advice(plan, lang)
    see_doctor = as_list((plan.get("follow_up") or {}).get("see_doctor_when"))
    words = labels(lang)
    if plan.get("mode") == "self_check":  # the patient's own self-check, not a therapist's programme
        words["title"] = words["self_title"]
    return {
        "lang": lang, "L": words, "plan": plan, "exercises": exs if allowed else [], "referral_only": not allowed,
        "incomplete": plan["triage"].get("level") == "incomplete",
        "rest_days": any(not on for ex in exs for on in ex["days"]),
        "referral": _referral(plan, lang, kb), "advice": advice["self_care"],
        "ask_doctor": advice["ask_doctor"], "more_information": advice["more_information"],
        "goals": _goals(case) if allowed else [],
        # on paper the exercises are named by their number (the page has room for one line per change)
        "changes": changes_view.view(changes or [], lang, {ex["id"]: str(ex["number"]) for ex in exs},
                                     paper=True) if allowed else None,
        "doctor_advice": [a for a in advice["see_doctor"] if a.get("text") not in see_doctor],  # no repeats
        "components": sorted(plan["program"].get("components", []), key=lambda c: c.get("priority", 99))
        if allowed else [],
        "phases": _phases(plan) if allowed else [],
        "see_doctor": see_doctor,
        "hypotheses": plan.get("hypotheses", []),
        "confidence": {k: label(k, lang, CONFIDENCE) for k in CONFIDENCE},
        "therapist": therapist or "", "patient": patient or "", "clinic": clinic or "",
        "date": format_date(made, lang), "review_date": format_date(review, lang) if allowed else "",
        "date_iso": made.isoformat(), "review_iso": review.isoformat() if review else None,
        "days": DAYS[lang], "disclaimer": plan["disclaimer"], "kb_version": plan.get("kb_version", ""),
        "yellow_flags": plan["triage"].get("yellow_flags", []),
    }
