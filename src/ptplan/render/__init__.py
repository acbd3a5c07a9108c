"""Renderers: turn a plan (the plan JSON of docs/CONTRACTS.md) into a document format.

A registry maps a format name to a renderer; the built-in formats register the same way anything added
later would (STYLE habit 5). Renderer modules are imported on first use so that ``ptplan plan --format
json`` never loads WeasyPrint.

    >>> render(plan, "md", "ja")          # str
    >>> render(plan, "pdf", "ja", therapist="山田", review_date="2026-12-20")   # bytes
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from ptplan.errors import InputError


@dataclass(frozen=True)
class Renderer:
    name: str
    target: str  # "module:function", imported lazily
    media_type: str
    suffix: str
    binary: bool = False

    def load(self) -> Callable[..., str | bytes]:
        module, func = self.target.split(":")
        return getattr(importlib.import_module(module), func)


RENDERERS: dict[str, Renderer] = {}


def register(renderer: Renderer) -> Renderer:
    RENDERERS[renderer.name] = renderer
    return renderer


for _r in (
    Renderer("text", "ptplan.render.plain:render_text", "text/plain; charset=utf-8", ".txt"),
    Renderer("json", "ptplan.render.plain:render_json", "application/json", ".json"),
    Renderer("md", "ptplan.render.markdown:render_markdown", "text/markdown; charset=utf-8", ".md"),
    Renderer("html", "ptplan.render.handout:render_html", "text/html; charset=utf-8", ".html"),
    Renderer("pdf", "ptplan.render.handout:render_pdf", "application/pdf", ".pdf", binary=True),
    Renderer("fhir", "ptplan.render.fhir:render_fhir", "application/fhir+json", ".json"),
    # リハビリテーション実施計画書 (needs the case for the patient's details and goals)
    Renderer("rehab-plan", "ptplan.render.rehab_plan:render_pdf", "application/pdf", ".pdf", binary=True),
    Renderer("rehab-plan-html", "ptplan.render.rehab_plan:render_html", "text/html; charset=utf-8", ".html"),
    # the weekly schedule as an iCalendar (RFC 5545) calendar: start_date, review_date, uid, sequence
    Renderer("ics", "ptplan.render.ics:render_ics", "text/calendar; charset=utf-8", ".ics"),
):
    register(_r)


def render(plan: dict, fmt: str, lang: str | None = None, **opts) -> str | bytes:
    """Render ``plan`` as ``fmt`` in ``lang`` (default: the plan's own language).

    Options understood by the built-ins: ``therapist``, ``review_date`` (YYYY-MM-DD), ``patient``,
    ``clinic``, ``date`` (handout, markdown); ``case`` (case data dict) and ``measures`` (scored
    questionnaires) for FHIR; ``case`` and ``start_date`` for ``rehab-plan`` / ``rehab-plan-html``.
    Raises :class:`InputError` for an unknown format, and for a ``lang`` other than the one the plan was made
    in: a document is in one language (``ptplan.clinic.plans.in_language`` makes the plan again in another).
    """
    if fmt not in RENDERERS:
        raise InputError.single("format", f"unknown format '{fmt}'; expected one of: {', '.join(sorted(RENDERERS))}",
                                "format", f"形式 '{fmt}' はありません。使える形式: {', '.join(sorted(RENDERERS))}")
    made_in = plan.get("lang") if isinstance(plan, dict) else None
    if lang and made_in and lang != made_in and fmt != "json":
        raise InputError.single("lang", f"this plan was made in '{made_in}'; a document has one language, so make the "
                                f"plan again in '{lang}' (or render it in '{made_in}')", "mixed_language",
                                f"このプランは「{made_in}」で作られています。1つの文書は1つの言語で作るため、"
                                f"「{lang}」でプランを作り直すか「{made_in}」で出力してください", status=422)
    return RENDERERS[fmt].load()(plan, lang or made_in or "ja", **opts)
