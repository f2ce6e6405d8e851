"""Liveness, readiness and metrics, and the web worker's heartbeat.

* ``GET /healthz`` — 200 while the process answers; touches nothing else.
* ``GET /readyz`` — 200 when this worker can serve: a real write and read on the store,
  the queue answers, artifact storage answers, and at least one job consumer has a recent
  heartbeat. Otherwise 503, with what is wrong. Lists the live web workers and consumers
  (each records a heartbeat with host and pid in the store) and says which worker
  answered.
* ``GET /metrics`` — Prometheus text (see ``chatmrpt.web.metrics``).

Every Gunicorn worker starts a heartbeat thread after it is forked
(:func:`start_heartbeat`), which records ``web:<host>:<pid>`` every
``WEB_HEARTBEAT_S`` seconds.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from flask import Blueprint, Flask, Response, current_app

from chatmrpt.web.responses import json_response
from chatmrpt.web.state import app_state, get_runtime

log = logging.getLogger("chatmrpt.web")
bp = Blueprint("health", __name__)

WEB_HEARTBEAT_S = 2.0
# a web worker counts as alive when seen within this many seconds
WEB_TTL_S = 5 * WEB_HEARTBEAT_S
WEB = "web"


def _process(p: dict[str, Any]) -> dict[str, Any]:
    return {
        "host": p.get("host"),
        "pid": p.get("pid"),
        "started_at": p.get("started_at"),
        "last_seen": p.get("last_seen"),
        "info": p.get("info") or {},
    }


_PROBLEMS = {
    "store": "the store did not answer",
    "queue": "the job queue did not answer",
    "artifacts": "artifact storage did not answer",
}


def _problem(exc: BaseException, part: str = "store") -> dict[str, Any]:
    """What /readyz says of a failed check: which part, never its hosts, ports or paths
    (the log has the full error)."""
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    log.warning("readiness: the %s check failed: %s", part, message)
    return {"ok": False, "error": _PROBLEMS.get(part, f"the {part} did not answer")}


class ReadinessChecks:
    """A few threads of one process for the readiness checks, and the checks still running.

    A check still hanging from an earlier request is waited on, not started again: a part
    that does not answer holds one thread, however often /readyz is asked.
    """

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(8, thread_name_prefix="chatmrpt-ready")
        self.lock = threading.Lock()
        self.pending: dict[tuple[int, str], Future] = {}

    def submit(self, scope: int, name: str, fn) -> Future:
        with self.lock:
            pending = self.pending.get((scope, name))
            if pending is None or pending.done():
                pending = self.pending[(scope, name)] = self.pool.submit(fn)
            return pending


@functools.lru_cache(maxsize=1)
def _readiness_checks(pid: int) -> ReadinessChecks:
    """This process's checks (a resource made after the fork: a new pid makes new ones)."""
    return ReadinessChecks()


def _run_checks(checks, timeout_s: float, scope: int = 0) -> dict[str, Any]:
    """Run the checks at once; one that has not answered within ``timeout_s`` failed."""
    running = _readiness_checks(os.getpid())
    futures = {name: running.submit(scope, name, fn) for name, fn in checks}
    deadline = time.monotonic() + timeout_s
    out: dict[str, Any] = {}
    for name, future in futures.items():
        try:
            out[name] = future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            log.warning("readiness: the %s check did not answer within %.1f s", name, timeout_s)
            out[name] = {"ok": False, "error": _PROBLEMS.get(name, name) +
                         f" within {timeout_s:g} s"}
        except Exception as exc:
            out[name] = _problem(exc, name)
    return out


@bp.get("/healthz")
def healthz() -> Response:
    return json_response({"status": "ok", "pid": os.getpid()})


@bp.get("/readyz")
def readyz() -> Response:
    from chatmrpt.jobs.consumer import CONSUMER_TTL_S

    problems: list[str] = []
    body: dict[str, Any] = {
        "worker": {"host": socket.gethostname(), "pid": os.getpid()},
        "consumers": [],
        "web_workers": [],
    }
    try:
        rt = get_runtime()
    except Exception as exc:  # the store URL may point at nothing that can be opened
        body.update(store=_problem(exc, "store"), queue={"ok": False}, artifacts={"ok": False})
        body.update(status="not ready", problems=["the store cannot be opened"])
        return json_response(body, 503)
    timeout_s = rt.settings.ready_timeout_s

    def processes() -> dict[str, Any]:
        return {
            "consumers": [
                _process(p) for p in rt.store.live_processes("consumer", CONSUMER_TTL_S)
            ],
            "web_workers": [_process(p) for p in rt.store.live_processes(WEB, WEB_TTL_S)],
        }

    def store_check() -> dict[str, Any]:
        result = rt.store.ping()
        result["_processes"] = processes()
        return result

    checks = (("store", store_check), ("queue", rt.queue.ping), ("artifacts", rt.artifacts.ping))
    body.update(_run_checks(checks, timeout_s, id(rt)))
    for name, _ in checks:
        if not body[name].get("ok"):
            problems.append(f"the {name} does not answer")
    found = body["store"].pop("_processes", None)
    if found is not None:
        body.update(found)
    if body["store"].get("ok") and not body["consumers"] and not problems:
        problems.append("no job consumer is alive: analyses would wait forever")
    body["status"] = "ready" if not problems else "not ready"
    body["problems"] = problems
    return json_response(body, 503 if problems else 200)


@bp.get("/metrics")
def metrics() -> Response:
    try:
        rt = get_runtime()
    except Exception:
        rt = None
    text = app_state(current_app).metrics.render(rt)
    return Response(
        text, mimetype="text/plain", content_type="text/plain; version=0.0.4; charset=utf-8"
    )


class Heartbeat(threading.Thread):
    """Records that this web worker is alive, until stopped."""

    def __init__(self, app: Flask, interval_s: float = WEB_HEARTBEAT_S):
        super().__init__(name="chatmrpt-web-heartbeat", daemon=True)
        self.app = app
        self.interval_s = interval_s
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.started = time.time()
        self._stop_event = threading.Event()

    def beat(self) -> None:
        rt = get_runtime(self.app)
        rt.store.beat(
            WEB, self.host, self.pid, self.started, {"active_threads": threading.active_count()}
        )

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                self.beat()
            except Exception as exc:  # the store may be away for a moment; keep beating
                log.warning("web worker heartbeat not recorded: %s", exc)
            self._stop_event.wait(self.interval_s)

    def stop(self, forget: bool = True) -> None:
        self._stop_event.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join(self.interval_s + 1.0)
        if forget:
            try:
                get_runtime(self.app).store.forget_process(WEB, self.host, self.pid)
            except Exception as exc:
                log.warning("web worker heartbeat not removed: %s", exc)


def start_heartbeat(app: Flask, interval_s: float = WEB_HEARTBEAT_S) -> Heartbeat:
    """Start this process's heartbeat thread (once per process)."""
    state = app_state(app)
    with state.lock:
        current = state.background
        if isinstance(current, Heartbeat) and current.pid == os.getpid() and current.is_alive():
            return current
        beat = Heartbeat(app, interval_s)
        state.background = beat
    beat.start()
    return beat


def stop_heartbeat(app: Flask) -> None:
    state = app_state(app)
    with state.lock:
        beat, state.background = state.background, None
    if isinstance(beat, Heartbeat) and beat.pid == os.getpid():
        beat.stop()
