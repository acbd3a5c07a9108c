"""Layering: the core stays pure (no web framework, ORM or video library anywhere under ptplan.core),
the import-linter contracts of pyproject.toml hold, and the command line starts without the server stack."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import ptplan.core

FORBIDDEN = {"fastapi", "starlette", "sqlalchemy", "alembic", "uvicorn", "jinja2", "cv2", "mediapipe",
             "weasyprint", "typer", "rich", "ptplan.store", "ptplan.api", "ptplan.web", "ptplan.cli",
             "ptplan.video", "ptplan.render"}


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_it_keeps_the_core_free_of_adapters():
    core = Path(ptplan.core.__file__).parent
    offenders = [(p.name, m) for p in core.rglob("*.py") for m in _imports(p)
                 if any(m == f or m.startswith(f + ".") for f in FORBIDDEN)]
    assert offenders == []


def test_it_keeps_every_import_contract_of_pyproject():
    """The layers, the api/web independence and the pure core (``[tool.importlinter]``), as `make lint` checks."""
    pytest.importorskip("importlinter")
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=Path(ptplan.core.__file__).parents[3], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


def test_it_imports_the_command_line_without_the_server_stack():
    """`ptplan plan` on the base install must not need (or pay for) SQLAlchemy, FastAPI or argon2."""
    code = ("import sys, ptplan.cli; heavy = ('sqlalchemy', 'fastapi', 'starlette', 'argon2', 'pydantic_settings', "
            "'jinja2', 'uvicorn'); print(','.join(m for m in heavy if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == ""
