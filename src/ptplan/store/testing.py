"""Throw-away databases for tests and benchmarks: a temporary SQLite file, or a fresh PostgreSQL schema
that is dropped afterwards, so runs never touch each other's tables on a shared server."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from ptplan.store.db import make_engine

TEST_URL_ENV = "PTPLAN_TEST_DATABASE_URL"


def postgres_url() -> str | None:
    """The PostgreSQL URL for tests, or None when unset (tests then skip the PostgreSQL variant)."""
    url = os.environ.get(TEST_URL_ENV, "").strip()
    return url if url and make_url(url).get_backend_name() == "postgresql" else None


def postgres_unreachable(url: str) -> str | None:
    """None when a connection works, else the reason (so a test can skip saying why)."""
    try:
        engine = make_engine(url)
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any driver error means: not usable here
        return f"{TEST_URL_ENV} is set but PostgreSQL is unreachable: {type(exc).__name__}"


def require_postgres() -> str:
    """The test URL for a PostgreSQL-variant test. Unset: skip. Set but unreachable: fail, because a CI
    that asked for PostgreSQL must not go green without having tested it."""
    import pytest

    url = postgres_url()
    if url is None:
        pytest.skip(f"{TEST_URL_ENV} not set")
    reason = postgres_unreachable(url)
    if reason:
        pytest.fail(reason)
    return url


@contextlib.contextmanager
def temporary_engine(backend: str, tmp_dir: Path, **kw) -> Iterator[Engine]:
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_dir / f'ptplan-{secrets.token_hex(4)}.sqlite3'}", **kw)
        try:
            yield engine
        finally:
            engine.dispose()
        return
    url = postgres_url()
    assert url, f"{TEST_URL_ENV} is not set"
    schema = f"ptplan_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"}, **kw)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
