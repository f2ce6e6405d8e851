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

from flask import Flask, Response, current_app, g, has_request_context, request
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


# What a client is told of a server-side failure: never the message of the failing part,
# which may name hosts, ports, buckets or file paths (the log keeps it, with the request id).
SERVER_MESSAGES = {
    "store_unavailable": "The service's storage is not answering right now; nothing was "
                         "changed. Try again in a moment.",
    "job_failed": "The work could not be done on the server; it has been logged. Try again, "
                  "and report the request id if it happens again.",
    "internal_error": "Something went wrong on the server; it has been logged. Try again, and "
                      "report the request id if it happens again.",
}


def _chatmrpt_error(exc: ChatMRPTError) -> Response:
    if exc.http_status >= 500:
        request_id = g.get("request_id")
        log.error("request %s failed: [%s] %s %s", request_id, exc.code, exc.message,
                  exc.details, extra={"request_id": request_id})
        message = SERVER_MESSAGES.get(exc.code, SERVER_MESSAGES["internal_error"])
        return json_error(exc.code, message, {"request_id": request_id})
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
        length = request.content_length if has_request_context() else None
        if limit and length is not None and length <= limit:
            # not the size: the form had too many parts, or a text field was too long
            parts = request.max_form_parts
            memory = request.max_form_memory_size
            message = (
                f"The upload was refused: a form may have at most {parts:,} parts (send the "
                "table, the boundaries and the sheet name only)"
                + (f" and each text field at most {memory // 1024:,} KB" if memory else "")
                + "."
            )
            details.update(max_parts=parts, max_field_kb=(memory // 1024) if memory else None)
        elif limit:
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
