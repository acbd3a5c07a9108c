"""Engine test helpers: the packaged KB with fixture tests, exercises, red flags and advice laid over it,
so engine tests do not depend on how much clinical content the packaged KB holds."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from ptplan.core.case import Case
from ptplan.core.kb.loader import PACKAGE_KB, load

FIXTURE_KB = Path(__file__).parent / "fixtures" / "kb"
FIXTURE_CASES = Path(__file__).parent / "fixtures" / "cases"


MERGED = {"tests.yaml"}  # fixture entries replace packaged ones of the same id; other files replace whole


def _merge(packaged: Path, fixture: Path) -> None:
    mine = yaml.safe_load(fixture.read_text(encoding="utf-8"))
    ids = {e["id"] for e in mine}
    theirs = yaml.safe_load(packaged.read_text(encoding="utf-8")) if packaged.exists() else []
    merged = [e for e in theirs if e["id"] not in ids] + mine
    packaged.write_text(yaml.safe_dump(merged, allow_unicode=True, sort_keys=False), encoding="utf-8")


def build_fixture_kb(dest: Path):
    shutil.copytree(PACKAGE_KB, dest)
    if (FIXTURE_KB / "exercises").is_dir():  # fixture exercises have no illustrations; drop the packaged ones
        shutil.rmtree(dest / "illustrations", ignore_errors=True)
    for item in FIXTURE_KB.iterdir():
        target = dest / item.name
        if item.name in MERGED:
            _merge(target, item)
        elif item.is_dir():
            shutil.rmtree(target, ignore_errors=True)
            (dest / f"{item.name}.yaml").unlink(missing_ok=True)
            shutil.copytree(item, target)
        else:
            shutil.rmtree(dest / item.stem, ignore_errors=True)
            shutil.copy(item, target)
    return load(dest)


def case(**fields) -> Case:
    """A case from keyword fields, e.g. ``case(demographics={"age": 40}, tests={...})``."""
    return Case.model_validate(fields)
