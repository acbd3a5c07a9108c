"""Bilingual text. Every user-facing string in the knowledge base and the engine is a ``Text``."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

Lang = Literal["ja", "en"]
LANGS: tuple[Lang, ...] = ("ja", "en")
DEFAULT_LANG: Lang = "ja"


class Text(BaseModel):
    """A text in Japanese and English; both are required and non-empty."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    ja: str
    en: str

    @field_validator("ja", "en")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v or not v.strip():
            raise ValueError("must not be empty")
        return v.strip()

    def get(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en


class TextList(BaseModel):
    """An ordered list of texts (e.g. exercise steps) in both languages, of equal length."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    ja: list[str]
    en: list[str]

    @field_validator("ja", "en")
    @classmethod
    def _non_empty(cls, v: list[str]) -> list[str]:
        if not v or any(not s.strip() for s in v):
            raise ValueError("must be a non-empty list of non-empty strings")
        return v

    @model_validator(mode="after")
    def _same_length(self) -> TextList:
        if len(self.ja) != len(self.en):
            raise ValueError(f"ja has {len(self.ja)} items but en has {len(self.en)}; they must match one to one")
        return self

    def get(self, lang: str) -> list[str]:
        return self.ja if lang == "ja" else self.en
