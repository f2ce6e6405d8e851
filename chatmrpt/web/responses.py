"""Building responses: strict JSON and safe download headers."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any
from urllib.parse import quote

from flask import Response

from chatmrpt.store.model import to_jsonable

JSON_TYPE = "application/json"
_FALLBACK_UNSAFE = re.compile(r"[^A-Za-z0-9._ ()+-]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """``data`` as JSON. NaN and infinities become null: the output is always valid JSON."""
    body = json.dumps(to_jsonable(data), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    response = Response(body + "\n", status=status, mimetype=JSON_TYPE)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def media_type_kwargs(media_type: str | None) -> dict[str, str]:
    """``Response`` arguments for a stored media type: one that names its charset is sent
    as it is (``mimetype=`` would add a second ``charset``)."""
    media_type = media_type or "application/octet-stream"
    if "charset=" in media_type.lower():
        return {"content_type": media_type}
    return {"mimetype": media_type}


def shorten_name(text: str, limit: int) -> str:
    """At most ``limit`` characters, keeping a short extension (``.csv``) at the end."""
    if len(text) <= limit:
        return text
    stem, dot, ext = text.rpartition(".")
    if dot and stem and 0 < len(ext) <= 16 and ext.isalnum():
        return stem[: limit - len(ext) - 1] + "." + ext
    return text[:limit]


def safe_filename(name: str, default: str = "download") -> str:
    """A recorded file name fit for a Content-Disposition: last path part, no control
    characters, quotes or separators, bounded length."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = _CONTROL.sub("", text).replace('"', "'").replace(";", "_").strip(" .")
    return shorten_name(text, 150) or default


def content_disposition(name: str, disposition: str = "attachment") -> str:
    """RFC 6266: an ASCII ``filename`` for old clients and the exact name as ``filename*``."""
    clean = safe_filename(name)
    ascii_name = unicodedata.normalize("NFKD", clean).encode("ascii", "ignore").decode()
    ascii_name = _FALLBACK_UNSAFE.sub("_", ascii_name).strip(" .") or "download"
    value = f'{disposition}; filename="{ascii_name}"'
    if ascii_name != clean:
        value += f"; filename*=UTF-8''{quote(clean, safe='')}"
    return value
