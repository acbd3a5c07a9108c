"""Server-side behaviour of the pages: CSRF, validation errors beside fields, plan edits, sessions, roles."""

from __future__ import annotations

import re

from ptplan.store.models import Plan, SessionLog


def _csrf(client) -> str:
    return client.cookies.get("ptplan_csrf")


def _field_block(html: str, name: str) -> str:
    pattern = rf'<div class="field[^"]*" data-field="{re.escape(name)}">(.*?)</div>\s*(?=<div class="field|</div>)'
    m = re.search(pattern, html, re.S)
    assert m, f"no field {name} in the page"
    return m.group(1)


def test_it_refuses_a_post_without_csrf_token_with_a_clear_403(therapist):
    r = therapist.post("/patients", data={"name": "No Token"})
    assert r.status_code == 403
    assert "CSRF" in r.text
    assert "ページを開き直して" in r.text  # the page says what to do


def test_it_accepts_the_same_post_with_the_token(therapist):
    r = therapist.post("/patients", data={"name": "With Token", "csrf_token": _csrf(therapist)}, follow_redirects=False)
    assert r.status_code == 303
    assert re.match(r"/patients/\d+$", r.headers["location"])


def test_it_redirects_visitors_without_a_session_to_login(app):
    from fastapi.testclient import TestClient

    r = TestClient(app).get("/patients?q=x", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=/patients%3Fq%3Dx"


def test_it_shows_validation_errors_beside_their_fields_and_keeps_the_input(therapist, app):
    pid = app.state.seeded["patient_id"]
    r = therapist.post(f"/patients/{pid}/assess", data={
        "csrf_token": _csrf(therapist), "demographics.age": "abc", "demographics.height_cm": "500",
        "pain.low_back.nrs": "11", "activity.sitting_hours_per_day": "6", "red_flags.saddle_numbness": "no"})
    assert r.status_code == 422
    assert "数値を入力してください" in _field_block(r.text, "demographics.age")
    assert "field-error" in _field_block(r.text, "demographics.height_cm")
    assert "field-error" in _field_block(r.text, "pain.low_back.nrs")
    assert "field-error" not in _field_block(r.text, "activity.sitting_hours_per_day")
    assert 'value="6"' in _field_block(r.text, "activity.sitting_hours_per_day")  # input kept
    assert 'value="abc"' in _field_block(r.text, "demographics.age")


def test_it_saves_an_assessment_and_opens_its_plan(therapist):
    r = therapist.post("/patients", data={"name": "Assessed Patient", "csrf_token": _csrf(therapist)}, follow_redirects=False)
    pid = int(r.headers["location"].rsplit("/", 1)[1])
    r = therapist.post(f"/patients/{pid}/assess", data={
        "csrf_token": _csrf(therapist), "demographics.age": "34", "pain.low_back.nrs": "4", "questionnaires.nrs.0": "4",
        "red_flags.saddle_numbness": "no", "symptoms.worse_sitting": "yes", "symptoms.helps": ["movement", "walking"]},
        follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    page = therapist.get(r.headers["location"])
    assert page.status_code == 200
    assert "運動プログラム" in page.text
    follow_up = therapist.get(f"/patients/{pid}/assess?follow_up=1").text
    assert 'value="34"' in _field_block(follow_up, "demographics.age")
    assert "checked" in _field_block(follow_up, "symptoms.helps")


def test_it_redraws_the_triage_banner_from_red_flag_answers(therapist):
    r = therapist.post("/assess/triage", data={"red_flags.saddle_numbness": "yes"},
                       headers={"X-CSRF-Token": _csrf(therapist)})
    assert r.status_code == 200
    assert 'data-level="emergency"' in r.text
    r = therapist.post("/assess/triage", data={"red_flags.saddle_numbness": "no"}, headers={"X-CSRF-Token": _csrf(therapist)})
    assert 'data-level="incomplete"' in r.text and 'data-level="none"' not in r.text  # one answer is not enough


def test_it_records_plan_edits_and_shows_the_edited_plan(therapist, app):
    plan_id = app.state.seeded["plan_id"]
    page = therapist.get(f"/plans/{plan_id}").text
    first = re.search(r'data-exercise="([a-z0-9_]+)"', page).group(1)
    swap_to = re.search(r'id="c0-e0-swap" name="exercise"><option value="([a-z0-9_]+)"', page).group(1)
    r = therapist.post(f"/plans/{plan_id}/edit", data={"csrf_token": _csrf(therapist), "action": "swap", "component": "0",
                                                       "exercise_index": "0", "exercise": swap_to, "reason": "膝立ちが困難"},
                       follow_redirects=False)
    assert r.status_code == 303
    r = therapist.post(f"/plans/{plan_id}/edit", data={"csrf_token": _csrf(therapist), "action": "dose", "component": "0",
                                                       "exercise_index": "0", "sets": "2", "reps": "8", "reason": "初回は少なめ"},
                       follow_redirects=False)
    assert r.status_code == 303
    with app.state.sessions() as db:
        edits = db.get(Plan, plan_id).edits
    assert [e["op"] for e in edits] == ["swap", "dose"]  # typed records (ptplan.core.plan_edits)
    assert (edits[0]["exercise"], edits[0]["exercise_id"], edits[0]["reason"]) == (first, swap_to, "膝立ちが困難")
    assert edits[1]["path"] == "/program/components/0/exercises/0" and edits[1]["dose"]["sets"] == 2
    assert edits[1]["exercise"] == swap_to  # the dose change lands on the swapped-in exercise
    page = therapist.get(f"/plans/{plan_id}").text
    assert f'data-exercise="{swap_to}"' in page and "2セット" in page


def test_it_refuses_a_plan_edit_without_a_reason_next_to_the_form(therapist, app):
    plan_id = app.state.seeded["plan_id"]
    r = therapist.post(f"/plans/{plan_id}/edit", data={"csrf_token": _csrf(therapist), "action": "remove", "component": "0",
                                                       "exercise_index": "0", "reason": "", "where": "c0-e0"})
    assert r.status_code == 422
    block = r.text[r.text.index('id="c0-e0"'):]
    assert block.index("変更の理由を書いてください") < block.index('class="edit-forms"')


def test_it_logs_a_patient_session_and_charts_it(patient_client, app):
    r = patient_client.get("/me")
    assert r.status_code == 200 and "今日の運動" in r.text
    done = re.findall(r'name="done" value="([a-z0-9_]+)"\s+checked', r.text)
    assert len(done) == 3  # every exercise of the plan, ticked by default
    r = patient_client.post("/me/sessions", data={"csrf_token": _csrf(patient_client), "performed_on": "2026-11-20",
                                                  "done": done[:2], "pain_before": "5", "pain_after": "3", "rpe": "4",
                                                  "note": "楽にできた"}, follow_redirects=False)
    assert r.status_code == 303
    with app.state.sessions() as db:
        row = db.query(SessionLog).one()
    assert (row.pain_before, row.pain_after, row.rpe, row.note) == (5.0, 3.0, 4.0, "楽にできた")
    assert [e["id"] for e in row.exercises] == done[:2]
    progress = patient_client.get("/me/progress").text
    assert progress.count('class="dot"') >= 2  # one point on pain, one on adherence


def test_it_shows_a_session_log_error_beside_the_pain_field(patient_client):
    r = patient_client.post("/me/sessions", data={"csrf_token": _csrf(patient_client), "pain_after": "12"})
    assert r.status_code == 422
    assert re.search(r'id="pain_after-err"[^>]*>0〜10 の数値で入力してください', r.text)


def test_it_keeps_patients_out_of_therapist_pages(patient_client, app):
    assert patient_client.get("/patients").status_code == 403
    assert patient_client.get(f"/plans/{app.state.seeded['plan_id']}").status_code == 403


def test_it_shows_the_emergency_message_and_no_exercises_on_the_self_check(app):
    from fastapi.testclient import TestClient

    r = TestClient(app).post("/self-check", data={"red_flags.saddle_numbness": "yes", "pain": "low_back"})
    assert r.status_code == 200
    assert 'id="emergency"' in r.text
    assert 'id="self-care"' not in r.text and "today-ex" not in r.text


def test_it_lets_an_admin_add_a_patient_login_and_read_the_audit_log(app):
    from conftest import login

    admin = login(app, "admin1")
    r = admin.post("/admin/users", data={"csrf_token": _csrf(admin), "username": "patient2", "password": "short",
                                         "role": "patient", "patient_id": str(app.state.seeded["patient_id"])})
    assert r.status_code == 422 and "パスワードは" in r.text
    r = admin.post("/admin/users", data={"csrf_token": _csrf(admin), "username": "patient2", "password": "long-enough-pw",
                                         "role": "patient", "patient_id": str(app.state.seeded["patient_id"])},
                   follow_redirects=False)
    assert r.status_code == 303
    audit = admin.get("/admin/audit").text
    assert "patient2@test-clinic (patient)" in audit and "login" in audit  # the clinic code ends the name


def test_it_reverts_a_plan_edit_from_the_edit_log_and_keeps_both_records(therapist, app):
    plan_id = app.state.seeded["plan_id"]
    page = therapist.get(f"/plans/{plan_id}").text
    removed = re.search(r'data-exercise="([a-z0-9_]+)"', page).group(1)
    r = therapist.post(f"/plans/{plan_id}/edit", data={"csrf_token": _csrf(therapist), "action": "remove", "component": "0",
                                                       "exercise_index": "0", "reason": "痛みが出る"}, follow_redirects=False)
    assert r.status_code == 303
    assert f'data-exercise="{removed}"' not in therapist.get(f"/plans/{plan_id}").text
    with app.state.sessions() as db:
        seq = db.get(Plan, plan_id).edits[-1]["seq"]
    r = therapist.post(f"/plans/{plan_id}/edit", data={"csrf_token": _csrf(therapist), "action": "revert", "edit": str(seq),
                                                       "reason": "痛みが治まった"}, follow_redirects=False)
    assert r.status_code == 303
    page = therapist.get(f"/plans/{plan_id}").text
    assert f'data-exercise="{removed}"' in page
    log = page[page.index('id="edit-log"'):]
    assert "取り消し" in log and "削除" in log and "痛みが治まった" in log
    with app.state.sessions() as db:
        assert [e["op"] for e in db.get(Plan, plan_id).edits][-2:] == ["remove", "revert"]  # nothing deleted


def test_it_keeps_the_therapists_edits_when_a_follow_up_assessment_makes_a_new_plan(therapist, app):
    r = therapist.post("/patients", data={"name": "Follow Up", "csrf_token": _csrf(therapist)}, follow_redirects=False)
    pid = int(r.headers["location"].rsplit("/", 1)[1])
    form = {"csrf_token": _csrf(therapist), "demographics.age": "34", "pain.low_back.nrs": "4",
            "red_flags.saddle_numbness": "no", "symptoms.worse_sitting": "yes"}
    first = therapist.post(f"/patients/{pid}/assess", data=form, follow_redirects=False).headers["location"]
    page = therapist.get(first).text
    removed = re.search(r'data-exercise="([a-z0-9_]+)"', page).group(1)
    r = therapist.post(f"{first}/edit", data={"csrf_token": _csrf(therapist), "action": "remove", "component": "0",
                                              "exercise_index": "0", "reason": "自宅でできない"}, follow_redirects=False)
    assert r.status_code == 303
    second = therapist.post(f"/patients/{pid}/assess", data={**form, "follow_up": "1"}, follow_redirects=False)
    assert second.status_code == 303 and second.headers["location"] != first
    page = therapist.get(second.headers["location"]).text
    assert f'data-exercise="{removed}"' not in page  # the patient does not get the removed exercise back
    assert "前回から引き継ぎ" in page and "自宅でできない" in page


def test_it_answers_bad_login_and_admin_input_beside_the_field_never_500(app):
    from conftest import login, post_login
    from fastapi.testclient import TestClient

    anonymous = TestClient(app, raise_server_exceptions=False)
    assert post_login(anonymous, "a\x00b", "x").status_code == 401
    admin = login(app, "admin1")
    for form in ({"username": "x" * 300}, {"username": "ok-name", "display_name": "a\x00b"},
                 {"username": "ok-name2", "patient_id": "²"}, {"username": "<b>x y</b>"},
                 {"username": "ok-name3", "role": "patient", "patient_id": "999999"}):  # unknown patient: not a 404 page
        r = admin.post("/admin/users", data={"csrf_token": _csrf(admin), "password": "long-enough-pw", "role": "therapist",
                                             **form})
        assert r.status_code == 422, (form, r.status_code)
        assert "field-error" in r.text  # the message stands beside its field
    assert admin.get("/admin/audit", params={"patient_id": "²", "offset": "9" * 30}).status_code == 200


def test_it_shows_an_impossible_assessment_date_as_a_form_error(therapist, app):
    pid = app.state.seeded["patient_id"]
    r = therapist.post(f"/patients/{pid}/assess", data={"csrf_token": _csrf(therapist), "assessed_on": "2026-02-30",
                                                       "red_flags.saddle_numbness": "no"})
    assert r.status_code == 422 and "assessed_on" in r.text


def test_it_links_the_plan_page_to_its_rehab_plan_pdf(therapist, app):
    plan_id = app.state.seeded["plan_id"]
    page = therapist.get(f"/plans/{plan_id}")
    assert f'href="/plans/{plan_id}/rehab-plan" id="open-rehab-plan"' in page.text
    assert "リハビリテーション実施計画書" in page.text
    pdf = therapist.get(f"/plans/{plan_id}/rehab-plan")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_the_plan_page_marks_a_finding_that_came_from_video_with_its_quality(therapist):
    hdr = {"X-CSRF-Token": _csrf(therapist)}
    pid = therapist.post("/api/v1/patients", json={"name": "Video Patient"}, headers=hdr).json()["id"]
    evidence = {"pelvic_drop": {"measure": "pelvic_drop", "value": 7.5, "unit": "deg", "quality": 0.87}}
    case = {"demographics": {"age": 50}, "pain": [{"site": "low_back", "nrs": 4}], "red_flags": {"saddle_numbness": "no"},
            "movement": {"single_leg_stance": {"observations": ["pelvic_drop"], "source": "video",
                                               "measures": {"pelvic_drop": 7.5}, "evidence": evidence}}}
    r = therapist.post(f"/api/v1/patients/{pid}/assessments", json={"case": case}, headers=hdr)
    assert r.status_code == 201, r.text[:300]
    plan = therapist.post("/api/v1/plans", json={"assessment_id": r.json()["id"], "lang": "ja"}, headers=hdr).json()
    page = therapist.get(f"/plans/{plan['id']}").text
    assert 'data-video-quality="0.87"' in page and "動画 品質 0.87" in page
    assert page.count("data-video-quality") == 1  # only the finding that came from the video


def test_an_admin_turns_keeping_video_clips_on_and_off_on_the_admin_page(app):
    from conftest import login
    from sqlalchemy import select

    from ptplan.store.models import Clinic, User

    admin = login(app, "admin1")

    def kept() -> bool:
        with app.state.sessions() as db:
            return db.scalar(select(Clinic.keep_video_clips).join(User, User.clinic_id == Clinic.id)
                             .where(User.username == "admin1"))

    page = admin.get("/admin").text
    assert 'name="keep_video_clips"' in page and "解析後も動画ファイルを保存する" in page and not kept()
    r = admin.post("/admin/settings", data={"csrf_token": _csrf(admin), "keep_video_clips": "on"}, follow_redirects=False)
    assert r.status_code == 303 and kept()
    assert re.search(r'name="keep_video_clips" value="on" checked', admin.get("/admin").text)
    r = admin.post("/admin/settings", data={"csrf_token": _csrf(admin)}, follow_redirects=False)  # box unchecked
    assert r.status_code == 303 and not kept()
    r = admin.post("/admin/settings", data={"csrf_token": _csrf(admin), "keep_video_clips": "sometimes"})
    assert r.status_code == 422 and "field-error" in r.text and not kept()
    assert admin.post("/admin/settings", data={"keep_video_clips": "on"}).status_code == 403  # no CSRF token
    audit = admin.get("/admin/audit").text
    assert "keep_video_clips: False -&gt; True" in audit and "keep_video_clips: True -&gt; False" in audit
