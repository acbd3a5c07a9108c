"""patient name search: patients.furigana, and substring indexes over name and furigana

SQLite: an FTS5 trigram table over (name, furigana) for queries of 3 characters or more, and an FTS5
table of each name's 1- and 2-character pieces for shorter ones (the trigram index cannot serve them),
both kept in step by triggers on patients. PostgreSQL: pg_trgm GIN indexes for LIKE, and a GIN index on
the same 1- and 2-character pieces (function ptplan_name_grams). See ptplan.store.name_search.

A later SQLite batch migration that recreates the patients table drops these triggers with it and must
create them again (tests/store/test_name_search.py fails if it does not).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def _sqlite_grams(row: str) -> str:
    # "佐藤 花子" -> "佐 佐藤 藤 藤  ..." : every 1- and 2-character substring, space separated; the ascii
    # tokenizer splits on ASCII spaces and punctuation and keeps every other character.
    text = f"(coalesce({row}.name, '') || ' ' || coalesce({row}.furigana, ''))"
    return (f"(WITH RECURSIVE pos(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM pos WHERE i < length({text})) "
            f"SELECT group_concat(substr({text}, i, 1) || ' ' || substr({text}, i, 2), ' ') FROM pos)")


SQLITE_UP = [
    "CREATE VIRTUAL TABLE patients_name_trigram USING fts5(name, furigana, content='patients', "
    "content_rowid='id', tokenize='trigram')",
    "CREATE VIRTUAL TABLE patients_name_grams USING fts5(grams, tokenize='ascii')",
    "INSERT INTO patients_name_trigram(patients_name_trigram) VALUES ('rebuild')",
    f"INSERT INTO patients_name_grams(rowid, grams) SELECT id, {_sqlite_grams('patients')} FROM patients",
    "CREATE TRIGGER patients_name_search_insert AFTER INSERT ON patients BEGIN "
    "INSERT INTO patients_name_trigram(rowid, name, furigana) VALUES (new.id, new.name, new.furigana); "
    f"INSERT INTO patients_name_grams(rowid, grams) VALUES (new.id, {_sqlite_grams('new')}); END",
    "CREATE TRIGGER patients_name_search_delete AFTER DELETE ON patients BEGIN "
    "INSERT INTO patients_name_trigram(patients_name_trigram, rowid, name, furigana) "
    "VALUES ('delete', old.id, old.name, old.furigana); "
    "DELETE FROM patients_name_grams WHERE rowid = old.id; END",
    "CREATE TRIGGER patients_name_search_update AFTER UPDATE OF name, furigana ON patients BEGIN "
    "INSERT INTO patients_name_trigram(patients_name_trigram, rowid, name, furigana) "
    "VALUES ('delete', old.id, old.name, old.furigana); "
    "INSERT INTO patients_name_trigram(rowid, name, furigana) VALUES (new.id, new.name, new.furigana); "
    f"UPDATE patients_name_grams SET grams = {_sqlite_grams('new')} WHERE rowid = new.id; END",
]
SQLITE_DOWN = [
    "DROP TRIGGER patients_name_search_update",
    "DROP TRIGGER patients_name_search_delete",
    "DROP TRIGGER patients_name_search_insert",
    "DROP TABLE patients_name_grams",
    "DROP TABLE patients_name_trigram",
]

# Lower-cased 1- and 2-character substrings of name and furigana, none spanning a space.
PG_GRAMS = r"""CREATE FUNCTION ptplan_name_grams(name text, furigana text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT gram), '{}') FROM (
    SELECT lower(substr(t.s, i, w)) AS gram
    FROM (SELECT coalesce(name, '') || ' ' || coalesce(furigana, '') AS s) AS t,
         generate_series(1, length(t.s)) AS i, (VALUES (1), (2)) AS v(w)) AS p
  WHERE gram !~ '\s'
$$"""
PG_DOWN = [
    "DROP INDEX ix_patients_name_grams",
    "DROP INDEX ix_patients_name_trgm",
    "DROP FUNCTION ptplan_name_grams(text, text)",
]


def _pg_trgm_schema() -> str:
    """Schema holding pg_trgm, installing it in public when absent (never in a per-test schema, whose
    DROP ... CASCADE would take the extension and every other schema's trigram index with it)."""
    conn = op.get_bind()
    find = sa.text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                   "WHERE e.extname = 'pg_trgm'")
    schema = conn.execute(find).scalar()
    if schema is None:
        conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public"))
        schema = conn.execute(find).scalar()
    return schema


def upgrade() -> None:
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('furigana', sa.String(length=200), nullable=True))
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for sql in SQLITE_UP:
            op.execute(sql)
    elif dialect == "postgresql":
        trgm = _pg_trgm_schema()
        op.execute(f'CREATE INDEX ix_patients_name_trgm ON patients USING gin '
                   f'(name "{trgm}".gin_trgm_ops, furigana "{trgm}".gin_trgm_ops)')
        op.execute(PG_GRAMS)
        op.execute("CREATE INDEX ix_patients_name_grams ON patients USING gin (ptplan_name_grams(name, furigana))")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for sql in {"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}.get(dialect, []):
        op.execute(sql)
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.drop_column('furigana')
