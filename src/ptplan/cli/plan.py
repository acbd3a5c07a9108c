"""``ptplan plan CASE``: the plan for one case, as a terminal report (ja by default), stable JSON, or a
rendered document (Markdown, HTML/PDF handout, FHIR bundle) through :mod:`ptplan.render`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from ptplan.core.case_io import load_case_file
from ptplan.core.kb.loader import default_kb
from ptplan.core.services import make_plan, plan_json


class Lang(StrEnum):
    ja = "ja"
    en = "en"


class Format(StrEnum):
    text = "text"
    json = "json"
    md = "md"
    html = "html"
    pdf = "pdf"
    fhir = "fhir"
    rehab_plan = "rehab-plan"
    ics = "ics"


def plan(case: Path = typer.Argument(..., help="case file (YAML or JSON)"),
         lang: Lang = typer.Option(Lang.ja, "--lang", help="output language"),
         fmt: Format = typer.Option(Format.text, "--format",
                                    help="text (terminal report), json, md, html, pdf (handout), fhir, or rehab-plan "
                                         "(リハビリテーション実施計画書: PDF, or HTML when -o ends in .html), ics (the weekly "
                                         "schedule as an iCalendar file, from today to the review date)"),
         output: Path | None = typer.Option(None, "-o", "--output", help="write to this file instead of stdout"),
         therapist: str | None = typer.Option(None, "--therapist", help="therapist's name on the handout"),
         review_date: str | None = typer.Option(None, "--review-date", help="YYYY-MM-DD on the handout")):
    """Screen, reason and prescribe for CASE; print the plan."""
    kb = default_kb()  # resolved once here and passed to the core
    data = load_case_file(case, kb)
    result = make_plan(data, lang.value, kb=kb)
    if fmt not in (Format.text, Format.json):  # documents come from the renderer registry
        from ptplan.cli.render import emit

        name = fmt.value
        if fmt is Format.rehab_plan and output is not None and output.suffix.lower() in (".html", ".htm"):
            name = "rehab-plan-html"
        return emit(result, name, lang.value, output, therapist=therapist, review_date=review_date,
                    case=data.model_dump(mode="json", exclude_none=True))
    if fmt is Format.json:
        text = plan_json(result)
    else:
        from ptplan.render.text import render_text

        text = render_text(result, case=data.model_dump(mode="json", exclude_none=True), kb=kb)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}", err=True)
