"""Counts and language coverage of a loaded knowledge base (``ptplan kb stats``)."""

from __future__ import annotations

from pydantic import BaseModel

from ptplan.core.i18n import Text, TextList


def _texts(value) -> list:
    if isinstance(value, Text | TextList):
        return [value]
    if isinstance(value, BaseModel):
        return [t for name in type(value).model_fields for t in _texts(getattr(value, name))]
    if isinstance(value, list | tuple):
        return [t for v in value for t in _texts(v)]
    return []


def language_coverage(kb) -> dict[str, float]:
    """Share of bilingual texts with a non-empty value in each language (1.0 = complete)."""
    texts = [t for entries in kb.entries.values() for e in entries.values() for t in _texts(e)]
    texts += _texts(kb.meta)
    if not texts:
        return {"ja": 0.0, "en": 0.0}
    return {lang: round(sum(1 for t in texts if getattr(t, lang)) / len(texts), 4) for lang in ("ja", "en")}


def kb_stats(kb) -> dict:
    out: dict = {kind: len(entries) for kind, entries in kb.entries.items()}
    out["rules"] = len(kb.kind("rules"))
    out["languages"] = language_coverage(kb)
    out["version"] = kb.version
    return out
