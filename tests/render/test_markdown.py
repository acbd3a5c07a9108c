import pytest

from ptplan.errors import InputError
from ptplan.render import RENDERERS, render


def test_it_lists_every_exercise_with_its_dose_in_japanese(plan_ja):
    md = render(plan_ja, "md", date="2026-11-22")
    assert md.startswith("# あなたの運動プログラム")
    assert "### 1. あお向けでおなかをへこませる練習（あお向けドローイン）" in md  # plain words first
    assert "**回数と頻度**: 10回・10秒保持・毎日" in md
    assert md.index("### 2. ブリッジ") < md.index("### 3. 座って行う太もも裏のストレッチ")  # priority order
    assert "- **次回の見直し**: 2026年12月20日" in md  # 4 review weeks after the date


def test_it_writes_english_with_a_diary_table(plan_en):
    md = render(plan_en, "md", date="2026-11-22", therapist="Hanako Yamada")
    assert "## Exercise diary" in md
    assert "| | Mon | Tue | Wed | Thu | Fri | Sat | Sun |" in md
    assert "| 6. Quadriceps setting |   |   |   |   |   |   |   |" in md  # every day
    assert "| 5. Chair squat |   | – |   | – |   | – | – |" in md  # Mon, Wed, Fri only
    assert "2 sets × 10 reps, hold 5 s, 3 times a week" in md
    assert "- **Your physiotherapist**: Hanako Yamada" in md
    assert "see a doctor._" in md
    assert md.rstrip().endswith("| Pain (0–10) | | | | | | | |")  # the tick sheet comes last


def test_it_writes_a_referral_instead_of_a_programme(redflag_ja):
    md = render(redflag_ja, "md")
    assert md.startswith("# ⚠ 運動を始める前に")
    assert "**今すぐ救急外来を受診してください**" in md
    assert "馬尾症候群の疑い" in md
    assert "運動のやり方" not in md


def test_it_rejects_an_unknown_format_naming_the_choices(plan_ja):
    with pytest.raises(InputError) as err:
        render(plan_ja, "docx")
    assert err.value.problems[0].path == "format"
    assert "fhir, html, ics, json, md, pdf, rehab-plan, rehab-plan-html, text" in err.value.problems[0].message
    assert set(RENDERERS) >= {"md", "html", "pdf", "fhir", "text", "json"}


def test_it_rejects_a_bad_review_date(plan_ja):
    with pytest.raises(InputError) as err:
        render(plan_ja, "md", review_date="20/12/2026")
    assert err.value.problems[0].path == "review_date"


def test_it_rejects_a_plan_without_triage():
    with pytest.raises(InputError) as err:
        render({"program": {}, "disclaimer": "x"}, "md")
    assert err.value.problems[0].path == "triage"


def test_it_escapes_html_in_every_interpolated_text(plan_en):
    import copy

    evil = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    plan = copy.deepcopy(plan_en)
    fields = 0
    for comp in plan["program"]["components"]:
        comp["name"], comp["why"] = evil, evil
        for ex in comp["exercises"]:
            for key in ("name", "why", "feel", "stop_if"):
                if isinstance(ex.get(key), str):
                    ex[key] = evil
                    fields += 1
            ex["steps"] = [evil]
    for a in plan.get("advice", []):
        a["title"], a["text"] = evil, evil
    md = render(plan, "md", date="2026-11-22", therapist=evil, patient=evil)
    assert fields > 5
    assert "<script" not in md and "<img" not in md
    assert md.count("&lt;script&gt;") > fields  # the text is kept, escaped, not dropped
