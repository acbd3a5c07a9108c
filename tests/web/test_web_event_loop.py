"""No page holds the database while it waits for the network.

On SQLite every transaction takes the write lock when it begins (``BEGIN IMMEDIATE``), and a request that
finds it taken waits up to the busy timeout (30 s). A page that opened a transaction (the login check) and
then awaited its form body held the lock while the client was still sending; a second such request then
waited for the lock on the event loop itself, so the first could never finish: the whole server stalled
for 30 s and the second request failed. The pages now read the form before they touch the database, and
their database work runs in worker threads.
"""

from __future__ import annotations

import socket
import threading
import time
import urllib.parse

import httpx
import pytest
from conftest import PASSWORD, seed

from ptplan.server import create_app
from ptplan.settings import Settings


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    uvicorn = pytest.importorskip("uvicorn")
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("loop"), secret_key="loop-secret-" + "q" * 30))
    seed(app)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.05)
    yield port
    srv.should_exit = True
    thread.join(timeout=5)


def _logged_in(port: int) -> httpx.Client:
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Origin": f"http://127.0.0.1:{port}"})
    form = client.get("/login").text
    token = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    r = client.post("/login", data={"username": "therapist1", "password": PASSWORD, "csrf_token": token})
    assert r.status_code in (200, 303), r.text[:300]
    return client


def _request(port: int, client: httpx.Client, path: str, fields: dict) -> tuple[bytes, bytes]:
    """The raw request as head and body, so the test decides when each part is sent."""
    body = urllib.parse.urlencode({**fields, "csrf_token": client.cookies.get("ptplan_csrf")}).encode()
    cookies = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n"
            f"Cookie: {cookies}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    return head, body


def _status(sock: socket.socket) -> int:
    data = b""
    while b"\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0


@pytest.mark.parametrize("path", ["/assess/triage", "/patients"])
def test_a_slow_form_body_does_not_stall_the_other_requests(server, path):
    client = _logged_in(server)
    fields = {"red_flags.saddle_numbness": "yes"} if path == "/assess/triage" else {"name": "遅い 送信"}
    slow_head, slow_body = _request(server, client, path, fields)
    quick = _request(server, client, "/assess/triage", {"red_flags.fever": "no"})
    slow = socket.create_connection(("127.0.0.1", server), timeout=60)
    slow.sendall(slow_head + slow_body[:5])  # the page starts and waits for the rest of its form
    time.sleep(0.5)
    other = socket.create_connection(("127.0.0.1", server), timeout=60)
    other.sendall(b"".join(quick))  # another page, sent whole, while the first is still arriving
    time.sleep(0.5)
    slow.sendall(slow_body[5:])
    statuses = (_status(other), _status(slow))
    slow.close()
    other.close()
    # Before the fix: the second page waited 30 s for the lock on the event loop and answered 500.
    assert statuses[0] == 200, statuses
    assert statuses[1] in (200, 303), statuses
