"""``/docs``: Swagger UI 5 (it reads OpenAPI 3.1) served from the ``fastapi-offline`` package's files (no CDN,
works offline), started by a static script file so the page runs under the same no-inline-script
Content-Security-Policy as the rest."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_URL = "/docs"
ASSETS = "/docs/assets"

PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{title} — API</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css"><link rel="icon" href="{assets}/favicon.png"></head>
<body><div id="swagger-ui" data-openapi-url="{openapi}"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="/static/swagger-init.js"></script>
</body></html>
"""


def install(app: FastAPI, openapi_url: str) -> None:
    """Mount the packaged Swagger UI files and the page that loads them (FastAPI's own docs page is off)."""
    import fastapi_offline

    assets = Path(fastapi_offline.__file__).resolve().parent / "static"
    app.mount(ASSETS, StaticFiles(directory=assets), name="docs-assets")
    html = PAGE.format(title=app.title, assets=ASSETS, openapi=openapi_url)
    app.add_api_route(DOCS_URL, lambda: HTMLResponse(html), include_in_schema=False)
