"""A real browser on a real server for the page tests.

``server``: ``chatmrpt serve`` (2 web workers, 1 job consumer) on a free port with its own
CHATMRPT_HOME, holding demo data in ``$CHATMRPT_HOME/demo`` as ``make run`` leaves it.
``browser``: Debian's Chromium driven by Playwright. If Chromium cannot start, the tests
fail with the reason: a page that was never opened has not been tested.
``open_page``: a fresh browser context (its own cookies and storage) per page, failing the
test on any console error, uncaught exception, JavaScript dialog or request to anywhere
but the server (the page must work without internet).
Screenshots and downloads go to ``test-artifacts/browser/``. When a test fails, what each
of its pages showed (screenshot, HTML, every console line and request with its time) and the whole
server log are saved in ``test-artifacts/browser/failures/<test>/``.
"""

from __future__ import annotations

import contextlib
import re
import time
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
    # every console line and request, timed, for the failure artifacts
    console: list[str] = field(default_factory=list)
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


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Each phase's report on the test item (``item.report_call``...), for the fixtures."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


def save_failure(node, pages, server) -> Path:
    """What the pages showed and what the server logged when a test failed."""
    folder = ARTIFACTS / "failures" / re.sub(r"[^A-Za-z0-9_.-]+", "_", node.nodeid)
    folder.mkdir(parents=True, exist_ok=True)
    for n, (page, watched) in enumerate(pages):
        (folder / f"page{n}-console.log").write_text("\n".join(watched.console) + "\n")
        with contextlib.suppress(Exception):  # a page that crashed has nothing more to say
            page.screenshot(path=str(folder / f"page{n}.png"), full_page=True, timeout=10_000)
            (folder / f"page{n}.html").write_text(page.content())
    with contextlib.suppress(OSError):
        (folder / "server.log").write_bytes(server.log_path.read_bytes())
    return folder


@pytest.fixture
def open_page(browser, server, request):
    """``open_page(**context_options) -> (page, watched)``; checked when the test ends."""
    contexts = []
    pages = []
    watched_all: list[Watched] = []

    def make(**options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(accept_downloads=True, base_url=server.url, **options)
        context.set_default_timeout(30_000)
        contexts.append(context)
        page = context.new_page()
        watched = Watched(origin=server.url)
        watched_all.append(watched)
        pages.append((page, watched))

        def note(line: str) -> None:
            watched.console.append(f"{time.strftime('%H:%M:%S')} {line}")

        def on_request(r):
            watched.requests.append(r.url)
            note(f"request {r.method} {r.url}")

        def on_console(message):
            note(f"{message.type}: {message.text} @ {message.location}")
            if message.type == "error":
                watched.console_errors.append(f"{message.text} @ {message.location}")

        def on_page_error(error):
            note(f"exception: {error}")
            watched.page_errors.append(str(error))

        page.on("request", on_request)
        page.on("response", lambda r: note(f"response {r.status} {r.request.method} {r.url}"))
        page.on("requestfailed", lambda r: note(f"request failed {r.method} {r.url}: {r.failure}"))
        page.on("console", on_console)
        page.on("pageerror", on_page_error)

        def on_dialog(dialog):
            watched.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        return page, watched

    yield make
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        folder = save_failure(request.node, pages, server)
        print(f"failure artifacts: {folder}")
    for context in contexts:
        with contextlib.suppress(Exception):
            context.close()
    problems = [p for w in watched_all for p in w.problems()]
    assert not problems, "\n".join(problems) + f"\n--- server log:\n{server.log()}"
