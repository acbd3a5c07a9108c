"""Helpers and the two-clinic world shared by the security tests (no conftest.py here, so the other test
folders' ``from conftest import ...`` keep finding their own). The world is the two-clinic one of the API
tests (tests/api/personas.py), on a fresh SQLite database per test."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))

from personas import PASSWORD, build_world  # noqa: E402

from ptplan.store.testing import temporary_engine  # noqa: E402

__all__ = ["PASSWORD", "all_routes", "sqlite_world"]


@contextlib.contextmanager
def sqlite_world(tmp_path):
    """A fresh two-clinic world on SQLite (each test module wraps it in its own ``world`` fixture)."""
    with temporary_engine("sqlite", tmp_path) as engine:
        yield build_world(engine, tmp_path)



def all_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every HTTP route of the app, including those of included routers."""
    from fastapi import routing

    out: list[tuple[str, str]] = []

    def walk(routes):
        for r in routes:
            if hasattr(routing, "_IncludedRouter") and isinstance(r, routing._IncludedRouter):
                walk(r.effective_candidates())
            elif getattr(r, "methods", None) and getattr(r, "path", None):
                out.extend((m, r.path) for m in sorted(r.methods) if m != "HEAD")

    walk(app.routes)
    return out
