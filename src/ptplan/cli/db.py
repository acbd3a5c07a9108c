"""``ptplan db``: migrations, and backups of the embedded SQLite database."""

from __future__ import annotations

from pathlib import Path

import typer

from ptplan.settings import load_settings
from ptplan.store import db as store_db

app = typer.Typer(no_args_is_help=True, help="Database: migrations, backup and restore.")


def engine_from_settings():
    settings = load_settings()
    return store_db.make_engine(settings.sqlalchemy_url(), settings.sqlite_synchronous)


@app.command()
def upgrade(revision: str = typer.Argument("head", help="target revision")):
    """Migrate the database (SQLite in the data dir, or PTPLAN_DATABASE_URL) up to REVISION."""
    engine = engine_from_settings()
    store_db.upgrade(engine, revision)
    typer.echo(f"ok: database at revision {store_db.current_revision(engine)} ({engine.url.render_as_string()})")


@app.command()
def downgrade(revision: str = typer.Argument(..., help="target revision, e.g. base")):
    """Migrate the database down to REVISION (``base`` removes every table)."""
    engine = engine_from_settings()
    store_db.downgrade(engine, revision)
    typer.echo(f"ok: database at revision {store_db.current_revision(engine)}")


@app.command()
def current():
    """Print the revision the database is at."""
    typer.echo(store_db.current_revision(engine_from_settings()) or "(empty)")


@app.command()
def backup(file: Path = typer.Argument(..., help="new file to write the backup to")):
    """Copy the SQLite database to FILE as one consistent snapshot, also while the server writes."""
    from ptplan.store import backup as store_backup

    database = store_backup.sqlite_path(load_settings().sqlalchemy_url())
    snap = store_backup.backup(database, file)
    typer.echo(f"ok: {snap.path} ({snap.patients} patients, revision {snap.revision}) from {database}")


@app.command()
def restore(file: Path = typer.Argument(..., help="a file written by `ptplan db backup`"),
            yes: bool = typer.Option(False, "--yes", help="do not ask for confirmation")):
    """Replace the SQLite database with the backup FILE, then migrate it to this version. Stop the server
    first. The database as it was is kept beside it (ptplan.sqlite3.before-restore-<time>)."""
    from ptplan.errors import InputError
    from ptplan.store import backup as store_backup

    database = store_backup.sqlite_path(load_settings().sqlalchemy_url())
    snap = store_backup.check(file)
    if snap.revision not in store_db.known_revisions():
        raise InputError.single("FILE", f"{file} is at revision {snap.revision}, which this ptplan does not know "
                                "(a backup from a newer version?)", "unknown_revision",
                                f"{file} のリビジョン {snap.revision} はこの ptplan にありません")
    if not yes:
        typer.confirm(f"Replace {database} with {file} ({snap.patients} patients)?", abort=True)
    kept = store_backup.restore(file, database)
    engine = engine_from_settings()
    store_db.upgrade(engine)
    typer.echo(f"ok: restored {file} into {database}, now at revision {store_db.current_revision(engine)}"
               + (f"; the previous database is kept as {kept}" if kept else ""))
