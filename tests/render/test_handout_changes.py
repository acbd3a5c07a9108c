"""The handout after a review shows what has changed since the baseline (the partial _changes.html the web
patient page shares) beside the programme, the exercises that work on a re-tested finding named by their
number, in both languages; example 04's handout still prints on at most 4 A4 pages."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from ptplan.core import feedback
from ptplan.render import render

EX04 = Path(__file__).resolve().parents[2] / "examples" / "04_knee_to_back.yaml"


def _example(lang: str):
    import yaml

    from ptplan.core.services import plan_from_data

    case = yaml.safe_load(EX04.read_text(encoding="utf-8"))
    return plan_from_data(case, lang=lang), case


def _changes(plan: dict, case: dict) -> list[dict]:
    base = case["tests"]
    again = {**base, "chair_stand_30s": {"value": base["chair_stand_30s"]["value"] + 3},
             "timed_up_and_go": {"value": base["timed_up_and_go"]["value"] - 1.5}}
    return feedback.changes({"nrs": 6, "koos12": 45.8}, {"nrs": 3, "koos12": 62.5}, base, again, plan)


@pytest.mark.parametrize("lang, words", [("ja", ("前回からの変化", "痛みの強さ", "6 → 3", "よくなっています", "取り組む運動")),
                                         ("en", ("What has changed", "Pain intensity", "6 → 3", "better",
                                                 "Exercise numbers"))])
def test_the_handout_shows_the_changes_next_to_the_exercises(lang, words):
    plan, case = _example(lang)
    changes = _changes(plan, case)
    html = render(plan, "html", lang, case=case, figures=False, changes=changes)
    part = html[html.index('<section class="changes"'):html.index('<section class="exercises">')]
    assert all(w in part for w in words), part
    stands = next(c for c in changes if c["id"] == "chair_stand_30s")
    assert stands["verdict"] == "better" and stands["exercises"]  # ex04 has exercises for low leg strength
    line = part[part.index('data-change="chair_stand_30s"'):]
    line = line[:line.index("</li>")]
    numbered = [ex["id"] for comp in sorted(plan["program"]["components"], key=lambda c: c.get("priority", 99))
                for ex in comp["exercises"]]
    wanted = [str(numbered.index(e["id"]) + 1) for e in stands["exercises"]]
    assert line.rstrip().endswith(("、" if lang == "ja" else ", ").join(wanted) + "</small>"), line
    assert '<section class="changes"' not in render(plan, "html", lang, case=case, figures=False)  # before a review


def test_example_04_with_changes_still_prints_on_four_pages_or_fewer():
    pypdf = pytest.importorskip("pypdf")
    plan, case = _example("ja")
    pdf = render(plan, "pdf", "ja", case=case, changes=_changes(plan, case))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "".join(p.extract_text() for p in reader.pages).replace(" ", "")
    assert "前回からの変化" in text
    assert len(reader.pages) <= 4
