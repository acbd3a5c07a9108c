"""``ptplan schema``: print JSON Schemas of the input files."""

from __future__ import annotations

import typer

from ptplan.core.case_io import dumps_schema

app = typer.Typer(no_args_is_help=True, help="JSON Schemas of ptplan's input files.")


@app.command()
def case():
    """The JSON Schema of a case file (YAML or JSON)."""
    typer.echo(dumps_schema())
