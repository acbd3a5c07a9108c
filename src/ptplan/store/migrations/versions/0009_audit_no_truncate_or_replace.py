"""audit_events stays append-only against TRUNCATE (PostgreSQL) and INSERT OR REPLACE (SQLite)

0001's row triggers refuse UPDATE and DELETE, but two statements never fire them:
- PostgreSQL ``TRUNCATE`` fires no row trigger: a statement-level BEFORE TRUNCATE trigger runs 0001's
  refusing function ``audit_events_append_only()`` (a plpgsql trigger function works at both levels).
- SQLite's ``INSERT OR REPLACE`` (and ``REPLACE INTO``) deletes the row it conflicts with without firing
  DELETE triggers while ``PRAGMA recursive_triggers`` is off (the default, and ptplan's). A BEFORE INSERT
  trigger refuses an insert whose id is already taken; audit_events has no other unique key, so the id is
  the only conflict a REPLACE can have. Plain inserts (a new id) are unaffected.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

SQLITE_UP = ("CREATE TRIGGER audit_events_no_replace BEFORE INSERT ON audit_events "
             "WHEN EXISTS (SELECT 1 FROM audit_events WHERE id = NEW.id) "
             "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END")
PG_UP = ("CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
         "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(SQLITE_UP)
    elif dialect == "postgresql":
        op.execute(PG_UP)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_replace")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
