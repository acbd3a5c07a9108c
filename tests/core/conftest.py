"""Engine fixtures: the packaged KB with fixture tests, exercises, red flags and advice laid over it,
so engine tests do not depend on how much clinical content the packaged KB holds today."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ptplan.core.case import Case
from ptplan.core.kb.loader import PACKAGE_KB, load

FIXTURE_KB = Path(__file__).parent / "fixtures" / "kb"
FIXTURE_CASES = Path(__file__).parent / "fixtures" / "cases"


def build_fixture_kb(dest: Path):
    shutil.copytree(PACKAGE_KB, dest)
    for item in FIXTURE_KB.iterdir():
        target = dest / item.name
        if item.is_dir():
            shutil.rmtree(target, ignore_errors=True)
            (dest / f"{item.name}.yaml").unlink(missing_ok=True)
            shutil.copytree(item, target)
        else:
            shutil.rmtree(dest / item.stem, ignore_errors=True)
            shutil.copy(item, target)
    return load(dest)


@pytest.fixture(scope="session")
def fkb(tmp_path_factory):
    return build_fixture_kb(tmp_path_factory.mktemp("kb") / "kb")


def case(**fields) -> Case:
    """A case from keyword fields, e.g. ``case(demographics={"age": 40}, tests={...})``."""
    return Case.model_validate(fields)
