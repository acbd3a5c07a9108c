"""``ptplan plan CASE``: the plan for one case, as a terminal report (ja by default) or stable JSON."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from ptplan.core.case_io import load_case_file
from ptplan.core.services import make_plan, plan_json


class Lang(StrEnum):
    ja = "ja"
    en = "en"


class Format(StrEnum):
    text = "text"
    json = "json"


def plan(case: Path = typer.Argument(..., help="case file (YAML or JSON)"),
         lang: Lang = typer.Option(Lang.ja, "--lang", help="output language"),
         fmt: Format = typer.Option(Format.text, "--format", help="text (terminal report) or json"),
         output: Path | None = typer.Option(None, "-o", "--output", help="write to this file instead of stdout")):
    """Screen, reason and prescribe for CASE; print the plan."""
    result = make_plan(load_case_file(case), lang.value)
    if fmt is Format.json:
        text = plan_json(result)
    else:
        from ptplan.render.text import render_text

        text = render_text(result)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}", err=True)
