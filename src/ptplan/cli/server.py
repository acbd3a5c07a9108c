"""``ptplan serve`` and ``ptplan demo``."""

from __future__ import annotations

import typer


def serve(host: str = typer.Option(None, "--host", help="bind address (default 127.0.0.1; PTPLAN_HOST)"),
          port: int = typer.Option(None, "--port", help="port (default 8000; PTPLAN_PORT)")):
    """Run the web app and the API with uvicorn; migrations run first."""
    import uvicorn

    from ptplan.server import create_app
    from ptplan.settings import load_settings

    overrides = {k: v for k, v in {"host": host, "port": port}.items() if v is not None}
    settings = load_settings(**overrides).resolved()
    ensure_can_listen(settings.host, settings.port)
    app = create_app(settings)
    typer.echo(f"ptplan: http://{settings.host}:{settings.port}/  (API docs: /docs)  "
               f"database: {app.state.engine.url.render_as_string()}")
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")


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
