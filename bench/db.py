"""Database benchmark: patient list and one patient's timeline at clinic scale.

Fills a throw-away database (SQLite file, and a fresh PostgreSQL schema when
PTPLAN_TEST_DATABASE_URL is set) with N patients in one clinic (the worst case for paging and
counting) and M session rows spread over them, by bulk insert (executemany on SQLite, COPY on
PostgreSQL; the search triggers and indexes of migration 0004 are in place while loading). Names are
drawn from 60 common surnames and 40 given names with their katakana readings (furigana), so a surname
matches about 1.7 % of the clinic, as 佐藤 does in Japan. Then times the exact repository calls the API
makes: a page of the patient list with its total, name searches by kind of query, and a patient's
timeline; and, as the baseline of the same run, the full-scan search that migration 0004 replaced.
Prints p50/p99 in milliseconds per backend.

    python bench/db.py [--patients 100000] [--sessions 1000000] [--samples 300]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, select, text

from ptplan.store import db as store_db
from ptplan.store import repositories as repo
from ptplan.store.models import Clinic, Patient, SessionLog
from ptplan.store.testing import postgres_unreachable, postgres_url, temporary_engine


def _pairs(words: str) -> list[tuple[str, str]]:
    return [tuple(word.split(":")) for word in words.split()]


# (name, katakana reading): common surnames and given names, enough for realistic match rates.
FAMILY = _pairs(
    "佐藤:サトウ 鈴木:スズキ 高橋:タカハシ 田中:タナカ 伊藤:イトウ 渡辺:ワタナベ 山本:ヤマモト 中村:ナカムラ 小林:コバヤシ "
    "加藤:カトウ 吉田:ヨシダ 山田:ヤマダ 佐々木:ササキ 山口:ヤマグチ 松本:マツモト 井上:イノウエ 木村:キムラ 林:ハヤシ "
    "斎藤:サイトウ 清水:シミズ 山崎:ヤマザキ 森:モリ 池田:イケダ 橋本:ハシモト 阿部:アベ 石川:イシカワ 山下:ヤマシタ "
    "中島:ナカジマ 石井:イシイ 小川:オガワ 前田:マエダ 岡田:オカダ 長谷川:ハセガワ 藤田:フジタ 後藤:ゴトウ 近藤:コンドウ "
    "村上:ムラカミ 遠藤:エンドウ 青木:アオキ 坂本:サカモト 福田:フクダ 太田:オオタ 西村:ニシムラ 藤井:フジイ 金子:カネコ "
    "岡本:オカモト 藤原:フジワラ 中野:ナカノ 三浦:ミウラ 原田:ハラダ 中川:ナカガワ 松田:マツダ 竹内:タケウチ 小野:オノ "
    "田村:タムラ 中山:ナカヤマ 和田:ワダ 石田:イシダ 森田:モリタ Smith:スミス")
GIVEN = _pairs(
    "花子:ハナコ 太郎:タロウ 美咲:ミサキ 健:ケン 陽子:ヨウコ 誠:マコト 翔:ショウ さくら:サクラ 大輔:ダイスケ 直樹:ナオキ "
    "恵子:ケイコ 裕子:ユウコ 和子:カズコ 明美:アケミ 浩:ヒロシ 学:マナブ 拓也:タクヤ 健太:ケンタ 結衣:ユイ 陽菜:ヒナ "
    "蓮:レン 悠真:ユウマ 美穂:ミホ 由美:ユミ 隆:タカシ 清:キヨシ 勇:イサム 茂:シゲル 真由美:マユミ 智子:トモコ "
    "久美子:クミコ 正:タダシ 修:オサム 愛:アイ 舞:マイ 彩:アヤ 恵:メグミ 翼:ツバサ Anna:アンナ John:ジョン")
CHUNK = 20_000


def fill(engine, patients: int, sessions: int) -> float:
    t0 = time.perf_counter()
    rng = random.Random(1)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with engine.begin() as conn:
        conn.execute(insert(Clinic), [{"id": 1, "name": "Bench clinic", "patient_count": patients, "created_at": now}])
        rows = []
        for i in range(1, patients + 1):
            (family, family_kana), (given, given_kana) = rng.choice(FAMILY), rng.choice(GIVEN)
            rows.append({"id": i, "clinic_id": 1, "name": f"{family} {given}", "furigana": f"{family_kana} {given_kana}",
                         "birth_year": 1940 + i % 60, "sex": "female" if i % 2 else "male", "created_at": now})
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
        # What autovacuum would do soon after a bulk load: statistics and the visibility map; then a checkpoint, so
        # the load's dirty pages are not flushed while the queries are timed (a clinic's database is not bulk-loaded
        # a second before it is searched).
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
            conn.execute(text("CHECKPOINT"))
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


def timed(fn, samples: int) -> tuple[float, float, float, float]:
    """p50 and p99 wall milliseconds, then p50 and p99 CPU milliseconds of this process (SQLite runs in it;
    for PostgreSQL it is only the client's share). CPU time leaves out waiting for a core, which dominates
    wall time on a shared machine."""
    walls, cpus = [], []
    for _ in range(samples):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append((time.perf_counter() - t0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)
    walls.sort()
    cpus.sort()
    return statistics.median(walls), _p99(walls), statistics.median(cpus), _p99(cpus)


def _p99(values: list[float]) -> float:
    return values[min(len(values) - 1, int(len(values) * 0.99))]


def search_queries(rng: random.Random) -> dict[str, list[str]]:
    """Kinds of name query a clinic types, 50 random ones of each."""
    def full():
        return f"{rng.choice(FAMILY)[0]} {rng.choice(GIVEN)[0]}"
    kanji = [c for name, _ in FAMILY + GIVEN for c in name if not c.isascii()]
    return {
        "1 character (a kanji or kana of a name)": [rng.choice(kanji) for _ in range(50)],
        "1 character, the most frequent (藤: 1 in 7 patients)": ["藤"],
        "2 characters (a 2-kanji surname, e.g. 佐藤)": [rng.choice([f for f, _ in FAMILY if len(f) == 2]) for _ in range(50)],
        "full name with space (e.g. 佐藤 花子)": [full() for _ in range(50)],
        "furigana, katakana surname (e.g. サトウ)": [rng.choice(FAMILY)[1] for _ in range(50)],
        "furigana typed in hiragana (e.g. さとう)": [hira(rng.choice(FAMILY)[1]) for _ in range(50)],
        "furigana typed in half-width katakana (e.g. ｻﾄｳ)": [half(rng.choice(FAMILY)[1]) for _ in range(50)],
        "1 kana in hiragana (e.g. さ)": [hira(c) for c in (rng.choice(rng.choice(FAMILY)[1]) for _ in range(50))],
        "no match (a surname not in the data)": ["西園寺"],
    }


def hira(katakana: str) -> str:
    return "".join(chr(ord(c) - 0x60) if 0x30A1 <= ord(c) <= 0x30F6 else c for c in katakana)


def half(katakana: str) -> str:
    """Half-width katakana as an old keyboard or a pasted record gives it (ｻﾄｳ, ﾀﾞ as two characters)."""
    return "".join(HALF.get(c, c) for c in katakana)


_FULL = "ァアィイゥウェエォオカキクケコサシスセソタチッツテトナニヌネノハヒフヘホマミムメモャヤュユョヨラリルレロワヲンー"
_HALF = "ｧｱｨｲｩｳｪｴｫｵｶｷｸｹｺｻｼｽｾｿﾀﾁｯﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓｬﾔｭﾕｮﾖﾗﾘﾙﾚﾛﾜｦﾝｰ"
HALF = dict(zip(_FULL, _HALF, strict=True))
_VOICED = "ガギグゲゴザジズゼゾダヂヅデドバビブベボ"
HALF |= {c: HALF[chr(ord(c) - 1)] + "ﾞ" for c in _VOICED} | {c: HALF[chr(ord(c) - 2)] + "ﾟ" for c in "パピプペポ"}


def old_search(db, q: str):
    """The search before migration 0004: LIKE over the clinic's names, a full scan (the baseline)."""
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    stmt = select(Patient).where(Patient.clinic_id == 1, Patient.name.like(f"%{escaped}%", escape="\\"))
    return repo.page(db, stmt.order_by(Patient.name, Patient.id), 50, 0)


def measure(engine, patients: int, samples: int) -> dict[str, tuple[float, float]]:
    rng = random.Random(2)
    sessions = store_db.session_factory(engine)
    out = {}
    with sessions() as db:
        out["patient list page (limit 50, random offset ≤ 5,000) + total"] = timed(
            lambda: repo.list_patients(db, 1, None, 50, rng.randrange(0, 5000)), samples)
        out["patient list, first page + total"] = timed(lambda: repo.list_patients(db, 1, None, 50, 0), samples)
        queries = search_queries(rng)
        for kind, qs in queries.items():
            out[f"name search: {kind}"] = timed(lambda qs=qs: repo.list_patients(db, 1, rng.choice(qs), 50, 0), samples)
        mixed = [q for kind, qs in queries.items() for q in qs if "most frequent" not in kind and "no match" not in kind]
        out["name search, all kinds mixed (first page + total)"] = timed(
            lambda: repo.list_patients(db, 1, rng.choice(mixed), 50, 0), samples)
        out["baseline: the same mix by full-scan LIKE (before 0004)"] = timed(
            lambda: old_search(db, rng.choice(mixed)), max(30, samples // 5))
        out["one patient's timeline (100 events)"] = timed(
            lambda: repo.timeline(db, rng.randrange(1, patients + 1), 100), samples)
    return out


def load_average() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def run(backend: str, args) -> dict[str, tuple[float, float, float, float]]:
    folder = Path(tempfile.mkdtemp(prefix="ptplan-bench-"))
    with temporary_engine(backend, folder) as engine:
        store_db.upgrade(engine)
        seconds = fill(engine, args.patients, args.sessions)
        print(f"\n{backend}: {args.patients:,} patients, {args.sessions:,} session rows loaded in {seconds:.1f} s "
              f"(load average {load_average()})")
        results = measure(engine, args.patients, args.samples)
        print("| query | p50 ms | p99 ms | CPU p50 ms | CPU p99 ms |\n| --- | ---: | ---: | ---: | ---: |")
        for name, (p50, p99, cpu50, cpu99) in results.items():
            print(f"| {name} | {p50:.2f} | {p99:.2f} | {cpu50:.2f} | {cpu99:.2f} |")
        print(f"(load average after: {load_average()})", flush=True)
    shutil.rmtree(folder, ignore_errors=True)  # the SQLite file of 1.1 M rows is a few hundred MB
    return results


def report(results: dict[str, dict], started: str, start_load: str) -> None:
    """One table of every backend's rows, ready for docs/benchmarks.md; CPU is this process's
    (all of SQLite's work, only the client's share for PostgreSQL)."""
    names = {"sqlite": "SQLite", "postgresql": "PG"}
    head, rule = ["query"], ["---"]
    for backend in results:
        n = names.get(backend, backend)
        head += [f"{n} p50", f"{n} p99", f"{n} CPU p50", f"{n} CPU p99"]
        rule += ["---:"] * 4
    ended = dt.datetime.now(dt.UTC).strftime("%H:%M")
    print(f"\nRun {started}–{ended} UTC, {os.cpu_count()} cores, load average (1/5/15 min) {start_load} at the "
          f"start and {load_average()} at the end. All times in ms.\n")
    print("| " + " | ".join(head) + " |\n| " + " | ".join(rule) + " |")
    for query in next(iter(results.values())):
        cells = [f"{v:.2f}" for backend in results for v in results[backend].get(query, (float("nan"),) * 4)]
        print(f"| {query} | " + " | ".join(cells) + " |")
    for backend, rows in results.items():
        search = {q: v for q, v in rows.items() if q.startswith("name search")}
        worst = max(search, key=lambda q: search[q][3])
        print(f"\n{names.get(backend, backend)}: worst name-search CPU p99 {search[worst][3]:.2f} ms ({worst}); "
              f"worst wall p99 {max(v[1] for v in search.values()):.2f} ms; goal p99 ≤ 20 ms.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--sessions", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    started, start_load, results = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"), load_average(), {}
    for backend in args.backends.split(","):
        if backend == "postgresql":
            url = postgres_url()
            reason = "PTPLAN_TEST_DATABASE_URL not set" if url is None else postgres_unreachable(url)
            if reason:
                print(f"\npostgresql: skipped ({reason})", file=sys.stderr)
                continue
        results[backend] = run(backend, args)
    if results:
        report(results, started, start_load)


if __name__ == "__main__":
    main()
