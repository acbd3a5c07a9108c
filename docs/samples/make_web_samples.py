"""Make the web screenshots of docs/samples with Debian chromium (PTPLAN_CHROMIUM, default /usr/bin/chromium),
from the demo data (``seed.load_demo``) served on a free loopback port:

- web_worklist_ja.png: the demo patient reports a symptom with today's log on her page, then the demo
  therapist's worklist;
- web_plan_ja.png: the therapist's plan page of the demo patient whose plan was made from examples/04.

    .venv/bin/python docs/samples/make_web_samples.py
"""

from __future__ import annotations

import os
import socket
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright
from sqlalchemy import select

from ptplan.clinic import seed
from ptplan.server import create_app
from ptplan.settings import Settings
from ptplan.store.models import Plan

HERE = Path(__file__).resolve().parent


def main() -> None:
    app = create_app(Settings(data_dir=Path(tempfile.mkdtemp()), secret_key="sample-secret-" + "z" * 30))
    with app.state.sessions() as db:
        seed.load_demo(db)
        db.commit()
        plan_04 = next(p.id for p in db.scalars(select(Plan)) if p.plan_json.get("case_id") == "ex04")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=os.environ.get("PTPLAN_CHROMIUM", "/usr/bin/chromium"),
                                     args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_context(viewport={"width": 1200, "height": 900}, locale="ja-JP").new_page()
        for user in ("demo-patient", "demo-therapist"):
            page.goto(f"{base}/login")
            page.fill("#username", user)
            page.fill("#password", seed.DEMO_PASSWORD)
            page.click("button[type=submit].primary")
            page.wait_for_load_state()
            if user == "demo-patient":
                page.click("#symptoms summary")
                page.check('[name="symptoms.fever"][value="yes"]')
                page.click("#save-session")
                page.wait_for_selector("#symptom-action")
                page.click("nav ~ div form button")  # log out
                page.wait_for_load_state()
        page.goto(f"{base}/worklist")
        page.screenshot(path=str(HERE / "web_worklist_ja.png"), full_page=True)
        page.goto(f"{base}/plans/{plan_04}")
        page.screenshot(path=str(HERE / "web_plan_ja.png"), full_page=True,  # the head of a long page
                        clip={"x": 0, "y": 0, "width": 1200, "height": 2400})
        browser.close()
    server.should_exit = True
    print(f"wrote {HERE}/web_worklist_ja.png and web_plan_ja.png")


if __name__ == "__main__":
    main()
