"""The ``ptplan`` command line. Each command group lives in its own module and is registered here.

Errors from the core (:class:`ptplan.errors.PtplanError`) become one line per problem on stderr
and exit code 2; nothing prints a traceback for bad input.
"""

from __future__ import annotations

import sys

import typer

from ptplan.cli import case as case_cmd
from ptplan.cli import check as check_cmd
from ptplan.cli import db as db_cmd
from ptplan.cli import kb as kb_cmd
from ptplan.cli import measure as measure_cmd
from ptplan.cli import plan as plan_cmd
from ptplan.cli import render as render_cmd
from ptplan.cli import review as review_cmd
from ptplan.cli import schema as schema_cmd
from ptplan.cli import server as server_cmd
from ptplan.cli import user as user_cmd
from ptplan.cli import video as video_cmd
from ptplan.errors import PtplanError

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  help="ptplan: explainable exercise-therapy plans for chronic low back and knee pain.")
app.add_typer(kb_cmd.app, name="kb")
app.add_typer(case_cmd.app, name="case")
app.add_typer(schema_cmd.app, name="schema")
app.command("plan")(plan_cmd.plan)
app.command("check")(check_cmd.check)
app.add_typer(db_cmd.app, name="db")
app.add_typer(user_cmd.app, name="user")
app.command("serve")(server_cmd.serve)
app.command("demo")(server_cmd.demo)
app.command(name="render")(render_cmd.render_cmd)
app.add_typer(measure_cmd.app, name="measure")
app.command("review")(review_cmd.review)
app.add_typer(video_cmd.app, name="video")


def main() -> None:
    try:
        app(standalone_mode=False)
    except PtplanError as err:
        for p in err.problems:
            typer.echo(f"error: {p.text('en')}", err=True)
        sys.exit(2)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(1)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except Exception as exc:  # click usage errors arrive here in non-standalone mode
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
