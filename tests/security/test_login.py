"""Login hardening: a throttle an attacker cannot use to lock a user out and cannot dodge with forged
X-Forwarded-For; its state is shared by every server process (database, or Redis); failed and throttled
logins are audited; login CSRF and the Origin check on cookie-authenticated writes."""

from __future__ import annotations

import os
import re

import pytest
from fastapi.testclient import TestClient
from sec_helpers import PASSWORD, sqlite_world
from sqlalchemy import select

from ptplan.server import create_app
from ptplan.store.models import AuditEvent

ATTACKER, VICTIM_HOME, PROXY = ("203.0.113.7", 40000), ("198.51.100.20", 40001), ("10.0.0.2", 40002)


@pytest.fixture
def world(tmp_path):
    with sqlite_world(tmp_path) as w:
        yield w


def _client(world, peer=ATTACKER, app=None) -> TestClient:
    return TestClient(app or world.app, raise_server_exceptions=False, client=peer)


def _login(client, username, password=PASSWORD, **headers):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password}, headers=headers)


def _fail(client, username, times, **headers):
    return [_login(client, username, "wrong password", **headers).status_code for _ in range(times)]


def test_an_attacker_cannot_lock_the_user_out_of_the_browser_they_use(world):
    victim = _client(world, ATTACKER)  # even on the attacker's own address (a shared NAT, say)
    assert _login(victim, "taro").status_code == 200  # earlier visit: this browser gets a device cookie
    assert victim.cookies.get("ptplan_device")
    attacker = _client(world, ATTACKER)
    assert _fail(attacker, "taro", 5) == [401] * 5
    blocked = _login(attacker, "taro")
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0  # right password, still waits
    assert _login(victim, "taro").status_code == 200  # the device cookie lets the real user in
    assert _login(_client(world, VICTIM_HOME), "taro").status_code == 200  # and so does any other address


def test_a_forged_device_cookie_does_not_bypass_the_limit(world):
    attacker = _client(world)
    _fail(attacker, "taro", 5)
    attacker.cookies.set("ptplan_device", "abc.0123456789abcdef0123456789abcdef")
    assert _login(attacker, "taro").status_code == 429


def test_a_device_cookie_is_itself_limited(world):
    browser = _client(world)
    assert _login(browser, "taro").status_code == 200
    assert _fail(browser, "taro", 5) == [401] * 5  # e.g. a stolen device cookie
    assert _login(browser, "taro").status_code == 429


def test_rotating_x_forwarded_for_changes_nothing_without_a_trusted_proxy(world):
    attacker = _client(world)
    codes = [_login(attacker, "taro", "wrong", **{"X-Forwarded-For": f"192.0.2.{i}"}).status_code for i in range(10)]
    assert codes == [401] * 5 + [429] * 5
    with world.app.state.sessions() as db:
        ips = set(db.scalars(select(AuditEvent.ip).where(AuditEvent.action.like("login_%"))))
    assert ips == {ATTACKER[0]}  # the forged addresses are not what the log believes


def test_x_forwarded_for_is_believed_only_from_a_listed_proxy(world):
    world.app.state.trusted_proxies = world.app.state.settings.model_copy(
        update={"trusted_proxies": "10.0.0.0/24"}).trusted_proxy_networks
    via_proxy = _client(world, PROXY)
    for i in range(3):  # three clients behind the proxy, 4 failures each: none reaches 5
        assert _fail(via_proxy, "taro", 4, **{"X-Forwarded-For": f"192.0.2.{i}"}) == [401] * 4
    assert _login(_client(world, PROXY), "taro", **{"X-Forwarded-For": "192.0.2.9"}).status_code == 200
    # a client that appends a forged hop: the proxy's own hop (the last one) is the address used
    assert _fail(via_proxy, "taro", 2, **{"X-Forwarded-For": "1.1.1.1, 192.0.2.0"}) == [401, 429]
    # over-long or malformed headers are ignored (the proxy's address counts), never a 500
    for bad in ("9" * 5000, "not-an-ip", "1.2.3.4, , zz"):
        assert _login(via_proxy, "nobody", "x", **{"X-Forwarded-For": bad}).status_code in (401, 429)
    with world.app.state.sessions() as db:
        ips = set(db.scalars(select(AuditEvent.ip).where(AuditEvent.action == "login_failed")))
    assert {"192.0.2.0", "192.0.2.1", "192.0.2.2", PROXY[0]} <= ips


def test_one_address_spraying_many_usernames_is_throttled(world):
    attacker = _client(world)
    codes = [_login(attacker, f"user{i}", "guess").status_code for i in range(25)]
    assert codes[:20] == [401] * 20 and set(codes[20:]) == {429}
    assert _login(_client(world, VICTIM_HOME), "taro").status_code == 200


def test_the_throttle_is_shared_by_server_processes_on_one_database(world):
    second = create_app(world.app.state.settings, engine=world.app.state.engine, migrate=False)
    _fail(_client(world), "taro", 5)
    assert _login(_client(world, app=second), "taro").status_code == 429


def test_the_throttle_can_live_in_redis(world):
    url = os.environ.get("PTPLAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:
        pytest.skip(f"Redis not reachable at {url} (set PTPLAN_TEST_REDIS_URL)")
    from ptplan.clinic.throttle import RedisFailures

    settings = world.app.state.settings.model_copy(update={"redis_url": url})
    apps = [create_app(settings, engine=world.app.state.engine, migrate=False) for _ in range(2)]
    for app in apps:  # a prefix of its own, so parallel runs do not meet
        app.state.throttle.failures = RedisFailures(url, settings.login_window_seconds, f"ptplan-test:{os.getpid()}:")
    assert isinstance(apps[0].state.throttle.failures, RedisFailures)
    try:
        assert _fail(_client(world, app=apps[0]), "mika", 5) == [401] * 5
        assert _login(_client(world, app=apps[1]), "mika").status_code == 429
        assert _login(_client(world, VICTIM_HOME, app=apps[1]), "mika").status_code == 200
    finally:
        r = redis.Redis.from_url(url)
        for key in r.scan_iter(f"ptplan-test:{os.getpid()}:*"):
            r.delete(key)


def test_failed_and_throttled_logins_are_audited_for_the_users_clinic(world):
    attacker = _client(world)
    _fail(attacker, "taro", 6)
    _login(attacker, "no-such-user", "x")
    with world.app.state.sessions() as db:
        rows = db.scalars(select(AuditEvent).where(AuditEvent.action.in_(["login_failed", "login_throttled"]))).all()
    taro = [r for r in rows if r.username == "taro"]
    assert [r.action for r in taro].count("login_failed") == 5 and [r.action for r in taro].count("login_throttled") == 1
    assert all(r.clinic_id == world.clinics["aoba"].id for r in taro)
    unknown = [r for r in rows if r.user_id is None]
    assert len(unknown) == 1 and "no-such-user" in unknown[0].detail
    listed = world.client("ayako").get("/api/v1/audit", params={"limit": 200}).json()["items"]
    assert sum(e["action"] == "login_failed" for e in listed) == 5  # the clinic's admin sees them


def test_refused_cross_clinic_reads_are_audited(world):
    other = world.clinics["kita"].patient_id
    assert world.client("taro").get(f"/api/v1/patients/{other}").status_code == 404
    with world.app.state.sessions() as db:
        refused = db.scalars(select(AuditEvent).where(AuditEvent.action == "refused")).all()
    assert len(refused) == 1 and refused[0].username == "taro" and str(other) in refused[0].detail


def _login_form(client) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)


def test_the_login_form_needs_its_csrf_token_and_this_origin(world):
    browser = _client(world)
    form = {"username": "taro", "password": PASSWORD}
    assert browser.post("/login", data=form, follow_redirects=False).status_code == 403  # no token
    token = _login_form(browser)
    forged = TestClient(world.app, raise_server_exceptions=False)  # another browser, without the cookie
    assert forged.post("/login", data={**form, "csrf_token": token}, follow_redirects=False).status_code == 403
    cross = browser.post("/login", data={**form, "csrf_token": token}, follow_redirects=False,
                         headers={"Origin": "https://evil.example"})
    assert cross.status_code == 403
    ok = browser.post("/login", data={**form, "csrf_token": token}, follow_redirects=False,
                      headers={"Origin": "http://testserver"})
    assert ok.status_code == 303 and browser.cookies.get("ptplan_session")


def test_cookie_authenticated_writes_from_another_origin_are_refused(world):
    browser = _client(world)
    csrf = _login(browser, "taro").json()["csrf_token"]
    headers = {"X-CSRF-Token": csrf}
    for origin in ({"Origin": "https://evil.example"}, {"Origin": "null"},
                   {"Referer": "https://evil.example/page"}):
        resp = browser.post("/api/v1/patients", json={"name": "Ken"}, headers={**headers, **origin})
        assert resp.status_code == 403 and resp.json()["error"]["code"] == "cross_site", origin
    assert browser.post("/api/v1/patients", json={"name": "Ken"},
                        headers={**headers, "Origin": "http://testserver"}).status_code == 201
    assert _login(browser, "taro", **{"Origin": "https://evil.example"}).status_code == 403
    # a bearer token is not a cookie: no Origin rule (and no ambient authority to abuse)
    assert world.client("taro").post("/api/v1/patients", json={"name": "Ken"},
                                     headers={"Origin": "https://evil.example"}).status_code == 201
