"""The one exception family of the project.

Every error a user can cause carries a stable ``code`` (scripts and the HTTP API rely on
it), a plain-language ``message`` that says what is wrong and what to do, and ``details``
naming the file, column and rows involved. The CLI prints the message and exits 2; the web
layer answers ``{"error": {"code", "message", "details"}}`` with the code's HTTP status.
"""

from __future__ import annotations

from typing import Any

# code -> HTTP status. Codes are part of the interface contract: add, never rename.
ERROR_CODES: dict[str, int] = {
    # files
    "unsupported_file_type": 415,
    "unreadable_table": 422,
    "unreadable_boundaries": 422,
    "broken_archive": 422,
    "unsafe_archive": 422,
    "file_too_large": 413,
    "empty_file": 422,
    # table content
    "missing_ward_column": 422,
    "missing_column": 422,
    "duplicate_wards": 422,
    "no_usable_variables": 422,
    "unknown_variable": 422,
    "too_few_variables": 422,
    "too_many_variables": 422,
    "boundary_join_failed": 422,
    "missing_population": 422,
    "unrecognised_export": 422,
    "missing_urban_share": 422,
    "population_join_failed": 422,
    "missing_boundaries": 422,
    "unreadable_raster": 422,
    # parameters and requests
    "invalid_parameter": 400,
    "invalid_request": 400,
    "csrf_failed": 403,
    "method_not_allowed": 405,
    "not_found": 404,
    "conflict": 409,
    "analysis_not_ready": 409,
    "unsupported_media_type": 415,
    "payload_too_large": 413,
    "rate_limited": 429,
    # server side
    "job_failed": 500,
    "store_unavailable": 503,
    "internal_error": 500,
}


class ChatMRPTError(Exception):
    """An error with a stable code, a message for people and details for programs."""

    def __init__(self, code: str, message: str, *, details: dict[str, Any] | None = None):
        if code not in ERROR_CODES:
            raise ValueError(f"unknown error code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = dict(details or {})

    @property
    def http_status(self) -> int:
        return ERROR_CODES[self.code]

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}

    def __reduce__(self):  # survives pickling across processes (job queue)
        return (_rebuild, (self.code, self.message, self.details))


def _rebuild(code: str, message: str, details: dict[str, Any]) -> ChatMRPTError:
    return ChatMRPTError(code, message, details=details)


class InputError(ChatMRPTError):
    """Bad input from the user: a file, a column, a parameter. Exit code 2 / HTTP 4xx."""

    def __reduce__(self):
        return (_rebuild_input, (self.code, self.message, self.details))


def _rebuild_input(code: str, message: str, details: dict[str, Any]) -> InputError:
    return InputError(code, message, details=details)


def describe_rows(labels: list[Any], limit: int = 8) -> str:
    """'Adakawa, Dorayi and 3 more' — for messages that name rows without flooding."""
    items = [str(x) for x in labels]
    if not items:
        return ""
    if len(items) <= limit:
        if len(items) == 1:
            return items[0]
        return ", ".join(items[:-1]) + " and " + items[-1]
    return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
