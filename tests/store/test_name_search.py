"""Name search: substring of name or furigana, any length, from the indexes of migration 0004, on both databases."""

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text, update

from ptplan.core import kana
from ptplan.store import db as store_db
from ptplan.store import name_search
from ptplan.store import repositories as repo
from ptplan.store.models import Patient
from ptplan.store.name_search import name_matches
from ptplan.store.testing import require_postgres, temporary_engine

PATIENTS = [("佐藤 花子", "サトウ ハナコ"), ("伊藤 翔", "イトウ ショウ"), ("さくら", None), ("Anna Smith", None),
            ("佐々木 健太", "ササキ ケンタ"), ("O'Neil-Ito", None), ("100%_guy", None), ("加藤 さくら", "カトウ サクラ"),
            ("藤井 翔太", "フジイ ショウタ")]
# Another clinic's patients, matching many of the queries by name or furigana.
KITA = [("佐々木 健", "ケンタ ケン"), ("Ito Ken", "イトウ"), ("佐藤 さくら", "サトウ サクラ")]

FOUND = ["藤", "佐藤", "佐藤 花", "花子", "翔", "さ", "さくら", "サトウ", "ショウ", "ト", "anna", "SMITH", "n", "'", "o'n",
         "-", "%", "%_", "_", "健太", "ケンタ", "々", "ケ", "ケン", "健", "佐々木", "Ito",
         "さとう", "ｻﾄｳ", "ｹﾝ", "けん", "しょう", "ｼｮｳﾀ", "ｻ", "ﾌｼﾞ", "ジ", "ｼﾞｲ", "ＳＭＩＴＨ"]
NOT_FOUND = ["鈴木", "鈴", "！", "ナ コ", "佐藤花子", '"', 'a" OR "b', "NEAR(a b)", "*", "sa*"]


def add(db, clinic_id, name, furigana=None) -> Patient:
    return repo.create_patient(db, clinic_id, name=name, furigana=furigana)


def found(db, clinic_id, q) -> list[str]:
    return sorted(p.name for p in db.scalars(repo.patients_query(clinic_id, q)))


def naive(q: str, names) -> list[str]:
    """What a substring search must return: Latin letters in either case; the query as typed, width-folded
    or in katakana; the reading as stored (katakana, width-folded); everything else exactly."""
    forms = [f.lower() for f in kana.search_forms(q.strip())]
    return sorted(n for n, f in names if any(q in n.lower() or q in (kana.furigana(f) or "").lower() for q in forms))


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def shared(request, tmp_path_factory):
    """One migrated database per backend for the tests that only add: clinic Aoba holds PATIENTS, Kita KITA."""
    if request.param == "postgresql":
        require_postgres()
    with temporary_engine(request.param, tmp_path_factory.mktemp("search")) as engine:
        store_db.upgrade(engine)
        with store_db.session_factory(engine)() as session:
            aoba, kita = repo.get_or_create_clinic(session, "Aoba"), repo.get_or_create_clinic(session, "Kita")
            for clinic, patients in ((aoba, PATIENTS), (kita, KITA)):
                for name, furigana in patients:
                    add(session, clinic.id, name, furigana)
            session.commit()
            yield session, aoba.id


@pytest.fixture
def db(empty_engine):
    store_db.upgrade(empty_engine)
    with store_db.session_factory(empty_engine)() as session:
        yield session


def test_it_finds_every_patient_whose_name_or_furigana_contains_the_query_and_no_other(shared):
    db, aoba = shared
    assert all(naive(q, PATIENTS) == [] for q in NOT_FOUND)
    wrong = {q: found(db, aoba, q) for q in FOUND + NOT_FOUND if found(db, aoba, q) != naive(q, PATIENTS)}
    assert wrong == {}


def test_it_never_counts_another_clinics_patient(shared):
    # Kita matches most queries; "clinic_id = 1 AND name LIKE x OR furigana LIKE x" would count its patients.
    db, aoba = shared
    totals = {q: repo.list_patients(db, aoba, q, 50, 0)[1] for q in FOUND}
    assert totals == {q: len(naive(q, PATIENTS)) for q in FOUND}


def test_it_pages_every_query_in_name_order_with_the_total(shared):
    # limit 1 on a query matching 4 of 9 makes SQLite walk the names in order; limit 50 looks matches up.
    db, aoba = shared
    wrong = {}
    for q, (limit, offset) in itertools.product(FOUND, [(1, 0), (1, 2), (2, 1), (50, 0)]):
        rows, total = repo.list_patients(db, aoba, q, limit=limit, offset=offset)
        expected = naive(q, PATIENTS)
        if ([r.name for r in rows], total) != (expected[offset:offset + limit], len(expected)):
            wrong[q, limit, offset] = ([r.name for r in rows], total)
    assert wrong == {}
    assert repo.list_patients(db, aoba, "  ", limit=50, offset=0)[1] == len(PATIENTS)  # blank: no filter


def test_it_counts_every_kana_form_from_the_index_alone(shared):
    # One count over the union of the forms' index entries (さ and サ), not a count of the rows of patients.
    db, aoba = shared
    size = len(PATIENTS)
    plans = {q: name_search.search_plan(db, aoba, q, size).total for q in FOUND if len(kana.search_forms(q)) > 1}
    assert plans == {q: len(naive(q, PATIENTS)) for q in plans}
    assert {"さ", "ｻﾄｳ", "けん", "ｼｮｳﾀ", "ｼﾞｲ"} <= set(plans)


def test_it_serves_every_query_length_from_an_index(shared):
    conn = shared[0].connection()
    for q in ("藤", "佐藤", "佐藤 花"):
        stmt = select(Patient.id).where(name_matches(q, shared[1])).compile(conn)
        if conn.dialect.name == "sqlite":
            params = tuple(stmt.params[k] for k in stmt.positiontup)
            plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {stmt}", params))
            # 3+ characters: the FTS5 trigram table; 1–2: the piece table's primary key (migration 0012).
            pieces = "SEARCH patient_name_grams USING PRIMARY KEY (clinic_id=? AND gram=?)"
            index = "VIRTUAL TABLE INDEX" if len(q) >= 3 else pieces
            assert index in plan, plan
        else:
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")  # ten rows: make the planner show its index
            plan = " ".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {stmt}", stmt.params))
            # 3+ characters: the pg_trgm GIN index; 1–2: the B-tree piece table of migration 0006.
            index = "Bitmap Index Scan on ix_patients_name_trgm" if len(q) >= 3 else "Index Only Scan using pk_patient_name_grams"
            assert index in plan, plan
    shared[0].rollback()


NAME_CHARS = st.sampled_from("佐藤伊花子翔さくらサトウハナコーaAbB1 ・'-%_々")
CLINICS = itertools.count()


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(st.tuples(st.text(NAME_CHARS, min_size=1, max_size=8),
                                st.one_of(st.none(), st.text(NAME_CHARS, max_size=6))), min_size=1, max_size=6),
       q=st.text(NAME_CHARS, min_size=1, max_size=4))
def test_it_agrees_with_a_plain_substring_filter(shared, names, q):
    db = shared[0]
    clinic = repo.get_or_create_clinic(db, f"generated {next(CLINICS)}")
    for name, furigana in names:
        add(db, clinic.id, name, furigana)
    db.commit()
    for query in (q, names[0][0][: len(q)]):  # also a piece of a stored name, so that most examples find one
        if query.strip():
            assert found(db, clinic.id, query) == naive(query, names), query


def test_it_keeps_the_index_in_step_with_renames(db):
    clinic = repo.get_or_create_clinic(db, "Aoba")
    hanako, _ = add(db, clinic.id, "佐藤 花子", "サトウ ハナコ"), add(db, clinic.id, "さくら")
    db.commit()
    hanako.name, hanako.furigana = "鈴木 花子", "スズキ ハナコ"
    db.commit()
    assert found(db, clinic.id, "佐藤") == [] and found(db, clinic.id, "サトウ") == []
    assert found(db, clinic.id, "鈴木 花") == ["鈴木 花子"] and found(db, clinic.id, "スズキ") == ["鈴木 花子"]
    db.execute(update(Patient).where(Patient.name == "さくら").values(name="桜"))  # plain SQL, no ORM involved
    db.commit()
    assert found(db, clinic.id, "さ") == [] and found(db, clinic.id, "桜") == ["桜"]


def test_it_finds_patients_stored_before_the_search_migration(empty_engine):
    store_db.upgrade(empty_engine, "0003")  # the revision before the search migration
    with empty_engine.begin() as conn:
        conn.execute(text("INSERT INTO clinics (id, name, patient_count, keep_video_clips, created_at) "
                          "VALUES (1, 'Aoba', 2, false, CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO patients (clinic_id, name, created_at) VALUES "
                          "(1, '佐藤 花子', CURRENT_TIMESTAMP), (1, '伊藤 翔', CURRENT_TIMESTAMP)"))
    store_db.upgrade(empty_engine)
    with store_db.session_factory(empty_engine)() as db:
        assert found(db, 1, "藤") == ["伊藤 翔", "佐藤 花子"]
        assert found(db, 1, "佐藤 花子") == ["佐藤 花子"] and found(db, 1, "翔") == ["伊藤 翔"]


@pytest.mark.parametrize("typed", ["ｻﾄｳ", "さとう", "サトウ", "ｻﾄｳ ﾊﾅｺ", "さとう　はなこ"])
def test_a_reading_is_found_however_its_kana_are_typed(db, typed):
    clinic = repo.get_or_create_clinic(db, "Aoba")
    add(db, clinic.id, "佐藤 花子", "さとう　はなこ")  # stored as サトウ ハナコ
    add(db, clinic.id, "伊藤 翔", "ｲﾄｳ ｼｮｳ")
    db.commit()
    assert [p.furigana for p in db.scalars(select(Patient).order_by(Patient.id))] == ["サトウ ハナコ", "イトウ ショウ"]
    assert found(db, clinic.id, typed) == ["佐藤 花子"]
    assert repo.list_patients(db, clinic.id, typed, 50, 0)[1] == 1
    assert found(db, clinic.id, "ｼｮｳ") == ["伊藤 翔"]


def test_the_sqlite_piece_table_migration_carries_stored_names_both_ways(tmp_path):
    # 0012 moves SQLite's 1–2 character search from 0004's FTS5 table to the piece table, filling it from
    # the stored patients; its downgrade fills the FTS5 table again, and the triggers follow each way.
    with temporary_engine("sqlite", tmp_path) as engine:
        store_db.upgrade(engine, "0011")
        with store_db.session_factory(engine)() as db:
            clinic = repo.get_or_create_clinic(db, "Aoba")
            for name, furigana in PATIENTS:
                add(db, clinic.id, name, furigana)
            db.commit()
        store_db.upgrade(engine)
        with store_db.session_factory(engine)() as db:
            wrong = {q: found(db, clinic.id, q) for q in FOUND if found(db, clinic.id, q) != naive(q, PATIENTS)}
            assert wrong == {}
            add(db, clinic.id, "藤本 健", "フジモト ケン")  # by the new triggers
            db.commit()
        store_db.downgrade(engine, "0011")
        with engine.connect() as conn:
            hits = conn.execute(text("SELECT count(*) FROM patients_name_grams WHERE patients_name_grams MATCH :m"),
                                {"m": f'"c{clinic.id}・藤"'}).scalar()
        assert hits == 1 + len(naive("藤", PATIENTS))
        store_db.upgrade(engine)
        with store_db.session_factory(engine)() as db:
            assert found(db, clinic.id, "藤") == sorted(naive("藤", PATIENTS) + ["藤本 健"])
            assert repo.list_patients(db, clinic.id, "ケ", 50, 0)[1] == 1 + len(naive("ケ", PATIENTS))
