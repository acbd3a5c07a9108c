"""Several real processes on one database (SQLite file and PostgreSQL): servers that keep no state of
their own, `ptplan serve --workers 2`, and video jobs that survive a SIGKILL of the server mid-job and
run once each across two `ptplan worker` processes.

The jobs use fake_analyzer.analyze (the analyzer interface, path and task in, result out) so that a test
controls how long a job runs; the real analyzer on a real clip is covered in tests/api/test_videos.py.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from pathlib import Path

import pytest
from procs import Proc, Server, bearer, create_user, database, env_for, ptplan

from ptplan.store.db import make_engine, session_factory
from ptplan.store.models import VideoAnalysis
from sample_clips import tiny_mp4

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
CASE = {"lang": "ja", "demographics": {"age": 45, "sex": "female"}, "complaint": {"regions": ["low_back"]}}
FAKE = "fake_analyzer:analyze"


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    with database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def procs():
    started: list[Proc] = []
    yield started
    for proc in started:
        proc.kill()


def _row(db_url: str, video_id: int) -> VideoAnalysis:
    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as db:
            row = db.get(VideoAnalysis, video_id)
            db.expunge(row)
            return row
    finally:
        engine.dispose()


def _wait_status(client, video_id: int, wanted: set[str], timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(f"/api/v1/videos/{video_id}").json()
        if body["status"] in wanted:
            return body
        time.sleep(0.2)
    raise AssertionError(f"video {video_id} still {body['status']} after {timeout} s, wanted {wanted}")


def _assessment(client) -> int:
    patient = client.post("/api/v1/patients", json={"name": "多田 工程"})
    assert patient.status_code == 201, patient.text
    made = client.post(f"/api/v1/patients/{patient.json()['id']}/assessments", json={"case": _case()})
    assert made.status_code == 201, made.text
    return made.json()["id"]


def _case() -> dict:
    import yaml

    examples = Path(__file__).resolve().parents[2] / "examples"
    return yaml.safe_load((examples / "01_hamstring_office_worker.yaml").read_text(encoding="utf-8"))


def _upload(client, assessment_id: int, name: str = "clip.mp4"):
    resp = client.post(f"/api/v1/assessments/{assessment_id}/videos", data={"task": "gait"},
                       files={"file": (name, tiny_mp4(), "video/mp4")})
    assert resp.status_code == 202, resp.text
    return resp.json()


def test_two_server_processes_share_logins_and_plans(db_url, tmp_path, procs):
    # Two separate servers (two data dirs, so nothing can pass through a local file) on one database.
    env_a = env_for(tmp_path / "a", db_url)
    env_b = env_for(tmp_path / "b", db_url)
    create_user(env_a, "taro")
    a = Server(env_a, tmp_path / "a.log")
    procs.append(a)
    b = Server(env_b, tmp_path / "b.log")
    procs.append(b)
    with a.client() as ca, b.client() as cb:
        login = ca.post("/api/v1/auth/login", json={"username": "taro", "password": "long-enough-pw"})
        assert login.status_code == 200, login.text
        cb.cookies = ca.cookies  # the web session made by A, presented to B
        assert cb.get("/api/v1/auth/me").json()["username"] == "taro"
        csrf = {"X-CSRF-Token": login.json()["csrf_token"]}
        patient = cb.post("/api/v1/patients", json={"name": "共有 花子"}, headers=csrf)
        assert patient.status_code == 201, patient.text
        made = cb.post(f"/api/v1/patients/{patient.json()['id']}/assessments", json={"case": _case()}, headers=csrf)
        assert made.status_code == 201, made.text
        plan = ca.post("/api/v1/plans", json={"assessment_id": made.json()["id"]}, headers=csrf)
        assert plan.status_code == 201, plan.text
        seen = cb.get(f"/api/v1/plans/{plan.json()['id']}")
        assert seen.status_code == 200 and seen.json()["plan"] == plan.json()["plan"]
        # Logging out on B ends the session on A too.
        assert cb.post("/api/v1/auth/logout", headers=csrf).status_code == 204
        ca.cookies = cb.cookies
        ca.cookies.set("ptplan_session", login.cookies["ptplan_session"])
        assert ca.get("/api/v1/auth/me").status_code == 401


def test_serve_workers_2_runs_two_processes_that_answer_for_one_database(tmp_path, procs):
    with database("sqlite", tmp_path) as url:
        env = env_for(tmp_path / "data", url)
        create_user(env, "taro")
        server = Server(env, tmp_path / "w2.log", "--workers", "2")
        procs.append(server)
        children = _children(server.popen.pid)
        assert len(children) >= 2, (children, server.output())
        headers = bearer(server, "taro")
        with server.client(headers=headers) as c:
            ids = [c.post("/api/v1/patients", json={"name": f"患者 {i}"}).json()["id"] for i in range(20)]
            names = {c.get(f"/api/v1/patients/{i}").json()["name"] for i in ids}
        assert names == {f"患者 {i}" for i in range(20)}
        assert "workers: 2" in server.output()


def _listening_inodes(port: int) -> set[str]:
    """Socket inodes listening on 127.0.0.1:port, from /proc/net/tcp."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == f"0100007F:{port:04X}" and fields[3] == "0A":  # local address, state LISTEN
            found.add(fields[9])
    return found


def _socket_inodes(pid: int) -> set[str]:
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            found.add(target[8:-1])
    return found


def test_serve_workers_accept_each_on_their_own_socket_and_a_dead_one_is_replaced(tmp_path, procs):
    """One listening socket per worker (SO_REUSEPORT), so the kernel spreads connections over the workers
    instead of the first one awake taking every pending connection; the parent keeps none of them."""
    import signal

    with database("sqlite", tmp_path) as url:
        server = Server(env_for(tmp_path / "data", url), tmp_path / "w2.log", "--workers", "2")
        procs.append(server)
        _two_workers_listening(server)
        listening = _listening_inodes(server.port)
        held = {pid: _socket_inodes(pid) & listening for pid in _children(server.popen.pid)}
        workers = [pid for pid, inodes in held.items() if inodes]  # not multiprocessing's resource tracker
        assert len(workers) == 2 and all(len(held[pid]) == 1 for pid in workers), held
        assert held[workers[0]] != held[workers[1]], held
        assert not _socket_inodes(server.popen.pid) & listening  # a socket nobody accepts on would hold connections

        os.kill(workers[0], signal.SIGKILL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            listening = _listening_inodes(server.port)
            now = [pid for pid in _children(server.popen.pid) if _socket_inodes(pid) & listening]
            if len(now) == 2 and workers[0] not in now and len(listening) == 2:
                break
            time.sleep(0.2)
        else:
            raise AssertionError(f"the killed worker was not replaced: {now}\n{server.output()}")
        server.wait_ready()
        with server.client() as c:
            assert all(c.get("/api/v1/health").status_code == 200 for _ in range(10))
        assert "starting another" in server.output()

        taken = ptplan(env_for(tmp_path / "data", url), "serve", "--port", str(server.port))
        assert taken.returncode != 0 and "already in use" in taken.stdout + taken.stderr

        server.popen.send_signal(signal.SIGTERM)  # the parent only: it stops its workers
        assert server.popen.wait(60) == 0, server.output()
        assert not _children(server.popen.pid) and not _listening_inodes(server.port)


def test_serve_workers_replace_a_worker_whose_event_loop_stopped(tmp_path, procs):
    """A worker that hangs without exiting (its event loop stopped: here SIGSTOP) answers nobody; the parent
    sees no beat for PTPLAN_WORKER_TIMEOUT seconds, kills it and starts another."""
    import signal

    with database("sqlite", tmp_path) as url:
        env = {**env_for(tmp_path / "data", url), "PTPLAN_WORKER_TIMEOUT": "6"}
        server = Server(env, tmp_path / "hang.log", "--workers", "2")
        procs.append(server)
        workers = _two_workers_listening(server)
        os.kill(workers[0], signal.SIGSTOP)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            listening = _listening_inodes(server.port)
            now = [pid for pid in _children(server.popen.pid) if _socket_inodes(pid) & listening]
            if len(now) == 2 and workers[0] not in now:
                break
            time.sleep(0.5)
        else:
            raise AssertionError(f"the stopped worker was not replaced: {now}\n{server.output()}")
        assert "has not answered" in server.output() and workers[1] in now  # the live one was left alone
        server.wait_ready()
        with server.client() as c:
            assert all(c.get("/api/v1/health").status_code == 200 for _ in range(10))


def test_serve_workers_do_not_time_out_a_worker_that_is_still_starting(tmp_path, procs):
    """Starting up is not timed: with workers that take 5 s to start (tests/jobs/slow_start) and a 2 s
    PTPLAN_WORKER_TIMEOUT, both start and serve, and none is killed. The timeout used to count from the spawn,
    so on a loaded machine every replacement was killed in turn and the server never answered."""
    with database("sqlite", tmp_path) as url:
        env = env_for(tmp_path / "data", url, PTPLAN_WORKER_TIMEOUT="2")
        env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parent / "slow_start"), env["PYTHONPATH"]])
        server = Server(env, tmp_path / "slow.log", "--workers", "2")
        procs.append(server)
        workers = _two_workers_listening(server)
        server.wait_ready()
        with server.client() as c:
            assert all(c.get("/api/v1/health").status_code == 200 for _ in range(10))
        assert "has not answered" not in server.output() and server.output().count("started server process") == 2
        assert sorted(_two_workers_listening(server)) == sorted(workers)  # the same two: none was replaced


def _two_workers_listening(server) -> list[int]:
    """The pids of the two workers once both accept: the server answers as soon as the first one does."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        listening = _listening_inodes(server.port)
        workers = [pid for pid in _children(server.popen.pid) if _socket_inodes(pid) & listening]
        if len(listening) == 2 and len(workers) == 2:
            return workers
        time.sleep(0.2)
    raise AssertionError(f"two workers did not both listen in 60 s\n{server.output()}")


def _children(pid: int) -> list[int]:
    # uvicorn's worker processes (spawned, so grandchildren may include its resource tracker: count ptplan apps)
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid and b"multiprocessing" in cmdline:
            found.append(int(entry.name))
    return found


def test_a_job_interrupted_by_killing_the_server_completes_after_restart(db_url, tmp_path, procs):
    env = env_for(tmp_path / "data", db_url, PTPLAN_VIDEO_ANALYZER=FAKE, PTPLAN_FAKE_ANALYSIS_SECONDS="6",
                  PTPLAN_FAKE_ANALYSIS_LOG=str(tmp_path / "calls.log"), PTPLAN_JOB_HEARTBEAT_SECONDS="0.5")
    create_user(env, "taro")
    first = Server(env, tmp_path / "first.log")
    procs.append(first)
    headers = bearer(first, "taro")
    with first.client(headers=headers) as c:
        assessment_id = _assessment(c)
        video = _upload(c, assessment_id)
        _wait_status(c, video["id"], {"running"})
    time.sleep(0.5)
    first.kill()  # SIGKILL, mid-job
    row = _row(db_url, video["id"])
    assert row.status == "running" and row.attempts == 1 and Path(row.clip_path).exists()

    second = Server({**env, "PTPLAN_FAKE_ANALYSIS_SECONDS": "0.2"}, tmp_path / "second.log")
    procs.append(second)
    with second.client(headers=headers) as c:
        done = _wait_status(c, video["id"], {"done", "failed"})
    assert done["status"] == "done", (done, second.output())
    assert done["result"]["size_bytes"] == len(tiny_mp4())
    assert done["clip_stored"] is False  # the clinic default: clips are deleted after the analysis
    row = _row(db_url, video["id"])
    assert row.attempts == 2 and row.clip_path is None and row.job_token is None
    assert len((tmp_path / "calls.log").read_text().splitlines()) == 2  # killed once, then run to the end


def test_jobs_run_once_each_on_two_workers_apart_from_the_server(db_url, tmp_path, procs):
    calls = tmp_path / "calls.log"
    env = env_for(tmp_path / "data", db_url, PTPLAN_VIDEO_ANALYZER=FAKE, PTPLAN_FAKE_ANALYSIS_SECONDS="0.3",
                  PTPLAN_FAKE_ANALYSIS_LOG=str(calls), PTPLAN_JOB_HEARTBEAT_SECONDS="0.5",
                  PTPLAN_JOBS_IN_PROCESS="false")
    create_user(env, "taro")
    server = Server(env, tmp_path / "server.log")
    procs.append(server)
    headers = bearer(server, "taro")
    with server.client(headers=headers) as c:
        assessment_id = _assessment(c)
        videos = [_upload(c, assessment_id, f"clip{i}.mp4")["id"] for i in range(8)]
        time.sleep(1.5)
        assert {c.get(f"/api/v1/videos/{v}").json()["status"] for v in videos} == {"queued"}  # no worker yet
        for i in range(2):
            procs.append(Proc(env, tmp_path / f"worker{i}.log", "worker"))
        results = [_wait_status(c, v, {"done", "failed"}) for v in videos]
    assert {r["status"] for r in results} == {"done"}, [p.output() for p in procs]
    lines = calls.read_text().splitlines()
    assert len(lines) == len(videos) and len(Counter(line.split()[1] for line in lines)) == len(videos)
    assert all(_row(server_db, v).attempts == 1 for server_db in [env["PTPLAN_DATABASE_URL"]] for v in videos)
    workers = {line.split()[0] for line in lines}
    assert workers - {str(server.popen.pid)} == workers  # none ran in the server


def test_ptplan_worker_says_what_it_serves_and_stops_on_sigterm(tmp_path, procs):
    import signal

    with database("sqlite", tmp_path) as url:
        env = env_for(tmp_path / "data", url)
        worker = Proc(env, tmp_path / "worker.log", "worker", "--threads", "2")
        procs.append(worker)
        deadline = time.monotonic() + 60
        while "Huey consumer started" not in worker.output() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)  # huey sets its signal handlers just after that line
        assert "2 thread(s)" in worker.output() and "jobs.sqlite3" in worker.output()
        os.kill(worker.popen.pid, signal.SIGTERM)
        assert worker.popen.wait(30) == 0, worker.output()
    assert ptplan(env, "worker", "--threads", "0").returncode != 0
