import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture
def plan_ja() -> dict:
    return load("plan_ja")


@pytest.fixture
def plan_en() -> dict:
    return load("plan_en")


@pytest.fixture
def redflag_ja() -> dict:
    return load("plan_redflag_ja")


@pytest.fixture
def redflag_en() -> dict:
    return load("plan_redflag_en")


@pytest.fixture(scope="module")
def pdf_ja() -> bytes:
    """The Japanese fixture handout as PDF (rendered once per module: WeasyPrint takes about a second)."""
    pytest.importorskip("weasyprint")
    from ptplan.render import render

    return render(load("plan_ja"), "pdf", therapist="山田 花子", date="2026-11-22")
