"""HTTP API adapter (FastAPI): routers under ``/api/v1``, installed on the server app by
:func:`ptplan.api.app.install` (the app itself is built by :func:`ptplan.server.create_app`)."""
