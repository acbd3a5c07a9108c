"""``ptplan serve``, ``ptplan worker`` and ``ptplan demo``."""

from __future__ import annotations

import typer


def serve(host: str = typer.Option(None, "--host", help="bind address (default 127.0.0.1; PTPLAN_HOST)"),
          port: int = typer.Option(None, "--port", help="port (default 8000; PTPLAN_PORT)"),
          workers: int = typer.Option(None, "--workers", help="server processes (default 1; PTPLAN_WORKERS)")):
    """Run the web app and the API with uvicorn; migrations run first.

    With ``--workers N`` N uvicorn processes start, each building the app from the environment
    (``ptplan.server:app_from_env``) and accepting on its own socket (``ptplan.cli.serve_workers``); they
    share the database and the job queue and keep nothing in memory that another process needs."""
    import os

    import uvicorn

    from ptplan.server import create_app
    from ptplan.settings import load_settings
    from ptplan.store.db import make_engine, upgrade

    overrides = {k: v for k, v in {"host": host, "port": port, "workers": workers}.items() if v is not None}
    settings = load_settings(**overrides).resolved()
    ensure_can_listen(settings.host, settings.port)
    engine = make_engine(settings.sqlalchemy_url(), settings.sqlite_synchronous)
    upgrade(engine)  # once, here, before any worker process starts
    typer.echo(f"ptplan: http://{settings.host}:{settings.port}/  (API docs: /docs)  "
               f"database: {engine.url.render_as_string()}  workers: {settings.workers}")
    if settings.workers == 1:
        uvicorn.run(create_app(settings, engine=engine, migrate=False), host=settings.host, port=settings.port,
                    log_level="info", proxy_headers=False)  # X-Forwarded-For: see PTPLAN_TRUSTED_PROXIES
        return
    engine.dispose()
    # The worker processes read their settings from the environment: pass on the options and the secret
    # resolved above (on loopback it was generated into the data dir; this keeps every process on one key).
    os.environ.update({"PTPLAN_HOST": settings.host, "PTPLAN_PORT": str(settings.port),
                       "PTPLAN_WORKERS": str(settings.workers), "PTPLAN_SECRET_KEY": settings.secret_key,
                       "PTPLAN_DATA_DIR": str(settings.data_dir)})
    from ptplan.cli import serve_workers

    # One listening socket per process (SO_REUSEPORT), so connections spread over the workers: see serve_workers.
    serve_workers.run({"app": "ptplan.server:app_from_env", "factory": True, "host": settings.host,
                       "port": settings.port, "log_level": "info", "proxy_headers": False}, settings.workers,
                      hang_timeout=settings.worker_timeout)


def worker(threads: int = typer.Option(1, "--threads", min=1, max=32,
                                       help="jobs this process runs at once (each analysis uses a core)")):
    """Run video-analysis jobs apart from the web server, until Ctrl-C / SIGTERM.

    Uses the same settings as the server (database, PTPLAN_REDIS_URL or the queue file in the data
    dir). Start several on one machine or, with Redis, on several machines; set PTPLAN_JOBS_IN_PROCESS=false
    on the server so it leaves the jobs to them."""
    import logging

    from ptplan.server import video_jobs
    from ptplan.settings import load_settings
    from ptplan.store.db import make_engine, session_factory, upgrade

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = load_settings()
    engine = make_engine(settings.sqlalchemy_url(), settings.sqlite_synchronous)
    upgrade(engine)
    queue = "redis" if settings.redis_url else str(settings.job_queue_file())
    typer.echo(f"ptplan worker: {threads} thread(s), queue {queue}, database {engine.url.render_as_string()}")
    video_jobs(settings, session_factory(engine)).run_consumer(threads)


def ensure_can_listen(host: str, port: int) -> None:
    """Fail with a message naming --port/PTPLAN_PORT (not uvicorn's raw errno) when the address is taken.

    Binds with SO_REUSEADDR as uvicorn does, so a port in TIME_WAIT after a restart still counts as free.
    """
    import errno
    import socket

    from ptplan.errors import InputError

    try:
        family, _, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(address)
    except OSError as exc:
        taken = exc.errno == errno.EADDRINUSE
        why = "is already in use (is ptplan already running?)" if taken else f"cannot be opened ({exc.strerror})"
        why_ja = "は使用中です（ptplan が起動済みかもしれません）" if taken else f"を開けません（{exc.strerror}）"
        raise InputError.single("PTPLAN_PORT", f"{host}:{port} {why}; choose another port with --port N or "
                                "PTPLAN_PORT=N, or another address with --host", "port_unavailable",
                                f"{host}:{port} {why_ja}。--port N か PTPLAN_PORT=N で別のポートを指定してください") from None


def demo():
    """Load the demo clinic (idempotent) and print its logins."""
    from ptplan.cli.db import engine_from_settings
    from ptplan.clinic.seed import DEMO_CLINIC, DEMO_PASSWORD, DEMO_USERS, load_demo
    from ptplan.store import db as store_db

    engine = engine_from_settings()
    store_db.upgrade(engine)
    with store_db.session_factory(engine)() as db:
        created = load_demo(db)
        db.commit()
    typer.echo(("loaded" if created else "already loaded") + f": {DEMO_CLINIC}")
    for username, role, _ in DEMO_USERS:
        typer.echo(f"  login {username:<15} password {DEMO_PASSWORD}  ({role})")
