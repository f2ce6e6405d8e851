"""What the web app keeps per process, and how a view reaches it.

A leaf of ``chatmrpt.web``: it imports nothing else from the web package, so every view
module, hook and blueprint can import :func:`get_runtime` from here (the way a blueprint
imports ``get_db`` from ``db.py``, not from the application factory).

The only per-process resource is the :class:`~chatmrpt.runtime.Runtime` (store, artifact
storage, queue), opened on first use *in the process that uses it* (:func:`get_runtime`
compares the pid), never at import and never shared across a fork.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from chatmrpt.config import Settings
from chatmrpt.jobs.wiring import open_runtime
from chatmrpt.runtime import Runtime

# the key of the app's state in ``app.extensions``
EXTENSION = "chatmrpt"


@dataclass
class AppState:
    """What the app keeps per process: settings, metrics and the lazily opened runtime."""

    settings: Settings
    metrics: Any  # chatmrpt.web.metrics.Metrics
    lock: threading.Lock = field(default_factory=threading.Lock)
    runtime: Runtime | None = None
    background: Any = None  # the web worker's heartbeat thread, when started


def app_state(app: Flask | None = None) -> AppState:
    return (app or current_app).extensions[EXTENSION]


def get_settings(app: Flask | None = None) -> Settings:
    return app_state(app).settings


def get_runtime(app: Flask | None = None) -> Runtime:
    """This process's runtime, opened on first use after the fork (pid checked)."""
    state = app_state(app)
    rt = state.runtime
    if rt is not None and rt.pid == os.getpid():
        return rt
    with state.lock:
        rt = state.runtime
        if rt is None or rt.pid != os.getpid():
            # a runtime inherited through fork is dropped, not closed: its connections
            # belong to the parent
            rt = open_runtime(state.settings)
            state.runtime = rt
    return rt


def close_runtime(app: Flask) -> None:
    state = app_state(app)
    with state.lock:
        rt, state.runtime = state.runtime, None
    if rt is not None and rt.pid == os.getpid():
        rt.close()
