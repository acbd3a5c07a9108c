"""Backups of the embedded SQLite database with SQLite's online backup API.

A backup is one consistent snapshot, taken while the server goes on writing: the copy runs in a single
step inside one read transaction, which WAL mode lets writers work beside; it holds every transaction
committed before the copy started and none that committed after. The result is a self-contained
SQLite file (rollback journal, no ``-wal`` beside it), checked before it is given its final name.

PostgreSQL is backed up with pg_dump and pg_restore (docs/deploy.md).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from ptplan.errors import InputError


@dataclass(frozen=True)
class Snapshot:
    path: Path
    revision: str | None
    patients: int


def sqlite_path(url: str) -> Path:
    """The database file of a SQLite URL; an InputError naming PTPLAN_DATABASE_URL for anything else."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        raise InputError.single("PTPLAN_DATABASE_URL", f"ptplan db backup/restore work on the embedded SQLite "
                                f"file; for {parsed.get_backend_name()} use pg_dump and pg_restore (docs/deploy.md)",
                                "not_sqlite", "PostgreSQL は pg_dump と pg_restore でバックアップします（docs/deploy.md）")
    return Path(parsed.database)


def backup(database: Path, target: Path) -> Snapshot:
    """Copy ``database`` to ``target`` (which must not exist) as one consistent snapshot."""
    if not database.exists():
        raise InputError.single("database", f"{database} does not exist: nothing to back up", "missing",
                                f"{database} がありません")
    if target.exists():
        raise InputError.single("FILE", f"{target} already exists; choose a new file name", "exists",
                                f"{target} は既にあります。別のファイル名を指定してください")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    _copy(database, partial)
    snapshot = check(partial)
    os.replace(partial, target)
    return Snapshot(target, snapshot.revision, snapshot.patients)


def restore(source: Path, database: Path) -> Path | None:
    """Replace the contents of ``database`` with the backup ``source``; the database as it was is first
    saved beside it (returned), so a restore never loses what was stored."""
    check(source)
    kept = None
    if database.exists():
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        kept = database.with_name(f"{database.name}.before-restore-{stamp}")
        _copy(database, kept)
    database.parent.mkdir(parents=True, exist_ok=True)
    with _connect(source) as src, _connect(database) as dst:
        src.backup(dst)
    return kept


def check(path: Path) -> Snapshot:
    """Open a backup read-only and confirm it is a whole ptplan database; an InputError otherwise."""
    if not path.is_file():
        raise InputError.single("FILE", f"{path} does not exist", "missing", f"{path} がありません")
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            status = conn.execute("PRAGMA quick_check").fetchone()[0]
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            patients = conn.execute("SELECT count(*) FROM patients").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise InputError.single("FILE", f"{path} is not a ptplan database ({exc})", "not_a_backup",
                                f"{path} は ptplan のデータベースではありません") from None
    if status != "ok":
        raise InputError.single("FILE", f"{path} is damaged: {status}", "damaged", f"{path} は壊れています")
    return Snapshot(path, revision[0] if revision else None, int(patients))


def _connect(path: Path):
    """A connection closed at the end of the with-block (sqlite3's own context manager only commits)."""
    return contextlib.closing(sqlite3.connect(path, timeout=30))


def _copy(database: Path, target: Path) -> None:
    with _connect(database) as src, _connect(target) as dst:
        src.backup(dst)  # pages=-1: the whole file in one step, so one snapshot even while others write
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    with open(target, "rb") as fh:
        os.fsync(fh.fileno())
