"""Progress as server-sent events, from the store's event log."""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, current_app, request

from chatmrpt.errors import InputError
from chatmrpt.store.base import StoreUnavailable
from chatmrpt.web.api.common import PREFIX, S
from chatmrpt.web.auth import session_required
from chatmrpt.web.state import get_runtime

log = logging.getLogger("chatmrpt.web")
bp = Blueprint("events", __name__, url_prefix=PREFIX)

STREAM_SLOTS = "chatmrpt.event_stream_slots"
# held-stream slots are made on first use (after Gunicorn has set how many): this app's
# lock, made when the blueprint is registered, guards making them
SLOTS_LOCK = "chatmrpt.event_stream_slots_lock"
bp.record_once(lambda setup: setup.app.extensions.setdefault(SLOTS_LOCK, threading.Lock()))


def _last_event_id() -> int:
    raw = request.headers.get("Last-Event-ID") or request.args.get("after") or "0"
    try:
        value = int(raw)
    except ValueError:
        raise InputError(
            "invalid_parameter", "Last-Event-ID (or after) must be a whole number."
        ) from None
    if value < 0 or value > 2**62:
        raise InputError("invalid_parameter", "Last-Event-ID (or after) is out of range.")
    return value


def _sse(entry: dict[str, Any]) -> str:
    data = json.dumps(entry, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    kind = str(entry.get("type") or "message").replace("\n", " ").replace("\r", " ")
    return f"id: {int(entry['seq'])}\nevent: {kind}\ndata: {data}\n\n"


@bp.get(S + "/events")
@session_required
def events(session_id: str) -> Response:
    """Job progress and completion of the session, from the store's event log.

    Each event's ``id`` is its sequence number, so a reconnecting browser (which sends
    ``Last-Event-ID``) gets exactly what it missed, from whichever worker answers.

    A worker holds at most ``SSE_HELD_STREAMS`` streams open at once (a few of its threads;
    the rest stay free for requests), each for at most ``SSE_MAX_SECONDS``. Beyond that the
    stream is answered at once: the events pending, then it ends with a ``retry:`` hint of
    about ``SSE_BUSY_RETRY_SECONDS`` (spread at random), after which the browser's
    EventSource connects again by itself: a cheap poll instead of a held thread.
    """
    after = _last_event_id()
    rt = get_runtime()
    config = current_app.config
    max_s = float(config["SSE_MAX_SECONDS"])
    poll_s = float(config["SSE_POLL_SECONDS"])
    beat_s = float(config["SSE_HEARTBEAT_SECONDS"])
    busy_retry_s = float(config["SSE_BUSY_RETRY_SECONDS"])
    slots = stream_slots(current_app)

    def pending(last: int) -> Iterator[str]:
        for entry in rt.store.events(session_id, after=last, limit=100):
            yield _sse(entry)

    def stream() -> Iterator[str]:
        # the slot is taken when the body starts, and given back when it ends however it ends
        if not slots.acquire(blocking=False):
            retry_ms = int(busy_retry_s * random.uniform(0.75, 1.25) * 1000)
            yield f"retry: {max(retry_ms, 1000)}\n\n"
            try:
                yield from pending(after)
            except StoreUnavailable as exc:
                log.warning("event poll of a session failed: %s", exc.message)
            return
        try:
            yield from held(after)
        finally:
            slots.release()

    def held(last: int) -> Iterator[str]:
        start = last_write = time.monotonic()
        yield f"retry: {int(max(poll_s, 1.0) * 2000)}\n\n"
        while time.monotonic() - start < max_s:
            try:
                entries = rt.store.events(session_id, after=last, limit=100)
            except StoreUnavailable as exc:
                log.warning("event stream of a session ended: %s", exc.message)
                return
            if entries:
                for entry in entries:
                    last = int(entry["seq"])
                    yield _sse(entry)
                last_write = time.monotonic()
                continue
            if time.monotonic() - last_write >= beat_s:
                yield ": keep-alive\n\n"
                last_write = time.monotonic()
            time.sleep(poll_s)

    return Response(
        stream(),
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def stream_slots(app: Any) -> threading.BoundedSemaphore:
    """This worker's slots for held event streams (``SSE_HELD_STREAMS``), made on first use."""
    slots = app.extensions.get(STREAM_SLOTS)
    if slots is None:
        with app.extensions[SLOTS_LOCK]:
            slots = app.extensions.get(STREAM_SLOTS)
            if slots is None:
                held = max(int(app.config["SSE_HELD_STREAMS"]), 0)
                slots = app.extensions[STREAM_SLOTS] = threading.BoundedSemaphore(held)
    return slots
