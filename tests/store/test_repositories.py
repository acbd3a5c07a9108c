"""Repositories: versioned assessments, clinic-scoped lookups, name search with paging, tokens."""

import datetime as dt

import pytest

from ptplan.errors import InputError, NotFoundError
from ptplan.store import db as store_db
from ptplan.store import repositories as repo
from ptplan.store.models import SessionLog


@pytest.fixture
def db(empty_engine):
    store_db.upgrade(empty_engine)
    with store_db.session_factory(empty_engine)() as session:
        yield session


def test_it_keeps_every_assessment_version(db):
    clinic = repo.get_or_create_clinic(db, "Aoba")
    hana = repo.create_patient(db, clinic.id, name="Hana")
    first = repo.add_assessment(db, hana, {"lang": "ja", "notes": "first"}, None, None)
    second = repo.add_assessment(db, hana, {"lang": "ja", "notes": "second"}, dt.date(2026, 1, 5), None)
    db.commit()
    assert (first.version, second.version) == (1, 2)
    assert first.case_json["notes"] == "first"


def test_it_finds_a_patient_only_within_their_clinic(db):
    aoba, kita = repo.get_or_create_clinic(db, "Aoba"), repo.get_or_create_clinic(db, "Kita")
    sora = repo.create_patient(db, kita.id, name="Sora")
    assert repo.get_patient(db, kita.id, sora.id).name == "Sora"
    with pytest.raises(NotFoundError):
        repo.get_patient(db, aoba.id, sora.id)


def test_it_searches_names_literally_and_pages_with_a_total(db):
    clinic = repo.get_or_create_clinic(db, "Aoba")
    for name in ["山田 花子", "山田 太郎", "佐藤 健", "100%_guy"]:
        repo.create_patient(db, clinic.id, name=name)
    rows, total = repo.page(db, repo.patients_query(clinic.id, "山田"), limit=1, offset=0)
    assert total == 2 and len(rows) == 1
    rows, total = repo.page(db, repo.patients_query(clinic.id, "%_"), limit=10, offset=0)
    assert [r.name for r in rows] == ["100%_guy"]


def test_it_refuses_a_duplicate_username_naming_the_field(db):
    clinic = repo.get_or_create_clinic(db, "Aoba")
    repo.create_user(db, clinic, "taro", "long-enough-pw", "therapist")
    with pytest.raises(InputError) as exc:
        repo.create_user(db, clinic, "taro", "long-enough-pw", "therapist")
    assert exc.value.problems[0].path == "username"


def test_it_resolves_a_token_by_its_hash_and_not_after_revocation(db):
    clinic = repo.get_or_create_clinic(db, "Aoba")
    taro = repo.create_user(db, clinic, "taro", "long-enough-pw", "therapist")
    plain, row = repo.issue_token(db, taro, "api", dt.timedelta(days=1))
    assert row.token_hash != plain
    assert repo.resolve_token(db, plain, "api")[0].username == "taro"
    assert repo.resolve_token(db, plain, "session") is None
    row.revoked = True
    assert repo.resolve_token(db, plain, "api") is None


def test_it_orders_a_timeline_newest_first(db):
    clinic = repo.get_or_create_clinic(db, "Aoba")
    hana = repo.create_patient(db, clinic.id, name="Hana")
    for day in (1, 3, 2):
        repo.add_record(db, SessionLog, hana, None, performed_on=dt.date(2026, 1, day), exercises=[])
    events = repo.timeline(db, hana.id, limit=10)
    assert [e["on"].day for e in events] == [3, 2, 1]


def test_it_counts_the_unfiltered_patient_list_from_the_clinic_counter(db):
    aoba, kita = repo.get_or_create_clinic(db, "Aoba"), repo.get_or_create_clinic(db, "Kita")
    for i in range(3):
        repo.create_patient(db, aoba.id, name=f"A{i}")
    repo.create_patient(db, kita.id, name="K")
    rows, total = repo.list_patients(db, aoba.id, None, limit=2, offset=0)
    assert (len(rows), total) == (2, 3)
    assert repo.list_patients(db, aoba.id, "A1", limit=2, offset=0)[1] == 1
