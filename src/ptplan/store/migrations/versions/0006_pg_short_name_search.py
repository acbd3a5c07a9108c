"""PostgreSQL short name search: a B-tree side table of each name's 1- and 2-character pieces

Migration 0004 served 1–2 character queries on PostgreSQL from a GIN index on ptplan_name_grams(name,
furigana). Counting the matches of a common character (藤: one name in seven at 100,000 patients) then
visits most of the table's pages (GIN has no index-only scans): p99 212 ms. Here the same pieces go into
patient_name_grams(clinic_id, gram, name, patient_id), primary key in that order: a count is an
index-only range scan, and a page of matches in name order is the next 50 entries of that range (then
50 primary-key lookups), however common the character. A trigger on patients keeps it in step; the
GIN index is dropped. SQLite is unchanged (its FTS5 piece table already counts from the index).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

PG_UP = [
    "CREATE TABLE patient_name_grams (clinic_id integer NOT NULL, gram text NOT NULL, name text NOT NULL, "
    "patient_id integer NOT NULL, CONSTRAINT pk_patient_name_grams PRIMARY KEY (clinic_id, gram, name, patient_id))",
    "CREATE INDEX ix_patient_name_grams_patient ON patient_name_grams (patient_id)",
    "INSERT INTO patient_name_grams (clinic_id, gram, name, patient_id) "
    "SELECT p.clinic_id, g.gram, p.name, p.id FROM patients p, unnest(ptplan_name_grams(p.name, p.furigana)) AS g(gram)",
    """CREATE FUNCTION ptplan_sync_name_grams() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM patient_name_grams WHERE patient_id = OLD.id;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO patient_name_grams (clinic_id, gram, name, patient_id)
    SELECT NEW.clinic_id, g, NEW.name, NEW.id FROM unnest(ptplan_name_grams(NEW.name, NEW.furigana)) AS g;
  END IF;
  RETURN NULL;
END $$""",
    "CREATE TRIGGER patients_name_grams_sync AFTER INSERT OR DELETE OR UPDATE OF clinic_id, name, furigana "
    "ON patients FOR EACH ROW EXECUTE FUNCTION ptplan_sync_name_grams()",
    "DROP INDEX ix_patients_name_grams",
]
PG_DOWN = [
    "CREATE INDEX ix_patients_name_grams ON patients USING gin (ptplan_name_grams(name, furigana))",
    "DROP TRIGGER patients_name_grams_sync ON patients",
    "DROP FUNCTION ptplan_sync_name_grams()",
    "DROP TABLE patient_name_grams",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for sql in PG_UP:
            op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for sql in PG_DOWN:
            op.execute(sql)
