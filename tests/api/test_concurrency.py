"""Integrity under concurrency, through a real server: the app served by uvicorn on a loopback port,
on SQLite and on the real PostgreSQL, with bounded bursts from 8 threads (traffic stays on 127.0.0.1).

- 8 editors x 25 edits to one plan: every acknowledged edit is stored, each editor's in its order;
- concurrent assessments of one patient: distinct versions (or a clear 409), never a 500;
- one username created at once from 8 threads: one 201 and 409s;
- ids outside the column range are 404, far-future dates are refused (422).
"""

from __future__ import annotations

import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import uvicorn

THREADS = 8
EDITS_EACH = 25


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(world):
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(world.app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def _client(base: str, world, who: str) -> httpx.Client:
    return httpx.Client(base_url=base, headers={"Authorization": f"Bearer {world.tokens[who]}"}, timeout=60)


def test_it_keeps_every_acknowledged_edit_of_eight_concurrent_editors_in_order(world, served):
    plan_id = world.clinics["kita"].plan_id

    def editor(n: int) -> list[int]:
        with _client(served, world, "mika") as c:
            return [c.post(f"/api/v1/plans/{plan_id}/edits", json={"op": "note", "reason": f"editor {n} edit {i}"})
                    .status_code for i in range(EDITS_EACH)]

    with ThreadPoolExecutor(THREADS) as pool:
        codes = [code for codes in pool.map(editor, range(THREADS)) for code in codes]
    with _client(served, world, "mika") as c:
        edits = c.get(f"/api/v1/plans/{plan_id}").json()["edits"]
    mine = [e for e in edits if e["reason"].startswith("editor ")]
    assert codes.count(201) == THREADS * EDITS_EACH == len(mine)
    assert [e["seq"] for e in edits] == list(range(1, len(edits) + 1))
    for n in range(THREADS):
        assert [e["reason"] for e in mine if e["reason"].startswith(f"editor {n} ")] == [
            f"editor {n} edit {i}" for i in range(EDITS_EACH)]


def test_it_gives_concurrent_assessments_of_one_patient_distinct_versions(world, served):
    patient_id = world.clinics["kita"].other_patient_id
    case = {"lang": "ja", "demographics": {"age": 50}, "red_flags": {"saddle_numbness": "no"}}

    def save(_n: int) -> int:
        with _client(served, world, "mika") as c:
            return c.post(f"/api/v1/patients/{patient_id}/assessments", json={"case": case}).status_code

    with ThreadPoolExecutor(THREADS) as pool:
        codes = list(pool.map(save, range(THREADS * 3)))
    assert set(codes) <= {201, 409}
    with _client(served, world, "mika") as c:
        versions = [a["version"] for a in c.get(f"/api/v1/patients/{patient_id}/assessments",
                                                 params={"limit": 200}).json()["items"]]
    assert len(versions) == len(set(versions)) == 1 + codes.count(201)  # the seeded one plus every 201


def test_it_answers_a_taken_username_with_409_when_created_at_once(world, served):
    body = {"username": f"same-{world.app.state.engine.dialect.name}", "password": "long-enough-pw", "role": "therapist"}

    def create(_n: int) -> httpx.Response:
        with _client(served, world, "kenji") as c:
            return c.post("/api/v1/users", json=body)

    with ThreadPoolExecutor(THREADS) as pool:
        answers = list(pool.map(create, range(THREADS)))
    codes = sorted(a.status_code for a in answers)
    assert codes == [201] + [409] * (THREADS - 1)
    assert {a.json()["error"]["problems"][0]["field"] for a in answers if a.status_code == 409} == {"username"}


@pytest.mark.parametrize("path", ["/patients/{big}", "/assessments/{big}", "/plans/{big}", "/videos/{big}",
                                  "/patients/{big}/timeline", "/patients/{big}/sessions", "/users/{big}",
                                  "/assessments/{big}/videos", "/patients/{big}/plans"])
def test_it_answers_ids_beyond_the_column_range_with_404(world, path):
    who = "ayako" if path.startswith("/users") else "taro"
    resp = world.client(who).get("/api/v1" + path.format(big=2**31))
    assert resp.status_code == 404, resp.text
    assert world.client("ayako").get("/api/v1/audit", params={"patient_id": 2**53}).status_code == 200


@pytest.mark.parametrize(("kind", "body"), [("sessions", {"date": "9999-12-31"}),
                                             ("measures", {"name": "nrs", "answers": [3], "taken_on": "9999-12-31"})])
def test_it_refuses_a_far_future_date_and_the_pages_keep_working(world, kind, body):
    hana = world.clinics["aoba"].patient_id
    resp = world.client("hana").post(f"/api/v1/patients/{hana}/{kind}", json=body)
    assert resp.status_code == 422
    assert resp.json()["error"]["problems"][0]["field"] in ("date", "taken_on")
    assert world.client("hana").get(f"/api/v1/patients/{hana}/{kind}").status_code == 200
