"""Logs as one JSON object per line, and the access log of the web service.

Every request gives one line on the ``chatmrpt.web.access`` logger: request id (the
client's ``X-Request-ID`` when it looks like one, else a new one; echoed in the
response), method, route template (``/api/sessions/<session_id>/analyses/<analysis_id>``,
never the raw path), status, duration, the session id when the request was authenticated
(never a token), host and pid. Bodies, uploaded content, tokens, cookies and query
strings are never logged.

The JSON line format itself is in :mod:`chatmrpt.logs`.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import time
import uuid

from flask import Flask, Response, g, request

from chatmrpt.web.state import app_state

ACCESS_LOGGER = "chatmrpt.web.access"
REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
def init_app(app: Flask) -> None:
    access = logging.getLogger(ACCESS_LOGGER)
    host = socket.gethostname()

    @app.before_request
    def _start() -> None:
        g.started = time.perf_counter()
        given = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex

    @app.after_request
    def _finish(response: Response) -> Response:
        request_id = g.get("request_id") or uuid.uuid4().hex
        response.headers[REQUEST_ID_HEADER] = request_id
        duration = time.perf_counter() - g.get("started", time.perf_counter())
        route = request.url_rule.rule if request.url_rule is not None else "<unmatched>"
        app_state(app).metrics.observe_request(
            request.method, route, response.status_code, duration
        )
        access.info(
            "%s %s %s",
            request.method,
            route,
            response.status_code,
            extra={
                "request_id": request_id,
                "method": request.method,
                "route": route,
                "status": response.status_code,
                "duration_ms": round(duration * 1000, 2),
                "session_id": g.get("session_id"),
                "host": host,
                "pid": os.getpid(),
            },
        )
        return response
