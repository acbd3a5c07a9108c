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
    app = create_app(settings)
    typer.echo(f"ptplan: http://{settings.host}:{settings.port}/  (API docs: /docs)  "
               f"database: {app.state.engine.url.render_as_string()}")
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")


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
