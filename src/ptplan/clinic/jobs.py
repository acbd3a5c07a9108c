"""Durable video-analysis jobs on huey: the queue carries analysis ids, the ``video_analyses`` row is the
source of truth for status.

Backends: huey's SQLite storage (a file beside the database, no extra service: the embedded default,
shared by every process on the machine) or huey's Redis storage when a Redis URL is given (workers on
several machines). Huey hands each message to one consumer; on top of that a worker *claims* the row with
a conditional update (``queued`` -> ``running`` with a fresh ``job_token``), so a message delivered twice
(a re-queue after a restart, two workers) still runs the analysis once, and only the run holding the token
may write the result.

Restarts: a running job records a heartbeat every ``heartbeat_seconds``. The sweep (at worker start and
every beat after) puts a row whose heartbeat is 3 beats old back in the queue, or fails it with a reason
once ``max_attempts`` runs have started; a run past ``timeout_seconds`` is failed even if it still beats.
At worker start rows still ``queued`` are queued again, in case their message was lost (a crash between
the upload's commit and the enqueue, or a queue file removed). The clip is deleted unless the clinic
keeps clips, after *done* and after *failed* alike.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import secrets
import threading
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import event, or_, select, update

from ptplan.errors import Problem, PtplanError
from ptplan.store.models import Clinic, VideoAnalysis, utcnow

log = logging.getLogger("ptplan.clinic.jobs")
TASK_NAME = "ptplan.analyse_video"
STALE_BEATS = 3


def make_huey(redis_url: str | None, sqlite_file: Path, name: str = "ptplan"):
    """Huey on Redis when a URL is given, else on the SQLite file (created on first use)."""
    if redis_url:
        from huey import RedisHuey

        return RedisHuey(name, url=redis_url, results=False, utc=True)
    from huey import SqliteHuey

    sqlite_file.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(sqlite_file), results=False, utc=True, timeout=30)


def load_analyzer(spec: str) -> Callable[[str, str], dict]:
    """``module:function`` -> the function (the default is ptplan.clinic.videos:run_analysis)."""
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def _problem(en: str, code: str, ja: str) -> list[dict]:
    return [Problem("file", en, code, ja).as_dict()]


class VideoJobs:
    """Submit, run and recover video-analysis jobs. One instance per process; everything it knows that
    another process needs is in the database or the queue."""

    def __init__(self, sessions, huey, analyze: Callable[[str, str], dict], *, heartbeat_seconds: float = 10,
                 max_attempts: int = 3, timeout_seconds: float = 1800, in_process: bool = False) -> None:
        self.sessions = sessions
        self.huey = huey
        self.analyze = analyze
        self.heartbeat_seconds = heartbeat_seconds
        self.max_attempts = max_attempts
        self.timeout_seconds = timeout_seconds
        self.in_process = in_process
        self.task = huey.task(name=TASK_NAME)(self.process)
        self._thread_lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self.stop_flag = threading.Event()
        self._stop_when_disposed()

    def _stop_when_disposed(self) -> None:
        """Stop the threads when the engine they use is disposed (the app shut down, or a test dropped
        its database): a sweeper outliving its engine would only log failures every beat. The listener
        holds the stop flag, not this object."""
        engine = getattr(self.sessions, "kw", {}).get("bind")
        if engine is not None:
            event.listen(engine, "engine_disposed", lambda _engine, flag=self.stop_flag: flag.set())

    # -- queueing ------------------------------------------------------------------------------------

    def submit(self, analysis_id: int) -> None:
        """Queue the row's id. A failure to reach the queue is logged, not raised: the row stays queued
        and the next worker start queues it again. With ``in_process`` the worker threads start on first use."""
        if self.in_process:
            self.start_in_process()
        try:
            self.task(analysis_id)
        except Exception:
            log.exception("could not queue video job %s; it stays queued until a worker starts", analysis_id)

    # -- running -------------------------------------------------------------------------------------

    def claim(self, analysis_id: int) -> str | None:
        """Move the row from queued to running for this run; its token, or None when another run has it."""
        token = secrets.token_hex(16)
        now = utcnow()
        with self.sessions() as db:
            res = db.execute(update(VideoAnalysis)
                             .where(VideoAnalysis.id == analysis_id, VideoAnalysis.status == "queued")
                             .values(status="running", job_token=token, started_at=now, heartbeat_at=now,
                                     attempts=VideoAnalysis.attempts + 1))
            db.commit()
        return token if res.rowcount == 1 else None

    def process(self, analysis_id: int) -> None:
        """The huey task: claim, analyse with a heartbeat, then record done/failed and drop the clip."""
        token = self.claim(analysis_id)
        if token is None:
            return
        with self.sessions() as db:
            clip, task = db.execute(select(VideoAnalysis.clip_path, VideoAnalysis.task)
                                    .where(VideoAnalysis.id == analysis_id)).one()
        beating = threading.Event()
        beat = threading.Thread(target=self._beat, args=(analysis_id, token, beating), daemon=True,
                                name=f"ptplan-video-beat-{analysis_id}")
        beat.start()
        try:
            values = self._analyse(analysis_id, clip, task)
        finally:
            beating.set()
            beat.join()
        self._finish(analysis_id, token, values)

    def _analyse(self, analysis_id: int, clip: str | None, task: str) -> dict:
        try:
            if not clip:
                raise PtplanError.single("file", "the clip is no longer stored", "clip_missing",
                                         "動画ファイルが残っていません")
            return {"status": "done", "result": self.analyze(clip, task), "error": None}
        except PtplanError as exc:
            return {"status": "failed", "result": None, "error": [p.as_dict() for p in exc.problems]}
        except Exception:
            log.exception("video analysis %s crashed", analysis_id)
            return {"status": "failed", "result": None,
                    "error": _problem("the clip could not be analysed (internal error; it has been logged)",
                                      "analysis_failed", "動画を解析できませんでした（内部エラー。記録済み）")}

    def _beat(self, analysis_id: int, token: str, stop: threading.Event) -> None:
        while not stop.wait(self.heartbeat_seconds) and not self.stop_flag.is_set():
            try:
                with self.sessions() as db:
                    db.execute(update(VideoAnalysis).where(VideoAnalysis.id == analysis_id,
                                                           VideoAnalysis.job_token == token,
                                                           VideoAnalysis.status == "running")
                               .values(heartbeat_at=utcnow()))
                    db.commit()
            except Exception:  # a missed beat is retried on the next one
                log.exception("heartbeat of video job %s failed", analysis_id)

    def _finish(self, analysis_id: int, token: str | None, values: dict) -> bool:
        """Write the outcome if this run still holds the row (token) and drop the clip per the clinic."""
        with self.sessions() as db:
            cond = [VideoAnalysis.id == analysis_id, VideoAnalysis.status == "running"]
            if token is not None:
                cond.append(VideoAnalysis.job_token == token)
            res = db.execute(update(VideoAnalysis).where(*cond)
                             .values(**values, finished_at=utcnow(), job_token=None, heartbeat_at=None))
            if res.rowcount != 1:
                db.rollback()
                log.warning("video job %s: outcome dropped, the row was taken over or finished elsewhere", analysis_id)
                return False
            row = db.get(VideoAnalysis, analysis_id)
            keep = db.scalar(select(Clinic.keep_video_clips).where(Clinic.id == row.clinic_id))
            if not keep and row.clip_path:
                Path(row.clip_path).unlink(missing_ok=True)
                row.clip_path = None
            db.commit()
            return True

    # -- recovery ------------------------------------------------------------------------------------

    def sweep(self, requeue_queued: bool = False) -> dict[str, int]:
        """Queue again (or fail) running rows whose run is gone; with ``requeue_queued`` also queue every
        queued row again. Counts of what it did, for logs and tests."""
        now = utcnow()
        stale = now - dt.timedelta(seconds=STALE_BEATS * self.heartbeat_seconds)
        too_old = now - dt.timedelta(seconds=self.timeout_seconds)
        counts = {"requeued": 0, "failed": 0, "timed_out": 0, "queued_again": 0}
        with self.sessions() as db:
            running = db.execute(select(VideoAnalysis.id, VideoAnalysis.attempts, VideoAnalysis.started_at,
                                        VideoAnalysis.heartbeat_at)
                                 .where(VideoAnalysis.status == "running")).all()
            queued = list(db.scalars(select(VideoAnalysis.id).where(VideoAnalysis.status == "queued")
                                     .order_by(VideoAnalysis.id))) if requeue_queued else []
        for analysis_id, attempts, started_at, heartbeat_at in running:
            if started_at is not None and started_at < too_old:
                minutes = self.timeout_seconds / 60
                if self._finish(analysis_id, None, {"status": "failed", "result": None, "error": _problem(
                        f"the analysis took longer than {minutes:g} minutes and was stopped", "analysis_timeout",
                        f"解析が {minutes:g} 分を超えたため中止しました")}):
                    counts["timed_out"] += 1
            elif heartbeat_at is None or heartbeat_at < stale:
                if attempts >= self.max_attempts:
                    if self._fail_interrupted(analysis_id, stale, attempts):
                        counts["failed"] += 1
                elif self._requeue(analysis_id, stale):
                    counts["requeued"] += 1
        for analysis_id in queued:
            self.submit(analysis_id)
            counts["queued_again"] += 1
        if any(counts.values()):
            log.info("video job sweep: %s", counts)
        return counts

    def _stale_running(self, analysis_id: int, stale: dt.datetime):
        return [VideoAnalysis.id == analysis_id, VideoAnalysis.status == "running",
                or_(VideoAnalysis.heartbeat_at.is_(None), VideoAnalysis.heartbeat_at < stale)]

    def _requeue(self, analysis_id: int, stale: dt.datetime) -> bool:
        with self.sessions() as db:
            res = db.execute(update(VideoAnalysis).where(*self._stale_running(analysis_id, stale))
                             .values(status="queued", job_token=None, heartbeat_at=None, started_at=None))
            db.commit()
        if res.rowcount == 1:
            log.warning("video job %s was interrupted; queued again", analysis_id)
            self.submit(analysis_id)
            return True
        return False

    def _fail_interrupted(self, analysis_id: int, stale: dt.datetime, attempts: int) -> bool:
        with self.sessions() as db:
            token = db.scalar(select(VideoAnalysis.job_token).where(*self._stale_running(analysis_id, stale)))
        if token is None:
            return False
        return self._finish(analysis_id, token, {"status": "failed", "result": None, "error": _problem(
            f"the analysis was interrupted {attempts} times (the worker stopped) and was given up",
            "analysis_interrupted", f"解析が {attempts} 回中断されたため（ワーカー停止）、打ち切りました")})

    # -- workers -------------------------------------------------------------------------------------

    def run_sweeper(self) -> None:
        """Sweep at start (queued rows included), then every heartbeat, until stop_flag is set."""
        first = True
        while True:
            try:
                self.sweep(requeue_queued=first)
                first = False
            except Exception:
                if self.stop_flag.is_set():  # the engine went away mid-sweep: shutting down, not a fault
                    return
                log.exception("video job sweep failed")
            if self.stop_flag.wait(self.heartbeat_seconds):
                return

    def start_in_process(self, threads: int = 1) -> None:
        """Worker and sweeper threads inside this process (the server's embedded default); idempotent."""
        from huey.consumer import Worker

        with self._thread_lock:
            if self._threads:
                return
            for i in range(threads):
                worker = Worker(self.huey, self.stop_flag, default_delay=0.1, max_delay=1.0, backoff=1.15)
                self._threads.append(threading.Thread(target=self._work, args=(worker,), daemon=True,
                                                      name=f"ptplan-video-worker-{i + 1}"))
            self._threads.append(threading.Thread(target=self.run_sweeper, daemon=True, name="ptplan-video-sweeper"))
            for thread in self._threads:
                thread.start()

    def _work(self, worker) -> None:
        worker.initialize()
        while not self.stop_flag.is_set():
            try:
                worker.loop()
            except Exception:  # a broken job must not stop the worker
                log.exception("video worker loop failed")

    def stop(self, timeout: float = 5.0) -> None:
        self.stop_flag.set()
        for thread in self._threads:
            thread.join(timeout)

    def run_consumer(self, workers: int = 1) -> None:
        """``ptplan worker``: huey's consumer with ``workers`` threads in this process, plus the sweeper,
        until SIGINT/SIGTERM."""
        from huey.consumer import Consumer

        sweeper = threading.Thread(target=self.run_sweeper, daemon=True, name="ptplan-video-sweeper")
        sweeper.start()
        consumer = Consumer(self.huey, workers=workers, periodic=False, initial_delay=0.1, max_delay=1.0,
                            worker_type="thread", check_worker_health=True)
        try:
            consumer.run()
        finally:
            self.stop_flag.set()
