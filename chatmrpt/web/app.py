"""The Flask application factory.

``create_app(settings)`` builds the WSGI application that every Gunicorn worker loads
after it is forked. The app holds configuration and code; its per-process state (settings,
metrics, the lazily opened runtime) is :class:`chatmrpt.web.state.AppState`, which views
reach through :func:`chatmrpt.web.state.get_runtime`. No session data lives in the app:
every request reads the store.

Only the entry points import this module (``chatmrpt.web.serving``, the tests); the views
import ``chatmrpt.web.state``. The routes are the blueprints of ``chatmrpt.web.api`` (one
per resource), ``health`` and ``pages``, registered here.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from chatmrpt.config import Settings, load_settings
from chatmrpt.web import errors, health, logs, pages, ratelimit, security
from chatmrpt.web.api import (
    analyses,
    artifacts,
    covariates,
    datasets,
    docs,
    events,
    exports,
    messages,
    plans,
    prepared,
    reprioritizations,
    sessions,
    tpr,
    views,
)
from chatmrpt.web.auth import SessionCookieInterface
from chatmrpt.web.metrics import Metrics
from chatmrpt.web.state import (  # noqa: F401  (the entry points' and tests' names)
    EXTENSION,
    AppState,
    app_state,
    close_runtime,
    get_runtime,
    get_settings,
)

# a JSON request body is parameters, never data: anything larger is a mistake
MAX_JSON_BYTES = 1024 * 1024
# server-sent event streams end after this long; the browser reconnects by itself
SSE_MAX_SECONDS = 30.0
# event streams one worker holds open at once; Gunicorn workers set a quarter of their threads
SSE_HELD_STREAMS = 2
# beyond them, a stream answers what is pending and asks the browser back after about this long
SSE_BUSY_RETRY_SECONDS = 5.0
# the API's resources, one blueprint each
API_MODULES = (
    sessions, datasets, prepared, covariates, analyses, plans, reprioritizations, tpr,
    views, exports, artifacts, events, messages, docs,
)  # fmt: skip


def create_app(settings: Settings | None = None) -> Flask:
    """The web application. ``settings`` default to the environment (``load_settings``)."""
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
        # one proxy in front: its X-Forwarded-For/-Proto/-Host/-Prefix are believed
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1)

    logs.init_app(app)
    security.init_app(app, settings.basemap_url)
    errors.init_app(app)
    ratelimit.init_app(app)
    for module in API_MODULES:
        app.register_blueprint(module.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(pages.bp)
    return app
