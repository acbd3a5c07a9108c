"""The pages and /docs work in chromium under the Content-Security-Policy: no violation is reported and the
page's scripts ran (htmx loaded, Swagger UI drew the operations)."""

from __future__ import annotations

import pytest
from conftest import browser_login

pytestmark = pytest.mark.browser


def _violations(page) -> list[str]:
    found: list[str] = []
    page.on("console", lambda m: found.append(m.text) if "Content Security Policy" in m.text else None)
    return found


def test_pages_run_under_the_csp_without_violations(live_server, context):
    page = context.new_page()
    found = _violations(page)
    base = live_server["url"]
    browser_login(page, base, "therapist1")
    for path in ("/patients", f"/patients/{live_server['patient_id']}", f"/plans/{live_server['plan_id']}",
                 f"/plans/{live_server['plan_id']}/handout", f"/patients/{live_server['patient_id']}/assess"):
        page.goto(base + path, timeout=60000)
        page.wait_for_load_state("networkidle", timeout=60000)
        assert page.evaluate("typeof htmx") == "object" or path.endswith("/handout"), path
    assert found == []


def test_docs_render_offline_under_the_csp(live_server, context):
    page = context.new_page()
    found = _violations(page)
    outside: list[str] = []
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(live_server["url"])
               else (outside.append(route.request.url), route.abort()))
    page.goto(live_server["url"] + "/docs", timeout=90000)  # 1.5 MB of script: slow on a loaded machine
    page.wait_for_selector(".opblock", timeout=90000)
    assert page.locator(".opblock").count() > 20
    assert outside == [] and found == []
