"""Database benchmark: patient list and one patient's timeline at clinic scale.

Fills a throw-away database (SQLite file, and a fresh PostgreSQL schema when
PTPLAN_TEST_DATABASE_URL is set) with N patients in one clinic (the worst case for paging and
counting) and M session rows spread over them, by bulk insert (executemany on SQLite, COPY on
PostgreSQL). Then times the exact repository calls the API makes: a page of the patient list with
its total, a name search, and a patient's timeline. Prints p50/p99 in milliseconds per backend.

    python bench/db.py [--patients 100000] [--sessions 1000000] [--samples 300]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, text

from ptplan.store import db as store_db
from ptplan.store import repositories as repo
from ptplan.store.models import Clinic, Patient, SessionLog
from ptplan.store.testing import postgres_unreachable, postgres_url, temporary_engine

FAMILY = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "Smith", "Garcia"]
GIVEN = ["花子", "太郎", "美咲", "健", "陽子", "誠", "翔", "さくら", "Anna", "John"]
CHUNK = 20_000


def fill(engine, patients: int, sessions: int) -> float:
    t0 = time.perf_counter()
    rng = random.Random(1)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with engine.begin() as conn:
        conn.execute(insert(Clinic), [{"id": 1, "name": "Bench clinic", "patient_count": patients, "created_at": now}])
        rows = [{"id": i, "clinic_id": 1, "name": f"{rng.choice(FAMILY)} {rng.choice(GIVEN)} {i}",
                 "birth_year": 1940 + i % 60, "sex": "female" if i % 2 else "male", "created_at": now}
                for i in range(1, patients + 1)]
        _bulk(conn, Patient, rows)
        start = dt.date(2025, 1, 1)
        batch = []
        for n in range(sessions):
            day = start + dt.timedelta(days=n // patients)
            batch.append({"clinic_id": 1, "patient_id": n % patients + 1, "performed_on": day, "exercises": "[]",
                          "pain_before": 5.0, "pain_after": 4.0, "rpe": 4.0, "created_at": now})
            if len(batch) == CHUNK:
                _bulk(conn, SessionLog, batch)
                batch = []
        if batch:
            _bulk(conn, SessionLog, batch)
    if engine.dialect.name == "postgresql":
        # What autovacuum would do soon after a bulk load: statistics and the visibility map.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return time.perf_counter() - t0


def _bulk(conn, model, rows: list[dict]) -> None:
    if conn.dialect.name != "postgresql":
        if model is SessionLog:  # the JSON column takes Python values through the ORM table
            rows = [{**r, "exercises": []} for r in rows]
        conn.execute(insert(model), rows)
        return
    cols = list(rows[0])
    with conn.connection.cursor() as cur, cur.copy(f"COPY {model.__tablename__} ({', '.join(cols)}) FROM STDIN") as cp:
        for r in rows:
            cp.write_row([r[c] for c in cols])


def timed(fn, samples: int) -> tuple[float, float]:
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]


def measure(engine, patients: int, samples: int) -> dict[str, tuple[float, float]]:
    rng = random.Random(2)
    sessions = store_db.session_factory(engine)
    out = {}
    with sessions() as db:
        out["patient list page (limit 50, random offset ≤ 5,000) + total"] = timed(
            lambda: repo.list_patients(db, 1, None, 50, rng.randrange(0, 5000)), samples)
        out["patient list, first page + total"] = timed(lambda: repo.list_patients(db, 1, None, 50, 0), samples)
        out["name search (substring, first page + total)"] = timed(
            lambda: repo.list_patients(db, 1, rng.choice(GIVEN), 50, 0), max(20, samples // 10))
        out["one patient's timeline (100 events)"] = timed(
            lambda: repo.timeline(db, rng.randrange(1, patients + 1), 100), samples)
    return out


def run(backend: str, args) -> None:
    folder = Path(tempfile.mkdtemp(prefix="ptplan-bench-"))
    with temporary_engine(backend, folder) as engine:
        store_db.upgrade(engine)
        seconds = fill(engine, args.patients, args.sessions)
        print(f"\n{backend}: {args.patients:,} patients, {args.sessions:,} session rows loaded in {seconds:.1f} s")
        print("| query | p50 ms | p99 ms |\n| --- | ---: | ---: |")
        for name, (p50, p99) in measure(engine, args.patients, args.samples).items():
            print(f"| {name} | {p50:.2f} | {p99:.2f} |")
    shutil.rmtree(folder, ignore_errors=True)  # the SQLite file of 1.1 M rows is a few hundred MB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--sessions", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    for backend in args.backends.split(","):
        if backend == "postgresql":
            url = postgres_url()
            reason = "PTPLAN_TEST_DATABASE_URL not set" if url is None else postgres_unreachable(url)
            if reason:
                print(f"\npostgresql: skipped ({reason})", file=sys.stderr)
                continue
        run(backend, args)


if __name__ == "__main__":
    main()
