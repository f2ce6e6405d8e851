"""Security headers on every response.

The Content Security Policy allows no inline or remote script. Two relaxations are there
for the map and chart pages, and only those:

* ``style-src 'unsafe-inline'``: Plotly.js adds its own ``<style>`` element and inline
  ``style`` attributes when it draws (plotly.js issue 2355); without it charts render
  unstyled. Inline *styles* cannot run code, and ``script-src`` stays ``'self'``.
* ``worker-src blob:`` (and ``child-src blob:`` for older browsers): MapLibre, which
  Plotly uses for map traces, starts its web workers from a ``blob:`` URL.
  ``img-src data: blob:`` covers map sprites and "download as PNG".

Map tiles and styles come from this site (``connect-src 'self'``), except the optional
street map of ``CHATMRPT_BASEMAP_URL``, whose origin is added to ``img-src`` and
``connect-src`` when it is configured. Downloads of stored files get a stricter
policy of their own (``sandbox``, see ``api.download_artifact``).
"""

from __future__ import annotations

from flask import Flask, Response, request

from chatmrpt.config import origin_of


def content_security_policy(tile_origin: str | None = None) -> str:
    tiles = f" {tile_origin}" if tile_origin else ""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            f"img-src 'self' data: blob:{tiles}",
            "font-src 'self'",
            f"connect-src 'self'{tiles}",
            "worker-src 'self' blob:",
            "child-src blob:",
            "object-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'",
        ]
    )


CONTENT_SECURITY_POLICY = content_security_policy()
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def init_app(app: Flask, basemap_url: str | None = None) -> None:
    policy = content_security_policy(origin_of(basemap_url) if basemap_url else None)

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", policy)
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
