"""``ptplan db``: apply or inspect database migrations."""

from __future__ import annotations

import typer

from ptplan.settings import load_settings
from ptplan.store import db as store_db

app = typer.Typer(no_args_is_help=True, help="Database: migrations.")


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
