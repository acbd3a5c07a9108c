"""Engine fixtures (helpers live in engine_fixtures.py so tests import them by a unique name)."""

from __future__ import annotations

import pytest
from engine_fixtures import build_fixture_kb


@pytest.fixture(scope="session")
def fkb(tmp_path_factory):
    return build_fixture_kb(tmp_path_factory.mktemp("kb") / "kb")
