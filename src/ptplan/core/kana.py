"""Kana forms for names: NFKC (half-width katakana ｻﾄｳ -> サトウ, full-width Latin and digits -> ASCII) and,
for a reading (フリガナ), hiragana -> katakana, so a reading typed either way is stored one way."""

from __future__ import annotations

import unicodedata

_HIRAGANA = range(0x3041, 0x3097)  # ぁ..ゖ; katakana is 0x60 above; ゝゞ -> ヽヾ as well
_ITERATION = {0x309D: 0x30FD, 0x309E: 0x30FE}


def nfkc(text: str) -> str:
    """Width folded and spaces collapsed (the ideographic space U+3000 becomes one ASCII space)."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def to_katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if ord(c) in _HIRAGANA else chr(_ITERATION.get(ord(c), ord(c))) for c in text)


def furigana(text: str | None) -> str | None:
    """A reading as stored: NFKC, katakana, single spaces; None for nothing."""
    if text is None:
        return None
    return to_katakana(nfkc(text)) or None


def search_forms(query: str) -> list[str]:
    """The query as typed, width-folded, and with hiragana as katakana (readings are stored in katakana):
    each distinct non-empty form once, the typed one first."""
    forms = [query, nfkc(query), to_katakana(nfkc(query))]
    return [f for i, f in enumerate(forms) if f and f not in forms[:i]]
