"""Every route answers with the security headers (CSP without inline script, no framing, nosniff, a
Referrer-Policy, no-store on everything that is not a packaged asset), and /docs works offline."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sec_helpers import all_routes, sqlite_world

from ptplan.server import create_app
from ptplan.settings import Settings


@pytest.fixture
def world(tmp_path):
    with sqlite_world(tmp_path) as w:
        yield w


def _path(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def _check(resp, where: str) -> None:
    h = resp.headers
    csp = h.get("content-security-policy", "")
    script_src = next((d for d in csp.split(";") if d.strip().startswith("script-src")), "")
    assert script_src.strip() == "script-src 'self'", f"{where}: {csp!r}"
    assert "frame-ancestors 'none'" in csp, where
    assert "object-src 'none'" in csp, where
    assert h.get("x-content-type-options") == "nosniff", where
    assert h.get("x-frame-options") == "DENY", where
    assert h.get("referrer-policy") == "same-origin", where
    if not where.split()[1].startswith(("/static/", "/docs/assets/")):
        assert h.get("cache-control") == "no-store", where


def test_every_route_answers_with_the_security_headers(world):
    routes = all_routes(world.app)
    assert len(routes) > 40  # the API and the pages are both there
    clients = {"anonymous": world.client(), "therapist": world.client("taro"), "patient": world.client("hana")}
    ok = 0
    for method, path in routes:
        for who, client in clients.items():
            resp = client.request(method, _path(path), follow_redirects=False)
            _check(resp, f"{method} {_path(path)} as {who} -> {resp.status_code}")
            ok += resp.status_code < 300
    for path in ("/static/app.css", "/docs/assets/swagger-ui-bundle.js", "/no-such-page", "/api/v1/no-such"):
        _check(world.client().get(path), f"GET {path}")
    assert ok > 40  # real pages and answers were checked, not only refusals


def test_no_page_has_an_inline_script(world):
    client = world.client("taro")
    for path in ("/patients", f"/patients/{world.clinics['aoba'].patient_id}", "/docs", "/self-check", "/login"):
        html = client.get(path).text
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S)
        assert scripts, path
        for attrs, body in scripts:
            assert "src=" in attrs and not body.strip(), f"inline script on {path}: {body[:80]!r}"
        assert not re.search(r"\son[a-z]+=", html), f"inline event handler on {path}"


def test_docs_load_their_assets_from_this_server_only(world):
    client = world.client()
    html = client.get("/docs").text
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(u.startswith("/") and not u.startswith("//") for u in urls), urls
    for url in urls:
        resp = client.get(url)
        assert resp.status_code == 200 and len(resp.content) > 100, url
    assert "cdn" not in html
    assert client.get("/api/v1/openapi.json").json()["openapi"].startswith("3.")


def test_hsts_only_when_cookies_are_secure(tmp_path):
    key = "k" * 32
    plain = TestClient(create_app(Settings(data_dir=tmp_path / "a", secret_key=key)))
    secure = TestClient(create_app(Settings(data_dir=tmp_path / "b", secret_key=key, secure_cookies=True)))
    assert "strict-transport-security" not in plain.get("/login").headers
    assert secure.get("/login").headers["strict-transport-security"].startswith("max-age=31536000")
