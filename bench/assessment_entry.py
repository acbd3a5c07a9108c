"""Assessment entry benchmark (not a test): the scripted knee→back assessment of tests/web/assessment_entry.py
typed into the complaint-first form in headless Chromium, against the app served by uvicorn on loopback (a
temporary SQLite data folder, the web tests' seeded clinic). Prints the inputs set, the red-flag answers and
the seconds from opening the form to the plan page, per round and as the median.

    python bench/assessment_entry.py [--rounds 5] [--chromium /usr/bin/chromium]

The first round includes the server's first page renders; compare medians, not single rounds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "web"))

from assessment_entry import knee_then_back  # noqa: E402
from conftest import CHROMIUM_ARGS, browser_login, seed  # noqa: E402

from ptplan.server import create_app  # noqa: E402
from ptplan.settings import Settings  # noqa: E402


def load_average() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def serve(folder: Path):
    import socket

    import uvicorn

    app = create_app(Settings(data_dir=folder, secret_key="bench-secret-" + "z" * 30))
    seeded = seed(app)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    if not server.started:
        raise SystemExit("uvicorn did not start")
    return server, f"http://127.0.0.1:{port}", seeded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--chromium", default=os.environ.get("PTPLAN_CHROMIUM", "/usr/bin/chromium"))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    started, start_load = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"), load_average()
    runs = []
    with tempfile.TemporaryDirectory(prefix="ptplan-bench-entry-") as folder, sync_playwright() as pw:
        server, base, seeded = serve(Path(folder))
        browser = pw.chromium.launch(executable_path=args.chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            for _ in range(args.rounds):
                context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
                page = context.new_page()
                browser_login(page, base, "therapist1")
                runs.append(knee_then_back(page, base, seeded["patient_id"]))
                context.close()
        finally:
            browser.close()
            server.should_exit = True
    ended = dt.datetime.now(dt.UTC).strftime("%H:%M")
    print(f"\nRun {started}–{ended} UTC, {os.cpu_count()} cores, load average (1/5/15 min) {start_load} at the start "
          f"and {load_average()} at the end.\n")
    print("| round | inputs | red-flag answers | triage | seconds |\n| ---: | ---: | ---: | --- | ---: |")
    for i, r in enumerate(runs, 1):
        print(f"| {i} | {r['inputs']} | {r['red_flags']} | {r['level']} | {r['seconds']:.2f} |")
    secs = [r["seconds"] for r in runs]
    print(f"\nknee→back entry: {runs[0]['inputs']} inputs + {runs[0]['red_flags']} red-flag answers; median "
          f"{statistics.median(secs):.2f} s, fastest {min(secs):.2f} s over {len(runs)} rounds.")


if __name__ == "__main__":
    main()
