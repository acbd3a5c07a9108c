"""Engine factory and migrations.

SQLite (default) lives in one file under the data dir with WAL journaling, foreign keys on and a
busy timeout, so concurrent requests wait instead of failing; PostgreSQL is used when a URL is given.
Migrations run from the installed package (``ptplan/store/migrations``), no alembic.ini needed.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str, sqlite_synchronous: str = "FULL", **kw) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, **kw)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kw)
    _sqlite_pragmas(engine, sqlite_synchronous)
    return engine


def _sqlite_pragmas(engine: Engine, synchronous: str) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy own transaction boundaries (pysqlite's implicit BEGIN is unreliable).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # IMMEDIATE takes the write lock up front, so two writers never deadlock on upgrade.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate to ``revision``. A PostgreSQL role without the right to change the schema (a role that does not
    own the tables, docs/deploy.md) gets an error saying so instead of a traceback, when a migration is due."""
    from alembic import command
    from sqlalchemy.exc import DBAPIError

    try:
        command.upgrade(alembic_config(engine), revision)
    except DBAPIError as err:
        if getattr(err.orig, "sqlstate", None) != "42501":  # insufficient_privilege
            raise
        from ptplan.errors import PtplanError

        raise PtplanError.single(
            "database", f"the database needs a migration that user {engine.url.username!r} may not run "
            f"({str(err.orig).splitlines()[0]}): run `ptplan db upgrade` with the owner's PTPLAN_DATABASE_URL",
            "insufficient_privilege", "データベースの移行が必要ですが、この接続ユーザーには権限がありません。"
            "テーブル所有者の PTPLAN_DATABASE_URL で `ptplan db upgrade` を実行してください", status=503) from None


def downgrade(engine: Engine, revision: str = "base") -> None:
    from alembic import command

    command.downgrade(alembic_config(engine), revision)


def _scripts():
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(None))


def known_revisions() -> set[str | None]:
    """Every migration revision this version of ptplan has (None: an empty database)."""
    return {None} | {rev.revision for rev in _scripts().walk_revisions()}


def head_revision() -> str:
    """The newest migration shipped with this version of ptplan."""
    return _scripts().get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
