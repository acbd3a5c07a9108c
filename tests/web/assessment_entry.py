"""A typical knee→back assessment typed into the complaint-first form in a real browser, as a therapist would:
主訴 膝, the knee's pain fields, every essential red-flag question, the tests the form puts under
「プランを左右する検査」; then 主訴 両方, the back's fields, the questions and tests that adds; save, and the plan
page. Used by test_web_assessment_entry.py (the flow works) and bench/assessment_entry.py (how long it takes)."""

from __future__ import annotations

import re
import time

#: what the therapist types, by field (test data, not norms); other numbers get the middle of the field's range
TYPED = {"pain.knee.nrs": "6", "pain.knee.nrs_worst": "8", "pain.knee.side": "right",
         "history.knee_duration_weeks": "40", "pain.low_back.nrs": "4", "pain.low_back.nrs_worst": "6",
         "history.back_duration_weeks": "12", "history.onset_order": "knee_first",
         "tests.single_leg_stance.left": "12", "tests.single_leg_stance.right": "15",
         "tests.chair_stand_30s.value": "11", "tests.thomas_knee.left": "130", "tests.thomas_knee.right": "125",
         "tests.timed_up_and_go.value": "8.5", "tests.stand_up_test.value": "4", "tests.aslr.value": "2",
         "tests.passive_slr.left": "68", "tests.passive_slr.right": "70", "tests.quadriceps_strength.left": "4",
         "tests.quadriceps_strength.right": "3", "tests.knee_extension_range.left": "-5",
         "tests.knee_extension_range.right": "-10", "tests.drawing_in_pbu_supine.value": "-2"}
COMPLAINT_FIELDS = {"knee": ("pain.knee.nrs", "pain.knee.nrs_worst", "pain.knee.side", "history.knee_duration_weeks"),
                    "both": ("pain.low_back.nrs", "pain.low_back.nrs_worst", "history.back_duration_weeks",
                             "history.onset_order")}


def _choose_complaint(page, complaint: str) -> None:
    page.check(f"#complaint-{complaint}")
    page.wait_for_selector(f'#assessment-form[data-complaint="{complaint}"]')  # htmx swapped the form in


def _answer_red_flags(page) -> int:
    """'No' to every essential question not answered yet; the number answered."""
    n = 0
    for radio in page.locator('#sec-essential_flags input[type=radio][value="no"]').all():
        name = radio.get_attribute("name")
        if page.locator(f'[name="{name}"]:checked').count() == 0:
            radio.check()
            n += 1
    return n


def _middle(placeholder: str | None) -> str:
    m = re.match(r"(-?[\d.]+)〜(-?[\d.]+)$", placeholder or "")
    return f"{(float(m.group(1)) + float(m.group(2))) / 2:g}" if m else "1"


def _fill_plan_tests(page) -> int:
    """Every empty field of 「プランを左右する検査」: a number, a yes/no, or one observation; the number filled."""
    n = 0
    for box in page.locator("#sec-plan_tests .field").all():
        name, kind = box.get_attribute("data-field"), box.get_attribute("class")
        if "kind-checks" in kind:
            if box.locator("input:checked").count() == 0:
                box.locator("input[type=checkbox]").first.check()
                n += 1
        elif "kind-yesno" in kind or "kind-select" in kind:
            if not box.locator("select").input_value():
                box.locator("select").select_option("no" if "kind-yesno" in kind else TYPED.get(name, ""))
                n += 1
        else:
            field = box.locator("input")
            if not field.input_value():
                field.fill(TYPED.get(name) or _middle(field.get_attribute("placeholder")))
                n += 1
    return n


def _fill(page, names) -> int:
    for name in names:
        tag = page.locator(f'[name="{name}"]').evaluate("e => e.tagName")
        (page.select_option if tag == "SELECT" else page.fill)(f'[name="{name}"]', TYPED[name])
    return len(names)


def knee_then_back(page, base: str, patient_id: int) -> dict:
    """Run the entry (logged in as a therapist); the inputs set, red-flag answers given, seconds taken and the
    plan page reached."""
    start = time.perf_counter()
    page.goto(f"{base}/patients/{patient_id}/assess")
    _choose_complaint(page, "knee")
    inputs = 1 + _fill(page, COMPLAINT_FIELDS["knee"])
    flags = _answer_red_flags(page)
    inputs += _fill_plan_tests(page)
    _choose_complaint(page, "both")  # the back follows: the form opens what it adds, keeping what was typed
    inputs += 1
    kept = page.input_value('[name="pain.knee.nrs"]')
    inputs += _fill(page, COMPLAINT_FIELDS["both"])
    flags += _answer_red_flags(page)
    inputs += _fill_plan_tests(page)
    page.click("#save-assessment")
    page.wait_for_url(re.compile(r"/plans/\d+$"))
    seconds = time.perf_counter() - start
    return {"inputs": inputs, "red_flags": flags, "seconds": seconds, "kept_knee_nrs": kept, "url": page.url,
            "level": page.locator("#triage-state").get_attribute("data-level")}
