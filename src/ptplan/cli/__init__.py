"""The ``ptplan`` command line. Each command group lives in its own module and is registered here.

Each command is loaded only when it is run (or listed by ``--help``): ``ptplan plan`` imports the core
and nothing of the server extra (no SQLAlchemy, FastAPI or argon2), and a server command on the base
install says which extra it needs. Errors from the core (:class:`ptplan.errors.PtplanError`) become one line per
problem on stderr and exit code 2; nothing prints a traceback for bad input.
"""

from __future__ import annotations

import importlib
import sys

import typer
from typer.core import TyperGroup

from ptplan.errors import PtplanError

#: name -> (module, attribute): a Typer group (``app``) or a command function, imported when the command
#: runs (or ``--help`` lists it), so each call loads only its own command's modules.
LAZY = {"kb": ("ptplan.cli.kb", "app"), "case": ("ptplan.cli.case", "app"), "schema": ("ptplan.cli.schema", "app"),
        "plan": ("ptplan.cli.plan", "plan"), "check": ("ptplan.cli.check", "check"),
        "render": ("ptplan.cli.render", "render_cmd"), "measure": ("ptplan.cli.measure", "app"),
        "review": ("ptplan.cli.review", "review"), "video": ("ptplan.cli.video", "app"),
        "db": ("ptplan.cli.db", "app"), "user": ("ptplan.cli.user", "app"),
        "serve": ("ptplan.cli.server", "serve"), "worker": ("ptplan.cli.server", "worker"), "demo": ("ptplan.cli.server", "demo")}


class LazyGroup(TyperGroup):
    """The root group: every command of :data:`LAZY`, imported when asked for."""

    def list_commands(self, ctx: typer.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY})

    def get_command(self, ctx: typer.Context, name: str):
        if name not in LAZY:
            return super().get_command(ctx, name)
        module, attr = LAZY[name]
        try:
            target = getattr(importlib.import_module(module), attr)
        except ImportError as exc:  # the base install: say which extra the command needs
            target = _needs_server(name, exc)
        if isinstance(target, typer.Typer):
            command = typer.main.get_group(target)
        else:
            single = typer.Typer()
            single.command(name)(target)
            command = typer.main.get_command(single)
        command.name = name
        return command


def _needs_server(name: str, exc: ImportError):
    def missing(args: list[str] = typer.Argument(None, hidden=True)) -> None:
        raise PtplanError.single(name, f"this command needs the server extra ({exc.name or exc} is not installed): "
                                 "pip install 'ptplan[server]'", "not_installed",
                                 "このコマンドにはサーバー用の追加パッケージが必要です: pip install 'ptplan[server]'")

    missing.__doc__ = "(needs the server extra of ptplan, which is not installed)"
    return missing


app = typer.Typer(cls=LazyGroup, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  help="ptplan: explainable exercise-therapy plans for chronic low back and knee pain.")

@app.callback()
def _root() -> None:
    # Every command is lazy (LAZY); a callback makes Typer build the root group even so.
    pass


def main() -> None:
    try:
        app(standalone_mode=False)
    except PtplanError as err:
        for p in err.problems:
            typer.echo(f"error: {p.text('en')}", err=True)
        sys.exit(2)
    except ModuleNotFoundError as exc:  # a command of an extra that this install does not have
        typer.echo(f"error: {exc.name} is not installed; this command needs an extra: "
                   "pip install 'ptplan[server]' (or [render], [video])", err=True)
        sys.exit(2)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(1)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except Exception as exc:  # click's usage errors arrive here in non-standalone mode (typer may vendor click)
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):
            exc.show()
            sys.exit(exc.exit_code)
        raise
