"""Make the web screenshots of docs/samples with Debian chromium (PTPLAN_CHROMIUM, default /usr/bin/chromium),
from the demo data (``seed.load_demo``) served on a free loopback port:

- web_worklist_ja.png: the demo patient reports a symptom with today's log on her page, then the demo
  therapist's worklist;
- web_plan_ja.png: the therapist's plan page of the demo patient whose plan was made from examples/04;
- web_assessment_knee_ja.png: the complaint-first assessment form after choosing 膝痛 (knee pain).

    .venv/bin/python docs/samples/make_web_samples.py
"""

from __future__ import annotations

from sample_site import HERE, demo_site, log_in
from sqlalchemy import select

from ptplan.store.models import Plan


def main() -> None:
    with demo_site() as (base, page, app):
        with app.state.sessions() as db:
            plan_04 = next(p.id for p in db.scalars(select(Plan)) if p.plan_json.get("case_id") == "ex04")
        log_in(page, base, "demo-patient")
        page.click("#symptoms summary")
        page.check('[name="symptoms.fever"][value="yes"]')
        page.click("#save-session")
        page.wait_for_selector("#symptom-action")
        page.click("nav ~ div form button")  # log out
        page.wait_for_load_state()
        log_in(page, base, "demo-therapist")
        page.goto(f"{base}/worklist")
        page.screenshot(path=str(HERE / "web_worklist_ja.png"), full_page=True)
        page.goto(f"{base}/plans/{plan_04}")
        page.screenshot(path=str(HERE / "web_plan_ja.png"), full_page=True,  # the head of a long page
                        clip={"x": 0, "y": 0, "width": 1200, "height": 2400})
        patient = next(p.patient_id for p in db_plans(app) if p.id == plan_04)
        page.goto(f"{base}/patients/{patient}/assess")
        page.check("#complaint-knee")  # htmx redraws the form for the knee
        page.wait_for_selector("#complaint-knee:checked")
        page.wait_for_load_state("networkidle")
        # a window as tall as the form, so the sticky save bar sits at its foot (a full-page shot leaves it mid-page)
        page.set_viewport_size({"width": 1200, "height": page.evaluate("document.body.scrollHeight")})
        page.screenshot(path=str(HERE / "web_assessment_knee_ja.png"))
    print(f"wrote {HERE}/web_worklist_ja.png, web_plan_ja.png and web_assessment_knee_ja.png")


def db_plans(app) -> list[Plan]:
    with app.state.sessions() as db:
        return list(db.scalars(select(Plan)))


if __name__ == "__main__":
    main()
