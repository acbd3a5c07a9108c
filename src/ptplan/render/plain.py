"""The engine's own outputs (terminal report, stable JSON) behind the common renderer signature."""

from __future__ import annotations


def render_text(plan: dict, lang: str = "ja", width: int = 100, case: dict | None = None, **_opts) -> str:
    from ptplan.render.text import render_text as report

    return report(plan, width=width, case=case)


def render_json(plan: dict, lang: str = "ja", **_opts) -> str:
    from ptplan.core.services import plan_json

    return plan_json(plan)
