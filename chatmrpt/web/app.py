"""The Flask application factory and the per-process runtime.

``create_app(settings)`` builds the WSGI application that every Gunicorn worker loads
after it is forked. The app holds configuration and code; the only per-process resource is
the :class:`~chatmrpt.runtime.Runtime` (store, artifact storage, queue), opened on first
use *in the process that uses it* (:func:`get_runtime` compares the pid), never at import
and never shared across a fork. No session data lives in the app: every request reads the
store.

Extension points for other parts of the web service:

* ``chatmrpt.web.pages`` — the HTML pages (``/``), registered here.
* ``chatmrpt.web.chat_api`` — the conversation endpoints, registered when the module
  exists: it defines ``register_chat(app)`` (or a blueprint ``bp``), protects its routes
  with :func:`chatmrpt.web.auth.session_required`, raises ``ChatMRPTError`` /
  ``InputError`` or returns :func:`chatmrpt.web.errors.json_error` for errors, reads JSON
  with :func:`chatmrpt.web.inputs.read_json` and reaches the store through
  :func:`get_runtime`. It may add ``OPENAPI_PATHS`` (a dict of OpenAPI path items) to the
  published description.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app

from chatmrpt.config import Settings, load_settings

if TYPE_CHECKING:
    from chatmrpt.runtime import Runtime
    from chatmrpt.web.metrics import Metrics

EXTENSION = "chatmrpt"
CHAT_MODULE = "chatmrpt.web.chat_api"
# a JSON request body is parameters, never data: anything larger is a mistake
MAX_JSON_BYTES = 1024 * 1024
# server-sent event streams end after this long; the browser reconnects by itself
SSE_MAX_SECONDS = 30.0
# event streams one worker holds open at once; Gunicorn workers set a quarter of their threads
SSE_HELD_STREAMS = 2
# beyond them, a stream answers what is pending and asks the browser back after about this long
SSE_BUSY_RETRY_SECONDS = 5.0


@dataclass
class AppState:
    """What the app keeps per process: settings, metrics and the lazily opened runtime."""

    settings: Settings
    metrics: Metrics
    lock: threading.Lock = field(default_factory=threading.Lock)
    runtime: Runtime | None = None
    background: Any = None  # the web worker's heartbeat thread, when started


def create_app(settings: Settings | None = None) -> Flask:
    """The web application. ``settings`` default to the environment (``load_settings``)."""
    from chatmrpt.web import api, errors, health, logs, pages, ratelimit, security, views_api
    from chatmrpt.web.auth import SessionCookieInterface
    from chatmrpt.web.metrics import Metrics

    settings = settings if settings is not None else load_settings()
    app = Flask("chatmrpt.web", static_folder=None)
    app.config.update(
        # one key for every worker and machine (CHATMRPT_SECRET_KEY or $HOME/secret_key)
        SECRET_KEY=settings.get_secret_key(),
        MAX_CONTENT_LENGTH=settings.max_upload_bytes,
        SESSION_COOKIE_NAME="chatmrpt_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_PATH="/",
        SESSION_REFRESH_EACH_REQUEST=False,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_ttl_hours),
        JSON_MAX_BYTES=MAX_JSON_BYTES,
        SSE_MAX_SECONDS=SSE_MAX_SECONDS,
        SSE_POLL_SECONDS=0.5,
        SSE_HEARTBEAT_SECONDS=10.0,
        SSE_HELD_STREAMS=SSE_HELD_STREAMS,
        SSE_BUSY_RETRY_SECONDS=SSE_BUSY_RETRY_SECONDS,
        TRUST_PROXY=settings.trust_proxy,
    )
    app.session_interface = SessionCookieInterface()
    app.extensions[EXTENSION] = AppState(settings=settings, metrics=Metrics.create())
    if settings.trust_proxy:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # one proxy in front: its X-Forwarded-For/-Proto/-Host/-Prefix are believed
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1)

    logs.init_app(app)
    security.init_app(app, settings.basemap_url)
    errors.init_app(app)
    ratelimit.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(views_api.bp)
    from chatmrpt.web import covariates_api

    app.register_blueprint(covariates_api.bp)
    register_chat(app)
    return app


def register_chat(app: Flask) -> bool:
    """Register the conversation endpoints when ``chatmrpt.web.chat_api`` exists."""
    if importlib.util.find_spec(CHAT_MODULE) is None:
        return False
    module = importlib.import_module(CHAT_MODULE)
    if hasattr(module, "register_chat"):
        module.register_chat(app)
    else:
        app.register_blueprint(module.bp)
    return True


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
            from chatmrpt.jobs.wiring import open_runtime

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
