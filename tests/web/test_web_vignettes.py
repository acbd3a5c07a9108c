"""The clinical vignettes (tests/vignettes) in the web adapters, in headless Chromium: the live banner on the
therapist's assessment form, the plan page and its handout, the public self-check; and the patient's own
page. Here rather than in tests/vignettes so it shares this folder's one browser and live server."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from conftest import browser_login, shot

sys.path.insert(0, str(Path(__file__).parents[1] / "vignettes"))
from vignette_suite import KB, load_all, outcome  # noqa: E402

from ptplan.store import repositories as repo
from ptplan.store.models import Patient, Plan

VIGNETTES = {v["id"]: v for v in load_all()}
WEB = ("web_banner", "web_plan", "web_self_check")
BROWSER = [v for v in VIGNETTES.values() if set(v["expect"].get("adapters", [])) & set(WEB)]


def _answer_red_flags(page, answers: dict) -> None:
    for qid, answer in answers.items():
        page.check(f'[name="red_flags.{qid}"][value="{answer}"]')


def _essential_clinician(v) -> list[str]:
    return [q["clinician"] for q in outcome(v).plan["triage"]["to_ask"] if q["essential"]]


@pytest.mark.browser
@pytest.mark.parametrize("v", BROWSER, ids=[v["id"] for v in BROWSER])
def test_it_shows_the_vignettes_triage_on_the_assessment_form_and_plan(v, context, live_server):
    adapters, level = v["expect"]["adapters"], v["expect"]["triage"]
    base, page = live_server["url"], context.new_page()
    browser_login(page, base, "therapist1")
    page.goto(f"{base}/patients/{live_server['patient_id']}/assess")
    data = v["case_data"]
    page.fill('[name="demographics.age"]', str(data["demographics"]["age"]))
    for p in data["pain"]:
        page.fill(f'[name="pain.{p["site"]}.nrs"]', str(p.get("nrs", 3)))
    answers = data.get("red_flags") or {}
    # an untouched form is "pending"; "don't know" is the same as unanswered, so it wakes the banner up without
    # changing the case; then the vignette's own answers
    _answer_red_flags(page, {"thoracic_pain": answers.get("thoracic_pain", "unknown")})
    _answer_red_flags(page, answers)
    page.wait_for_selector(f'#triage-state[data-level="{level}"]')
    shot(page, f"vignette_{v['id']}_banner")
    if "web_banner" in adapters and level == "incomplete":
        shown = page.locator("#triage-to-ask").inner_text()
        assert all(term in shown for term in _essential_clinician(v))
    if "web_plan" not in adapters:
        return
    page.click("#save-assessment")
    page.wait_for_url(re.compile(r"/plans/\d+$"))
    assert page.locator('#triage-state[data-level="incomplete"]').count() == 1
    assert page.locator("#provisional-mark").is_visible()  # the therapist's program is clearly provisional
    assert page.locator("#program[data-status='provisional']").count() == 1
    shot(page, f"vignette_{v['id']}_plan")
    page.click("#open-handout")
    page.wait_for_load_state()
    handout = page.locator("body").inner_text()
    assert "安全確認の質問に答えてください" in handout and "実施チェック表" not in handout
    shot(page, f"vignette_{v['id']}_handout")


@pytest.mark.browser
def test_it_withholds_the_public_self_check_plan_until_the_essential_questions_are_answered(context, live_server):
    v = VIGNETTES["nothing_answered"]
    assert "web_self_check" in v["expect"]["adapters"]
    page = context.new_page()
    page.goto(f"{live_server['url']}/self-check")
    page.check('[name="red_flags.saddle_numbness"][value="unknown"]')
    page.wait_for_selector('#triage-state[data-level="incomplete"]')
    page.check("#site-low_back")
    page.click("#see-result")
    page.wait_for_selector('#triage-state[data-level="incomplete"]')
    assert page.locator("#self-care").count() == 0 and page.locator(".today-ex").count() == 0
    assert page.locator("#program-note").is_visible() and page.locator("#see-doctor").is_visible()
    assert "肛門や陰部のまわり" in page.locator("#triage-to-ask").inner_text()
    shot(page, "vignette_self_check_incomplete")
    # every question answered "no": now, and only now, green with a self-care plan
    page.goto(f"{live_server['url']}/self-check")
    _answer_red_flags(page, {q.id: "no" for q in KB.red_flag_questions.values() if q.self_check})
    page.wait_for_selector('#triage-state[data-level="none"]')
    page.check("#site-low_back")
    page.click("#see-result")
    page.wait_for_selector("#self-care")


def test_it_keeps_a_provisional_program_off_the_patients_own_page(app, patient_client):
    plan = outcome(VIGNETTES["nothing_answered"]).plan
    assert plan["program"]["status"] == "provisional" and plan["program"]["components"]
    with app.state.sessions() as db:
        patient = db.get(Patient, app.state.seeded["patient_id"])
        assessment = repo.add_assessment(db, patient, VIGNETTES["nothing_answered"]["case_data"], None, None)
        repo.add_record(db, Plan, patient, None, assessment_id=assessment.id, kb_version=plan["kb_version"], lang="ja",
                        plan_json=plan, edits=[])
        db.commit()
    page = patient_client.get("/me").text
    assert 'id="not-issued"' in page
    for c in plan["program"]["components"]:
        for e in c["exercises"]:
            assert f'data-exercise="{e["id"]}"' not in page
