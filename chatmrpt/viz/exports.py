"""The unified dataset as a download: CSV, Excel, GeoJSON or GeoParquet.

Each export is the bytes, the media type and a file name, so the web layer and the CLI
only have to send or write them. Text that Excel would read as a formula (a ward name
starting with ``=``) is stored in the workbook as text, so opening a download can never
run anything.
"""

from __future__ import annotations

import io
import math
import re
from typing import Any

import numpy as np
import pandas as pd

from chatmrpt.analysis.dataset import GEOMETRY
from chatmrpt.analysis.filenames import UNIFIED
from chatmrpt.csvsafe import csv_bytes
from chatmrpt.errors import InputError

FORMATS: dict[str, tuple[str, str]] = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "geojson": ("application/geo+json", "geojson"),
    "geoparquet": ("application/vnd.apache.parquet", "geoparquet"),
}
SHEET = "Wards"
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")
# characters an .xlsx file cannot hold (XML 1.0 control characters)
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def export_unified(
    unified: pd.DataFrame,
    fmt: str,
    *,
    basename: str = UNIFIED,
    about: list[tuple[str, Any]] | None = None,
) -> tuple[bytes, str, str]:
    """``(bytes, media type, file name)`` of the unified dataset in ``fmt``.

    ``fmt``: csv (no geometry; the same table as ``unified_dataset.csv``), xlsx (no
    geometry), geojson (full boundaries, EPSG:4326) or geoparquet. The two geographic
    formats need boundaries. ``about``: (label, value) rows of a second Excel sheet that
    says how the table was made (variables, directions, parameters, date).
    """
    key = str(fmt).strip().lower().lstrip(".")
    if key not in FORMATS:
        raise InputError(
            "invalid_parameter",
            f"Unknown download format {fmt!r}; choose one of {', '.join(FORMATS)}.",
            details={"parameter": "format", "value": str(fmt), "choices": list(FORMATS)},
        )
    if not _SAFE_NAME.fullmatch(basename):
        raise ValueError("basename must be letters, digits, '.', '_' or '-' (at most 80)")
    media_type, ext = FORMATS[key]
    if key == "csv":
        data = _csv(unified)
    elif key == "xlsx":
        data = _xlsx(unified, about)
    else:
        gdf = _geoframe(unified, key)
        data = _geojson(gdf) if key == "geojson" else _geoparquet(gdf)
    return data, media_type, f"{basename}.{ext}"


def _table(unified: pd.DataFrame) -> pd.DataFrame:
    frame = unified.drop(columns=[GEOMETRY], errors="ignore")
    return pd.DataFrame(frame)  # a plain frame, whatever the input was


def _csv(unified: pd.DataFrame) -> bytes:
    return csv_bytes(_table(unified))


def _cell_value(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, bool | int | str):
        return _XML_ILLEGAL.sub("", value) if isinstance(value, str) else value
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return _XML_ILLEGAL.sub("", str(value))


def number_format(column: str, values: pd.Series) -> str | None:
    """One display format per column: ranks and counts whole, scores with 3 decimals,
    other decimals with up to 4 significant places shown (the cell keeps every digit)."""
    name = str(column).lower()
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return None
    if name.endswith("_rank") or pd.api.types.is_integer_dtype(values):
        return "0"
    if name.endswith("_score") or name.endswith("_normalized") or name.endswith("_norm"):
        return "0.000"
    return "0.0###"


def _xlsx(unified: pd.DataFrame, about: list[tuple[str, Any]] | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    frame = _table(unified)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def cell(value: Any, header: bool = False, fmt: str | None = None, on=sheet) -> WriteOnlyCell:
        c = WriteOnlyCell(on, value=_cell_value(value))
        if isinstance(c.value, str):
            c.data_type = "s"  # never a formula, whatever the text starts with
        elif fmt and isinstance(c.value, int | float) and not isinstance(c.value, bool):
            c.number_format = fmt
        if header:
            c.font = bold
        return c

    sheet.append([cell(str(col), header=True) for col in frame.columns])
    formats = [number_format(c, frame[c]) for c in frame.columns]
    columns = [frame[c].to_numpy(dtype=object) for c in frame.columns]
    for i in range(len(frame)):
        sheet.append([cell(col[i], fmt=f) for col, f in zip(columns, formats, strict=True)])
    if about:
        notes = book.create_sheet("About")
        notes.append([cell("Item", header=True, on=notes), cell("Value", header=True, on=notes)])
        for label, value in about:
            notes.append([cell(label, header=True, on=notes), cell(value, on=notes)])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _geoframe(unified: pd.DataFrame, key: str):
    import geopandas as gpd

    if GEOMETRY not in unified.columns or not unified[GEOMETRY].notna().any():
        raise InputError(
            "invalid_parameter",
            f"This analysis has no ward boundaries, so it cannot be downloaded as {key}; "
            "download it as csv or xlsx, or add boundaries and run the analysis again.",
            details={"parameter": "format", "value": key},
        )
    if isinstance(unified, gpd.GeoDataFrame):
        gdf = unified
    else:
        gdf = gpd.GeoDataFrame(unified, geometry=GEOMETRY, crs="EPSG:4326")
    if gdf.crs is None:
        gdf = gdf.set_crs(4326)
    return gdf


def _geojson(gdf) -> bytes:
    text = gdf.to_json(na="null", drop_id=True, to_wgs84=True, separators=(",", ":"))
    return text.encode("utf-8")


def _geoparquet(gdf) -> bytes:
    buf = io.BytesIO()
    gdf.to_parquet(buf, index=False)
    return buf.getvalue()
