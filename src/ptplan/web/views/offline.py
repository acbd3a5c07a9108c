"""The patient's pages as an installable web app: the manifest and the service worker's script.

The worker (``static/patient-sw.js``) is served from the site's root so that its scope can be ``/me`` (a
script under ``/static/`` could only control ``/static/``); it keeps the patient's pages for offline use
and ``static/offline.js`` queues a session logged offline. Neither answer carries patient data, so neither
needs a login (browsers fetch the manifest without cookies)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse

from ptplan.web import STATIC
from ptplan.web.base import page

router = APIRouter()
SCOPE = "/me"
ICONS = [{"src": "/static/icons/icon-192.png", "sizes": "192x192", "type": "image/png"},
         {"src": "/static/icons/icon-512.png", "sizes": "512x512", "type": "image/png"},
         {"src": "/static/icons/icon.svg", "sizes": "any", "type": "image/svg+xml"}]


@router.get("/patient.webmanifest")
def manifest(request: Request):
    """The web app manifest (W3C Web Application Manifest) in the page's language (``?lang=``)."""
    p = page(request)
    body = {"name": p._("pwa.name"), "short_name": p._("pwa.short_name"), "description": p._("pwa.description"),
            "lang": p.lang, "id": SCOPE, "start_url": SCOPE, "scope": SCOPE, "display": "standalone",
            "background_color": "#f4f6f8", "theme_color": "#0b5cad", "icons": ICONS}
    return JSONResponse(body, media_type="application/manifest+json")


@router.get("/patient-sw.js")
def service_worker():
    return FileResponse(STATIC / "patient-sw.js", media_type="text/javascript")
