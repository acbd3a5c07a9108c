"""Real ptplan processes for the multi-process tests: servers (`ptplan serve`) and workers (`ptplan worker`)
on one database, started as subprocesses and stopped (or killed) by the test."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from ptplan.store.db import make_engine
from ptplan.store.testing import postgres_url

HERE = Path(__file__).resolve().parent
CLI = "import sys; from ptplan.cli import main; sys.argv[0] = 'ptplan'; main()"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def database(backend: str, tmp_path: Path):
    """A PTPLAN_DATABASE_URL for the processes: a SQLite file, or a fresh schema in the test PostgreSQL."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'shared.sqlite3'}"
        return
    url = postgres_url()
    if not url:
        pytest.skip("PTPLAN_TEST_DATABASE_URL not set")
    schema = f"ptplan_procs_{os.getpid()}_{secrets.token_hex(4)}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def env_for(data_dir: Path, db_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PTPLAN_")}
    env.update({"PTPLAN_DATA_DIR": str(data_dir), "PTPLAN_DATABASE_URL": db_url,
                "PTPLAN_SECRET_KEY": "multi-process-test-secret-0123456789",
                "PYTHONPATH": os.pathsep.join([str(HERE), env.get("PYTHONPATH", "")])})
    env.update(extra)
    return env


def ptplan(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CLI, *args], env=env, capture_output=True, text=True, timeout=timeout)


class Proc:
    """One ptplan subprocess; its output goes to a log file shown when a test fails."""

    def __init__(self, env: dict[str, str], log: Path, *args: str) -> None:
        self.log = log
        self._fh = log.open("ab")
        self.popen = subprocess.Popen([sys.executable, "-c", CLI, *args], env=env, stdout=self._fh,
                                      stderr=subprocess.STDOUT, start_new_session=True)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` to the process group (uvicorn's worker processes included) and wait."""
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, sig)
            try:
                self.popen.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(20)
        self._fh.close()


class Server(Proc):
    def __init__(self, env: dict[str, str], log: Path, *args: str) -> None:
        self.port = free_port()
        super().__init__(env, log, "serve", "--port", str(self.port), *args)
        self.base = f"http://127.0.0.1:{self.port}"
        self.wait_ready()

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise AssertionError(f"server exited {self.popen.returncode}:\n{self.output()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base}/api/v1/health", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        raise AssertionError(f"server not ready after {timeout} s:\n{self.output()}")

    def client(self, **kw) -> httpx.Client:
        return httpx.Client(base_url=self.base, timeout=30, **kw)


def create_user(env: dict[str, str], username: str, role: str = "therapist", clinic: str = "Aoba") -> None:
    done = ptplan({**env, "PTPLAN_NEW_PASSWORD": "long-enough-pw"}, "user", "create", username, "--role", role,
                  "--clinic", clinic)
    assert done.returncode == 0, done.stdout + done.stderr


def bearer(server: Server, username: str) -> dict[str, str]:
    """Log in (cookie + CSRF) and turn the session into an API token: headers for httpx."""
    with server.client() as c:
        resp = c.post("/api/v1/auth/login", json={"username": username, "password": "long-enough-pw"})
        assert resp.status_code == 200, resp.text
        token = c.post("/api/v1/auth/tokens", json={"name": "test"},
                       headers={"X-CSRF-Token": resp.json()["csrf_token"]})
        assert token.status_code == 201, token.text
    return {"Authorization": f"Bearer {token.json()['token']}"}
