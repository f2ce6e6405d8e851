"""Uploaded files: which types are accepted and what they are called on disk.

The name a user gave a file is only ever displayed. On disk (in a job's or a request's
scratch folder) a file is ``table.<ext>`` or ``boundaries.<ext>``, with the extension
checked against the lists below, so no user-supplied text becomes part of a path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any

from chatmrpt.errors import InputError

TABLE = "table"
BOUNDARIES = "boundaries"
EXTENSIONS = {
    TABLE: ("csv", "tsv", "txt", "xlsx", "xlsm", "xls"),
    BOUNDARIES: ("zip", "geojson", "json", "gpkg", "parquet", "geoparquet"),
}
POPULATION = "population"  # a population table or a population raster
URBAN = "urban"  # a built-up raster for the urban share
POPULATION_U5 = "population_u5"  # an under-five population raster
POPULATION_WOMEN = "population_women"  # a raster of women aged 15-49
# the age-group population rasters, by the kind population.py knows them as
POPULATION_KINDS = {POPULATION_U5: "u5", POPULATION_WOMEN: "women"}
EXTENSIONS[POPULATION] = ("csv", "tsv", "txt", "xlsx", "tif", "tiff")
EXTENSIONS[URBAN] = ("tif", "tiff")
EXTENSIONS[POPULATION_U5] = ("tif", "tiff")
EXTENSIONS[POPULATION_WOMEN] = ("tif", "tiff")
_WHAT = {TABLE: "ward table", BOUNDARIES: "ward boundary", POPULATION: "population table or "
         "raster", URBAN: "built-up raster", POPULATION_U5: "under-five population raster",
         POPULATION_WOMEN: "population raster of women aged 15-49"}
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


def suffix_of(name: str) -> str:
    """The extension of a file name, lower case, without the dot ("" when none)."""
    lower = name.lower()
    return lower.rsplit(".", 1)[-1] if "." in lower else ""


def check_size(size: int, name: str, settings: Any, *, empty: str = "", large: str = "") -> None:
    """Refuse an empty upload (``size`` bytes) or one over ``max_upload_mb``; ``empty`` and
    ``large`` add what to do about it."""
    if not size:
        raise InputError("empty_file", f"{name!r} is empty.{empty}", details={"file": name})
    if size > settings.max_upload_bytes:
        raise InputError(
            "file_too_large",
            f"{name!r} is {size / 1e6:.1f} MB; the most accepted is "
            f"{settings.max_upload_mb} MB.{large}",
            details={"file": name, "max_mb": settings.max_upload_mb},
        )


def extension_of(name: str, role: str) -> str:
    allowed = EXTENSIONS[role]
    ext = suffix_of(name)
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


@dataclass(frozen=True)
class Upload:
    """An uploaded file: its bytes and the name the user gave it (display only)."""

    data: bytes
    name: str


@dataclass(frozen=True)
class PlanningUploads:
    """The optional files uploaded with a ward table for planning (``PLANNING_ROLES``): a
    population table or raster, a built-up raster, and the under-five and women 15-49
    population rasters that go with a total population raster."""

    population: Upload | None = None
    urban: Upload | None = None
    population_u5: Upload | None = None
    population_women: Upload | None = None

    def present(self) -> dict[str, Upload]:
        """``role -> Upload`` for the files given, in ``PLANNING_ROLES`` order."""
        return {role: upload for role in PLANNING_ROLES
                if (upload := getattr(self, role)) is not None}


# the roles of the planning files (POPULATION, URBAN, POPULATION_U5, POPULATION_WOMEN), in
# the order they are read
PLANNING_ROLES = tuple(f.name for f in fields(PlanningUploads))
