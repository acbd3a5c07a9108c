"""The job layer's recovery rules on rows set up directly (no worker threads): a run whose heartbeat
stopped is queued again, a run that used up its attempts or its time is failed with a reason and its
clip removed, a live run is left alone, and a duplicate delivery never analyses twice. Redis as the
queue backend when a Redis server answers on PTPLAN_TEST_REDIS_URL (default 127.0.0.1:6379)."""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import time

import pytest
from huey import MemoryHuey

from ptplan.clinic.jobs import VideoJobs, make_huey
from ptplan.store import db as store_db
from ptplan.store.models import VideoAnalysis, utcnow
from ptplan.store.testing import require_postgres, temporary_engine


def _jobs(world, calls: list, **kw) -> VideoJobs:
    def analyze(path, task):
        calls.append(path)
        return {"task": task}

    return VideoJobs(world.app.state.sessions, MemoryHuey("test", results=False, utc=True), analyze,
                     heartbeat_seconds=1, **kw)


def _row(world, tmp_path, **values) -> tuple[int, object]:
    clip = tmp_path / f"{secrets.token_hex(4)}.mp4"
    clip.write_bytes(b"clip")
    aoba = world.clinics["aoba"]
    with world.app.state.sessions() as db:
        row = VideoAnalysis(clinic_id=aoba.id, patient_id=aoba.patient_id, assessment_id=aoba.assessment_id,
                            task="gait", filename="c.mp4", size_bytes=4, clip_path=str(clip), **values)
        db.add(row)
        db.commit()
        return row.id, clip


def _get(world, video_id: int) -> VideoAnalysis:
    with world.app.state.sessions() as db:
        row = db.get(VideoAnalysis, video_id)
        db.expunge(row)
        return row


def _ago(seconds: float) -> dt.datetime:
    return utcnow() - dt.timedelta(seconds=seconds)


def test_a_run_whose_heartbeat_stopped_is_queued_again_and_then_completes(world, tmp_path):
    calls: list = []
    jobs = _jobs(world, calls)
    video_id, clip = _row(world, tmp_path, status="running", attempts=1, started_at=_ago(20), heartbeat_at=_ago(10),
                          job_token="old")
    assert jobs.sweep()["requeued"] == 1
    assert _get(world, video_id).status == "queued" and len(jobs.huey) == 1
    jobs.huey.execute(jobs.huey.dequeue())
    row = _get(world, video_id)
    assert row.status == "done" and row.attempts == 2 and row.result == {"task": "gait"}
    assert calls == [str(clip)] and not clip.exists() and row.clip_path is None


def test_a_live_run_is_left_alone(world, tmp_path):
    jobs = _jobs(world, [])
    video_id, clip = _row(world, tmp_path, status="running", attempts=1, started_at=_ago(1), heartbeat_at=utcnow(),
                          job_token="live")
    assert not any(jobs.sweep().values())
    assert _get(world, video_id).status == "running" and clip.exists()
    jobs._finish(video_id, "live", {"status": "done", "result": {}, "error": None})  # tidy: the run ends


def test_a_run_interrupted_too_often_is_failed_with_the_reason_and_its_clip_removed(world, tmp_path):
    jobs = _jobs(world, [], max_attempts=3)
    video_id, clip = _row(world, tmp_path, status="running", attempts=3, started_at=_ago(20), heartbeat_at=_ago(10),
                          job_token="x")
    assert jobs.sweep()["failed"] == 1
    row = _get(world, video_id)
    assert row.status == "failed" and row.error[0]["code"] == "analysis_interrupted"
    assert "3" in row.error[0]["message"] and row.error[0]["message_ja"]
    assert not clip.exists() and row.clip_path is None and row.finished_at is not None


def test_a_run_past_the_time_limit_is_failed_and_its_late_result_refused(world, tmp_path):
    jobs = _jobs(world, [], timeout_seconds=60)
    video_id, clip = _row(world, tmp_path, status="running", attempts=1, started_at=_ago(120), heartbeat_at=utcnow(),
                          job_token="slow")
    assert jobs.sweep()["timed_out"] == 1
    assert _get(world, video_id).error[0]["code"] == "analysis_timeout" and not clip.exists()
    assert jobs._finish(video_id, "slow", {"status": "done", "result": {"late": True}, "error": None}) is False
    assert _get(world, video_id).status == "failed"


def test_a_duplicate_delivery_analyses_once(world, tmp_path):
    calls: list = []
    jobs = _jobs(world, calls)
    video_id, _ = _row(world, tmp_path, status="queued")
    jobs.submit(video_id)
    jobs.sweep(requeue_queued=True)  # a worker start queues the waiting row again
    assert len(jobs.huey) == 2
    while (task := jobs.huey.dequeue()) is not None:
        jobs.huey.execute(task)
    assert len(calls) == 1 and _get(world, video_id).attempts == 1


def test_redis_backend_carries_a_job(world, tmp_path):
    redis = pytest.importorskip("redis")
    url = os.environ.get("PTPLAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis not reachable at {url}")
    huey = make_huey(url, tmp_path / "unused.sqlite3", name=f"ptplan-test-{secrets.token_hex(4)}")
    calls: list = []
    jobs = VideoJobs(world.app.state.sessions, huey, lambda p, t: calls.append(p) or {"task": t}, heartbeat_seconds=1)
    video_id, _ = _row(world, tmp_path, status="queued")
    jobs.submit(video_id)
    task = huey.dequeue()
    assert task is not None and huey.dequeue() is None
    huey.execute(task)
    assert _get(world, video_id).status == "done" and len(calls) == 1
    huey.flush()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_the_worker_threads_stop_when_their_engine_is_disposed(backend, tmp_path, caplog):
    # A test's engine is disposed and its PostgreSQL schema dropped while an in-process sweeper may still run:
    # it must stop with the engine, not log "video job sweep failed" every beat for the rest of the session.
    if backend == "postgresql":
        require_postgres()
    caplog.set_level(logging.INFO, logger="ptplan.clinic.jobs")
    with temporary_engine(backend, tmp_path) as engine:
        store_db.upgrade(engine)
        jobs = VideoJobs(store_db.session_factory(engine), MemoryHuey("dispose", results=False, utc=True),
                         lambda path, task: {}, heartbeat_seconds=0.05)
        jobs.start_in_process()
        time.sleep(0.2)  # a few sweeps against the live database
        assert all(t.is_alive() for t in jobs._threads)
    for thread in jobs._threads:
        thread.join(5)
    assert [t.name for t in jobs._threads if t.is_alive()] == []
    time.sleep(0.2)  # what used to be a few failed sweeps
    assert "sweep failed" not in caplog.text and "heartbeat of video job" not in caplog.text
