"""Security headers on every response.

The Content Security Policy allows no inline or remote script. Two relaxations are there
for the map and chart pages, and only those:

* ``style-src 'unsafe-inline'``: Plotly.js adds its own ``<style>`` element and inline
  ``style`` attributes when it draws (plotly.js issue 2355); without it charts render
  unstyled. Inline *styles* cannot run code, and ``script-src`` stays ``'self'``.
* ``worker-src blob:`` (and ``child-src blob:`` for older browsers): MapLibre, which
  Plotly uses for map traces, starts its web workers from a ``blob:`` URL.
  ``img-src data: blob:`` covers map sprites and "download as PNG".

Map tiles and styles must then come from this site (``connect-src 'self'``); a page that
needs a remote basemap has to add its host here. Downloads of stored files get a stricter
policy of their own (``sandbox``, see ``api.download_artifact``).
"""

from __future__ import annotations

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "child-src blob:",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ]
)
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def init_app(app: Flask) -> None:
    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        for key, value in HEADERS.items():
            response.headers.setdefault(key, value)
        if request.path.startswith("/api/") or request.path in ("/readyz", "/metrics"):
            # session data and live status: never stored by a browser or a proxy
            response.headers.setdefault("Cache-Control", "no-store")
        if request.is_secure:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response
