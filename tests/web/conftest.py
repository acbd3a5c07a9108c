"""Fixtures for the web tests: an app on a temp SQLite DB with a seeded clinic, logged-in test clients,
and (for browser tests) the app served by uvicorn on a free loopback port plus one headless chromium."""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("jinja2")

from fastapi.testclient import TestClient  # noqa: E402

from ptplan.server import create_app  # noqa: E402
from ptplan.settings import Settings  # noqa: E402
from ptplan.store import repositories as repo  # noqa: E402
from ptplan.store.models import Plan  # noqa: E402

PASSWORD = "correct-horse-9"
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("PTPLAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def fixture_plan() -> dict:
    """A small plan in the contract's shape built from real KB exercises (independent of the engine)."""
    from ptplan.core.i18n import Text
    from ptplan.core.kb.loader import default_kb
    from ptplan.core.plan import exercise_json
    from ptplan.core.prescription import Chosen

    kb = default_kb()
    core = [e for e in kb.exercises.values() if e.lens == "core"][:2]
    mobility = [e for e in kb.exercises.values() if e.lens == "mobility" and e.dose.hold_s][:1]

    def item(ex, name):
        component = type("Component", (), {"name": Text(ja=name, en=name)})
        return exercise_json(kb, Chosen(ex, ex.dose.as_plan(), [], []), component, "ja")

    def comp(cid, lens, name, exs):
        return {"id": cid, "name": name, "lens": lens, "family": exs[0].family, "priority": 1, "why": "fixture",
                "refs": list(exs[0].refs), "exercises": [item(e, name) for e in exs]}

    return {"kb_version": kb.version, "lang": "ja",
            "triage": {"level": "none", "exercise_allowed": True, "flags": [], "to_ask": [], "yellow_flags": []},
            "findings": [], "hypotheses": [],
            "program": {"components": [comp("core_control", "core", "体幹の運動制御", core),
                                       comp("hamstring_length", "mobility", "ハムストリングスの柔軟性", mobility)],
                        "phases": [], "schedule": {"sessions_per_week": 3, "days": []}},
            "advice": [], "follow_up": {"review_weeks": 4}, "references": [], "disclaimer": "fixture"}


def seed(app) -> dict:
    """One clinic with a therapist, an admin and a patient (with a login and a fixture plan)."""
    with app.state.sessions() as db:
        clinic = repo.get_or_create_clinic(db, "Test clinic")
        therapist = repo.create_user(db, clinic, "therapist1", PASSWORD, "therapist", "Yamada PT")
        repo.create_user(db, clinic, "admin1", PASSWORD, "admin", "Admin")
        patient = repo.create_patient(db, clinic.id, name="Sato Hanako", birth_year=1980, sex="female")
        repo.create_user(db, clinic, "patient1", PASSWORD, "patient", "Sato", patient_id=patient.id)
        assessment = repo.add_assessment(db, patient, {"red_flags": {}}, None, therapist.id)
        plan = repo.add_record(db, Plan, patient, therapist.id, assessment_id=assessment.id, kb_version="test", lang="ja",
                               plan_json=fixture_plan(), edits=[])
        db.commit()
        return {"patient_id": patient.id, "plan_id": plan.id}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    # One app per test module: migrating and hashing passwords costs seconds; tests use separate rows.
    application = create_app(Settings(data_dir=tmp_path_factory.mktemp("web"), secret_key="web-test-secret-" + "x" * 24))
    application.state.seeded = seed(application)
    return application


def post_login(client: TestClient, username: str, password: str = PASSWORD, **kw):
    """POST /login the way a browser does: open the form first, send its login-CSRF token back."""
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token}, **kw)


def login(app, username: str) -> TestClient:
    client = TestClient(app)
    r = post_login(client, username, follow_redirects=False)
    assert r.status_code == 303, r.text
    return client


@pytest.fixture
def therapist(app) -> TestClient:
    return login(app, "therapist1")


@pytest.fixture
def patient_client(app) -> TestClient:
    return login(app, "patient1")


# --- browser -------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    uvicorn = pytest.importorskip("uvicorn")
    application = create_app(Settings(data_dir=tmp_path_factory.mktemp("live"), secret_key="live-secret-" + "y" * 30))
    application.state.seeded = seed(application)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield {"url": f"http://127.0.0.1:{port}", "app": application, **application.state.seeded}
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"chromium not found at {CHROMIUM} (apt-get install chromium, or set PTPLAN_CHROMIUM)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (Python) is not installed")
    pw = sync_api.sync_playwright().start()
    chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
    pw.stop()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    ctx.set_default_timeout(8000)
    yield ctx
    ctx.close()


def shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def browser_login(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
