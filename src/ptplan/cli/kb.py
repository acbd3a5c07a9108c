"""``ptplan kb``: validate the knowledge base and show what it holds."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from ptplan.cli.sheet import sheet
from ptplan.core.kb import loader
from ptplan.core.kb.stats import kb_stats

app = typer.Typer(no_args_is_help=True, help="Knowledge base: validate, stats, illustration sheet.")


@app.command()
def validate(path: Path = typer.Option(None, "--path", help="knowledge-base folder (default: the packaged one)")):
    """Check every file against the schema and every cross-reference; exit 2 on any problem."""
    kb = loader.load(path)
    s = kb_stats(kb)
    typer.echo(f"ok: knowledge base {kb.version} — " + ", ".join(
        f"{k} {v}" for k, v in s.items() if isinstance(v, int)))


@app.command()
def stats(as_json: bool = typer.Option(False, "--json", help="print JSON"),
          path: Path = typer.Option(None, "--path", help="knowledge-base folder")):
    """Counts per kind and the share of texts present in each language."""
    s = kb_stats(loader.load(path))
    if as_json:
        typer.echo(json.dumps(s, ensure_ascii=False, sort_keys=True))
    else:
        for k, v in s.items():
            typer.echo(f"{k:>20}: {v}")

app.command(name="sheet")(sheet)
