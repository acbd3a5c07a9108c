"""``ptplan db upgrade`` and ``ptplan user create`` against a SQLite file in a temporary data dir."""

from typer.testing import CliRunner

from ptplan.cli import app
from ptplan.store import db as store_db


def _run(tmp_path, *args, **env):
    return CliRunner().invoke(app, list(args), env={"PTPLAN_DATA_DIR": str(tmp_path), "PTPLAN_DATABASE_URL": "", **env})


def test_it_upgrades_the_database_to_head(tmp_path):
    result = _run(tmp_path, "db", "upgrade")
    assert result.exit_code == 0 and f"revision {store_db.head_revision()}" in result.output
    assert (tmp_path / "ptplan.sqlite3").exists()
    assert _run(tmp_path, "db", "current").output.strip() == store_db.head_revision()


def test_it_creates_a_user_in_a_new_clinic(tmp_path):
    result = _run(tmp_path, "user", "create", "ayako", "--role", "admin", "--clinic", "Aoba",
                  PTPLAN_NEW_PASSWORD="long-enough-pw")
    assert result.exit_code == 0, result.output
    assert "ayako (admin) in clinic Aoba" in result.output


def test_it_gives_a_new_clinic_its_code_and_keeps_the_api_name_rule(tmp_path):
    ok = _run(tmp_path, "user", "create", "kenji", "--role", "admin", "--clinic", "北クリニック", "--clinic-code",
              "kita-2", PTPLAN_NEW_PASSWORD="long-enough-pw")
    assert ok.exit_code == 0, ok.output
    assert "in clinic 北クリニック (code kita-2" in ok.output
    for bad, field in (("a b", "username"), ("ab", "username"), ("mika@aoba", "username")):
        result = _run(tmp_path, "user", "create", bad, "--clinic", "北クリニック", PTPLAN_NEW_PASSWORD="long-enough-pw")
        assert result.exit_code != 0, bad
        assert field in (str(result.exception) + result.output), (bad, result.output)
    assert _run(tmp_path, "user", "create", "mika@kita-2", "--clinic", "北クリニック",
                PTPLAN_NEW_PASSWORD="long-enough-pw").exit_code == 0
    # a code that login names already end in (e.g. after a downgrade reset the codes) is not given again
    from ptplan.store import db as store_db
    from ptplan.store import repositories as repo
    from ptplan.store.models import Clinic

    engine = store_db.make_engine(f"sqlite:///{tmp_path / 'ptplan.sqlite3'}")
    with store_db.session_factory(engine)() as db:
        db.query(Clinic).update({Clinic.code: "c1"})
        db.commit()
        assert repo.get_or_create_clinic(db, "Kita 2").code != "kita-2"
    engine.dispose()
    taken = _run(tmp_path, "user", "create", "sora", "--clinic", "Other", "--clinic-code", "kita-2",
                 PTPLAN_NEW_PASSWORD="long-enough-pw")
    assert taken.exit_code != 0 and "clinic_code" in (str(taken.exception) + taken.output)


def test_it_refuses_a_patient_login_without_a_patient_record(tmp_path):
    result = _run(tmp_path, "user", "create", "hana", "--role", "patient", "--clinic", "Aoba",
                  PTPLAN_NEW_PASSWORD="long-enough-pw")
    assert result.exit_code != 0
    assert "patient_id" in str(result.exception) or "patient_id" in result.output


def test_it_names_the_port_setting_when_the_port_is_taken(run, tmp_path, monkeypatch):
    import socket

    monkeypatch.setenv("PTPLAN_DATA_DIR", str(tmp_path))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, out, err = run("serve", "--port", str(port))
    assert code == 2 and out == ""
    assert f"127.0.0.1:{port} is already in use" in err and "--port N or PTPLAN_PORT=N" in err


def test_it_names_the_missing_extra_instead_of_a_traceback_on_the_base_install():
    import subprocess
    import sys

    code = ("import sys; sys.modules['sqlalchemy'] = sys.modules['pydantic_settings'] = None; "
            "sys.argv = ['ptplan', 'db', 'upgrade']; from ptplan.cli import main; main()")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "pip install 'ptplan[server]'" in result.stderr
