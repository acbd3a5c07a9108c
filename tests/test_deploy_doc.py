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


def add_user(data_dir: Path, username: str) -> None:
    """A user in the SQLite database of ``data_dir`` (in-process: each ptplan command costs a second)."""
    from ptplan.store import db as store_db
    from ptplan.store import repositories as repo

    engine = store_db.make_engine(f"sqlite:///{data_dir / 'ptplan.sqlite3'}")
    store_db.upgrade(engine)
    with store_db.session_factory(engine)() as db:
        repo.create_user(db, repo.get_or_create_clinic(db, "Aoba"), username, "long-enough-pw", "admin")
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
            deadline = time.monotonic() + 60
            while True:
                try:
                    if client.get("/api/v1/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, "ptplan did not answer through nginx"
                time.sleep(0.3)
            login = client.post("/api/v1/auth/login", json={"username": "hana", "password": "long-enough-pw"})
            assert login.status_code == 200, login.text
            assert "secure" in login.headers["set-cookie"].lower()
        redirect = httpx.get(f"http://127.0.0.1:{http}/patients", follow_redirects=False)
        assert redirect.status_code == 301 and redirect.headers["location"] == "https://127.0.0.1/patients"
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)
