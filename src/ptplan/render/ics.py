"""The weekly schedule as an iCalendar feed (RFC 5545, written with the ``icalendar`` library).

One all-day event per prescribed weekday, repeating weekly from ``start_date`` until the day before the
review, listing that day's exercises with their dose and a reminder at 9:00 that day; one event on the
review date. Event UIDs are stable for a plan (``uid``), and ``sequence`` (the number of edits) rises when
the therapist edits the plan, so a subscribed calendar replaces the events instead of adding new ones.
A program the patient may not receive (provisional or withheld) gives a calendar with the review only.
"""

from __future__ import annotations

import datetime as dt

from icalendar import Alarm, Calendar, Event, vRecur

from ptplan.core.services import program_issued
from ptplan.render.context import _date
from ptplan.render.labels import dose_text

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
BYDAY = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU"}
WORDS = {"ja": {"name": "ptplan 運動の予定", "exercise": "運動", "review": "再評価の予定日",
                "review_text": "担当の理学療法士と経過を確認する日です。", "alarm": "今日の運動の日です"},
         "en": {"name": "ptplan exercise schedule", "exercise": "Exercises", "review": "Review appointment due",
                "review_text": "The day to go over your progress with your physiotherapist.",
                "alarm": "Today is an exercise day"}}
DEFAULT_REVIEW_WEEKS = 4


def _items(plan: dict) -> dict[str, dict]:
    return {ex["id"]: ex for c in (plan.get("program") or {}).get("components") or []
            for ex in c.get("exercises") or [] if isinstance(ex, dict) and "id" in ex}


def first_on_or_after(start: dt.date, day: str) -> dt.date:
    return start + dt.timedelta(days=(DAYS.index(day) - start.weekday()) % 7)


def render_ics(plan: dict, lang: str = "ja", start_date=None, review_date=None, uid: str | None = None,
               sequence: int = 0, stamp: dt.datetime | None = None, **_ignored) -> str:
    lang = "en" if lang == "en" else "ja"
    w = WORDS[lang]
    start = _date(start_date, "start_date") or dt.date.today()
    weeks = ((plan.get("follow_up") or {}).get("review_weeks")) or DEFAULT_REVIEW_WEEKS
    review = _date(review_date, "review_date") or start + dt.timedelta(weeks=int(weeks))
    base = uid or f"ptplan-{plan.get('case_id') or 'plan'}"
    stamp = stamp or dt.datetime.now(dt.UTC).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", "-//ptplan//exercise schedule//" + lang.upper())
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", w["name"])
    items = _items(plan) if program_issued(plan) else {}
    days = ((plan.get("program") or {}).get("schedule") or {}).get("days") or []
    def all_day(uid: str, day: dt.date) -> Event:
        """An all-day event of this calendar's edit sequence."""
        ev = Event()
        ev.add("uid", uid)
        ev.add("dtstamp", stamp)
        ev.add("sequence", sequence)
        ev.add("dtstart", day)
        ev.add("dtend", day + dt.timedelta(days=1))
        return ev

    for d in days:
        names = [items[e] for e in d.get("exercises") or [] if e in items]
        if d.get("day") not in BYDAY or not names:
            continue
        first = first_on_or_after(start, d["day"])
        if first >= review:
            continue
        ev = all_day(f"{base}-{d['day']}@ptplan", first)
        ev.add("rrule", vRecur(freq="WEEKLY", byday=BYDAY[d["day"]], until=review - dt.timedelta(days=1)))
        ev.add("summary", f"{w['exercise']}: " + ("、" if lang == "ja" else ", ").join(x["name"] for x in names))
        ev.add("description", "\n".join(f"・{x['name']} — {dose_text(x.get('dose') or {}, lang)}" for x in names))
        ev.add("categories", ["ptplan"])
        ev.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", w["alarm"])
        alarm.add("trigger", dt.timedelta(hours=9))  # 9:00 on the (all-day) event's day
        ev.add_component(alarm)
        cal.add_component(ev)
    ev = all_day(f"{base}-review@ptplan", review)
    ev.add("summary", w["review"])
    ev.add("description", w["review_text"])
    cal.add_component(ev)
    return cal.to_ical().decode("utf-8")
