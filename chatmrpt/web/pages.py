"""The browser page, its static files, and response compression.

``/`` is one page (``templates/index.html``): upload, conversation, maps, charts, tables
and downloads. It holds no inline script or style, so it keeps to the Content Security
Policy of ``chatmrpt.web.security``; the scripts are ES modules under ``static/js``.

Static files are served from ``/static/<fingerprint>/<name>``:

* the project's own files (``static/**``) share one fingerprint, a hash of all of them,
  so the modules can import each other by relative URL and a new release changes every
  URL at once;
* plotly.js is served straight from the installed ``plotly`` package
  (``plotly/package_data/plotly.min.js``) under a fingerprint of its own, so the 4.8 MB
  file is neither copied into the project nor downloaded again when only the page changes.
  The page loads it only when the first map or chart is drawn.

A URL with the current fingerprint is cached by browsers for a year (``immutable``); any
other fingerprint (a page from before an upgrade) gets the current file with ``no-cache``.
Each file is gzipped once per process and sent compressed to clients that accept it.

Everything else the app sends whole — the page, JSON answers, the maps, shapes and charts
of ``chatmrpt.web.api.views`` — is gzipped on the way out by :func:`compress_response`
(registered for the whole app) when it is text and large enough to gain;
``Vary: Accept-Encoding`` tells caches. Streams and stored-file downloads are sent as
they are.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import mimetypes
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, render_template, request
from werkzeug.exceptions import NotFound

from chatmrpt.web.state import get_settings

bp = Blueprint("pages", __name__, template_folder="templates")

STATIC_ROOT = Path(__file__).parent / "static"
ASSETS = "chatmrpt.assets"
PLOTLY = "vendor/plotly.min.js"
FINGERPRINT_CHARS = 12
CACHE_FOREVER = "public, max-age=31536000, immutable"
CACHE_REVALIDATE = "no-cache"
# what the page loads up front; the module graph is preloaded so that a slow line pays the
# round trip once, not once per import
PAGE_MODULES = (
    "js/app.js",
    "js/dom.js",
    "js/api.js",
    "js/chat.js",
    "js/upload.js",
    "js/tpr.js",
    "js/jobs.js",
    "js/results.js",
    "js/charts.js",
    "js/tables.js",
    "js/downloads.js",
)
MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
}
# compressed on the way out: text that gzip shrinks several times
COMPRESSIBLE = frozenset(
    {
        "text/html",
        "text/css",
        "text/plain",
        "text/csv",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/geo+json",
        "application/vnd.plotly.v1+json",
        "image/svg+xml",
    }
)
MIN_COMPRESS_BYTES = 1024
# larger bodies are sent as they are rather than held in memory twice
MAX_COMPRESS_BYTES = 32 * 1024 * 1024
GZIP_LEVEL = 6


@dataclass(frozen=True)
class Asset:
    name: str
    media_type: str
    digest: str
    data: bytes
    gzipped: bytes | None


def _plotly_file() -> Path | None:
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js"
    return path if path.is_file() else None


def _media_type(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return MEDIA_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def _load(name: str, path: Path) -> Asset:
    data = path.read_bytes()
    media_type = _media_type(name)
    gzipped = None
    if media_type.split(";")[0] in COMPRESSIBLE and len(data) >= MIN_COMPRESS_BYTES:
        packed = gzip.compress(data, compresslevel=9, mtime=0)
        gzipped = packed if len(packed) < len(data) else None
    return Asset(name, media_type, hashlib.sha256(data).hexdigest(), data, gzipped)


class AssetStore:
    """The static files one process serves: content hashes and gzipped copies.

    One per application (in ``app.extensions``, made when the app is): the project's own
    files are small and read at once; plotly.js is read, hashed and compressed when first
    needed, by the first page (for its URL) or the first map or chart (for the file).
    """

    def __init__(self, root: Path = STATIC_ROOT, vendor: dict[str, Path] | None = None):
        self._lock = threading.Lock()
        self._vendor_paths = dict(vendor or {})
        self._vendor: dict[str, Asset] = {}
        own = {}
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root).as_posix()
            if path.is_file() and not any(part.startswith(".") for part in rel.split("/")):
                own[rel] = _load(rel, path)
        self._own = own
        tree = hashlib.sha256()
        for name, asset in own.items():
            tree.update(f"{name}\0{asset.digest}\n".encode())
        self.version = tree.hexdigest()[:FINGERPRINT_CHARS]

    def names(self) -> list[str]:
        return sorted([*self._own, *self._vendor_paths])

    def get(self, name: str) -> Asset | None:
        asset = self._own.get(name)
        if asset is not None:
            return asset
        path = self._vendor_paths.get(name)
        if path is None:
            return None
        with self._lock:
            asset = self._vendor.get(name)
            if asset is None:
                asset = self._vendor[name] = _load(name, path)
        return asset

    def fingerprint(self, name: str) -> str | None:
        if name in self._own:
            return self.version
        asset = self.get(name)
        return asset.digest[:FINGERPRINT_CHARS] if asset is not None else None

    def url(self, name: str) -> str:
        fingerprint = self.fingerprint(name)
        if fingerprint is None:
            raise KeyError(f"no static file {name!r}")
        return f"/static/{fingerprint}/{name}"


def assets(app: Flask | None = None) -> AssetStore:
    return (app or current_app).extensions[ASSETS]


@bp.record_once
def _setup(state) -> None:
    plotly = _plotly_file()
    state.app.extensions[ASSETS] = AssetStore(vendor={PLOTLY: plotly} if plotly else {})


def accepts_gzip() -> bool:
    return request.accept_encodings.quality("gzip") > 0


def _matches(etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    tags = {t.strip().removeprefix("W/").strip('"') for t in header.split(",")}
    return etag in tags or "*" in tags


# ---- the page ----------------------------------------------------------------------------


@bp.get("/")
def index() -> Response:
    store = assets()
    html = render_template(
        "index.html",
        asset=store.url,
        modules=[store.url(m) for m in PAGE_MODULES],
        plotly_url=store.url(PLOTLY) if store.get(PLOTLY) is not None else "",
        max_upload_mb=get_settings().max_upload_mb,
        basemap_url=get_settings().basemap_url or "",
        basemap_attribution=get_settings().basemap_attribution,
    )
    response = Response(html, mimetype="text/html")
    # the page names the current asset URLs, so it is checked again on every visit
    response.headers["Cache-Control"] = CACHE_REVALIDATE
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/static/<fingerprint>/<path:name>")
def static_file(fingerprint: str, name: str) -> Response:
    store = assets()
    asset = store.get(name)
    if asset is None:
        raise NotFound()
    current = store.fingerprint(name) == fingerprint
    etag = asset.digest[:32]
    headers = {
        "ETag": f'"{etag}"',
        "Cache-Control": CACHE_FOREVER if current else CACHE_REVALIDATE,
        "Vary": "Accept-Encoding",
    }
    if _matches(etag):
        return Response(status=304, headers=headers)
    if asset.gzipped is not None and accepts_gzip():
        response = Response(asset.gzipped, headers=headers, content_type=asset.media_type)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(asset.data, headers=headers, content_type=asset.media_type)
    return response


# ---- compression of everything else -------------------------------------------------------


@bp.after_app_request
def compress_response(response: Response) -> Response:
    """gzip a text answer on the way out when the client accepts it.

    Only answers built whole are compressed. Streams are left alone: server-sent events and
    streamed chat replies must flow as they are written, and stored files
    (``/artifacts/{id}``) are sent byte for byte as stored, their sha256 as strong ETag.
    Maps, shapes and charts for the page come compressed from ``chatmrpt.web.api.views``.
    A strong ETag becomes weak: the bytes differ, the content does not.
    """
    mimetype = response.mimetype or ""
    if mimetype not in COMPRESSIBLE or response.status_code != 200 or response.is_streamed:
        return response
    if "Content-Encoding" in response.headers or request.method == "HEAD":
        return response
    if "no-transform" in (response.headers.get("Cache-Control") or ""):
        return response
    response.vary.add("Accept-Encoding")
    size = response.content_length
    if size is not None and not MIN_COMPRESS_BYTES <= size <= MAX_COMPRESS_BYTES:
        return response
    if not accepts_gzip():
        return response
    data = response.get_data()
    if len(data) < MIN_COMPRESS_BYTES:
        return response
    response.set_data(gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(etag, weak=True)
    return response
