"""Each store test runs on SQLite and, when PTPLAN_TEST_DATABASE_URL is set, on a fresh PostgreSQL schema."""

import pytest

from ptplan.store.testing import TEST_URL_ENV, postgres_unreachable, postgres_url, temporary_engine


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_engine(request, tmp_path):
    if request.param == "postgresql":
        url = postgres_url()
        if url is None:
            pytest.skip(f"{TEST_URL_ENV} not set")
        reason = postgres_unreachable(url)
        if reason:
            pytest.skip(reason)
    with temporary_engine(request.param, tmp_path) as engine:
        yield engine
