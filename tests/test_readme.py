"""The README's facts about setup match the code: where the data lives, how to pick a port, make targets."""

import re
from pathlib import Path

from ptplan.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_it_names_the_real_default_database_file(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.delenv("PTPLAN_DATA_DIR", raising=False)
    monkeypatch.delenv("PTPLAN_DATABASE_URL", raising=False)
    assert Settings().sqlalchemy_url() == f"sqlite:///{tmp_path}/.local/share/ptplan/ptplan.sqlite3"
    assert "`~/.local/share/ptplan/ptplan.sqlite3`" in README and "`$XDG_DATA_HOME/ptplan/`" in README
    assert "./data/" not in README


def test_it_says_how_to_choose_the_port_with_settings_that_exist(monkeypatch):
    from ptplan.cli.server import serve

    monkeypatch.setenv("PTPLAN_PORT", "8001")
    assert Settings().port == 8001
    assert "--port" in {opt for param in serve.__defaults__ for opt in getattr(param, "param_decls", ())}
    assert "PTPLAN_PORT=8001 make" in README and "ptplan serve --port 8001" in README


def test_it_mentions_only_make_targets_that_exist():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z]+):", makefile, re.M))
    mentioned = set(re.findall(r"`make ([a-z]+)", README)) | set(re.findall(r"^make ([a-z]+)", README, re.M))
    assert mentioned and mentioned <= targets, mentioned - targets


def test_it_says_how_to_call_ptplan_from_the_venv():
    assert ".venv/bin/ptplan" in README and "source .venv/bin/activate" in README
    assert (ROOT / "pyproject.toml").read_text(encoding="utf-8").count('ptplan = "ptplan.cli:main"') == 1
