"""Two clinics with named people, on SQLite and (when configured) a fresh PostgreSQL schema.

Aoba clinic: ayako (admin), taro (therapist), hana (patient, with her own record) and jun (a patient
without a login). Kita clinic: kenji (admin), mika (therapist), sora (patient). Each person gets a
bearer token; ``world.client("taro")`` sends requests as taro.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

import pytest
from fastapi.testclient import TestClient

from ptplan.api import create_app
from ptplan.settings import Settings
from ptplan.store import repositories as repo
from ptplan.store.models import MeasureResult, Plan, SessionLog
from ptplan.store.testing import TEST_URL_ENV, postgres_unreachable, postgres_url, temporary_engine

PASSWORD = "correct horse battery"
CASE = {"lang": "ja", "demographics": {"age": 48, "sex": "female"}, "pain": [{"site": "low_back", "nrs": 5}],
        "red_flags": {"saddle_numbness": "no"}}
PEOPLE = {"aoba": {"ayako": "admin", "taro": "therapist", "hana": "patient"},
          "kita": {"kenji": "admin", "mika": "therapist", "sora": "patient"}}


@pytest.fixture(autouse=True, scope="session")
def _hash_each_password_once():
    """argon2 is slow by design; tests reuse one hash per password (salts differ nowhere that matters here)."""
    from ptplan.store import auth

    original = auth.hash_password
    auth.hash_password = functools.lru_cache(maxsize=32)(original)
    yield
    auth.hash_password = original


@dataclass
class ClinicData:
    id: int
    patient_id: int  # the record of the clinic's patient with a login (hana / sora)
    other_patient_id: int  # a second patient of the same clinic (jun / yuki)
    assessment_id: int
    plan_id: int
    user_ids: dict[str, int] = field(default_factory=dict)


@dataclass
class World:
    app: object
    tokens: dict[str, str]
    clinics: dict[str, ClinicData]
    clinic_of: dict[str, str]

    def client(self, who: str | None = None) -> TestClient:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return TestClient(self.app, headers=headers, raise_server_exceptions=False)


def _seed_clinic(db, name: str, people: dict[str, str], tokens: dict[str, str]) -> ClinicData:
    clinic = repo.get_or_create_clinic(db, name)
    own = repo.create_patient(db, clinic.id, name=f"{name} patient with login", birth_year=1975, sex="female")
    other = repo.create_patient(db, clinic.id, name=f"{name} second patient", birth_year=1960, sex="male")
    data = ClinicData(clinic.id, own.id, other.id, 0, 0)
    for username, role in people.items():
        user = repo.create_user(db, clinic, username, PASSWORD, role, username,
                                own.id if role == "patient" else None)
        data.user_ids[username] = user.id
        tokens[username], _ = repo.issue_token(db, user, "api", dt.timedelta(days=1))
    for patient in (own, other):
        assessment = repo.add_assessment(db, patient, CASE, dt.date(2026, 1, 5), None)
        plan = repo.add_record(db, Plan, patient, None, assessment_id=assessment.id, kb_version="1.0.0", lang="ja",
                               plan_json={"kb_version": "1.0.0", "program": {"components": []}}, edits=[])
        repo.add_record(db, MeasureResult, patient, None, name="nrs", taken_on=dt.date(2026, 1, 5), answers=[6],
                        result={"score": 6}, score=6)
        repo.add_record(db, SessionLog, patient, None, plan_id=plan.id, performed_on=dt.date(2026, 1, 6))
        if patient is own:
            data.assessment_id, data.plan_id = assessment.id, plan.id
    return data


def build_world(engine, tmp_path) -> World:
    settings = Settings(data_dir=tmp_path, secret_key="test-secret-key-0123456789abcdef")
    app = create_app(settings, engine=engine)
    tokens: dict[str, str] = {}
    with app.state.sessions() as db:
        clinics = {name: _seed_clinic(db, name.capitalize(), people, tokens) for name, people in PEOPLE.items()}
        db.commit()
    clinic_of = {u: c for c, people in PEOPLE.items() for u in people}
    return World(app, tokens, clinics, clinic_of)


def _engine_for(backend: str, tmp_path_factory):
    if backend == "postgresql":
        url = postgres_url()
        if url is None:
            pytest.skip(f"{TEST_URL_ENV} not set")
        reason = postgres_unreachable(url)
        if reason:
            pytest.skip(reason)
    return temporary_engine(backend, tmp_path_factory.mktemp("db"))


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def world(request, tmp_path_factory):
    with _engine_for(request.param, tmp_path_factory) as engine:
        yield build_world(engine, tmp_path_factory.mktemp("data"))


@pytest.fixture
def sqlite_world(tmp_path):
    """A fresh SQLite world for tests that change global state (throttling, revocation)."""
    with temporary_engine("sqlite", tmp_path) as engine:
        yield build_world(engine, tmp_path)

