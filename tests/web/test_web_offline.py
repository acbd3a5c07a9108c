"""The patient's pages offline: the manifest and service worker are served, logout clears what the phone
kept, a session log sent twice with one client_key is stored once, and in chromium the patient page opens
with the network off after one visit and an offline log is sent once when the phone is back online."""

from __future__ import annotations

import json
import re
import time

import pytest
from conftest import PASSWORD, browser_login, shot
from sqlalchemy import func, select

from ptplan.store.models import SessionLog

QUEUE = "ptplan.offline-sessions"  # static/offline.js


def _csrf(client) -> str:
    return client.cookies.get("ptplan_csrf")


@pytest.mark.parametrize("lang,name", [("ja", "今日の運動"), ("en", "today's exercises")])
def test_the_manifest_names_the_app_and_its_icons(app, lang, name):
    from fastapi.testclient import TestClient

    client = TestClient(app)  # browsers fetch the manifest without cookies: it needs no login
    r = client.get(f"/patient.webmanifest?lang={lang}")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/manifest+json")
    body = json.loads(r.text)
    assert name in body["name"] and body["short_name"] and body["lang"] == lang
    assert body["start_url"] == body["scope"] == "/me" and body["display"] == "standalone"
    sizes = set()
    for icon in body["icons"]:
        got = client.get(icon["src"])
        assert got.status_code == 200 and got.headers["content-type"].startswith(icon["type"]), icon
        if icon["type"] == "image/png":
            assert got.content[:8] == b"\x89PNG\r\n\x1a\n"
            width, height = int.from_bytes(got.content[16:20], "big"), int.from_bytes(got.content[20:24], "big")
            assert f"{width}x{height}" == icon["sizes"], icon
            sizes.add(width)
    assert {192, 512} <= sizes  # what installability asks for


def test_the_patient_page_links_the_manifest_and_the_worker_script_is_javascript(app, patient_client):
    html = patient_client.get("/me").text
    assert '<link rel="manifest" href="/patient.webmanifest?lang=ja">' in html
    assert '<script src="/static/offline.js" defer></script>' in html
    assert re.search(r'name="client_key" value="[A-Za-z0-9_-]{16,64}"', html)
    assert 'id="offline-status"' in html and "data-l-sent=" in html
    # Each warning-sign question's "yes" carries what that answer means, for a log kept offline.
    questions = set(re.findall(r'name="symptoms\.([a-z0-9_]+)" value="yes"', html))
    with_action = set(re.findall(r'name="symptoms\.([a-z0-9_]+)" value="yes"\s+data-action="[^"]{10,}"', html))
    assert questions and with_action == questions
    sw = patient_client.get("/patient-sw.js")
    assert sw.status_code == 200 and sw.headers["content-type"].startswith("text/javascript")
    assert "self.addEventListener(\"fetch\"" in sw.text
    csp = sw.headers["content-security-policy"]
    assert "worker-src 'self'" in csp and "manifest-src 'self'" in csp


def test_the_manifest_is_not_on_staff_pages(app):
    from conftest import login

    html = login(app, "therapist1").get("/patients").text
    assert "patient.webmanifest" not in html and "offline.js" not in html


def test_a_log_sent_twice_with_one_client_key_is_stored_once(app, patient_client):
    form = {"csrf_token": _csrf(patient_client), "performed_on": "2026-11-21", "pain_before": "4", "pain_after": "2",
            "client_key": "replayed-key-0001"}
    first = patient_client.post("/me/sessions", data=form, follow_redirects=False)
    again = patient_client.post("/me/sessions", data=form, follow_redirects=False)
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"] == "/me/progress?saved=1"
    other = patient_client.post("/me/sessions", data={**form, "client_key": "another-key-0002"}, follow_redirects=False)
    assert other.status_code == 303
    with app.state.sessions() as db:
        keys = db.scalars(select(SessionLog.client_key).where(SessionLog.performed_on == "2026-11-21")).all()
    assert sorted(keys) == ["another-key-0002", "replayed-key-0001"]


def test_a_malformed_client_key_is_refused_and_the_form_kept(patient_client):
    r = patient_client.post("/me/sessions", data={"csrf_token": _csrf(patient_client), "pain_before": "4",
                                                  "client_key": "bad key!"})
    assert r.status_code == 422
    assert 'id="pain_before" name="pain_before" inputmode="decimal" value="4"' in r.text


def test_logout_clears_what_the_phone_kept(app):
    from conftest import post_login
    from fastapi.testclient import TestClient

    client = TestClient(app)
    post_login(client, "patient1", PASSWORD)
    r = client.post("/logout", data={"csrf_token": _csrf(client)}, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["clear-site-data"] == '"cache", "storage"'


# --- chromium -----------------------------------------------------------------------------------

def _sessions(live_server, key: str | None = None) -> int:
    with live_server["app"].state.sessions() as db:
        q = select(func.count()).select_from(SessionLog).where(SessionLog.patient_id == live_server["patient_id"])
        if key is not None:
            q = q.where(SessionLog.client_key == key)
        return db.scalar(q)


def _until(page, script: str, timeout: float = 20.0) -> None:
    """Wait until an async script is true (``wait_for_function`` does not wait for a promise)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"still false: {script}"
        time.sleep(0.1)


def _queue(page) -> list:
    return page.evaluate(f"JSON.parse(localStorage.getItem('{QUEUE}') || '[]')")


def _visit_online(context, live_server):
    """Log in and open /me once; returns the page when the service worker controls it and keeps /me."""
    page = context.new_page()
    browser_login(page, live_server["url"], "patient1")
    assert page.url.endswith("/me")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20000)  # a loaded CI machine
    _until(page, "caches.open('ptplan-patient-v1').then(c => c.match('/me')).then(r => !!r)")
    return page


@pytest.mark.browser
def test_the_patient_page_opens_with_the_network_off_after_one_visit(context, live_server):
    page = _visit_online(context, live_server)
    online_names = page.locator(".today-ex h2").all_inner_texts()
    assert online_names
    context.set_offline(True)
    resp = page.goto(live_server["url"] + "/me")
    assert resp is not None and resp.from_service_worker
    assert page.locator(".today-ex h2").all_inner_texts() == online_names
    assert page.locator(".today-ex .figure svg").count() >= 1  # the drawings are in the page itself
    assert page.evaluate("getComputedStyle(document.querySelector('.card')).borderTopStyle") == "solid"  # app.css
    timer = page.locator(".timer").first
    timer.locator(".timer-start").click()
    page.wait_for_function("el => /\\d+s/.test(el.textContent)", arg=timer.locator(".timer-display").element_handle())
    assert "オフライン" in page.locator("#offline-status").inner_text()
    shot(page, "patient_offline")
    context.set_offline(False)


@pytest.mark.browser
def test_a_log_made_offline_is_sent_once_when_back_online(context, live_server):
    page = _visit_online(context, live_server)
    before = _sessions(live_server)
    context.set_offline(True)
    page.goto(live_server["url"] + "/me")
    page.fill("#pain_before", "12")  # checked before it is kept: the patient fixes it now, not later
    page.click("#save-session")
    assert page.locator("#pain_before-err").inner_text() == "0〜10 の数値で入力してください"
    assert _queue(page) == []
    page.fill("#pain_before", "3")
    page.fill("#note", "オフラインで記録")
    page.click("#save-session")
    assert "端末に保存しました" in page.locator("#offline-status").inner_text()
    queued = _queue(page)
    assert len(queued) == 1
    key = queued[0]["key"]
    assert _sessions(live_server) == before  # nothing reached the server
    context.set_offline(False)
    page.wait_for_function(f"() => JSON.parse(localStorage.getItem('{QUEUE}')).length === 0", timeout=20000)
    page.wait_for_function("() => document.querySelector('#offline-status').textContent.includes('送信しました')", timeout=20000)
    assert _sessions(live_server, key) == 1
    # The answer was lost after the server stored it, so the phone sends the same log again: still one session.
    page.evaluate(f"localStorage.setItem('{QUEUE}', {json.dumps(json.dumps(queued))})")
    page.reload()
    page.wait_for_function(f"() => JSON.parse(localStorage.getItem('{QUEUE}')).length === 0", timeout=20000)
    assert _sessions(live_server, key) == 1 and _sessions(live_server) == before + 1
    with live_server["app"].state.sessions() as db:
        row = db.scalars(select(SessionLog).where(SessionLog.client_key == key)).one()
    assert (row.pain_before, row.note) == (3.0, "オフラインで記録")


@pytest.mark.browser
def test_a_log_posted_online_that_never_arrives_is_sent_on_the_next_visit(context, live_server):
    page = _visit_online(context, live_server)
    before = _sessions(live_server)
    page.fill("#pain_before", "5")
    page.click("#save-session")  # the ordinary post: stored once, nothing left waiting
    page.wait_for_url(re.compile(r"/me/progress\?saved=1$"))
    assert _queue(page) == [] and _sessions(live_server) == before + 1
    page.goto(live_server["url"] + "/me")
    key = page.input_value('input[name="client_key"]')
    page.route("**/me/sessions", lambda route: route.abort("internetdisconnected"))  # "online", but nothing arrives
    page.fill("#pain_before", "4")
    with pytest.raises(Exception, match="ERR_INTERNET_DISCONNECTED"), page.expect_navigation():
        page.click("#save-session")
    assert _sessions(live_server) == before + 1
    page.unroute("**/me/sessions")
    page.goto(live_server["url"] + "/me")
    page.wait_for_function("() => document.querySelector('#offline-status').textContent.includes('送信しました')", timeout=20000)
    assert _queue(page) == [] and _sessions(live_server, key) == 1 and _sessions(live_server) == before + 2


@pytest.mark.browser
def test_logout_sends_a_waiting_log_before_it_clears_the_phone(context, live_server):
    page = _visit_online(context, live_server)
    key = "logout-flush-0001"
    entry = {"key": key, "owner": page.locator("#offline-status").get_attribute("data-owner"), "date": "2026-11-22",
             "fields": [["performed_on", "2026-11-22"], ["pain_before", "2"], ["client_key", key]]}
    page.evaluate(f"localStorage.setItem('{QUEUE}', {json.dumps(json.dumps([entry]))})")  # a send that failed
    page.click("form[action='/logout'] button")
    page.wait_for_url(re.compile(r"/login$"))
    assert _sessions(live_server, key) == 1
    assert _queue(page) == []


@pytest.mark.browser
def test_logout_leaves_no_copy_of_the_patient_page(context, live_server):
    page = _visit_online(context, live_server)
    page.click("form[action='/logout'] button")
    page.wait_for_url(re.compile(r"/login$"))
    assert page.evaluate("caches.keys()") == []
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0
    context.set_offline(True)
    with pytest.raises(Exception, match="ERR_INTERNET_DISCONNECTED"):
        page.goto(live_server["url"] + "/me")
    context.set_offline(False)
