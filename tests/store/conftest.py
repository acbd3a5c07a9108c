"""Each store test runs on SQLite and, when PTPLAN_TEST_DATABASE_URL is set, on a fresh PostgreSQL schema."""

import pytest

from ptplan.store.testing import require_postgres, temporary_engine


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_engine(request, tmp_path):
    if request.param == "postgresql":
        require_postgres()
    with temporary_engine(request.param, tmp_path) as engine:
        yield engine
