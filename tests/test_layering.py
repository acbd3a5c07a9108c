"""The core must stay pure: no web framework, ORM or video library anywhere under ptplan.core."""

import ast
from pathlib import Path

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
