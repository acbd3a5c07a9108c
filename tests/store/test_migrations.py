"""Migrations build the schema from nothing, match the models exactly, and undo cleanly."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from ptplan.store import db as store_db
from ptplan.store.models import Base
from ptplan.store.name_search import include_object

TABLES = {"clinics", "users", "auth_tokens", "patients", "assessments", "plans", "measure_results", "session_logs",
          "review_decisions", "audit_events", "video_analyses"}


def test_it_upgrades_an_empty_database_to_head(empty_engine):
    store_db.upgrade(empty_engine)
    assert store_db.current_revision(empty_engine) == store_db.head_revision()
    assert set(inspect(empty_engine).get_table_names()) >= TABLES


def test_it_leaves_no_difference_between_models_and_migrations(empty_engine):
    store_db.upgrade(empty_engine)
    with empty_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True,
                                                                    "include_object": include_object}), Base.metadata)
    assert diff == []


def test_it_downgrades_to_an_empty_database_and_up_again(empty_engine):
    store_db.upgrade(empty_engine)
    store_db.downgrade(empty_engine, "base")
    assert set(inspect(empty_engine).get_table_names()) <= {"alembic_version"}
    assert store_db.current_revision(empty_engine) is None
    store_db.upgrade(empty_engine)
    assert set(inspect(empty_engine).get_table_names()) >= TABLES


def test_it_refuses_to_change_or_delete_audit_events(empty_engine):
    store_db.upgrade(empty_engine)
    with empty_engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_events (at, username, action, resource) "
                          "VALUES (CURRENT_TIMESTAMP, 'taro', 'read', 'patient')"))
    for sql in ("UPDATE audit_events SET username = 'mallory'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"), empty_engine.begin() as conn:
            conn.execute(text(sql))
    with empty_engine.connect() as conn:
        assert conn.execute(text("SELECT username FROM audit_events")).scalars().all() == ["taro"]
