"""``ptplan case``: validate a case file and summarize what it records."""

from __future__ import annotations

from pathlib import Path

import typer

from ptplan.core.case_io import load_case_file

app = typer.Typer(no_args_is_help=True, help="Case files: validate and summarize.")


@app.command()
def check(path: Path = typer.Argument(..., help="case file (YAML or JSON)")):
    """Validate a case file; print a short summary, or one line per problem and exit 2."""
    case = load_case_file(path)
    d = case.demographics
    unknown = sum(1 for v in case.red_flags.values() if v == "unknown")
    typer.echo(f"ok: {path.name} — {case.title or case.id or ''}")
    typer.echo(f"  age {d.age}, sex {d.sex}, BMI {d.bmi}; pain sites: {', '.join(p.site for p in case.pain) or '-'}")
    typer.echo(f"  tests {len(case.tests)}, movement tasks {len(case.movement)}, questionnaires "
               f"{len(case.questionnaires)}, red-flag answers {len(case.red_flags)} ({unknown} unknown)")
