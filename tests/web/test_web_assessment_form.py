"""The fast assessment form: questionnaire answer controls, the JOA sign of knee extension, input kept and
focus on the first error (server side; the browser half is in test_web_assessment_browser.py)."""

from __future__ import annotations

import re

from ptplan.core.kb.loader import default_kb
from ptplan.store.models import Assessment, MeasureResult, Plan


def _csrf(client) -> str:
    return client.cookies.get("ptplan_csrf")


def _new_patient(client, **fields) -> int:
    r = client.post("/patients", data={"name": "Form Patient", "csrf_token": _csrf(client), **fields},
                    follow_redirects=False)
    assert r.status_code == 303, r.text[:400]
    return int(r.headers["location"].rsplit("/", 1)[1])


def _radios(html: str, name: str) -> list[str]:
    return re.findall(rf'type="radio" id="[^"]+" name="{re.escape(name)}" value="([^"]+)"', html)


def test_every_questionnaire_item_offers_the_answer_codes_of_its_measure(therapist, app):
    html = therapist.get(f"/patients/{app.state.seeded['patient_id']}/assess").text
    measures = default_kb().kind("measures")
    assert _radios(html, "questionnaires.start_back.8") == ["0", "1", "2", "3", "4"]  # item 9: five answers
    assert sorted(_radios(html, "questionnaires.start_back.0")) == ["0", "1"]
    assert _radios(html, "questionnaires.odi.0") == ["0", "1", "2", "3", "4", "5"]
    for i in range(len(measures["rmdq"].items)):
        assert sorted(_radios(html, f"questionnaires.rmdq.{i}")) == ["0", "1"]  # yes / no per item
    for i in range(len(measures["koos12"].items)):
        assert _radios(html, f"questionnaires.koos12.{i}") == ["0", "1", "2", "3", "4"]
    # the topic labels of the KB are shown, and the STarT item 9 anchors
    assert measures["odi"].items[4].ja in html and "極めて" in html



def test_fabq_and_locomo25_are_offered_in_the_questionnaire_section_with_their_answer_codes(therapist, app):
    """FABQ (16 items, 0-6) and ロコモ25 (25 items, 0-4; core.measures.locomo, subscaled.fabq) are read by the
    KB's yellow flags and finding rules: the form offers every item with the codes of its measure, labelled
    with the KB's short topic labels, in the 質問票 section (folded in the complaint-first layout)."""
    measures = default_kb().kind("measures")
    assert (len(measures["fabq"].items), len(measures["locomo25"].items)) == (16, 25)
    for complaint in ("", "back"):
        html = therapist.get(f"/patients/{app.state.seeded['patient_id']}/assess").text if not complaint else \
            therapist.post(f"/patients/{app.state.seeded['patient_id']}/assess/redraw",
                           data={"csrf_token": _csrf(therapist), "complaint": complaint}).text
        section = re.search(r'id="sec-questionnaires".*?</(section|details)>', html, re.S).group(0)
        for name, codes in (("fabq", [str(v) for v in range(7)]), ("locomo25", [str(v) for v in range(5)])):
            for i, item in enumerate(measures[name].items):
                assert _radios(section, f"questionnaires.{name}.{i}") == codes, (name, i)
                assert item.ja in section
            assert f"questionnaires.{name}.{len(measures[name].items)}" not in html
        assert "まったくそう思う" in section and "最も悪い回答" in section  # the end anchors of the KB


def _saved(therapist, app, pid: int, data: dict) -> tuple[dict, dict]:
    """Save the form; the stored case and the measure results it scored."""
    r = therapist.post(f"/patients/{pid}/assess", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text[:800]
    with app.state.sessions() as db:
        case = db.query(Assessment).filter_by(patient_id=pid).one().case_json
        return case, {m.name: m.result for m in db.query(MeasureResult).filter_by(patient_id=pid)}


def test_fabq_and_locomo25_answers_are_stored_and_scored(therapist, app):
    pid = _new_patient(therapist)
    fabq = [0, 4, 4, 4, 4, 5, 5, 0, 5, 5, 5, 5, 0, 0, 5, 0]  # PA items 2-5: 16; W items 6, 7, 9-12, 15: 35
    locomo = [1] * 20 + [0] * 5  # 20: the ロコモ度2 range (16-23)
    data = {"csrf_token": _csrf(therapist), "pain.low_back.nrs": "5", "red_flags.saddle_numbness": "no",
            **{f"questionnaires.fabq.{i}": str(v) for i, v in enumerate(fabq)},
            **{f"questionnaires.locomo25.{i}": str(v) for i, v in enumerate(locomo)}}
    case, scores = _saved(therapist, app, pid, data)
    assert case["questionnaires"]["fabq"] == fabq and case["questionnaires"]["locomo25"] == locomo
    assert scores["fabq"]["score"] == 16 and scores["fabq"]["subscales"]["w"] == 35
    assert scores["locomo25"]["score"] == 20 and scores["locomo25"]["band"]["id"] == "stage_2"
    # a code outside the answers is refused naming the item, the rest kept
    r = therapist.post(f"/patients/{pid}/assess", data={**data, "questionnaires.locomo25.3": "5"})
    assert r.status_code == 422
    block = r.text[r.text.index('data-field="questionnaires.locomo25.3"'):]
    assert "field-error" in block[:block.index('data-field="', 20)]
    assert re.search(r'name="questionnaires.fabq.1" value="4"\s+checked', r.text)


def test_the_answers_are_stored_as_codes_and_scored(therapist, app):
    pid = _new_patient(therapist)
    start = ["1", "0", "1", "0", "1", "1", "0", "1", "3"]  # psychosocial 1+1+0+1+(item 9 "very much" = 1) = 4: high
    data = {"csrf_token": _csrf(therapist), "pain.low_back.nrs": "5", "red_flags.saddle_numbness": "no",
            **{f"questionnaires.start_back.{i}": v for i, v in enumerate(start)},
            **{f"questionnaires.rmdq.{i}": ("1" if i < 7 else "0") for i in range(24)},
            **{f"questionnaires.odi.{i}": "2" for i in range(10)}}
    case, scores = _saved(therapist, app, pid, data)
    assert case["questionnaires"]["start_back"] == [1, 0, 1, 0, 1, 1, 0, 1, 3]
    assert scores["start_back"]["band"]["id"] == "high" and scores["start_back"]["score"] == 6
    assert scores["rmdq"]["score"] == 7
    assert scores["odi"]["score"] == 40  # 20 of 50


def test_a_code_outside_the_answers_is_a_field_error_and_everything_typed_is_kept(therapist, app):
    pid = _new_patient(therapist)
    r = therapist.post(f"/patients/{pid}/assess", data={
        "csrf_token": _csrf(therapist), **{f"questionnaires.odi.{i}": "2" for i in range(10)},
        "questionnaires.start_back.8": "7",
        "activity.sitting_hours_per_day": "6", "goals": "孫と公園の階段を上る"})
    assert r.status_code == 422
    block = r.text[r.text.index('data-field="questionnaires.start_back.8"'):]
    assert "field-error" in block[:block.index('data-field="', 20)]
    assert re.search(r'name="questionnaires.odi.0" value="2"\s+checked', r.text)
    assert 'value="6"' in r.text and "孫と公園の階段を上る" in r.text
    # the first field in error takes the focus when the page comes back
    assert re.search(r'name="questionnaires.start_back.8" value="0"\s+autofocus', r.text)
    assert r.text.count("autofocus") == 1


def test_knee_extension_is_entered_in_the_joa_notation(therapist, app):
    pid = _new_patient(therapist)
    html = therapist.get(f"/patients/{pid}/assess").text
    assert "10°不足なら −10" in html  # the sign is explained at the field
    r = therapist.post(f"/patients/{pid}/assess", data={
        "csrf_token": _csrf(therapist), "pain.knee.nrs": "4", "red_flags.saddle_numbness": "no",
        "tests.knee_extension_range.left": "−10", "tests.knee_extension_range.right": "5"}, follow_redirects=False)
    assert r.status_code == 303, r.text[:800]
    with app.state.sessions() as db:
        case = db.query(Assessment).filter_by(patient_id=pid).one().case_json
    # the case keeps degrees short of full extension: −10 (JOA) is a 10° lack; +5 (hyperextension) is −5
    assert (case["tests"]["knee_extension_range"]["left"], case["tests"]["knee_extension_range"]["right"]) == (10, -5)
    with app.state.sessions() as db:
        plan = db.query(Plan).filter_by(patient_id=pid).one().plan_json
    assert "knee_extension_deficit" in {f["id"] for f in plan["findings"]}  # the 10° lack is found (> 5°)
    follow_up = therapist.get(f"/patients/{pid}/assess?follow_up=1").text
    assert 'name="tests.knee_extension_range.left" inputmode="decimal" value="-10"' in follow_up
    assert 'name="tests.knee_extension_range.right" inputmode="decimal" value="5"' in follow_up


def test_a_joa_value_past_the_range_names_the_field(therapist, app):
    pid = _new_patient(therapist)
    r = therapist.post(f"/patients/{pid}/assess", data={"csrf_token": _csrf(therapist),
                                                        "tests.knee_extension_range.left": "-70"})
    assert r.status_code == 422
    block = r.text[r.text.index('data-field="tests.knee_extension_range.left"'):]
    assert "field-error" in block[:block.index('data-field="', 20)]
    assert 'value="-70"' in block


def test_it_takes_age_and_sex_from_the_record_and_saves_diagnosis_comorbidities_notes_and_record_numbers(therapist, app):
    import datetime as dt

    pid = _new_patient(therapist, birth_year="1962", sex="female")
    html = therapist.get(f"/patients/{pid}/assess").text
    age = str(dt.date.today().year - 1962)
    assert re.search(rf'name="demographics.age" inputmode="decimal" value="{age}"', html)
    assert re.search(r'<option value="female"\s+selected', html)
    r = therapist.post(f"/patients/{pid}/assess", data={
        "csrf_token": _csrf(therapist), "demographics.age": age, "demographics.sex": "female",
        "patient.chart_number": "０１２３４", "patient.furigana": "やまだ はなこ", "pain.knee.nrs": "5",
        "history.knee_diagnosis": "osteoarthritis", "history.back_diagnosis": "spinal_stenosis",
        "conditions": ["osteoporosis", "diabetes"], "notes": "杖歩行。\n夜間痛なし", "red_flags.saddle_numbness": "no"},
        follow_redirects=False)
    assert r.status_code == 303, r.text[:800]
    with app.state.sessions() as db:
        from ptplan.store.models import Patient

        case = db.query(Assessment).filter_by(patient_id=pid).one().case_json
        patient = db.get(Patient, pid)
        assert (patient.chart_number, patient.furigana) == ("01234", "ヤマダ ハナコ")  # width and kana folded
    assert case["history"]["knee_diagnosis"] == "osteoarthritis" and case["history"]["back_diagnosis"] == "spinal_stenosis"
    assert case["conditions"] == ["osteoporosis", "diabetes"] and case["notes"] == "杖歩行。\n夜間痛なし"
    assert "patient" not in case
    follow_up = therapist.get(f"/patients/{pid}/assess?follow_up=1").text
    assert 'value="01234"' in follow_up and "ヤマダ ハナコ" in follow_up and "杖歩行。" in follow_up
    assert re.search(r'name="conditions" value="osteoporosis"\s+checked', follow_up)


def test_a_chart_number_of_another_patient_is_refused_at_its_field_and_nothing_is_lost(therapist, app):
    _new_patient(therapist, chart_number="A-77")
    pid = _new_patient(therapist)
    r = therapist.post(f"/patients/{pid}/assess", data={
        "csrf_token": _csrf(therapist), "patient.chart_number": "A-77", "patient.furigana": "サトウ",
        "pain.low_back.nrs": "3", "notes": "メモ"})
    assert r.status_code == 422
    block = r.text[r.text.index('data-field="patient.chart_number"'):]
    assert "別の患者さんに登録されています" in block[:block.index('data-field="', 20)]
    assert re.search(r'name="patient.chart_number" value="A-77"[^>]*autofocus', r.text)
    assert 'value="サトウ"' in r.text and ">メモ</textarea>" in r.text
    with app.state.sessions() as db:
        assert db.query(Assessment).filter_by(patient_id=pid).count() == 0
    r = therapist.post("/patients", data={"name": "Dup", "chart_number": "A-77", "furigana": "abc",
                                          "csrf_token": _csrf(therapist)})
    assert r.status_code == 422 and "カタカナかひらがな" in r.text and 'value="A-77"' in r.text
