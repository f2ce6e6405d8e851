"""Every error the API answers, in one shape: ``{"error": {"code", "message", "details"}}``.

Codes come from ``chatmrpt.errors.ERROR_CODES`` and so does the HTTP status of every
error the service raises. Errors of the HTTP layer itself (no such route, method not
allowed, body too large...) keep their HTTP status and get the nearest stable code. An
unexpected exception is logged with its traceback and answered ``internal_error`` with
the request id, so the log line can be found — never with the traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, current_app, g
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from chatmrpt.errors import ERROR_CODES, ChatMRPTError
from chatmrpt.web.responses import json_response

log = logging.getLogger("chatmrpt.web")

# HTTP statuses raised by Flask/Werkzeug -> stable code
HTTP_CODES = {
    400: "invalid_request",
    404: "not_found",
    405: "method_not_allowed",
    406: "invalid_request",
    408: "invalid_request",
    409: "conflict",
    411: "invalid_request",
    413: "payload_too_large",
    414: "invalid_request",
    415: "unsupported_media_type",
    416: "invalid_request",
    422: "invalid_request",
    429: "rate_limited",
    431: "invalid_request",
    503: "store_unavailable",
}
HTTP_MESSAGES = {
    400: "The request could not be understood.",
    404: "There is nothing at this address.",
    405: "This address does not accept this method.",
    413: "The request is too large.",
    415: "This content type is not accepted here.",
}


def json_error(
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    status: int | None = None,
) -> Response:
    """An error response; ``status`` defaults to the code's status in ERROR_CODES."""
    if code not in ERROR_CODES:
        raise ValueError(f"unknown error code {code!r}")
    body = {"error": {"code": code, "message": message, "details": dict(details or {})}}
    return json_response(body, status or ERROR_CODES[code])


def _chatmrpt_error(exc: ChatMRPTError) -> Response:
    if exc.http_status >= 500:
        log.error("request failed: [%s] %s", exc.code, exc.message)
    return json_error(exc.code, exc.message, exc.details)


def _http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    if status >= 500:
        return _internal_error(exc)
    code = HTTP_CODES.get(status, "invalid_request")
    details: dict[str, Any] = {}
    message = HTTP_MESSAGES.get(status, exc.description or "The request was refused.")
    if status == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        if limit:
            mb = limit / (1024 * 1024)
            message = f"The request is larger than the {mb:g} MB accepted per request."
            details["max_mb"] = mb
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        details["allowed"] = sorted(exc.valid_methods)
    response = json_error(code, message, details, status)
    if "allowed" in details:
        response.headers["Allow"] = ", ".join(details["allowed"])
    return response


def _internal_error(exc: BaseException) -> Response:
    request_id = g.get("request_id")
    log.error(
        "internal error in request %s",
        request_id,
        exc_info=(type(exc), exc, exc.__traceback__),
        extra={"request_id": request_id},
    )
    return json_error(
        "internal_error",
        "Something went wrong on the server; it has been logged. Try again, and report the "
        "request id if it happens again.",
        {"request_id": request_id},
    )


def init_app(app: Flask) -> None:
    app.register_error_handler(ChatMRPTError, _chatmrpt_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _internal_error)
