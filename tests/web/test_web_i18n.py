"""Every msgid used by a template or view exists in both catalogues; language choice and its cookie."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ptplan.core.kb.loader import default_kb
from ptplan.web import forms, i18n

WEB = Path(i18n.__file__).resolve().parent
CALL = re.compile(r"""\b_\(\s*(['"])([^'"]+)\1""")
CONCAT = re.compile(r"""\b_\(\s*(['"])([a-z_.]+\.)\1\s*~""")  # _("opt." ~ x): checked through the sets below


def used_msgids() -> set[str]:
    found = set()
    for path in [*WEB.glob("templates/*.html"), *WEB.glob("views/*.py"), *WEB.glob("*.py")]:
        for m in CALL.finditer(path.read_text(encoding="utf-8")):
            if not m.group(2).endswith("."):
                found.add(m.group(2))
    return found


def dynamic_msgids() -> set[str]:
    """msgids made by joining a prefix and a value: every value the pages can produce."""
    kb = default_kb()
    ids = {f"answer.{a}" for a in ("yes", "no", "unknown")} | {f"role.{r}" for r in ("admin", "therapist", "patient")}
    ids |= {f"triage.level.{lv}" for lv in ("emergency", "urgent", "routine", "none")}
    ids |= {f"confidence.{c}" for c in ("high", "moderate", "low")}
    ids |= {f"lens.{lens}" for lens in ("core", "mobility", "movement", "conditioning", "knee", "education")}
    ids |= {f"decision.{d}" for d in ("progress", "hold", "regress", "refer")}
    ids |= {f"dose.label.{k}" for k in ("sets", "reps", "hold_s", "sessions_per_week")}
    ids |= {f"opt.site.{s}" for s in forms.PAIN_SITES} | {"error.status_403", "error.status_404", "error.status_422"}
    ids |= {f"assess.complaint.{c}" for c in forms.COMPLAINTS}
    focused = forms.focused(forms.sections(kb), "both", [], [])
    ids |= {sec.title for sec in focused} | {sec.hint for sec in focused if sec.hint}
    for sec in forms.sections(kb):
        ids.add(sec.title)
        every = list(sec.fields) + [f for _t, _p, fs in sec.groups for f in fs]
        for f in every:
            if not f.label_is_text:
                ids.add(f.label)
            if f.unit and f.unit != "none":
                ids.add(f"unit.{f.unit}")
            prefix = "choice" if f.name.startswith(("tests.", "movement.")) else f"opt.{f.name.split('.')[-1]}"
            if f.help:
                ids.add(f.help)
            if f.kind in ("select", "checks") and not f.option_labels:  # option_labels: the KB's own names
                ids |= {f"{prefix}.{o}" for o in f.options}
        ids |= {t for t, _p, _f in sec.groups if isinstance(t, str) and t.startswith("region.")}
    return ids


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_it_has_every_template_msgid_in_both_languages(lang):
    used = used_msgids()
    assert len(used) > 150
    missing = sorted(used - set(i18n.catalogue(lang)))
    assert not missing, f"{lang}.yaml lacks {missing}"


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_it_has_every_generated_msgid_in_both_languages(lang):
    missing = sorted(dynamic_msgids() - set(i18n.catalogue(lang)))
    assert not missing, f"{lang}.yaml lacks {missing}"


def test_it_keeps_the_two_catalogues_in_step_and_japanese_in_ja():
    ja, en = i18n.catalogue("ja"), i18n.catalogue("en")
    assert set(ja) == set(en)
    assert ja["nav.patients"] == "患者一覧" and en["nav.patients"] == "Patients"
    assert not any(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", v) for v in en.values())


@pytest.mark.parametrize(("header", "expected"), [
    ("en-US,en;q=0.9", "en"), ("ja,en;q=0.8", "ja"), ("fr-FR,en;q=0.5", "en"), ("de", None), ("", None),
    ("ja;q=0.2,en;q=0.9", "en")])
def test_it_reads_accept_language(header, expected):
    assert i18n.from_accept_language(header) == expected


def test_it_prefers_the_query_then_the_cookie_then_the_browser():
    assert i18n.request_lang("en", "ja", "ja") == ("en", True)
    assert i18n.request_lang(None, "en", "ja") == ("en", False)
    assert i18n.request_lang(None, None, "en-GB") == ("en", False)
    assert i18n.request_lang("xx", None, None) == ("ja", False)


def test_it_serves_japanese_by_default_and_remembers_the_english_switch(app):
    from fastapi.testclient import TestClient

    client = TestClient(app)
    r = client.get("/login")
    assert '<html lang="ja">' in r.text and "ログイン" in r.text
    r = client.get("/login?lang=en")
    assert '<html lang="en">' in r.text and client.cookies.get("ptplan_lang") == "en"
    assert '<html lang="en">' in client.get("/self-check").text
    assert '<html lang="en">' in TestClient(app).get("/login", headers={"Accept-Language": "en-US"}).text
