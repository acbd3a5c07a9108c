"""docs/deploy.md works as written: each marked shell block is read from the file and run."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sample_clips import tiny_mp4

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")


def block(name: str) -> str:
    found = re.search(rf"<!-- test: {name} -->\n```\w+\n(.*?)```", DOC, re.S)
    assert found, f"docs/deploy.md has no block marked 'test: {name}'"
    return found.group(1)


def test_it_marks_every_shell_block_but_the_install_for_a_test():
    blocks = re.findall(r"(<!-- test: [\w-]+ -->\n)?```(\w+)\n", DOC)
    assert [lang for mark, lang in blocks if not mark] == ["sh"]  # the install block: `make venv`, run by CI
    assert "make venv EXTRAS=" in DOC.split("## PostgreSQL")[0]


def bash(script: str, cwd: Path, **env: str) -> str:
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"  # the venv's ptplan first
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PATH": path, **env}, timeout=300)
    assert done.returncode == 0, f"{script}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
    return done.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_health(client, seconds: float, failure: str) -> None:
    """Poll /api/v1/health until it answers 200, failing with ``failure`` after ``seconds``."""
    import httpx  # the callers skip without it

    deadline = time.monotonic() + seconds
    while True:
        try:
            if client.get("/api/v1/health").status_code == 200:
                return
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, failure
        time.sleep(0.3)


def add_user(data_dir: Path, username: str, role: str = "admin") -> None:
    """A user in the SQLite database of ``data_dir`` (in-process: each ptplan command costs a second)."""
    from ptplan.store import db as store_db
    from ptplan.store import repositories as repo

    engine = store_db.make_engine(f"sqlite:///{data_dir / 'ptplan.sqlite3'}")
    store_db.upgrade(engine)
    with store_db.session_factory(engine)() as db:
        repo.create_user(db, repo.get_or_create_clinic(db, "Aoba"), username, "long-enough-pw", role)
        db.commit()
    engine.dispose()


def usernames(data_dir: Path) -> list[str]:
    import sqlite3

    with sqlite3.connect(data_dir / "ptplan.sqlite3") as conn:
        return [row[0] for row in conn.execute("SELECT username FROM users ORDER BY id")]


def test_it_backs_up_and_restores_sqlite_as_documented(tmp_path):
    data = tmp_path / "data"
    env = {"PTPLAN_DATA_DIR": str(data), "PTPLAN_DATABASE_URL": ""}
    add_user(data, "hana")
    bash(block("sqlite-backup"), tmp_path, **env)
    add_user(data, "taro")
    bash(block("sqlite-restore"), tmp_path, **env)
    assert usernames(data) == ["hana"]  # the user made after the backup is gone with the restore


@pytest.mark.postgres
def test_it_sets_up_backs_up_and_restores_postgresql_as_documented(tmp_path):
    from sqlalchemy.engine import make_url

    from ptplan.store.testing import require_postgres

    url = make_url(require_postgres())
    if not all(shutil.which(tool) for tool in ("psql", "createdb", "pg_dump", "pg_restore")):
        pytest.skip("PostgreSQL client tools not installed (apt-get install postgresql-client)")
    name = f"ptplan_doc_{secrets.token_hex(4)}"
    admin = {"PGHOST": url.host or "127.0.0.1", "PGPORT": str(url.port or 5432), "PGUSER": url.username or "postgres"}
    setup = block("postgres-setup").replace("DB=ptplan DB_USER=ptplan", f"DB={name} DB_USER={name}", 1)
    psql = 'psql -At "${PTPLAN_DATABASE_URL/+psycopg/}" -c'
    script = (setup + block("first-start") + block("postgres-backup")
              + f'{psql} "INSERT INTO clinics (name, created_at) VALUES (\'after the dump\', now())"\n'
              + block("postgres-restore") + block("upgrade")
              + f'{psql} "SELECT string_agg(name, \',\') FROM clinics"\n')
    try:
        out = bash(script, tmp_path, **admin, PTPLAN_DATA_DIR=str(tmp_path / "data"))
    finally:
        bash(f"dropdb --if-exists {name}; psql -c 'DROP ROLE IF EXISTS {name}'", tmp_path, **admin)
    assert out.strip().splitlines()[-1] == "Sakura Clinic"  # the clinic added after the dump is gone


APP_ROLE_CHECKS = {  # statement as the services' role -> what PostgreSQL must answer
    "INSERT INTO audit_events (at, username, action, resource) VALUES (now(), 'doc', 'read', 'patient')": "INSERT 0 1",
    "TRUNCATE audit_events": "permission denied",
    "UPDATE audit_events SET username = 'mallory'": "permission denied",
    "DELETE FROM audit_events": "permission denied",
    "ALTER TABLE audit_events DISABLE TRIGGER ALL": "must be owner",
    "DROP TRIGGER audit_events_no_truncate ON audit_events": "must be owner",
    "DROP TABLE audit_events": "must be owner",
}


@pytest.mark.postgres
def test_the_services_run_with_a_role_that_cannot_truncate_or_untrigger_the_audit_log(tmp_path):
    from fastapi.testclient import TestClient
    from sqlalchemy.engine import make_url

    from ptplan.server import create_app
    from ptplan.settings import Settings
    from ptplan.store.testing import require_postgres

    url = make_url(require_postgres())
    if not all(shutil.which(tool) for tool in ("psql", "createdb", "pg_dump")):
        pytest.skip("PostgreSQL client tools not installed (apt-get install postgresql-client)")
    name = f"ptplan_doc_{secrets.token_hex(4)}"
    admin = {"PGHOST": url.host or "127.0.0.1", "PGPORT": str(url.port or 5432), "PGUSER": url.username or "postgres"}
    setup = block("postgres-setup").replace("DB=ptplan DB_USER=ptplan", f"DB={name} DB_USER={name}", 1)
    app_role = block("postgres-app-role").replace("APP_USER=ptplan_app", f"APP_USER={name}_app", 1)
    psql = 'psql -At "${PTPLAN_DATABASE_URL/+psycopg/}"'
    checks = "".join(f'{psql} -c "{sql}" 2>&1 || true\n' for sql in APP_ROLE_CHECKS)
    script = (setup + block("first-start") + app_role + checks
              + 'pg_dump --format=custom --file=app-role.dump "${PTPLAN_DATABASE_URL/+psycopg/}"\n'
              + 'PTPLAN_DATABASE_URL="$OWNER_URL" ptplan db downgrade 0008\n'  # a pending migration ...
              + "ptplan db upgrade 2>&1 && echo UPGRADED || echo REFUSED\n"  # ... the services' role cannot run
              + 'PTPLAN_DATABASE_URL="$OWNER_URL" ptplan db upgrade\n'
              + 'echo "APP_URL=$PTPLAN_DATABASE_URL"\n')
    try:
        out = bash(script, tmp_path, **admin, PTPLAN_DATA_DIR=str(tmp_path / "data"))
        for expected in APP_ROLE_CHECKS.values():
            assert expected in out, out
        assert out.count("permission denied") >= 3 and out.count("must be owner") >= 3, out
        assert "REFUSED" in out and "UPGRADED" not in out, out
        assert "run `ptplan db upgrade` with the owner's PTPLAN_DATABASE_URL" in out and "Traceback" not in out, out
        assert (tmp_path / "app-role.dump").stat().st_size > 0  # the nightly pg_dump works with this role too
        app_url = out.strip().splitlines()[-1].removeprefix("APP_URL=")
        assert make_url(app_url).username == f"{name}_app"
        # the server itself on this role: starts (schema at head), logs in, writes, searches, audits
        app = create_app(Settings(data_dir=tmp_path / "data", database_url=app_url, secret_key=secrets.token_urlsafe(32)))
        try:
            client = TestClient(app, raise_server_exceptions=False)
            login = client.post("/api/v1/auth/login", json={"username": "admin", "password": "an-admin-password"})
            assert login.status_code == 200, login.text
            client.headers["X-CSRF-Token"] = login.json()["csrf_token"]
            created = client.post("/api/v1/users", json={"username": "doc-therapist", "password": "long enough phrase 42",
                                                          "role": "therapist"})
            # the login is named in the clinic's namespace (doc-therapist@<code>; the downgrade above reset the code)
            assert created.status_code == 201 and created.json()["username"].startswith("doc-therapist@")
            therapist = TestClient(app, raise_server_exceptions=False)
            login = therapist.post("/api/v1/auth/login", json={"username": created.json()["username"],
                                                               "password": "long enough phrase 42"})
            therapist.headers["X-CSRF-Token"] = login.json()["csrf_token"]
            made = therapist.post("/api/v1/patients", json={"name": "権限 花子"})
            assert made.status_code == 201, made.text
            found = therapist.get("/api/v1/patients", params={"q": "権限"}).json()["items"]
            assert [p["id"] for p in found] == [made.json()["id"]]
            events = client.get("/api/v1/audit", params={"patient_id": made.json()["id"]}).json()["items"]
            assert {e["action"] for e in events} >= {"create"}
        finally:
            app.state.engine.dispose()
    finally:
        bash(f"dropdb --if-exists {name}; psql -c 'DROP ROLE IF EXISTS {name}_app' -c 'DROP ROLE IF EXISTS {name}'",
             tmp_path, **admin)


def _nginx_conf(tmp_path: Path, https: int, http: int, app: int) -> Path:
    site = (block("nginx").replace("listen 443 ssl", f"listen 127.0.0.1:{https} ssl")
            .replace("listen 80", f"listen 127.0.0.1:{http}").replace("/etc/ssl/ptplan", str(tmp_path))
            .replace("127.0.0.1:8000", f"127.0.0.1:{app}"))
    temp = " ".join(f"{kind}_temp_path {tmp_path}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"{'user root;' if os.geteuid() == 0 else ''} daemon off; pid {tmp_path}/nginx.pid; "
                    f"error_log {tmp_path}/error.log; events {{}}\nhttp {{ access_log off; {temp}\n{site}\n}}\n")
    return conf


def test_it_serves_https_through_the_documented_nginx_site(tmp_path):
    httpx = pytest.importorskip("httpx")
    if not shutil.which("nginx") or not shutil.which("openssl"):
        pytest.skip("nginx or openssl not installed (apt-get install nginx-light openssl)")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=ptplan.example.jp", "-keyout", tmp_path / "privkey.pem", "-out", tmp_path / "fullchain.pem"],
                   check=True, capture_output=True)
    https, http, app = free_port(), free_port(), free_port()
    conf = _nginx_conf(tmp_path, https, http, app)
    env = {"PTPLAN_DATA_DIR": str(tmp_path / "data"), "PTPLAN_DATABASE_URL": ""}
    bash(f"nginx -t -c {conf} -p {tmp_path}", tmp_path)
    add_user(tmp_path / "data", "hana")
    serve = block("serve").replace("--port 8000", f"--port {app}")
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    procs = [subprocess.Popen(["nginx", "-c", str(conf), "-p", str(tmp_path)], stderr=subprocess.DEVNULL),
             subprocess.Popen(["bash", "-c", f"exec {serve.strip().splitlines()[-1]}"], cwd=tmp_path,
                              env={**os.environ, **env, "PATH": path, "PTPLAN_SECURE_COOKIES": "true"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    assert "export PTPLAN_SECURE_COOKIES=true" in serve
    try:
        with httpx.Client(base_url=f"https://127.0.0.1:{https}", verify=False, timeout=5) as client:
            wait_for_health(client, 60, "ptplan did not answer through nginx")
            login = client.post("/api/v1/auth/login", json={"username": "hana", "password": "long-enough-pw"})
            assert login.status_code == 200, login.text
            assert "secure" in login.headers["set-cookie"].lower()
            # the open plan preview is rate-limited per address (5/s, bursts of 20); the rest of the site is not.
            # After one real plan, empty cases (a quick 422 from ptplan) until nginx refuses one.
            assert client.post("/api/v1/plans:preview", json={"lang": "ja"}).status_code == 200
            codes = []
            while len(codes) < 60 and 429 not in codes:
                codes.append(client.post("/api/v1/plans:preview", json={"lang": 1}).status_code)
            assert codes[-1] == 429 and len(codes) > 20 and set(codes[:-1]) == {422}, codes
            assert client.get("/api/v1/health").status_code == 200
        redirect = httpx.get(f"http://127.0.0.1:{http}/patients", follow_redirects=False)
        assert redirect.status_code == 301 and redirect.headers["location"] == "https://127.0.0.1/patients"
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)


def _unit(name: str) -> dict[str, str]:
    import configparser

    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str
    parser.read_string(block(name))
    return dict(parser["Service"])


def test_the_documented_units_verify_and_their_commands_serve_and_analyse(tmp_path):
    """The two units pass `systemd-analyze verify` (where it exists); their ExecStart lines, run with the
    documented settings file (paths and the database swapped for this test), serve the API and finish a
    video job in the worker service while the server leaves jobs alone."""
    httpx = pytest.importorskip("httpx")
    venv_ptplan = str(Path(sys.executable).parent / "ptplan")
    data = tmp_path / "data"
    env_lines = dict(line.split("=", 1) for line in block("env-file").split("\n") if line.strip())
    assert env_lines["PTPLAN_JOBS_IN_PROCESS"] == "false"
    env_lines.update({"PTPLAN_DATA_DIR": str(data), "PTPLAN_DATABASE_URL": f"sqlite:///{data / 'ptplan.sqlite3'}",
                      "PTPLAN_SECRET_KEY": secrets.token_urlsafe(32),
                      "PTPLAN_VIDEO_ANALYZER": "fake_analyzer:analyze"})  # the analyzer interface, test stand-in
    env = {**os.environ, **env_lines, "PYTHONPATH": str(ROOT / "tests" / "jobs"), "PTPLAN_SECURE_COOKIES": "false"}
    server, worker = _unit("unit-server"), _unit("unit-worker")
    for unit in (server, worker):
        assert unit["EnvironmentFile"] == "/etc/ptplan/ptplan.env"
        assert unit["ExecStart"].startswith("/opt/ptplan/.venv/bin/ptplan ")
    if shutil.which("systemd-analyze"):
        for name in ("unit-server", "unit-worker"):
            path = tmp_path / f"{name}.service"
            path.write_text(block(name).replace("/opt/ptplan/.venv/bin/ptplan", venv_ptplan)
                            .replace("/opt/ptplan", str(tmp_path)).replace("/etc/ptplan/ptplan.env", str(tmp_path / "env"))
                            .replace("User=ptplan\nGroup=ptplan\n", ""), encoding="utf-8")
            (tmp_path / "env").write_text("\n".join(f"{k}={v}" for k, v in env_lines.items()), encoding="utf-8")
            done = subprocess.run(["systemd-analyze", "verify", str(path)], capture_output=True, text=True, timeout=60)
            # Outside a booted systemd the verifier also reports the host's missing units; ours must be clean.
            assert path.name not in done.stderr, done.stderr
    add_user(data, "hana", "therapist")
    port = free_port()
    commands = [server["ExecStart"].replace("--port 8000", f"--port {port}"), worker["ExecStart"]]
    procs = [subprocess.Popen(["bash", "-c", "exec " + cmd.replace("/opt/ptplan/.venv/bin/ptplan", venv_ptplan)],
                              cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True) for cmd in commands]
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            wait_for_health(client, 120, "the server unit's command did not answer")
            login = client.post("/api/v1/auth/login", json={"username": "hana", "password": "long-enough-pw"})
            assert login.status_code == 200, login.text
            client.headers["X-CSRF-Token"] = login.json()["csrf_token"]
            pid = client.post("/api/v1/patients", json={"name": "単位 試験"}).json()["id"]
            made = client.post(f"/api/v1/patients/{pid}/assessments", json={"case": _example_case()})
            assert made.status_code == 201, made.text
            video = client.post(f"/api/v1/assessments/{made.json()['id']}/videos", data={"task": "gait"},
                                files={"file": ("c.mp4", tiny_mp4(), "video/mp4")}).json()
            deadline = time.monotonic() + 120
            while (status := client.get(f"/api/v1/videos/{video['id']}").json())["status"] not in ("done", "failed"):
                assert time.monotonic() < deadline, f"the worker unit did not finish the job: {status}"
                time.sleep(0.3)
            assert status["status"] == "done" and status["result"]["analysed_by"] != procs[0].pid
    finally:
        for proc in procs:
            os.killpg(proc.pid, 15)
            proc.wait(timeout=30)


def _example_case() -> dict:
    import yaml

    return yaml.safe_load((ROOT / "examples" / "01_hamstring_office_worker.yaml").read_text(encoding="utf-8"))
