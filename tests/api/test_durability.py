"""No acknowledged write is lost when the server is killed mid-burst.

Starts ``ptplan serve`` as a subprocess on a free loopback port with a SQLite file, sends a bounded
burst of session logs from four threads, SIGKILLs the server part-way, restarts it on the same file
and checks that every write that got a 201 is there. Traffic stays on 127.0.0.1 and stops by itself.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from ptplan.store import db as store_db
from ptplan.store import repositories as repo

BURST = 200
KILL_AFTER = 60
THREADS = 4


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _seed(data_dir: Path) -> tuple[str, int]:
    engine = store_db.make_engine(f"sqlite:///{data_dir / 'ptplan.sqlite3'}")
    store_db.upgrade(engine)
    with store_db.session_factory(engine)() as db:
        clinic = repo.get_or_create_clinic(db, "Aoba")
        hana = repo.create_patient(db, clinic.id, name="Hana")
        taro = repo.create_user(db, clinic, "taro", "long-enough-pw", "therapist")
        token, _ = repo.issue_token(db, taro, "api", dt.timedelta(hours=1))
        db.commit()
        patient_id = hana.id
    engine.dispose()
    return token, patient_id


def _start(data_dir: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "PTPLAN_DATA_DIR": str(data_dir), "PTPLAN_DATABASE_URL": ""}
    proc = subprocess.Popen([sys.executable, "-c", "from ptplan.cli import main; main()", "serve", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    pytest.fail("the server did not come up within 60 s")


def _burst(base: str, token: str, patient_id: int, acked: list[str], lock: threading.Lock, worker: int) -> None:
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=10) as client:
        for i in range(worker, BURST, THREADS):
            note = f"burst-{i}"
            try:
                resp = client.post(f"/api/v1/patients/{patient_id}/sessions",
                                   json={"date": "2026-02-01", "notes": note, "pain_after": 3})
            except httpx.HTTPError:
                return  # the server is gone; later writes are simply unacknowledged
            if resp.status_code == 201:
                with lock:
                    acked.append(note)


def _stored_notes(base: str, token: str, patient_id: int) -> set[str]:
    notes, offset = set(), 0
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=10) as client:
        while True:
            page = client.get(f"/api/v1/patients/{patient_id}/sessions", params={"limit": 200, "offset": offset}).json()
            notes |= {item["notes"] for item in page["items"]}
            offset += page["limit"]
            if offset >= page["total"]:
                return notes


def test_it_keeps_every_acknowledged_write_after_sigkill(tmp_path):
    token, patient_id = _seed(tmp_path)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _start(tmp_path, port)
    acked: list[str] = []
    lock = threading.Lock()
    workers = [threading.Thread(target=_burst, args=(base, token, patient_id, acked, lock, w)) for w in range(THREADS)]
    try:
        for w in workers:
            w.start()
        deadline = time.monotonic() + 120
        while len(acked) < KILL_AFTER and time.monotonic() < deadline and any(w.is_alive() for w in workers):
            time.sleep(0.01)
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
        for w in workers:
            w.join(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
    assert KILL_AFTER <= len(acked) < BURST, "the kill should land mid-burst"
    server = _start(tmp_path, port)
    try:
        missing = set(acked) - _stored_notes(base, token, patient_id)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert missing == set()
