"""The HTML pages of the web service.

A minimal placeholder until the browser interface is added here: it says what the
service is and where its API is described. No inline script or style, so it keeps to the
Content Security Policy of ``chatmrpt.web.security``.
"""

from __future__ import annotations

from flask import Blueprint, Response

bp = Blueprint("pages", __name__)

PLACEHOLDER = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>ChatMRPT</title>
</head>
<body>
<h1>ChatMRPT</h1>
<p>Ward-level malaria risk prioritisation and ITN planning.</p>
<p>The HTTP API is described at <a href="/api/openapi.json">/api/openapi.json</a>.</p>
</body>
</html>
"""


@bp.get("/")
def index() -> Response:
    return Response(PLACEHOLDER, mimetype="text/html")
