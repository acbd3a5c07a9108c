"""Two clinics with named people, on SQLite and (when configured) a fresh PostgreSQL schema.

Aoba clinic: ayako (admin), taro (therapist), hana (patient, with her own record) and jun (a patient
without a login). Kita clinic: kenji (admin), mika (therapist), sora (patient). Each person gets a
bearer token; ``world.client("taro")`` sends requests as taro.
"""

from __future__ import annotations

import functools

import pytest
from personas import build_world

from ptplan.store.testing import require_postgres, temporary_engine


@pytest.fixture(autouse=True, scope="session")
def _hash_each_password_once():
    """argon2 is slow by design; tests reuse one hash per password (salts differ nowhere that matters here)."""
    from ptplan.store import auth

    original = auth.hash_password
    auth.hash_password = functools.lru_cache(maxsize=32)(original)
    yield
    auth.hash_password = original


def _engine_for(backend: str, tmp_path_factory):
    if backend == "postgresql":
        require_postgres()
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

