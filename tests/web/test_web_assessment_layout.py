"""The complaint-first assessment form: 主訴 (back, knee or both) opens its pain fields, every red-flag question
the safety screen of its regions can need, and the tests that would change the plan; the rest is folded.
Redrawn by htmx or, without JavaScript, by the 「表示を更新」 button; nothing typed is lost either way."""

from __future__ import annotations

import re

import pytest

from ptplan.core import services
from ptplan.core.kb.loader import default_kb
from ptplan.core.screening import may_be_essential
from ptplan.store.models import Plan
from ptplan.web import forms

KB = default_kb()
REGIONS = {"back": ("general", "spine"), "knee": ("general", "knee"), "both": ("general", "knee", "spine")}


def _csrf_of(client) -> str:
    return client.cookies.get("ptplan_csrf")


def _section(html: str, sid: str) -> str:
    m = re.search(rf'<(section|details) class="card[^"]*" id="sec-{sid}".*?</\1>', html, re.S)
    assert m, f"no section {sid}"
    return m.group(0)


def _names(html: str) -> list[str]:
    return re.findall(r'<(?:input|select|textarea)[^>]* name="([^"]+)"', html)


def _redraw(client, pid: int, data: dict):
    return client.post(f"/patients/{pid}/assess/redraw", data={"csrf_token": _csrf_of(client), **data})


@pytest.mark.parametrize("complaint", sorted(forms.COMPLAINTS))
def test_every_field_is_in_the_form_once_whatever_the_complaint(complaint):
    secs = forms.sections(KB)
    focus = services.assessment_focus({"pain": [{"site": s} for s in forms.COMPLAINTS[complaint]]}, KB, 6)
    layout = forms.focused(secs, complaint, focus["essential"], focus["tests"])
    every = lambda ss: [f.name for s in ss for f in [*s.fields, *(f for _t, _p, fs in s.groups for f in fs)]]  # noqa: E731
    assert sorted(every(layout)) == sorted(every(secs)) and len(set(every(layout))) == len(every(layout))
    assert [s.id for s in layout][:3] == ["complaint", "essential_flags", "plan_tests"]
    assert all(s.collapsed for s in layout[3:]) and not any(s.collapsed for s in layout[:3])


def test_a_new_form_opens_on_the_complaint_with_every_section_open(therapist, app):
    html = therapist.get(f"/patients/{app.state.seeded['patient_id']}/assess").text
    assert html.index('id="sec-chief"') < html.index('id="sec-record"')
    assert re.findall(r'name="complaint" value="(\w+)"', html) == ["back", "knee", "both"]
    assert 'name="complaint" value="back"\n          aria-describedby="complaint-hint" checked' not in html
    assert "表示を更新" in html and 'formaction="/patients/' in html and "<details class=\"card folded\"" not in html
    assert 'hx-post="/patients/' in html and "/assess/redraw" in html


@pytest.mark.parametrize("complaint", sorted(forms.COMPLAINTS))
def test_the_complaint_opens_its_red_flags_and_tests_and_folds_the_rest(therapist, app, complaint):
    pid = app.state.seeded["patient_id"]
    typed = {"complaint": complaint, "activity.sitting_hours_per_day": "9", "goals": "孫と散歩", "conditions": "diabetes",
             "red_flags.fever": "no"}
    r = _redraw(therapist, pid, typed)
    assert r.status_code == 200, r.text[:500]
    html = r.text
    flags = _section(html, "essential_flags")
    wanted = may_be_essential(KB, REGIONS[complaint], {})  # nothing typed makes a conditional one essential
    assert sorted(set(re.findall(r'name="red_flags\.(\w+)"', flags))) == sorted(wanted)
    assert 'id="triage-banner"' in flags  # the live banner sits with the essential questions
    sites = forms.COMPLAINTS[complaint]
    first = _section(html, "complaint")
    assert all(f'name="pain.{s}.nrs"' in first for s in sites)
    assert ('name="history.onset_order"' in first) == (len(sites) == 2)
    tests = _section(html, "plan_tests")
    expected = services.assessment_focus({"pain": [{"site": s} for s in sites]}, KB, 6)["tests"]
    shown = [t if kind == "tests" else f"{t}_observation"
             for kind, t in re.findall(r'data-field="(tests|movement)\.(\w+)\.', tests)]
    shown = list(dict.fromkeys(shown))
    assert shown == expected and len(expected) == 6
    for sid in ("record", "interview", "questionnaires", "tests", "movement"):
        assert _section(html, sid).startswith('<details class="card folded"')
    # every value typed is there again, and every field is in the form once
    assert 'value="9"' in _section(html, "interview") and "孫と散歩" in html
    assert re.search(r'name="conditions" value="diabetes"\s+checked', html)
    # the chosen complaint keeps the focus when the form is swapped in (htmx focuses autofocus) or reloaded
    assert re.search(rf'name="complaint" value="{complaint}"\s+aria-describedby="complaint-hint" checked autofocus', html)
    names = [n for n in _names(html) if n not in ("csrf_token", "follow_up", "complaint", "assessed_on")]
    radios = {n for n in names if names.count(n) > 1}
    singles = [n for n in names if n not in radios]
    assert len(singles) == len(set(singles))
    assert set(names) >= {f"red_flags.{q}" for q in KB.red_flag_questions}


def test_answering_the_open_red_flags_completes_the_safety_screen(therapist, app):
    """Nothing the screen needs is folded away: answering only what the complaint opens gives a full screen."""
    pid = app.state.seeded["patient_id"]
    html = _redraw(therapist, pid, {"complaint": "both"}).text
    flags = sorted(set(re.findall(r'name="(red_flags\.\w+)"', _section(html, "essential_flags"))))
    data = {"csrf_token": _csrf_of(therapist), "complaint": "both", "pain.knee.nrs": "4", **dict.fromkeys(flags, "no")}
    r = therapist.post(f"/patients/{pid}/assess", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text[:800]
    with app.state.sessions() as db:
        plan = db.get(Plan, int(r.headers["location"].rsplit("/", 1)[1])).plan_json
    assert plan["triage"]["level"] == "none", plan["triage"]


def test_an_error_in_a_folded_section_opens_it_focuses_the_field_and_keeps_everything(therapist, app):
    pid = app.state.seeded["patient_id"]
    data = {"csrf_token": _csrf_of(therapist), "complaint": "knee", "pain.knee.nrs": "6", "demographics.age": "三十四",
            "red_flags.fever": "no", "notes": "階段で膝が痛い"}
    r = therapist.post(f"/patients/{pid}/assess", data=data, follow_redirects=False)
    assert r.status_code == 422
    record = _section(r.text, "record")
    assert record.startswith('<details class="card folded" id="sec-record" data-section="record" open')
    assert re.search(r'name="demographics.age"[^>]*value="三十四"[^>]*autofocus', record, re.S)
    assert "階段で膝が痛い" in r.text and 'value="6"' in _section(r.text, "complaint")
    assert _section(r.text, "interview").startswith('<details class="card folded" id="sec-interview" data-section'
                                                   '="interview" >')  # no error there: stays folded


def test_a_follow_up_opens_on_the_complaint_of_the_last_assessment(therapist, app):
    pid = app.state.seeded["patient_id"]
    r = therapist.post(f"/patients/{pid}/assess", data={"csrf_token": _csrf_of(therapist), "pain.low_back.nrs": "5",
                                                        "pain.knee.nrs": "3", "red_flags.saddle_numbness": "no"},
                       follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    html = therapist.get(f"/patients/{pid}/assess?follow_up=1").text
    assert 'data-complaint="both"' in html and 'value="5"' in _section(html, "complaint")


def test_an_odd_complaint_gives_the_whole_form(therapist, app):
    r = _redraw(therapist, app.state.seeded["patient_id"], {"complaint": "neck", "pain.knee.nrs": "x"})
    assert r.status_code == 200 and 'data-complaint=""' in r.text and '<details class="card folded"' not in r.text
    assert 'value="x"' in r.text
