"""Reading a finished analysis back (its unified dataset), for planning steps and the CLI.

The GeoParquet file is preferred when present because it keeps the ward geometry; the CSV
(written by every analysis) is the fall-back. Identity columns are read as text from the
CSV, so codes such as ``024006`` keep their leading zeros and a ward called ``NA`` stays a
ward name.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from chatmrpt.analysis.dataset import IDENTITY_COLUMNS
from chatmrpt.analysis.geoparquet import read_geoparquet
from chatmrpt.analysis.outputs import UNIFIED_CSV, UNIFIED_PARQUET
from chatmrpt.csvsafe import restore_frame
from chatmrpt.errors import InputError

# What pandas treats as missing by default, kept for the non-identity columns.
_MISSING_MARKERS = (
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
)  # fmt: skip


def unified_path(path_or_dir: str | os.PathLike) -> Path:
    """The unified dataset file to read: a folder's GeoParquet, else its CSV, else the file."""
    path = Path(path_or_dir)
    if path.is_dir():
        for name in (UNIFIED_PARQUET, UNIFIED_CSV):
            if (path / name).is_file():
                return path / name
        raise InputError(
            "not_found",
            f"The folder {path} holds no {UNIFIED_PARQUET} or {UNIFIED_CSV}. Give the folder an "
            "analysis wrote its results to (chatmrpt analyze ... --out DIR), or the file itself.",
            details={"path": str(path)},
        )
    if not path.exists():
        raise InputError(
            "not_found",
            f"{path} does not exist. Give an analysis output folder or its {UNIFIED_CSV}.",
            details={"path": str(path)},
        )
    if _kind(path) is None:
        raise InputError(
            "unsupported_file_type",
            f"{path.name} is not a unified dataset: expected a .csv, .geoparquet or .parquet file.",
            details={"path": str(path)},
        )
    return path


def load_unified(path_or_dir: str | os.PathLike) -> pd.DataFrame:
    """The unified dataset of an analysis, one row per ward (a GeoDataFrame when read from
    GeoParquet)."""
    path = unified_path(path_or_dir)
    try:
        if _kind(path) == "parquet":
            return _read_parquet(path)
        return _read_csv(path)
    except InputError:
        raise
    except pd.errors.EmptyDataError:
        raise InputError(
            "empty_file", f"{path.name} is empty.", details={"path": str(path)}
        ) from None
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(
            "unreadable_table",
            f"{path.name} could not be read as a unified dataset ({exc}). Run the analysis again "
            "to rewrite it.",
            details={"path": str(path)},
        ) from exc


def _kind(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in (".geoparquet", ".parquet"):
        return "parquet"
    if suffix == ".csv":
        return "csv"
    return None


def _read_parquet(path: Path) -> pd.DataFrame:
    import pyarrow.parquet as pq

    metadata = pq.read_schema(path).metadata or {}
    if b"geo" in metadata:
        return read_geoparquet(path)
    return pd.read_parquet(path)


def _read_csv(path: Path) -> pd.DataFrame:
    header = pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns
    identity = [c for c in header if c in IDENTITY_COLUMNS]
    na_values = {c: ([""] if c in identity else list(_MISSING_MARKERS)) for c in header}
    frame = pd.read_csv(
        path,
        encoding="utf-8-sig",
        dtype=dict.fromkeys(identity, str),
        keep_default_na=False,
        na_values=na_values,
    )
    # text cells that looked like formulas were written with a quote in front (csvsafe)
    return restore_frame(frame)
