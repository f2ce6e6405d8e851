"""Rate limits on the requests that cost something: new sessions, uploads, messages, jobs.

Each limited request counts once per client address and, once it has proved its session,
once per session, in fixed windows kept in the store (``Store.hit``), so every worker of
every machine shares the same counts. A request over a limit is answered 429
``rate_limited`` with ``Retry-After`` (seconds until the window ends) and changes nothing.

Limits come from the settings (``CHATMRPT_RATE_*``: ``requests/seconds`` or ``off``).
The client address is the peer's, or the one proxy's ``X-Forwarded-For`` when
``CHATMRPT_TRUST_PROXY`` is set (werkzeug's ProxyFix).
"""

from __future__ import annotations

import hashlib
import math
from typing import Any

from flask import Flask, Response, current_app, request

from chatmrpt.errors import ChatMRPTError
from chatmrpt.web.errors import json_error
from chatmrpt.web.state import get_runtime, get_settings

# endpoint -> (bucket, settings field per address, settings field per session)
LIMITED: dict[str, tuple[str, str, str | None]] = {
    "sessions.create_session": ("sessions", "rate_sessions", None),
    "datasets.add_dataset": ("uploads", "rate_uploads", "rate_uploads_per_session"),
    "datasets.load_demo": ("uploads", "rate_uploads", "rate_uploads_per_session"),
    "tpr.submit_tpr": ("jobs", "rate_jobs", "rate_jobs_per_session"),
    "covariates.submit_covariates": ("jobs", "rate_jobs", "rate_jobs_per_session"),
    "messages.post_message": ("messages", "rate_messages", "rate_messages_per_session"),
}
# analyses count only when they queue new work (asking about a running one is free):
# the view calls admit_job from inside the service, not before the request
JOBS = ("jobs", "rate_jobs", "rate_jobs_per_session")
SESSION_HOOK = "chatmrpt.session_limit"
_WHAT = {
    "sessions": "new sessions",
    "uploads": "uploads",
    "jobs": "analyses submitted",
    "messages": "messages",
}


class RateLimited(ChatMRPTError):
    def __init__(self, bucket: str, scope: str, limit: tuple[int, float], retry_after: float):
        count, window = limit
        wait = max(1, math.ceil(retry_after))
        per = "a minute" if window == 60 else f"per {window:g} seconds"
        who = "from your address" if scope == "address" else "in this session"
        super().__init__(
            "rate_limited",
            f"Too many {_WHAT.get(bucket, bucket)} {who}: at most {count} {per}. "
            f"Try again in {wait} second{'s' if wait != 1 else ''}.",
            details={"limit": count, "window_s": window, "scope": scope,
                     "retry_after_s": wait},
        )
        self.retry_after = wait


def _count(bucket: str, scope: str, who: str, limit: tuple[int, float]) -> None:
    count, window = limit
    # the address or session id is hashed: counters name no one
    tag = hashlib.sha256(who.encode()).hexdigest()[:24]
    seen, retry_after = get_runtime().store.hit(f"{bucket}:{scope}:{tag}", window)
    if seen > count:
        raise RateLimited(bucket, scope, limit, retry_after)


def _limits(endpoint: str | None) -> tuple[str, Any, Any] | None:
    if endpoint not in LIMITED or request.method != "POST":
        return None
    bucket, per_address, per_session = LIMITED[endpoint]
    settings = get_settings()
    return (
        bucket,
        getattr(settings, per_address),
        getattr(settings, per_session) if per_session else None,
    )


def check_address() -> None:
    """Before the view: the client address's count for this kind of request."""
    found = _limits(request.endpoint)
    if found is None or found[1] is None:
        return
    bucket, limit, _ = found
    _count(bucket, "address", request.remote_addr or "unknown", limit)


def check_session(session_id: str) -> None:
    """After the session is proved (``session_required``): the session's count."""
    found = _limits(request.endpoint)
    if found is None or found[2] is None:
        return
    bucket, _, limit = found
    _count(bucket, "session", session_id, limit)


def admit_job(session_id: str) -> None:
    """A new analysis is about to be queued: count it for the address and the session."""
    bucket, per_address, per_session = JOBS
    settings = get_settings()
    for scope, who, limit in (
        ("address", request.remote_addr or "unknown", getattr(settings, per_address)),
        ("session", session_id, getattr(settings, per_session)),
    ):
        if limit is not None:
            _count(bucket, scope, who, limit)


def _answer(exc: RateLimited) -> Response:
    response = json_error(exc.code, exc.message, exc.details)
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


def init_app(app: Flask) -> None:
    app.before_request(check_address)
    app.extensions[SESSION_HOOK] = check_session
    app.register_error_handler(RateLimited, _answer)


def session_hook() -> Any:
    return current_app.extensions.get(SESSION_HOOK)
