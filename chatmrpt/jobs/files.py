"""Uploaded files: which types are accepted and what they are called on disk.

The name a user gave a file is only ever displayed. On disk (in a job's or a request's
scratch folder) a file is ``table.<ext>`` or ``boundaries.<ext>``, with the extension
checked against the lists below, so no user-supplied text becomes part of a path.
"""

from __future__ import annotations

import re

from chatmrpt.errors import InputError

TABLE = "table"
BOUNDARIES = "boundaries"
EXTENSIONS = {
    TABLE: ("csv", "tsv", "txt", "xlsx", "xlsm", "xls"),
    BOUNDARIES: ("zip", "geojson", "json", "gpkg", "parquet", "geoparquet"),
}
POPULATION = "population"  # a population table or a population raster
URBAN = "urban"  # a built-up raster for the urban share
EXTENSIONS[POPULATION] = ("csv", "tsv", "txt", "xlsx", "tif", "tiff")
EXTENSIONS[URBAN] = ("tif", "tiff")
_WHAT = {TABLE: "ward table", BOUNDARIES: "ward boundary", POPULATION: "population table or "
         "raster", URBAN: "built-up raster"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def display_name(name: str | None, role: str) -> str:
    """The file name to show: last path component, no control characters, bounded."""
    text = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = _CONTROL.sub("", text).strip()
    if len(text) > 200:  # keep the extension: it says what the file is
        stem, dot, ext = text.rpartition(".")
        if dot and stem and 0 < len(ext) <= 16 and ext.isalnum():
            return stem[: 199 - len(ext)] + "." + ext
    return text[:200] or f"{role} file"


def extension_of(name: str, role: str) -> str:
    allowed = EXTENSIONS[role]
    lower = name.lower()
    ext = lower.rsplit(".", 1)[-1] if "." in lower else ""
    if ext not in allowed:
        raise InputError(
            "unsupported_file_type",
            f"{name!r} is not a supported {_WHAT[role]} file. Upload one of: "
            + ", ".join(f".{e}" for e in allowed)
            + (
                " (a shapefile goes in a .zip with its .shp, .shx, .dbf and .prj)."
                if role == BOUNDARIES
                else "."
            ),
            details={"file": name, "role": role, "allowed": list(allowed)},
        )
    return ext


def input_filename(role: str, ext: str) -> str:
    """``table.csv``, ``boundaries.zip``...: server-generated, extension re-checked."""
    if role not in EXTENSIONS or ext not in EXTENSIONS[role]:
        raise ValueError(f"no {role} file may have the extension {ext!r}")
    return f"{role}.{ext}"
