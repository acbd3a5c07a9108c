"""リハビリテーション実施計画書: filled from the assessment and the plan, A4, checked by text extraction.

Golden text: ``tests/render/golden/rehab_plan_<example>.<lang>.txt`` holds the text of the HTML document
(tags stripped, one line per block). ``PTPLAN_UPDATE_GOLDEN=1`` regenerates it; read the diff as a therapist.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ptplan.cli import app
from ptplan.core.case_io import load_case_file
from ptplan.core.services import make_plan
from ptplan.render import RENDERERS, render
from ptplan.render.pdf import FAMILY

ROOT = Path(__file__).parents[2]
GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("PTPLAN_UPDATE_GOLDEN") == "1"


def _case(stem: str):
    return load_case_file(ROOT / "examples" / f"{stem}.yaml")


def _document(stem: str, lang: str = "ja", fmt: str = "rehab-plan-html", **opts):
    case = _case(stem)
    plan = make_plan(case, lang)
    return render(plan, fmt, lang, case=case.model_dump(mode="json", exclude_none=True), **opts)


def _text(html: str) -> str:
    """The document's text, one line per block element, so a golden diff reads like the page."""
    body = re.sub(r"(?s)<head>.*?</head>", "", html)
    body = re.sub(r"</(p|li|tr|h1|h2|th|td)>|<br>", "\n", body)
    body = re.sub(r"<[^>]+>", "", body)
    lines = [re.sub(r"\s+", " ", line).strip() for line in body.splitlines()]
    return "\n".join(line for line in lines if line) + "\n"


@pytest.mark.parametrize("stem", ["04_knee_to_back", "11_locomo_older_adult"])
def test_it_matches_the_golden_text(stem):
    text = _text(_document(stem, therapist="山田 花子", clinic="青葉整形外科クリニック"))
    golden = GOLDEN / f"rehab_plan_{stem}.ja.txt"
    if UPDATE or not golden.exists():
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), f"{golden.name} differs; PTPLAN_UPDATE_GOLDEN=1 regenerates it"


@pytest.fixture(scope="module")
def pdf04() -> bytes:
    pytest.importorskip("weasyprint")
    return _document("04_knee_to_back", fmt="rehab-plan", therapist="山田 花子")


def _pdf_text(pdf: bytes) -> tuple[list, str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return reader.pages, "\n".join(p.extract_text() for p in reader.pages)


def test_it_prints_example_04_on_a4_with_goals_icf_sections_and_the_program(pdf04):
    pages, text = _pdf_text(pdf04)
    assert pdf04.startswith(b"%PDF") and 1 <= len(pages) <= 3
    assert all(round(float(p.mediabox.width)) == 595 and round(float(p.mediabox.height)) == 842 for p in pages)
    first = pages[0].extract_text()
    assert "リハビリテーション実施計画書" in first and "計画評価実施日 2026年11月5日" in first
    for goal in _case("04_knee_to_back").goals:  # 本人の希望, word for word
        assert goal in text
    body = text.split("■ 心身機能・構造")[1].split("■ 活動")[0]
    assert "股関節内旋可動域 右22°／左26°（参考可動域 45°" in body  # JOA reference beside the value
    assert "膝伸展可動域 右−10°／左−2°" in body  # degrees short of full extension, JOA notation
    assert "30秒いす立ち上がりテスト（CS-30） 10回（65〜69歳女性の標準範囲 17〜21回）" in body
    assert "右膝 NRS 5（最大 7）" in body
    activity = text.split("■ 活動")[1].split("■ 参加")[0]
    assert "疼痛回避歩行" in activity and "Timed Up and Go" in activity
    assert "職業：退職" in text.split("■ 参加")[1]
    plan = make_plan(_case("04_knee_to_back"), "ja")
    for comp in plan["program"]["components"]:
        assert comp["name"] in text
        for ex in comp["exercises"]:
            assert ex["name"] in text
    assert "再評価予定日 2026年12月3日" in text  # assessment date + 4 weeks
    assert "説明者署名" in text and "担当理学療法士 山田 花子" in text
    fonts = {str(f.get_object()["/BaseFont"]).split("+", 1)[-1]
             for p in pages for f in (p["/Resources"].get("/Font") or {}).get_object().values()}
    assert fonts and all(f.startswith(FAMILY) for f in fonts), fonts  # only the packaged fonts, never the system's


def test_it_leaves_what_only_the_clinic_knows_to_be_filled_in():
    text = _text(_document("04_knee_to_back"))
    assert "算定病名\n問診上の診断：変形性膝関節症、腰痛症" in text  # a hint, not a billing diagnosis
    assert "リハビリテーション担当医\n担当理学療法士" in text  # both blank without names
    assert "家族\n" in text and "基本動作・ADLの自立度：" in text


def test_it_stages_locomo_and_names_the_japanese_versions_in_example_11():
    text = _text(_document("11_locomo_older_adult"))
    assert "✓ ロコモ度2：立ち上がりテスト（ロコモ度テスト） 2点（両脚30cm）" in text
    assert "140 cm（身長比 0.93）" in text and "ロコモ25（25項目の運動器機能尺度） 18点" in text
    assert "✓ 運動器不安定症の運動機能基準に該当" in text
    assert "日本語版STarT Back（STarT-J） 1点（低リスク）" in text
    assert "ロコモ25（25項目の運動器機能尺度） 18点（ロコモ度2の範囲）" in text
    assert "日本版変形性膝関節症患者機能評価尺度（JKOM）" in text  # on the list to repeat
    assert "ロコトレ：片脚立ち（机につかまって）" in text


def test_it_writes_english_too():
    text = _text(_document("04_knee_to_back", "en"))
    assert "Rehabilitation implementation plan" in text and "Body functions and structures" in text
    assert "Hip internal rotation range: R 22° / L 26° (reference range of motion 45°" in text


def test_it_keeps_a_referral_free_of_a_program():
    text = _text(_document("08_red_flag_cauda_equina"))
    assert "運動療法は行わず、医師の診察を優先します" in text and "内容（運動療法プログラム）" not in text


def test_it_never_calls_an_incomplete_safety_screen_clear():
    text = _text(_document("10_insufficient_data"))
    risk = text.split("安静度・リスク")[1].split("併存疾患・合併症")[0]
    assert "安全確認が未完了です" in risk and "危険な兆候は見つかっていません" not in risk
    assert "膀胱・直腸の充満感覚の低下" in risk  # the essential questions still to ask
    assert "安全確認の質問がすべて済むまで、運動療法は始めません" in text and "内容（運動療法プログラム）" not in text


def test_it_renders_from_a_saved_plan_without_the_case(plan_ja):
    text = _text(render(plan_ja, "rehab-plan-html", "ja", date="2026-11-22"))
    assert "リハビリテーション実施計画書" in text and "計画評価実施日\n2026年11月22日" in text


def test_it_is_registered_as_pdf_and_html():
    assert RENDERERS["rehab-plan"].binary and RENDERERS["rehab-plan"].suffix == ".pdf"
    assert RENDERERS["rehab-plan-html"].media_type.startswith("text/html")


def test_it_comes_from_the_cli_as_pdf_or_html_by_the_file_suffix(tmp_path):
    case = ROOT / "examples" / "04_knee_to_back.yaml"
    html = tmp_path / "plan.html"
    result = CliRunner().invoke(app, ["plan", str(case), "--format", "rehab-plan", "-o", str(html)])
    assert result.exit_code == 0, result.output
    assert html.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert "近所のスーパーまで休まずに歩きたい" in html.read_text(encoding="utf-8")
    refused = CliRunner().invoke(app, ["plan", str(case), "--format", "rehab-plan"])
    assert refused.exit_code != 0  # a PDF never goes to the terminal
