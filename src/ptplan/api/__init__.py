"""HTTP API adapter (FastAPI). Build it with :func:`ptplan.api.app.create_app`."""

from ptplan.api.app import create_app

__all__ = ["create_app"]
