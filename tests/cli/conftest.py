import sys

import pytest

from ptplan.cli import main


@pytest.fixture
def run(monkeypatch, capsys):
    """Run ``ptplan ARGS…`` in-process; return (exit code, stdout, stderr)."""

    def _run(*args):
        monkeypatch.setattr(sys, "argv", ["ptplan", *args])
        code = 0
        try:
            main()
        except SystemExit as e:
            code = e.code or 0
        out = capsys.readouterr()
        return code, out.out, out.err

    return _run
