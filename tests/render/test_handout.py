import io
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ptplan.render import render
from ptplan.render.pdf import FAMILY

pytest.importorskip("weasyprint")
pypdf = pytest.importorskip("pypdf")


def _pdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _fonts(pdf: bytes) -> set[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).get_object().values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_it_embeds_a_japanese_font_and_the_names_come_back_as_text(pdf_ja):
    assert pdf_ja.startswith(b"%PDF")
    text = _pdf_text(pdf_ja).replace(" ", "")
    for name in ("あお向けドローイン", "ブリッジ（お尻上げ）", "いすスクワット", "大腿四頭筋セッティング"):
        assert name in text
    assert "山田花子" in text and "2026年12月20日" in text
    assert "\ufffd" not in text  # no replacement characters (tofu)
    assert_only_packaged_fonts(pdf_ja)


def assert_only_packaged_fonts(pdf: bytes) -> None:
    """Every font in the PDF is a subset of the packaged family (e.g. ABCDEF+ptplan-sans-Bold), both weights."""
    fonts = _fonts(pdf)
    assert fonts and all(f.split("+", 1)[-1].startswith(FAMILY) for f in fonts), fonts
    assert {f.split("+", 1)[-1] for f in fonts} == {FAMILY, f"{FAMILY}-Bold"}


def test_it_puts_the_diary_self_care_and_doctor_advice_in_the_pdf(pdf_ja):
    text = _pdf_text(pdf_ja).replace(" ", "")
    for heading in ("実施チェック表", "日常生活でのセルフケア", "こんなときは医師に相談してください", "中止する目安"):
        assert heading in text
    assert "診断ではありません" in text  # the disclaimer


def test_it_renders_a_referral_page_for_a_red_flag_plan(redflag_ja):
    pdf = render(redflag_ja, "pdf")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = _pdf_text(pdf).replace(" ", "")
    assert len(reader.pages) == 1
    assert "今すぐ救急外来を受診してください" in text
    assert "実施チェック表" not in text


def test_it_draws_one_figure_per_illustrated_exercise_in_html(plan_ja):
    from ptplan.core.kb.loader import default_kb

    html = render(plan_ja, "html", date="2026-11-22")
    known = [e["id"] for c in plan_ja["program"]["components"] for e in c["exercises"]
             if e["id"] in default_kb().kind("illustrations")]
    assert known, "the fixture names at least one exercise of the knowledge base"
    assert html.count('class="exercise-figure"') == len(known)
    assert html.count('<article class="exercise">') == 6
    start = html.index("<svg")
    ET.fromstring(html[start:html.index("</svg>", start) + 6])  # inline SVG is well-formed XML


def test_it_writes_english_labels_in_english(plan_en):
    html = render(plan_en, "html", date="2026-11-22")
    assert '<html lang="en">' in html
    assert "How to do the exercises" in html and "運動のやり方" not in html


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) is not installed")
def test_it_rasterises_page_one(pdf_ja, tmp_path):
    (tmp_path / "h.pdf").write_bytes(pdf_ja)
    subprocess.run(["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "1", str(tmp_path / "h.pdf"), str(tmp_path / "p")],
                   check=True)
    pngs = list(tmp_path.glob("p*.png"))
    assert len(pngs) == 1 and pngs[0].stat().st_size > 5000


def test_it_escapes_names_in_html(plan_ja):
    html = render(plan_ja, "html", therapist="<script>alert(1)</script>", date="2026-11-22")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_it_shades_rest_days_in_the_diary(plan_ja):
    html = render(plan_ja, "html", date="2026-11-22", figures=False)
    diary = html[html.index('<section class="diary">'):]
    sheet = diary[:diary.index("</table>")]
    # one table holds two weeks: bridge and chair squat rest on Tue, Thu, Sat, Sun of each
    assert sheet.count('class="off"') + sheet.count('class="off week2"') == 16
    assert "斜線の日は、その運動はお休みです。" in diary


NO_FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig><dir>{empty}</dir><cachedir>{cache}</cachedir></fontconfig>
"""

RENDER_WITHOUT_FONTS = """
import json, sys
from weasyprint.text.ffi import fontconfig
from ptplan.render import render
config = fontconfig.FcInitLoadConfigAndFonts()
print("system fonts:", fontconfig.FcConfigGetFonts(config, fontconfig.FcSetSystem).nfont)
plan = json.loads(open(sys.argv[1], encoding="utf-8").read())
open(sys.argv[2], "wb").write(render(plan, "pdf", therapist="山田 花子", date="2026-11-22"))
"""


def test_it_renders_a_readable_japanese_pdf_with_every_system_font_hidden(tmp_path):
    # A slim container has no fonts at all: fontconfig's only font folder is empty. Before the fonts were
    # packaged, WeasyPrint crashed there with a segmentation fault in Pango.
    (tmp_path / "empty").mkdir()
    conf = tmp_path / "fonts.conf"
    conf.write_text(NO_FONTS_CONF.format(empty=tmp_path / "empty", cache=tmp_path / "cache"), encoding="utf-8")
    out = tmp_path / "handout.pdf"
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    env.pop("FONTCONFIG_PATH", None)
    plan = Path(__file__).parent / "fixtures" / "plan_ja.json"
    done = subprocess.run([sys.executable, "-c", RENDER_WITHOUT_FONTS, str(plan), str(out)],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "system fonts: 0" in done.stdout  # the hiding worked, so the test can fail
    pdf = out.read_bytes()
    text = _pdf_text(pdf).replace(" ", "")
    assert "あお向けドローイン" in text and "山田花子" in text and "\ufffd" not in text
    assert_only_packaged_fonts(pdf)


# --- the handout a patient reads (issue 16) -------------------------------------------------------------

EX04 = Path(__file__).resolve().parents[2] / "examples" / "04_knee_to_back.yaml"
EX09 = Path(__file__).resolve().parents[2] / "examples" / "09_high_psychosocial_risk.yaml"


def _example(path: Path, lang: str = "ja") -> tuple[dict, dict]:
    import yaml

    from ptplan.core.services import plan_from_data

    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    return plan_from_data(case, lang=lang), case


def test_page_one_starts_with_the_goals_and_the_program_and_the_doctor_box_comes_before_the_exercises():
    plan, case = _example(EX04)
    html = render(plan, "html", case=case, patient="山田 花子", therapist="佐藤 健", figures=False)
    order = [html.index(marker) for marker in ('<section class="goals">', '<section class="summary">',
                                               '<section class="doctor">', '<section class="exercises">',
                                               '<section class="self-care">', '<section class="diary">')]
    assert order == sorted(order)
    assert html.rindex("</section>") == html.index("</section>", html.index('<section class="diary">'))  # sheet last
    for goal in case["goals"]:
        assert goal in html
    assert "山田 花子" in html and "佐藤 健" in html
    assert "2026年11月5日" in html  # the assessment date (assessed_on), not the day it was printed


def test_the_self_care_list_is_short_and_medicines_are_left_to_the_doctor():
    plan, case = _example(EX04)
    html = render(plan, "html", case=case, figures=False)
    tips = html[html.index('<ol class="tips">'):html.index("</ol>", html.index('<ol class="tips">'))]
    assert 0 < tips.count("<li>") <= 8
    ask = html[html.index('<section class="ask-doctor">'):]
    medical = [a for a in plan["advice"] if a["category"] == "medical_option"]
    assert medical and all(a["title"] in ask and a["text"] not in html for a in medical)


def test_reasons_are_in_plain_words_and_katakana_names_are_led_by_plain_japanese():
    plan, case = _example(EX09)
    html = render(plan, "html", case=case, figures=False)
    body = html[html.index('<section class="summary">'):]
    assert "対応する" not in body
    assert "背骨を一つずつ持ち上げるブリッジ（ペルビックカール）" in body


def test_a_fearful_patient_reads_no_deficit_or_instability_talk():
    plan, case = _example(EX09)
    assert any(y for y in plan["triage"]["yellow_flags"])  # the example is the high-psychosocial-risk case
    for lang, words in (("ja", ("不全", "不安定", "低下", "不良", "障害")), ("en", ("deficit", "instability", "weak", "poor"))):
        plan, case = _example(EX09, lang)
        html = render(plan, "html", lang, case=case, figures=False)
        patient_part = html[html.index('<section class="summary">'):html.index('<section class="self-care">')]
        doctor = patient_part.index('<section class="doctor">')  # the warning signs may say "weak": they should
        patient_part = patient_part[:doctor] + patient_part[patient_part.index("</section>", doctor):]
        found = [w for w in words if w in patient_part.lower()]
        assert not found, found


def test_doses_are_said_as_people_say_them():
    from ptplan.render.labels import dose_text

    assert dose_text({"reps": 1, "hold_s": 120, "sessions_per_week": 14}, "ja") == "2分間保持・毎日・1日2回"
    assert dose_text({"reps": 1, "hold_s": 120, "sessions_per_week": 14}, "en") == "hold 2 min, twice a day"
    two_sets = {"sets": 2, "reps": 10, "sessions_per_week": 3, "per_side": True}
    assert dose_text(two_sets, "ja") == "10回 × 2セット・左右それぞれ・週3回"
    assert dose_text({"sets": 1, "reps": 1, "sessions_per_week": 1}, "en") == "once, once a week"
