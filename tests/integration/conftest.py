"""Fixtures of the web integration tests: an app on a real SQLite store in tmp_path.

A module may define its own ``settings`` (e.g. a smaller upload limit); ``app`` and
``client`` are built from whichever ``settings`` the module sees.
"""

from __future__ import annotations

import pytest

from chatmrpt.config import load_settings
from chatmrpt.web.app import close_runtime, create_app
from tests._cluster import SessionClient


@pytest.fixture
def settings(tmp_path):
    return load_settings({"CHATMRPT_HOME": str(tmp_path / "home"), "CHATMRPT_JOB_LEASE_S": "5"})


@pytest.fixture
def app(settings):
    app = create_app(settings)
    yield app
    close_runtime(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def session(app):
    return SessionClient.create(app.test_client())
