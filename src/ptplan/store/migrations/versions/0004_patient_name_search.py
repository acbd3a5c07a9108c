"""patient name search: patients.furigana, and substring indexes over name and furigana

SQLite: an FTS5 trigram table over (clinic, name, furigana) for queries of 3 characters or more, and an
FTS5 table of each name's 1- and 2-character pieces, tagged with the clinic, for shorter ones (the trigram
index cannot serve them); triggers on patients keep both in step. PostgreSQL: pg_trgm GIN indexes for LIKE, and a GIN index on
the same 1- and 2-character pieces (function ptplan_name_grams). See ptplan.store.name_search.

A later SQLite batch migration that recreates the patients table drops these triggers with it and must
create them again (tests/store/test_name_search.py fails if it does not).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def _sqlite_grams(row: str) -> str:
    # "佐藤 花子" in clinic 1 -> "c1・佐 c1・佐藤 c1・藤 c1・花 c1・花子 c1・子": every 1- and 2-character piece
    # without a space, tagged with the clinic, so one token's posting list is one clinic's matches. The
    # ascii tokenizer keeps every non-ASCII character (・ included) and splits on ASCII punctuation.
    text = f"(coalesce({row}.name, '') || ' ' || coalesce({row}.furigana, ''))"
    return (f"(WITH RECURSIVE pos(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM pos WHERE i < length({text})) "
            f"SELECT group_concat('c' || {row}.clinic_id || '・' || piece, ' ') FROM "
            f"(SELECT substr({text}, i, w) AS piece, w FROM pos, (SELECT 1 AS w UNION ALL SELECT 2)) "
            f"WHERE length(piece) = w AND instr(piece, ' ') = 0)")


def _sqlite_insert(row: str) -> str:
    return (f"INSERT INTO patients_name_trigram(rowid, clinic, name, furigana) "
            f"VALUES ({row}.id, '<' || {row}.clinic_id || '>', {row}.name, {row}.furigana); "
            f"INSERT INTO patients_name_grams(rowid, grams) VALUES ({row}.id, {_sqlite_grams(row)});")


_SQLITE_DELETE = ("DELETE FROM patients_name_trigram WHERE rowid = old.id; "
                  "DELETE FROM patients_name_grams WHERE rowid = old.id;")
SQLITE_UP = [
    # clinic is "<1>": three characters, so the trigram index holds it, and "<1>" is no substring of "<12>".
    "CREATE VIRTUAL TABLE patients_name_trigram USING fts5(clinic, name, furigana, tokenize='trigram')",
    "CREATE VIRTUAL TABLE patients_name_grams USING fts5(grams, tokenize='ascii')",
    "INSERT INTO patients_name_trigram(rowid, clinic, name, furigana) "
    "SELECT id, '<' || clinic_id || '>', name, furigana FROM patients",
    f"INSERT INTO patients_name_grams(rowid, grams) SELECT id, {_sqlite_grams('patients')} FROM patients",
    f"CREATE TRIGGER patients_name_search_insert AFTER INSERT ON patients BEGIN {_sqlite_insert('new')} END",
    f"CREATE TRIGGER patients_name_search_delete AFTER DELETE ON patients BEGIN {_SQLITE_DELETE} END",
    "CREATE TRIGGER patients_name_search_update AFTER UPDATE OF clinic_id, name, furigana ON patients "
    f"BEGIN {_SQLITE_DELETE} {_sqlite_insert('new')} END",
]
SQLITE_DOWN = [
    "DROP TRIGGER patients_name_search_update",
    "DROP TRIGGER patients_name_search_delete",
    "DROP TRIGGER patients_name_search_insert",
    "DROP TABLE patients_name_grams",
    "DROP TABLE patients_name_trigram",
]

# Lower-cased 1- and 2-character substrings of name and furigana, none spanning a space. COST tells the
# planner that evaluating it row by row is dear, so it uses the index rather than filtering a scan.
PG_GRAMS = r"""CREATE FUNCTION ptplan_name_grams(name text, furigana text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 1000 AS $$
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
