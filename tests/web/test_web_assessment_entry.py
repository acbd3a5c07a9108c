"""The timed scripted entry of a typical knee→back assessment in Chromium (the flow; the time is printed and
recorded, never asserted: bench/assessment_entry.py measures it)."""

from __future__ import annotations

import json

import pytest
from assessment_entry import knee_then_back
from conftest import ROOT, browser_login, shot

from ptplan.core.kb.loader import default_kb
from ptplan.core.screening import may_be_essential

pytestmark = pytest.mark.browser


def test_a_knee_then_back_assessment_is_typed_in_a_few_dozen_inputs(context, live_server):
    base, page = live_server["url"], context.new_page()
    browser_login(page, base, "therapist1")
    run = knee_then_back(page, base, live_server["patient_id"])
    shot(page, "assessment_entry_plan")
    print(f"\nknee→back entry: {run['inputs']} inputs + {run['red_flags']} red-flag answers in {run['seconds']:.1f} s")
    out = ROOT / "artifacts" / "assessment_entry.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({k: run[k] for k in ("inputs", "red_flags", "seconds")}) + "\n", encoding="utf-8")
    assert run["kept_knee_nrs"] == "6"  # switching the complaint to both kept what was typed for the knee
    # every question the screen of back, knee and general needs was on the open form: the screen is complete
    assert run["red_flags"] == len(may_be_essential(default_kb(), ("general", "knee", "spine"), {}))
    assert run["level"] == "none", run
    assert 20 <= run["inputs"] <= 40, run  # the complaint, its pain fields and the plan-changing tests, not 190


def test_without_javascript_the_update_button_redraws_the_form_and_keeps_what_was_typed(browser, live_server):
    ctx = browser.new_context(java_script_enabled=False, locale="ja-JP")
    ctx.set_default_timeout(8000)
    try:
        base, page = live_server["url"], ctx.new_page()
        browser_login(page, base, "therapist1")
        page.goto(f"{base}/patients/{live_server['patient_id']}/assess")
        page.fill('[name="activity.sitting_hours_per_day"]', "9")
        page.check('[name="red_flags.fever"][value="no"]')
        page.check("#complaint-knee")
        page.click("#redraw-assessment")
        page.wait_for_selector('#assessment-form[data-complaint="knee"]')
        assert page.locator("#sec-plan_tests .group.test").count() == 6
        assert page.locator('#sec-essential_flags [name="red_flags.hot_swollen_knee"]').count() == 3
        assert page.locator("#sec-interview").get_attribute("open") is None  # folded
        assert page.input_value('[name="activity.sitting_hours_per_day"]') == "9"
        assert page.is_checked('[name="red_flags.fever"][value="no"]')
    finally:
        ctx.close()


def test_typing_a_test_result_re_ranks_the_next_tests_and_keeps_every_value(context, live_server):
    """In Chromium: a result typed under 「プランを左右する検査」 takes its test off 「次に行うとよい検査」 (htmx swaps in
    only that list), and the next result typed at once is not lost."""
    base, page = live_server["url"], context.new_page()
    browser_login(page, base, "therapist1")
    page.goto(f"{base}/patients/{live_server['patient_id']}/assess")
    page.check("#complaint-knee")
    page.wait_for_selector('#assessment-form[data-complaint="knee"]')
    hrefs = [a.get_attribute("href") for a in page.locator("#plan-tests-next a").all()]
    numbered = [h for h in hrefs if page.locator(f"#sec-plan_tests {h} input[inputmode=decimal]").count()]
    assert len(hrefs) == 6 and len(numbered) >= 2, hrefs
    one = page.locator(f"#sec-plan_tests {numbered[0]} input[inputmode=decimal]").first
    two = page.locator(f"#sec-plan_tests {numbered[1]} input[inputmode=decimal]").first
    one.fill("1")
    two.fill("2")  # typed at once, while the list is being redrawn
    two.press("Tab")
    for href in numbered[:2]:  # both results done: both tests left the list (the CSP forbids page-side eval)
        page.wait_for_selector(f'#plan-tests-next a[href="{href}"]', state="detached")
    assert one.input_value() == "1" and two.input_value() == "2"
    assert page.locator("#plan-tests-next a").count() == 6
