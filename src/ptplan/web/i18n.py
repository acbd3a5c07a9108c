"""Web message catalogues (``messages/{ja,en}.yaml``) and the choice of language per request.

Japanese is the default. ``?lang=en`` switches and is remembered in a cookie; on a first visit the
browser's Accept-Language decides. A msgid missing from a catalogue shows as the msgid itself, and
``tests/web/test_i18n.py`` fails on any msgid used in a template that either catalogue lacks.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

LANGS = ("ja", "en")
DEFAULT_LANG = "ja"
LANG_COOKIE = "ptplan_lang"
MESSAGES_DIR = Path(__file__).resolve().parent / "messages"


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    """The page messages, plus ``choice.<id>`` (checklist choices) from the one list the documents also use."""
    from ptplan.render.clinical import words

    with open(MESSAGES_DIR / f"{lang}.yaml", encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    choices = {f"choice.{k}": v.get(lang, v["en"]) for k, v in words()["choices"].items()}
    return choices | {str(k): str(v) for k, v in data.items()}


def gettext(lang: str, msgid: str, **values) -> str:
    text = catalogue(lang if lang in LANGS else DEFAULT_LANG).get(msgid, msgid)
    return text.format(**values) if values else text


def from_accept_language(header: str | None) -> str | None:
    """The first supported language in an Accept-Language header, honouring q-values."""
    ranked = []
    for i, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        base = tag.strip().lower().split("-")[0]
        if base in LANGS and q > 0:
            ranked.append((-q, i, base))
    return min(ranked)[2] if ranked else None


def request_lang(query_lang: str | None, cookie_lang: str | None, accept: str | None) -> tuple[str, bool]:
    """(language, whether to remember it in the cookie)."""
    if query_lang in LANGS:
        return query_lang, query_lang != cookie_lang
    if cookie_lang in LANGS:
        return cookie_lang, False
    return from_accept_language(accept) or DEFAULT_LANG, False


def text(value, lang: str) -> str:
    """A knowledge-base ``Text`` / {ja, en} mapping / plain string in the wanted language."""
    if value is None:
        return ""
    if hasattr(value, "get") and not isinstance(value, dict):
        return value.get(lang)
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("en") or value.get("ja") or "")
    return str(value)
