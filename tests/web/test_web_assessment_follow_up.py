"""A follow-up keeps every stored value: a case with every field of the form set, stored, opened as a follow-up
(?follow_up=1) and posted back exactly as the page renders it, is stored again unchanged. A field the follow-up
form cannot show (no input, a value it does not select) would silently drop a stored answer; for a red-flag input
that is a safety defect. Also: a recent knee injury opens the post-injury knee red flags among the essential ones."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from itertools import cycle

import pytest

from ptplan.core.case import Case
from ptplan.core.kb.loader import default_kb
from ptplan.core.screening import may_be_essential
from ptplan.store.models import Assessment
from ptplan.web import forms

KB = default_kb()
INJURY_FLAGS = sorted(q.id for q in KB.red_flag_questions.values()
                      if q.essential_when is not None and "knee_injury_recent" in str(q.essential_when))


def _csrf(client) -> str:
    return client.cookies.get("ptplan_csrf")


def _new_patient(client) -> int:
    r = client.post("/patients", data={"name": "Follow Up", "csrf_token": _csrf(client)}, follow_redirects=False)
    assert r.status_code == 303, r.text[:400]
    return int(r.headers["location"].rsplit("/", 1)[1])


def every_field_set(kb=KB) -> dict[str, object]:
    """Form values with every case field of the catalogue set (record fields left to the patient record)."""
    answers, flags = cycle(("yes", "no")), cycle(("no", "unknown"))
    out: dict[str, object] = {"complaint": "both"}
    for name, f in forms.all_fields(forms.sections(kb)).items():
        if name in forms.RECORD_FIELDS:
            continue
        if f.kind == "number":
            lo = 0 if f.lo is None else f.lo
            hi = lo + 40 if f.hi is None else f.hi
            value = lo + (hi - lo) / 4
            out[name] = f"{round(value) if name in forms.INTEGER_FIELDS or value.is_integer() else value:g}"
        elif f.kind == "yesno":
            out[name] = next(answers)
        elif f.kind == "radio3":
            out[name] = next(flags)
        elif f.kind == "checks":
            out[name] = list(f.options[:2])
        elif f.kind in ("select", "scale"):
            out[name] = f.options[min(1, len(f.options) - 1)]
        elif f.kind == "textarea":
            out[name] = "孫と散歩する\n階段を上る"
        else:
            out[name] = "杖歩行。夜間痛あり。"
    out["demographics.sex"] = "female"  # pregnancy is among the conditions checked
    return out


class _Form(HTMLParser):
    """What a browser posts for #assessment-form as rendered: (name, value) pairs."""

    def __init__(self):
        super().__init__()
        self.pairs: list[tuple[str, str]] = []
        self.depth, self.select, self.text, self.first = 0, None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == "assessment-form":
            self.depth = 1
        if not self.depth or "name" not in a and tag in ("input", "select", "textarea"):
            return
        if tag == "input" and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("radio", "checkbox"):
                if "checked" in a:
                    self.pairs.append((a["name"], a.get("value", "on")))
            else:
                self.pairs.append((a["name"], a.get("value") or ""))
        elif tag == "select":
            self.select, self.first = a["name"], None
        elif tag == "option" and self.select:
            if self.first is None:
                self.first = a.get("value", "")
            if "selected" in a:
                self.pairs.append((self.select, a.get("value", "")))
                self.select = "done:" + self.select
        elif tag == "textarea":
            self.text = (a["name"], [])

    def handle_endtag(self, tag):
        if tag == "select" and self.select:
            if not self.select.startswith("done:"):
                self.pairs.append((self.select, self.first or ""))
            self.select = None
        elif tag == "textarea" and self.text:
            self.pairs.append((self.text[0], "".join(self.text[1]).removeprefix("\n")))
            self.text = None
        elif tag == "form" and self.depth:
            self.depth = 0

    def handle_data(self, data):
        if self.text:
            self.text[1].append(data)


def posted(html: str) -> dict[str, list[str]]:
    """The posted form by name (a list of values each, as a multi-valued form)."""
    parser = _Form()
    parser.feed(html)
    out: dict[str, list[str]] = {}
    for name, value in parser.pairs:
        out.setdefault(name, []).append(value)
    return out


def _stored(app, pid: int) -> list[dict]:
    with app.state.sessions() as db:
        return [a.case_json for a in db.query(Assessment).filter_by(patient_id=pid).order_by(Assessment.id)]


#: what a case stored through the API can hold that the form has no field for (NOT_ON_FORM and API-only parts)
BEYOND_THE_FORM = {
    "title": "API case", "surgeries": [{"type": "lumbar_fusion", "date": "2026-10-01"}],
    "pregnancy": {"weeks": 20, "pelvic_girdle_pain": True},
    "demographics": {"bmi_recorded": 24.5}, "history": {"back_onset_age": 30, "falls_last_year": 2},
    "symptoms": {"knee_locking": True, "aggravating": ["stairs", "kneeling"], "numbness_sites": ["leg"],
                 "morning_stiffness_minutes": 45},
    "activity": {"walking_aid": "cane", "home_equipment": ["band"], "pool_access": False, "lives_alone": True},
    "questionnaires": {"fabq": [3] * 16},
    "tests": {"passive_slr": {"side": "left", "note": "左で放散痛"}},
    "movement": {"gait": {"side": "right", "measures": {"step_time_asymmetry": 0.12}}},
    "pain": [{"site": "neck", "nrs": 3}, {"site": "low_back", "side": "left"}],
}


def _deep_update(case: dict, extra: dict) -> dict:
    out = dict(case)
    for key, value in extra.items():
        if key == "pain":
            sites = {p["site"]: p for p in out["pain"]}
            for p in value:
                sites.setdefault(p["site"], {}).update(p)
            out["pain"] = list(sites.values())
        elif key in ("tests", "movement"):
            out[key] = {**out[key], **{t: {**out[key].get(t, {}), **v} for t, v in value.items()}}
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


@pytest.mark.parametrize("beyond", [False, True], ids=["form_fields", "and_parts_the_form_has_no_field_for"])
def test_a_follow_up_posted_unchanged_stores_the_same_case(therapist, app, beyond):
    pid = _new_patient(therapist)
    values = every_field_set()
    r = therapist.post(f"/patients/{pid}/assess", data={"csrf_token": _csrf(therapist), **values},
                       follow_redirects=False)
    assert r.status_code == 303, r.text[:1500]
    [first] = _stored(app, pid)
    if beyond:  # as if stored through the API: parts the form cannot show
        first = _deep_update(first, BEYOND_THE_FORM)
        Case.model_validate(first)
        with app.state.sessions() as db:
            row = db.query(Assessment).filter_by(patient_id=pid).one()
            row.case_json = first
            db.commit()
    # every field of the form is in the stored case (the generated case really sets them all)
    assert forms.to_form(first).keys() >= set(values) - {"complaint"}
    html = therapist.get(f"/patients/{pid}/assess?follow_up=1").text
    pairs = posted(html)
    assert pairs["follow_up"] == ["1"] and pairs["history.knee_injury_recent"] == ["yes"]
    r = therapist.post(f"/patients/{pid}/assess", data=pairs, follow_redirects=False)
    assert r.status_code == 303, r.text[:1500]
    first_again, second = _stored(app, pid)
    dropped = {k: v for k, v in forms.to_form(first).items() if forms.to_form(second).get(k) != v}
    assert dropped == {}, f"a follow-up changed or dropped stored values: {dropped}"
    assert second == first
    if beyond:  # shown in the words of a chart, so the clinician knows what is kept without a field
        assert "前回の記録から引き継ぐ項目" in html
        _assert_carried_in_words(html, ["手術歴：腰椎固定術（2026-10-01）", "妊娠：骨盤帯痛 はい、妊娠週数 20",
                                        "疼痛部位：首 NRS 3", "疼痛部位：腰（左） NRS 未記録", "歩行補助具 杖",
                                        "増悪因子 階段・膝をつく", "歩行の観察：動画計測 1 項目、側 右"])
        english = therapist.get(f"/patients/{pid}/assess?follow_up=1&lang=en").text
        _assert_carried_in_words(english, ["Operations: Lumbar fusion (2026-10-01)", "Pain sites: neck NRS 3",
                                           "Walking aid cane", "Made worse by stairs・kneeling"])


def _assert_carried_in_words(html: str, expected: list[str]) -> None:
    section = re.search(r'id="sec-carried"[^>]*>(.*?)</details>', html, re.S).group(1)
    text = re.sub(r"<[^>]+>", " ", section)
    for words in expected:
        assert words in text, (words, text)
    # no case path, id or JSON: no snake_case identifier, no braces, brackets or quotes
    assert not re.search(r'[a-z]+_[a-z_]+|[{}\[\]"]', text), text


@pytest.mark.parametrize("injury", ["yes", "no"])
def test_a_recent_knee_injury_opens_the_post_injury_red_flags(therapist, app, injury):
    pid = _new_patient(therapist)
    r = therapist.post(f"/patients/{pid}/assess/redraw", data={"csrf_token": _csrf(therapist), "complaint": "knee",
                                                               "history.knee_injury_recent": injury})
    assert r.status_code == 200, r.text[:500]
    complaint = re.search(r'id="sec-complaint".*?</section>', r.text, re.S).group(0)
    # asked with the knee complaint, and a change redraws the form (htmx) so the flags appear at once
    assert re.search(r'<select id="f-history-knee_injury_recent" name="history.knee_injury_recent"[^>]*'
                     r'hx-post="/patients/\d+/assess/redraw"', complaint)
    flags = re.search(r'id="sec-essential_flags".*?</section>', r.text, re.S).group(0)
    shown = set(re.findall(r'name="red_flags\.(\w+)"', flags))
    assert len(INJURY_FLAGS) == 4
    facts = {"history.knee_injury_recent": injury == "yes", "pain.knee": True}
    assert shown == set(may_be_essential(KB, ("general", "knee"), facts))
    assert (set(INJURY_FLAGS) <= shown) is (injury == "yes")
    assert not set(INJURY_FLAGS) & shown or injury == "yes"


def test_a_knee_injury_left_unscreened_keeps_the_triage_incomplete(therapist, app):
    """The essential section is all the screen needs: answering it gives a result; the injury flags left out
    (had they stayed hidden) would leave the screen incomplete."""
    pid = _new_patient(therapist)
    base = {"csrf_token": _csrf(therapist), "complaint": "knee", "pain.knee.nrs": "5", "history.knee_injury_recent": "yes"}
    html = therapist.post(f"/patients/{pid}/assess/redraw", data=base).text
    flags = sorted(set(re.findall(r'name="(red_flags\.\w+)"', re.search(r'id="sec-essential_flags".*?</section>',
                                                                         html, re.S).group(0))))
    answers = dict.fromkeys(flags, "no")
    from ptplan.web.views.assessment import triage_of
    assert triage_of({**base, **answers}, "ja", KB)["level"] == "none"
    without = {k: v for k, v in answers.items() if k.removeprefix("red_flags.") not in INJURY_FLAGS}
    assert triage_of({**base, **without}, "ja", KB)["level"] == "incomplete"



def test_only_the_knee_injury_question_redraws_and_test_results_do_not(therapist, app):
    """A redraw swaps the whole form in: on a test result it would wipe the next result being typed, so results
    are re-ranked by 「表示を更新」 only; the knee-injury question (a select, changed once) redraws, one at a time."""
    pid = _new_patient(therapist)
    html = therapist.post(f"/patients/{pid}/assess/redraw", data={"csrf_token": _csrf(therapist), "complaint": "knee"},
                          headers={"HX-Request": "true", "HX-Trigger": "f-history-knee_injury_recent"}).text
    redrawing = re.findall(r'<(?:input|select|textarea)[^>]*name="([^"]+)"[^>]*hx-post="[^"]*/assess/redraw"', html)
    assert redrawing == ["history.knee_injury_recent"]
    assert 'hx-sync="#assessment-form:queue last"' in html and "<script>" not in html
    # asked by a field: the focus is left where htmx restores it, not moved to the complaint
    assert "autofocus" not in html.split('id="sec-chief"')[1].split("</section>")[0]


@pytest.mark.parametrize("carried", ["{not json", "[1, 2]", '{"surgeries": [{"type": "brain"}]}'])
def test_carried_parts_that_do_not_read_are_a_422_naming_them_and_the_form_comes_back(therapist, app, carried):
    pid = _new_patient(therapist)
    data = {"csrf_token": _csrf(therapist), "complaint": "knee", "pain.knee.nrs": "4", "carried": carried,
            "notes": "階段で膝が痛い"}
    r = therapist.post(f"/patients/{pid}/assess", data=data, follow_redirects=False)
    assert r.status_code == 422, r.text[:500]
    assert ("carried" if carried.startswith(("{n", "[")) else "surgeries.0.type") in r.text
    assert "階段で膝が痛い" in r.text and _stored(app, pid) == []


def test_a_test_result_re_ranks_the_next_tests_without_swapping_an_input(therapist, app):
    """Typing a result posts the form (htmx, on change) to the redraw route, which swaps in only the list of the
    next tests: the result leaves it and the next test comes up; no input is replaced, so nothing typed is lost."""
    pid = _new_patient(therapist)
    data = {"csrf_token": _csrf(therapist), "complaint": "knee"}
    html = therapist.post(f"/patients/{pid}/assess/redraw", data=data).text
    plan = re.search(r'id="sec-plan_tests".*?</section>', html, re.S).group(0)
    live = re.search(r'<div class="tests-live" hx-post="/patients/\d+/assess/redraw" hx-trigger="change"[^>]*'
                     r'hx-target="#plan-tests-next" hx-select="#plan-tests-next"', plan)
    assert live and html.count('class="tests-live"') == 3  # plan tests, the folded tests and movement sections
    listed = lambda page: re.findall(r'<li><a href="#grp-(tests|movement)-(\w+)">', re.search(  # noqa: E731
        r'<div id="plan-tests-next".*?</div>', page, re.S).group(0))
    before = listed(html)
    shown = list(dict.fromkeys(re.findall(r'data-field="(tests|movement)\.(\w+)\.', plan)))
    assert before == shown and len(before) == 6  # the same six as the section, best first
    assert "<input" not in re.search(r'<div id="plan-tests-next".*?</div>', html, re.S).group(0)
    for kind, tid in before:
        assert f'id="grp-{kind}-{tid}"' in html  # each links to its test
    kind, tid = before[0]
    fields = forms.all_fields(forms.sections(KB))
    name = next(n for n in fields if n.startswith(f"{kind}.{tid}."))
    f = fields[name]
    value = f.options[0] if f.options else f"{(f.lo or 0) + 1:g}"
    after = listed(therapist.post(f"/patients/{pid}/assess/redraw", data={**data, name: value}).text)
    assert (kind, tid) not in after and after[:5] == [t for t in before if t != (kind, tid)][:5] and len(after) == 6


def _by_site(case: dict) -> dict:
    return {p["site"]: p for p in case["pain"]}


def test_a_follow_up_keeps_a_buttock_thigh_or_leg_site_stored_with_no_nrs(therapist, app):
    """A buttock, thigh or leg pain site with no NRS (stored through the API: the form counts such a site as
    painful only with a number) is kept by a follow-up posted unchanged, with its other details; a site whose
    NRS the clinician clears on the follow-up is gone (the form wins)."""
    pid = _new_patient(therapist)
    values = {k: v for k, v in every_field_set().items() if k not in {f"pain.{s}.nrs" for s in forms.OTHER_PAIN_SITES}}
    r = therapist.post(f"/patients/{pid}/assess", data={"csrf_token": _csrf(therapist), **values},
                       follow_redirects=False)
    assert r.status_code == 303, r.text[:1500]
    [first] = _stored(app, pid)
    first = {**first, "pain": [*first["pain"], {"site": "buttock"}, {"site": "thigh", "side": "left"},
                               {"site": "leg", "nrs": 4, "side": "right"}]}
    Case.model_validate(first)
    with app.state.sessions() as db:
        db.query(Assessment).filter_by(patient_id=pid).one().case_json = first
        db.commit()
    html = therapist.get(f"/patients/{pid}/assess?follow_up=1").text
    pairs = posted(html)
    assert pairs["pain.leg.nrs"] == ["4"] and pairs["pain.buttock.nrs"] == [""]
    r = therapist.post(f"/patients/{pid}/assess", data=pairs, follow_redirects=False)
    assert r.status_code == 303, r.text[:1500]
    second = _stored(app, pid)[-1]
    assert _by_site(second) == _by_site(first)
    assert {k: v for k, v in second.items() if k != "pain"} == {k: v for k, v in first.items() if k != "pain"}
    # an NRS typed now for the bare site: the site keeps its side and takes the number
    r = therapist.post(f"/patients/{pid}/assess", data={**pairs, "pain.thigh.nrs": "2"}, follow_redirects=False)
    assert r.status_code == 303, r.text[:1500]
    assert _by_site(_stored(app, pid)[-1])["thigh"] == {"site": "thigh", "side": "left", "nrs": 2}
    # the leg's NRS cleared: the leg is no longer a painful site, its carried side does not bring it back
    r = therapist.post(f"/patients/{pid}/assess", data={**pairs, "pain.leg.nrs": ""}, follow_redirects=False)
    assert r.status_code == 303, r.text[:1500]
    assert set(_by_site(_stored(app, pid)[-1])) == set(_by_site(first)) - {"leg"}


@pytest.mark.parametrize("joint", ["knee_replacement", "hip_replacement"])
def test_a_carried_joint_replacement_goes_with_its_condition_tick(therapist, app, joint):
    """A stored knee (hip) replacement makes condition.<joint> count (core.facts): the follow-up form ticks the
    condition, kept ticked the operation is carried over; unticked, the operation that implies it is not brought
    back (as pregnancy), so the condition no longer counts. Other operations stay."""
    from ptplan.core.facts import build_facts

    pid = _new_patient(therapist)
    r = therapist.post(f"/patients/{pid}/assess", data={"csrf_token": _csrf(therapist), "complaint": "knee",
                                                        "pain.knee.nrs": "4", "conditions": "osteoporosis"},
                       follow_redirects=False)
    assert r.status_code == 303, r.text[:1500]
    [first] = _stored(app, pid)
    surgeries = [{"type": joint, "side": "left", "date": "2025-06"}, {"type": "lumbar_fusion", "date": "2020-01"}]
    first = {**first, "surgeries": surgeries}
    assert build_facts(Case.model_validate(first)).get(f"condition.{joint}") is True
    with app.state.sessions() as db:
        db.query(Assessment).filter_by(patient_id=pid).one().case_json = first
        db.commit()
    pairs = posted(therapist.get(f"/patients/{pid}/assess?follow_up=1").text)
    assert sorted(pairs["conditions"]) == sorted(["osteoporosis", joint])
    r = therapist.post(f"/patients/{pid}/assess", data=pairs, follow_redirects=False)
    assert r.status_code == 303, r.text[:1500]
    kept = _stored(app, pid)[-1]
    assert kept["surgeries"] == surgeries
    unticked = {**pairs, "conditions": ["osteoporosis"]}
    r = therapist.post(f"/patients/{pid}/assess", data=unticked, follow_redirects=False)
    assert r.status_code == 303, r.text[:1500]
    last = _stored(app, pid)[-1]
    assert last["surgeries"] == surgeries[1:] and last["conditions"] == ["osteoporosis"]
    assert f"condition.{joint}" not in build_facts(Case.model_validate(last))
