"""What the screenshot scripts of docs/samples share: the demo clinic served on a free loopback port and a
Japanese Chromium page (PTPLAN_CHROMIUM, default /usr/bin/chromium) that can log in."""

from __future__ import annotations

import contextlib
import os
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import uvicorn
from playwright.sync_api import Page, sync_playwright

from ptplan.clinic import seed
from ptplan.server import create_app
from ptplan.settings import Settings

HERE = Path(__file__).resolve().parent


@contextlib.contextmanager
def demo_site(fill: Callable | None = None) -> Iterator[tuple[str, Page, object]]:
    """Yield (base URL, page, app) for the demo data; ``fill(db)`` may add more before the server starts."""
    app = create_app(Settings(data_dir=Path(tempfile.mkdtemp()), secret_key="sample-secret-" + "z" * 30))
    with app.state.sessions() as db:
        seed.load_demo(db)
        if fill is not None:
            fill(db)
        db.commit()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=os.environ.get("PTPLAN_CHROMIUM", "/usr/bin/chromium"),
                                         args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_context(viewport={"width": 1200, "height": 900}, locale="ja-JP").new_page()
            yield f"http://127.0.0.1:{port}", page, app
            browser.close()
    finally:
        server.should_exit = True


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", seed.DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
