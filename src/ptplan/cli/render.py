"""``ptplan render PLAN.json``: a saved plan as Markdown, HTML, PDF handout or FHIR bundle.

:func:`emit` is shared with ``ptplan plan --format md|html|pdf|fhir`` so both commands write the
same bytes for the same plan.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from ptplan.errors import InputError


def emit(plan: dict, fmt: str, lang: str, output: Path | None, **opts) -> None:
    """Render ``plan`` and write it to ``output`` (or stdout; binary formats need ``-o``)."""
    from ptplan.render import RENDERERS, render

    opts = {k: v for k, v in opts.items() if v is not None}
    out = render(plan, fmt, lang, **opts)
    if output is None:
        if RENDERERS[fmt].binary:
            raise InputError.single("--output", f"{fmt} is binary: give a file with -o", "output",
                                    f"{fmt} はバイナリ形式です。-o で出力ファイルを指定してください")
        typer.echo(out, nl=not out.endswith("\n"))
        return
    if isinstance(out, bytes):
        output.write_bytes(out)
    else:
        output.write_text(out, encoding="utf-8")
    typer.echo(f"wrote {output}", err=True)


def _read_plan(path: Path) -> dict:
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError):
        raise InputError.single(str(path), "file not found", "not_found", "ファイルが見つかりません") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError.single(str(path), f"not valid plan JSON (line {exc.lineno}): {exc.msg}", "json",
                                f"プランの JSON として読めません（{exc.lineno} 行目）") from None


def render_cmd(plan: Path = typer.Argument(..., help="plan JSON file (from `ptplan plan --format json`), or - for stdin"),
               fmt: str = typer.Option("pdf", "--format", help="md, html, pdf, fhir, rehab-plan or rehab-plan-html"),
               lang: str = typer.Option(None, "--lang", help="ja or en (default: the plan's language)"),
               output: Path = typer.Option(None, "-o", "--output", help="write to this file (needed for pdf)"),
               therapist: str = typer.Option(None, "--therapist", help="therapist's name printed on the handout"),
               review_date: str = typer.Option(None, "--review-date", help="YYYY-MM-DD (default: today + review weeks)"),
               patient: str = typer.Option(None, "--patient", help="patient's name printed on the handout"),
               clinic: str = typer.Option(None, "--clinic", help="clinic name printed on the handout")):
    """Render a saved plan as a handout (HTML/PDF), Markdown or an HL7 FHIR R4 bundle."""
    data = _read_plan(plan)
    emit(data, fmt, lang or data.get("lang", "ja"), output, therapist=therapist, review_date=review_date,
         patient=patient, clinic=clinic)
