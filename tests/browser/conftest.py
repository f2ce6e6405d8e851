"""A real browser on a real server for the page tests.

``server``: ``chatmrpt serve`` (2 web workers, 1 job consumer) on a free port with its own
CHATMRPT_HOME, holding demo data in ``$CHATMRPT_HOME/demo`` as ``make run`` leaves it.
``browser``: Debian's Chromium driven by Playwright. If Chromium cannot start, the tests
fail with the reason: a page that was never opened has not been tested.
``open_page``: a fresh browser context (its own cookies and storage) per page, failing the
test on any console error, uncaught exception, JavaScript dialog or request to anywhere
but the server (the page must work without internet).
Screenshots and downloads go to ``test-artifacts/browser/``.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests._cluster import Proc, start_serve
from tests._servers import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # WebGL for the maps (MapLibre) without a GPU
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "browser"
DEMO_WARDS = 100


@dataclass
class Watched:
    """What a page said that a user should never see, and where it went for data."""

    origin: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    # origins a test allows on purpose (a stand-in for an online tile server)
    allowed: list[str] = field(default_factory=list)

    def foreign_requests(self) -> list[str]:
        """Requests to anywhere but the server: the page must work with no internet."""
        local = (self.origin + "/", "data:", "blob:", *(o + "/" for o in self.allowed))
        return [u for u in self.requests if not u.startswith(local)]

    def problems(self) -> list[str]:
        return (
            [f"console: {m}" for m in self.console_errors]
            + [f"exception: {m}" for m in self.page_errors]
            + [f"dialog: {m}" for m in self.dialogs]
            + [f"request outside the server: {u}" for u in self.foreign_requests()]
        )


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from chatmrpt.demo.generator import write_demo_data

    root = tmp_path_factory.mktemp("browser-server")
    home = root / "home"
    write_demo_data(home / "demo", DEMO_WARDS, facility_export=False)
    env = {"CHATMRPT_HOME": str(home), "CHATMRPT_JOB_LEASE_S": "10"}
    proc: Proc = start_serve(env, root / "serve.log", workers=2, consumers=1)
    try:
        yield proc
    finally:
        # event streams keep workers busy for up to 30 s after the browser left; a clean
        # shutdown is tested elsewhere (tests/system/test_web_serve.py)
        proc.stop(timeout=5)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make test does, as root)")
    with sync_playwright() as p:
        try:
            chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        except Exception as exc:  # the reason Chromium gave, not a skip
            pytest.fail(f"Chromium did not start: {exc}")
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def open_page(browser, server):
    """``open_page(**context_options) -> (page, watched)``; checked when the test ends."""
    contexts = []
    watched_all: list[Watched] = []

    def make(**options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(accept_downloads=True, base_url=server.url, **options)
        context.set_default_timeout(30_000)
        contexts.append(context)
        page = context.new_page()
        watched = Watched(origin=server.url)
        watched_all.append(watched)
        page.on("request", lambda r: watched.requests.append(r.url))
        page.on(
            "console",
            lambda m: (
                watched.console_errors.append(f"{m.text} @ {m.location}")
                if m.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda e: watched.page_errors.append(str(e)))

        def on_dialog(dialog):
            watched.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        return page, watched

    yield make
    for context in contexts:
        with contextlib.suppress(Exception):
            context.close()
    problems = [p for w in watched_all for p in w.problems()]
    assert not problems, "\n".join(problems) + f"\n--- server log:\n{server.log()}"
