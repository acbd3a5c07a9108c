"""Settings: one declaration each, and the secret-key rule (refuse weak secrets off loopback)."""

import pytest

from ptplan.errors import PtplanError
from ptplan.settings import Settings


def test_it_refuses_a_placeholder_secret_when_binding_beyond_loopback(tmp_path):
    with pytest.raises(PtplanError) as exc:
        Settings(data_dir=tmp_path, host="0.0.0.0", secret_key="changethis").resolved()
    assert exc.value.problems[0].path == "PTPLAN_SECRET_KEY"


def test_it_generates_and_keeps_a_secret_on_loopback(tmp_path):
    first = Settings(data_dir=tmp_path).resolved().secret_key
    again = Settings(data_dir=tmp_path).resolved().secret_key
    assert len(first) >= 32 and first == again
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_it_keeps_a_strong_secret_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PTPLAN_SECRET_KEY", "x" * 40)
    assert Settings(data_dir=tmp_path, host="10.0.0.5").resolved().secret_key == "x" * 40


def test_it_documents_every_setting():
    assert all(f.description for f in Settings.model_fields.values())


def test_it_uses_sqlite_in_the_data_dir_unless_a_url_is_given(tmp_path):
    assert Settings(data_dir=tmp_path, database_url=None).sqlalchemy_url() == f"sqlite:///{tmp_path}/ptplan.sqlite3"


def test_it_names_a_bad_environment_variable(monkeypatch):
    from ptplan.settings import load_settings

    monkeypatch.setenv("PTPLAN_PORT", "99999")
    with pytest.raises(PtplanError) as exc:
        load_settings()
    assert exc.value.problems[0].path == "PTPLAN_PORT"
