"""audit_events is append-only also against the statements that fire no UPDATE/DELETE row trigger:
TRUNCATE on PostgreSQL and INSERT OR REPLACE / REPLACE INTO on SQLite (migration 0009). Downgrading
0009 reopens exactly that hole, upgrading closes it again."""

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from ptplan.store import db as store_db

INSERT = ("INSERT INTO audit_events (at, username, action, resource) "
          "VALUES (CURRENT_TIMESTAMP, :who, 'read', 'patient')")
BYPASS = {  # statements that rewrite or empty the log without an UPDATE or DELETE
    "sqlite": ["INSERT OR REPLACE INTO audit_events (id, at, username, action, resource) "
               "VALUES (1, CURRENT_TIMESTAMP, 'mallory', 'read', 'nothing')",
               "REPLACE INTO audit_events (id, at, username, action, resource) "
               "VALUES (1, CURRENT_TIMESTAMP, 'mallory', 'read', 'nothing')"],
    "postgresql": ["TRUNCATE audit_events", "TRUNCATE TABLE audit_events RESTART IDENTITY"],
}


def _usernames(engine) -> list[str]:
    with engine.connect() as conn:
        return conn.execute(text("SELECT username FROM audit_events ORDER BY id")).scalars().all()


def _insert(engine, who: str) -> None:
    with engine.begin() as conn:
        conn.execute(text(INSERT), {"who": who})


def _refused(engine, sql: str) -> bool:
    try:
        with engine.begin() as conn:
            conn.execute(text(sql))
    except DBAPIError as err:
        assert "append-only" in str(err), err
        return True
    return False


def test_truncate_and_replace_are_refused_and_inserts_still_work(empty_engine):
    store_db.upgrade(empty_engine)
    _insert(empty_engine, "taro")
    for sql in BYPASS[empty_engine.dialect.name]:
        assert _refused(empty_engine, sql), sql
    assert _usernames(empty_engine) == ["taro"]
    _insert(empty_engine, "hana")  # a new row, id from the sequence / rowid
    with empty_engine.begin() as conn:  # a new row with an explicit id that is free
        conn.execute(text("INSERT INTO audit_events (id, at, username, action, resource) "
                          "VALUES (1000, CURRENT_TIMESTAMP, 'ayako', 'list', 'patient')"))
    assert _usernames(empty_engine) == ["taro", "hana", "ayako"]


def test_an_upsert_on_an_existing_id_is_refused(empty_engine):
    store_db.upgrade(empty_engine)
    _insert(empty_engine, "taro")
    sql = ("INSERT INTO audit_events (id, at, username, action, resource) VALUES (1, CURRENT_TIMESTAMP, 'mallory', "
           "'read', 'x') ON CONFLICT (id) DO UPDATE SET username = 'mallory'")
    assert _refused(empty_engine, sql)
    assert _usernames(empty_engine) == ["taro"]


def test_downgrading_0009_reopens_the_hole_and_upgrading_closes_it(empty_engine):
    store_db.upgrade(empty_engine)
    _insert(empty_engine, "taro")
    store_db.downgrade(empty_engine, "0008")
    sql = BYPASS[empty_engine.dialect.name][0]
    assert not _refused(empty_engine, sql)  # the hole this migration closes is real
    assert _usernames(empty_engine) == ({"sqlite": ["mallory"], "postgresql": []}[empty_engine.dialect.name])
    store_db.upgrade(empty_engine)
    _insert(empty_engine, "hana")
    assert _refused(empty_engine, sql)
    assert _usernames(empty_engine)[-1] == "hana"


def test_the_row_triggers_of_0001_still_refuse_after_a_round_trip(empty_engine):
    store_db.upgrade(empty_engine)
    store_db.downgrade(empty_engine, "0008")
    store_db.upgrade(empty_engine)
    _insert(empty_engine, "taro")
    for sql in ("UPDATE audit_events SET username = 'mallory'", "DELETE FROM audit_events"):
        assert _refused(empty_engine, sql), sql
    assert _usernames(empty_engine) == ["taro"]
