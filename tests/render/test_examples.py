"""Render real plans made by the engine from the example cases (skips until ptplan.core.services exists)."""

import io
from pathlib import Path

import pytest

from ptplan.render import render

services = pytest.importorskip("ptplan.core.services", reason="the engine (ptplan.core.services) has not landed yet")
EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))


def _plan(path: Path, lang: str) -> dict:
    from ptplan.core.case_io import load_case_file

    return services.make_plan(load_case_file(path), lang)


def _names(plan: dict) -> list[str]:
    return [e["name"] for c in plan["program"]["components"] for e in c["exercises"]]


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_it_renders_every_example_as_markdown_html_and_fhir(path, lang):
    from fhir.resources.R4B.bundle import Bundle

    plan = _plan(path, lang)
    md = render(plan, "md", lang, date="2026-11-22")
    html = render(plan, "html", lang, date="2026-11-22")
    issued = plan["program"]["status"] == "issued"
    for name in _names(plan):  # a provisional program (incomplete safety check) never reaches the handout
        assert (name in md and name in html) is issued, name
    assert html.count('class="exercise-figure"') == (len(_names(plan)) if issued else 0)  # every exercise drawn
    if not plan["triage"]["exercise_allowed"]:
        assert "⚠" in md and 'class="referral"' in html
    bundle = Bundle.model_validate_json(render(plan, "fhir", lang))
    kinds = [e.resource.get_resource_type() for e in bundle.entry]
    assert kinds.count("CarePlan") == 1


@pytest.mark.parametrize("stem", ["04_knee_to_back", "08_red_flag_cauda_equina"])
def test_it_prints_japanese_pdfs_of_real_plans(stem):
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("weasyprint")
    path = next(p for p in EXAMPLES if p.stem == stem)
    plan = _plan(path, "ja")
    pdf = render(plan, "pdf", "ja", therapist="山田 花子", date="2026-11-22")
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages).replace(" ", "")
    for name in _names(plan):
        assert name.replace(" ", "") in text
    if plan["triage"]["exercise_allowed"]:
        assert "実施チェック表" in text
    else:
        assert "受診してください" in text and "実施チェック表" not in text


def test_it_titles_a_self_check_plan_as_self_care():
    from ptplan.core.kb.loader import default_kb

    every_no = {q: "no" for q in default_kb().red_flag_questions}
    plan = services.self_check({"red_flags": every_no, "pain": ["low_back"], "age": 45}, "ja")
    md = render(plan, "md", "ja")
    assert md.startswith("# あなたのセルフケアプラン")
    assert "### 1. " in md  # self-care exercises are listed
