"""Security headers on every response, as pure ASGI middleware (so errors, redirects, static files and
the 413 of the body limit get them too).

- ``Content-Security-Policy``: scripts and styles only from this origin (no inline script anywhere; the
  pages load ``/static/*.js``; the patient pages' service worker and manifest too), no plug-ins, no framing
  (``frame-ancestors 'none'``), forms post only here.
- ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY`` (older browsers), ``Referrer-Policy:
  same-origin`` (ids in URLs never leave the site; not ``no-referrer``, which makes browsers send
  ``Origin: null`` on same-site form posts and so defeats the Origin check), ``Cross-Origin-Opener-Policy: same-origin``.
- ``Cache-Control: no-store`` on everything but the packaged static assets: pages and API answers carry
  patient data, and a shared computer's browser cache must not keep them.
- ``Strict-Transport-Security`` when the cookies are Secure (the server is reached over HTTPS).
"""

from __future__ import annotations

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
# The printable handout is one self-contained HTML file with its stylesheet inline (it is also saved to disk
# and opened from there); it still runs no script.
HANDOUT_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
STATIC_PREFIXES = ("/static/", "/docs/assets/")
HSTS = b"max-age=31536000; includeSubDomains"


def security_headers(path: str, hsts: bool) -> list[tuple[bytes, bytes]]:
    csp = HANDOUT_CSP if path.endswith("/handout") else CSP
    headers = [(b"content-security-policy", csp.encode()), (b"x-content-type-options", b"nosniff"),
               (b"x-frame-options", b"DENY"), (b"referrer-policy", b"same-origin"),
               (b"cross-origin-opener-policy", b"same-origin")]
    if not path.startswith(STATIC_PREFIXES):
        headers += [(b"cache-control", b"no-store"), (b"pragma", b"no-cache")]
    if hsts:
        headers.append((b"strict-transport-security", HSTS))
    return headers


class SecurityHeaders:
    """Adds :func:`security_headers` to each HTTP response, replacing any same-named header."""

    def __init__(self, app, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        extra = security_headers(scope.get("path", ""), self.hsts)
        names = {name for name, _ in extra}

        async def with_headers(message):
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": kept + extra}
            await send(message)

        await self.app(scope, receive, with_headers)
