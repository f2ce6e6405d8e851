"""The optional street map: offered only when configured, fetched only when asked for.

A tile server on 127.0.0.1 stands in for an online one (this machine has no internet).
"""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests._cluster import Proc, start_serve
from tests.browser.conftest import DEMO_WARDS
from tests.browser.test_page import LONG, send, wait_ready


def _tile_png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (256, 256), (200, 220, 200)).save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture(scope="module")
def tiles():
    png = _tile_png()
    served: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            served.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Content-Length", str(len(png)))
            self.end_headers()
            self.wfile.write(png)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", served
    httpd.shutdown()


@pytest.fixture(scope="module")
def server(tmp_path_factory, tiles):
    from chatmrpt.demo.generator import write_demo_data

    origin, _ = tiles
    root = tmp_path_factory.mktemp("basemap-server")
    home = root / "home"
    write_demo_data(home / "demo", DEMO_WARDS, facility_export=False)
    env = {"CHATMRPT_HOME": str(home), "CHATMRPT_JOB_LEASE_S": "10",
           "CHATMRPT_BASEMAP_URL": origin + "/{z}/{x}/{y}.png",
           "CHATMRPT_BASEMAP_ATTRIBUTION": "Test tiles"}
    proc: Proc = start_serve(env, root / "serve.log", workers=2, consumers=1)
    try:
        yield proc
    finally:
        proc.stop(timeout=5)


def test_street_map_only_on_request(open_page, tiles, artifacts_dir):
    origin, served = tiles
    page, watched = open_page()
    watched.allowed.append(origin)
    page.goto("/")
    wait_ready(page)
    page.click("#demo-button")
    page.locator("#dataset-summary dl").wait_for(timeout=LONG)
    send(page, "run the analysis")
    send(page, "show the vulnerability map")
    page.locator("#map .maplibregl-canvas").wait_for(timeout=LONG)
    assert page.is_visible("#basemap-field")
    assert not served  # nothing fetched from the tile server until asked
    page.check("#map-basemap")
    for _ in range(120):  # the map redraws and asks for its tiles: up to 30 s
        if served:
            break
        page.wait_for_timeout(250)
    assert served and all(p.endswith(".png") for p in served)
    # the browser's own record of the request may reach the test a moment after the tile
    for _ in range(40):
        if any(r.startswith(origin) for r in watched.requests):
            break
        page.wait_for_timeout(250)
    assert any(r.startswith(origin) for r in watched.requests)
    page.locator("#map-panel").screenshot(path=str(artifacts_dir / "10-street-map.png"))
