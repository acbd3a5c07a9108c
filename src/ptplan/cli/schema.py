"""``ptplan schema``: print JSON Schemas of the input files and of the plan."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, help="JSON Schemas of ptplan's case files and plans.")


@app.command()
def case():
    """The JSON Schema of a case file (YAML or JSON)."""
    from ptplan.core.case_io import dumps_schema

    typer.echo(dumps_schema())


@app.command()
def plan():
    """The JSON Schema of a plan (`ptplan plan CASE --format json`), from ptplan.core.plan_model."""
    from ptplan.core.plan_model import schema_json

    typer.echo(schema_json(), nl=False)
