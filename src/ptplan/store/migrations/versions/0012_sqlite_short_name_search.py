"""SQLite short name search: the B-tree piece table of 0006, in place of 0004's FTS5 piece table

0004 served 1–2 character queries on SQLite from an FTS5 table of each name's pieces. A common character
(田 is in about one name in five at 100,000 patients) then costs in proportion to its matches: the count
walks the whole posting list and a page materialises every matching id before walking the name index
(CPU p99 30–40 ms in bench/db.py). Here SQLite gets the table PostgreSQL has had since 0006,
patient_name_grams(clinic_id, gram, name, patient_id) WITHOUT ROWID, primary key in that order: a count
is one range of the key, and a page in name order is the next entries of that range, however common the
character. The pieces are lower-cased (ASCII, as SQLite's LIKE folds it) and each patient has each piece
once. The triggers of 0004 are replaced by ones that keep the trigram table and this table in step, and
the FTS5 piece table is dropped. PostgreSQL is unchanged. (As 0004 says of its triggers: a later SQLite
batch migration that recreates the patients table must create these triggers again.)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


_TEXT = "(coalesce({row}.name, '') || ' ' || coalesce({row}.furigana, ''))"


def _pieces(row: str) -> str:
    """SELECT of (clinic_id, gram, name, patient_id) for one row (``new`` in a trigger): every 1- and
    2-character piece of name and furigana without a space, lower-cased, each once."""
    text = _TEXT.format(row=row)
    return (f"SELECT DISTINCT {row}.clinic_id, lower(piece), {row}.name, {row}.id FROM "
            f"(WITH RECURSIVE pos(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM pos WHERE i < length({text})) "
            f"SELECT substr({text}, i, w) AS piece, w FROM pos, (SELECT 1 AS w UNION ALL SELECT 2)) "
            f"WHERE length(piece) = w AND instr(piece, ' ') = 0")


def _insert(row: str) -> str:
    return (f"INSERT INTO patients_name_trigram(rowid, clinic, name, furigana) "
            f"VALUES ({row}.id, '<' || {row}.clinic_id || '>', {row}.name, {row}.furigana); "
            f"INSERT INTO patient_name_grams (clinic_id, gram, name, patient_id) {_pieces(row)};")


_DELETE = ("DELETE FROM patients_name_trigram WHERE rowid = old.id; "
           "DELETE FROM patient_name_grams WHERE patient_id = old.id;")
TRIGGERS = ("patients_name_search_insert", "patients_name_search_delete", "patients_name_search_update")
SQLITE_UP = [
    *(f"DROP TRIGGER {t}" for t in TRIGGERS),
    "CREATE TABLE patient_name_grams (clinic_id INTEGER NOT NULL, gram TEXT NOT NULL, name TEXT NOT NULL, "
    "patient_id INTEGER NOT NULL, PRIMARY KEY (clinic_id, gram, name, patient_id)) WITHOUT ROWID",
    "CREATE INDEX ix_patient_name_grams_patient ON patient_name_grams (patient_id)",
    # every patient's pieces at once: positions up to the longest name + furigana
    "INSERT INTO patient_name_grams (clinic_id, gram, name, patient_id) "
    f"WITH RECURSIVE pos(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM pos "
    f"WHERE i < (SELECT coalesce(max(length({_TEXT.format(row='patients')})), 0) FROM patients)), "
    f"cut AS (SELECT p.clinic_id, substr({_TEXT.format(row='p')}, i, w) AS piece, w, p.name, p.id FROM patients AS p, "
    f"pos, (SELECT 1 AS w UNION ALL SELECT 2) WHERE i <= length({_TEXT.format(row='p')})) "
    "SELECT DISTINCT clinic_id, lower(piece), name, id FROM cut WHERE length(piece) = w AND instr(piece, ' ') = 0",
    f"CREATE TRIGGER patients_name_search_insert AFTER INSERT ON patients BEGIN {_insert('new')} END",
    f"CREATE TRIGGER patients_name_search_delete AFTER DELETE ON patients BEGIN {_DELETE} END",
    "CREATE TRIGGER patients_name_search_update AFTER UPDATE OF clinic_id, name, furigana ON patients "
    f"BEGIN {_DELETE} {_insert('new')} END",
    "DROP TABLE patients_name_grams",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for sql in SQLITE_UP:
            op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    from importlib import import_module

    m0004 = import_module("ptplan.store.migrations.versions.0004_patient_name_search")
    for t in TRIGGERS:
        op.execute(f"DROP TRIGGER {t}")
    op.execute("DROP TABLE patient_name_grams")
    # 0004's FTS5 piece table, filled again, and its triggers
    for sql in m0004.SQLITE_UP:
        if "patients_name_grams" in sql or sql.startswith("CREATE TRIGGER"):
            op.execute(sql)
