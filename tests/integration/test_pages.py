"""The page at ``/`` and its static files, through the Flask test client.

No inline script or style (the Content Security Policy allows neither), fingerprinted
assets cached for good, gzip, plotly.js served from the installed package and kept out of
the first load, and the first load's weight counted here on the server side.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from chatmrpt.config import load_settings
from chatmrpt.web.app import close_runtime, create_app
from chatmrpt.web.pages import PLOTLY, _plotly_file

FIRST_LOAD_LIMIT = 1_500_000
GZIP = {"Accept-Encoding": "gzip"}
IMPORT = re.compile(r"""^\s*import\s[^;]*?from\s+["'](\./[^"']+)["']""", re.M)


class PageParser(HTMLParser):
    """Every element with its attributes, and the text of script and style elements."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.inline: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._in = tag

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in and data.strip():
            self.inline.append(f"{self._in}: {data[:80]}")


@pytest.fixture
def app(tmp_path):
    app = create_app(load_settings({"CHATMRPT_HOME": str(tmp_path / "home")}))
    yield app
    close_runtime(app)


@pytest.fixture
def client(app):
    return app.test_client()


def parse(client) -> tuple[str, PageParser]:
    r = client.get("/")
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.data.decode()
    parser = PageParser()
    parser.feed(html)
    return html, parser


def first_load_urls(parser: PageParser) -> list[str]:
    """What a browser fetches for the page before anything is drawn."""
    urls = []
    for tag, attrs in parser.elements:
        if tag == "script" and attrs.get("src"):
            urls.append(attrs["src"])
        if tag == "link" and attrs.get("rel") in ("stylesheet", "icon", "modulepreload"):
            urls.append(attrs["href"])
        if tag == "img" and attrs.get("src"):
            urls.append(attrs["src"])
    return list(dict.fromkeys(urls))


def module_imports(client, url: str, seen: set[str]) -> None:
    """``url`` and every module it imports, recursively (relative imports only)."""
    if url in seen:
        return
    seen.add(url)
    source = client.get(url).data.decode()
    base = url.rsplit("/", 1)[0]
    for rel in IMPORT.findall(source):
        module_imports(client, f"{base}/{rel[2:]}", seen)


def test_the_page_has_no_inline_script_or_style(client):
    html, parser = parse(client)
    assert parser.inline == []
    for tag, attrs in parser.elements:
        assert "style" not in attrs, (tag, attrs)
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        if tag == "script":
            assert attrs.get("src", "").startswith("/static/"), attrs
        assert tag != "style"
        for name in ("href", "src"):
            value = attrs.get(name) or ""
            assert not value.startswith(("http:", "https:", "//", "javascript:")), attrs
    r = client.get("/")
    csp = r.headers["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp
        and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    )
    # the parts a user needs are labelled
    ids = {attrs.get("id") for _, attrs in parser.elements}
    assert {
        "table-file",
        "boundaries-file",
        "demo-button",
        "chat-log",
        "chat-input",
        "map",
        "ranking-table",
        "plan-form",
        "artifact-list",
    } <= ids
    labelled = {attrs.get("for") for tag, attrs in parser.elements if tag == "label"}
    inputs = {
        attrs["id"]
        for tag, attrs in parser.elements
        if tag in ("input", "select", "textarea") and attrs.get("id")
    }
    assert inputs <= labelled, inputs - labelled
    log = next(attrs for _, attrs in parser.elements if attrs.get("id") == "chat-log")
    assert log.get("aria-live") == "polite" and log.get("role") == "log"


def test_assets_are_fingerprinted_cached_and_gzipped(client):
    _, parser = parse(client)
    urls = first_load_urls(parser)
    assert urls and all(re.fullmatch(r"/static/[0-9a-f]{12}/[\w./-]+", u) for u in urls), urls
    for url in urls:
        r = client.get(url, headers=GZIP)
        assert r.status_code == 200, url
        assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert "Accept-Encoding" in r.headers["Vary"]
        etag = r.headers["ETag"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
        plain = client.get(url)
        assert "Content-Encoding" not in plain.headers
        if r.headers.get("Content-Encoding") == "gzip":
            assert gzip.decompress(r.data) == plain.data
        elif url.endswith((".js", ".css")):
            raise AssertionError(f"{url} was not compressed")
        expected = {"js": "text/javascript", "css": "text/css", "svg": "image/svg+xml"}
        assert r.mimetype == expected[url.rsplit(".", 1)[1]], url
    # the page's files come from one fingerprint, so modules import each other relatively
    assert len({u.split("/")[2] for u in urls}) == 1


def test_an_old_fingerprint_gets_the_current_file_uncached(client):
    _, parser = parse(client)
    url = next(u for u in first_load_urls(parser) if u.endswith("app.js"))
    current = client.get(url)
    old = client.get(url.replace(url.split("/")[2], "000000000000"))
    assert old.status_code == 200 and old.data == current.data
    assert old.headers["Cache-Control"] == "no-cache"
    for bad in (
        "/static/000000000000/js/nope.js",
        "/static/x/../pages.py",
        "/static/x/%2e%2e/pages.py",
        "/static/x/.hidden",
    ):
        r = client.get(bad)
        assert r.status_code == 404 and r.json["error"]["code"] == "not_found", bad


def test_plotly_comes_from_the_installed_package_and_not_with_the_page(client):
    html, parser = parse(client)
    urls = first_load_urls(parser)
    assert not [u for u in urls if "plotly" in u]
    body = next(attrs for tag, attrs in parser.elements if tag == "body")
    src = body["data-plotly-src"]
    assert src.endswith("/" + PLOTLY)
    package_file = _plotly_file()
    assert package_file is not None and package_file.is_file()
    assert src.split("/")[2] == hashlib.sha256(package_file.read_bytes()).hexdigest()[:12]
    r = client.get(src, headers=GZIP)
    assert r.status_code == 200 and r.headers["Content-Encoding"] == "gzip"
    assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert gzip.decompress(r.data) == package_file.read_bytes()
    # not copied into the project: the package's file is the only copy
    static = Path(__file__).resolve().parents[2] / "chatmrpt" / "web" / "static"
    assert not list(static.rglob("plotly*.js"))
    print(f"plotly.js: {len(package_file.read_bytes()):,} bytes, {len(r.data):,} gzipped")


def test_the_first_load_weighs_well_under_1_5_mb(client):
    page = client.get("/", headers=GZIP)
    assert page.headers["Content-Encoding"] == "gzip"
    total = len(page.data)
    _, parser = parse(client)
    urls = first_load_urls(parser)
    modules: set[str] = set()
    for url in urls:
        if url.endswith(".js"):
            module_imports(client, url, modules)
    # every module the page imports is preloaded with it: one round trip on a slow line
    assert modules <= set(urls), modules - set(urls)
    sizes = {}
    for url in urls:
        r = client.get(url, headers=GZIP)
        sizes[url] = len(r.data)
        total += len(r.data) + len(str(r.headers))
    total += len(str(page.headers))
    print(f"first load: {total:,} bytes in {len(urls) + 1} responses")
    assert total <= FIRST_LOAD_LIMIT
    # so small that plotly.js (~1.4 MB gzipped) could not hide in it
    assert total < 200_000, sizes


def test_the_page_revalidates_and_is_compressed(client):
    r = client.get("/", headers=GZIP)
    assert r.headers["Cache-Control"] == "no-cache"
    assert r.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in r.headers["Vary"]
    etag = r.headers["ETag"]
    assert client.get("/", headers={**GZIP, "If-None-Match": etag}).status_code == 304
    plain = client.get("/")
    assert gzip.decompress(r.data) == plain.data


def test_optional_street_map_only_when_configured(tmp_path):
    from chatmrpt.config import load_settings
    from chatmrpt.web.app import close_runtime, create_app

    plain = create_app(load_settings({"CHATMRPT_HOME": str(tmp_path / "a")}))
    page = plain.test_client().get("/")
    assert 'data-basemap=""' in page.get_data(as_text=True)
    assert "tiles.example.org" not in page.headers["Content-Security-Policy"]
    close_runtime(plain)

    env = {"CHATMRPT_HOME": str(tmp_path / "b"),
           "CHATMRPT_BASEMAP_URL": "https://tiles.example.org/{z}/{x}/{y}.png",
           "CHATMRPT_BASEMAP_ATTRIBUTION": "© <b>Map</b> contributors"}
    app = create_app(load_settings(env))
    page = app.test_client().get("/")
    body = page.get_data(as_text=True)
    assert 'data-basemap="https://tiles.example.org/{z}/{x}/{y}.png"' in body
    assert "&lt;b&gt;Map&lt;/b&gt;" in body  # escaped into the attribute
    csp = page.headers["Content-Security-Policy"]
    assert "img-src 'self' data: blob: https://tiles.example.org" in csp
    assert "connect-src 'self' https://tiles.example.org" in csp
    assert "script-src 'self';" in csp  # scripts still only from the site
    close_runtime(app)


@pytest.mark.parametrize("url", ["ftp://tiles.example.org/{z}/{x}/{y}.png",
                                 "https://tiles.example.org/tile.png", "not a url {z}{x}{y}"])
def test_a_bad_street_map_setting_is_refused(tmp_path, url):
    from chatmrpt.config import load_settings

    with pytest.raises(ValueError, match="CHATMRPT_BASEMAP_URL"):
        load_settings({"CHATMRPT_HOME": str(tmp_path), "CHATMRPT_BASEMAP_URL": url})
