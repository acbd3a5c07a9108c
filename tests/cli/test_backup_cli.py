"""``ptplan db backup`` and ``ptplan db restore`` on the embedded SQLite database."""

import sqlite3
import threading
import time

import pytest

from ptplan.store import db as store_db
from ptplan.store import repositories as repo


@pytest.fixture
def ptplan(run, tmp_path, monkeypatch):
    """``ptplan ARGS…`` in-process on a SQLite database in a temporary data dir: (exit code, out, err)."""
    monkeypatch.setenv("PTPLAN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PTPLAN_DATABASE_URL", "")
    return run


class Writer(threading.Thread):
    """Creates patients one transaction each, as the server does, and records each id once committed."""

    def __init__(self, url: str, clinic_id: int) -> None:
        super().__init__(daemon=True)
        self.engine, self.clinic_id = store_db.make_engine(url), clinic_id
        self.acked: list[tuple[float, int]] = []  # (time the commit returned, patient id)
        self.stop = threading.Event()

    def run(self) -> None:
        with store_db.session_factory(self.engine)() as db:
            while not self.stop.is_set():
                patient = repo.create_patient(db, self.clinic_id, name=f"書き込み {len(self.acked)}")
                db.commit()
                self.acked.append((time.monotonic(), patient.id))
        self.engine.dispose()


def test_it_backs_up_during_a_write_burst_and_restores_every_write_acknowledged_before(ptplan, tmp_path):
    assert ptplan("db", "upgrade")[0] == 0
    database = tmp_path / "data" / "ptplan.sqlite3"
    url = f"sqlite:///{database}"
    engine = store_db.make_engine(url)
    with store_db.session_factory(engine)() as db:
        clinic_id = repo.get_or_create_clinic(db, "Aoba").id
        db.commit()
    engine.dispose()
    writer = Writer(url, clinic_id)
    writer.start()
    while len(writer.acked) < 50:
        time.sleep(0.01)
    before = {pid for _, pid in writer.acked}  # acknowledged before the backup command started
    code, out, err = ptplan("db", "backup", str(tmp_path / "backup.sqlite3"))
    finished = time.monotonic()
    while not [at for at, _ in writer.acked if at > finished + 0.1]:
        time.sleep(0.01)
    writer.stop.set()
    writer.join(timeout=30)
    assert code == 0, err
    after = {pid for at, pid in writer.acked if at > finished}
    assert after and writer.acked[-1][0] > finished, "the writer kept committing after the backup"

    code, out, err = ptplan("db", "restore", str(tmp_path / "backup.sqlite3"), "--yes")
    assert code == 0, err
    with sqlite3.connect(database) as conn:
        ids = {row[0] for row in conn.execute("SELECT id FROM patients")}
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert before <= ids  # every acknowledged write before the backup began is back
    assert not ids & after  # and nothing committed after it finished: the file is that snapshot
    kept = list((tmp_path / "data").glob("ptplan.sqlite3.before-restore-*"))
    assert len(kept) == 1  # the database as it was before the restore is kept
    with sqlite3.connect(kept[0]) as conn:
        assert {row[0] for row in conn.execute("SELECT id FROM patients")} >= before | after


def test_it_refuses_to_overwrite_a_file_or_restore_something_that_is_no_backup(ptplan, tmp_path):
    assert ptplan("db", "upgrade")[0] == 0
    existing = tmp_path / "existing.sqlite3"
    existing.write_text("keep me", encoding="utf-8")
    code, _, err = ptplan("db", "backup", str(existing))
    assert code == 2 and "already exists" in err
    assert existing.read_text(encoding="utf-8") == "keep me"
    code, _, err = ptplan("db", "restore", str(existing), "--yes")
    assert code == 2 and "is not a ptplan database" in err
    assert not list((tmp_path / "data").glob("*before-restore*"))  # refused before touching anything


def test_it_points_postgresql_users_to_pg_dump(ptplan, tmp_path, monkeypatch):
    monkeypatch.setenv("PTPLAN_DATABASE_URL", "postgresql+psycopg://ptplan@db.invalid/ptplan")
    code, _, err = ptplan("db", "backup", str(tmp_path / "x"))
    assert code == 2 and "pg_dump and pg_restore (docs/deploy.md)" in err
