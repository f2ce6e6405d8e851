"""Reading the ward table and the ward boundaries into frames, and load_dataset().

Files come from analysts' laptops, DHIS2 and GIS exports: the extension is a hint at best,
the encoding may be anything Excel or R wrote, and a boundaries zip may hold anything. So
the format is decided from the bytes, every text is decoded to the same characters whatever
the encoding, and every failure names the file and says what to do.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import unicodedata
import warnings as pywarnings
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from chatmrpt.analysis.archives import describe_members, list_zip_members, safe_extract_zip
from chatmrpt.analysis.columns import (
    WARD_NAME_ALIASES,
    find_column,
    identifier_like_columns,
    match_identity_columns,
)
from chatmrpt.analysis.dataset import (
    GEOMETRY,
    IDENTITY_COLUMNS,
    STATE,
    STATE_CODE,
    WARD_CODE,
    WARD_NAME,
    WardDataset,
    sha256_bytes,
    sha256_file,
)
from chatmrpt.analysis.join import join_wards, table_lga_keys
from chatmrpt.analysis.limits import DEFAULT_LIMITS, ReadLimits, check_vertices, check_workbook
from chatmrpt.analysis.names import normalise_ward_names
from chatmrpt.analysis.population import URBAN_FIELD, add_planning_inputs
from chatmrpt.analysis.quality import check_quality, quality_messages
from chatmrpt.analysis.text import repair_mojibake
from chatmrpt.errors import InputError, describe_rows

if TYPE_CHECKING:  # GeoPandas is imported where boundaries are read, not for a table alone
    import geopandas as gpd

WGS84 = "EPSG:4326"
DELIMITERS = (",", ";", "\t", "|")
# Cells that mean "no value" in a numeric column (compared case-insensitively).
MISSING_TOKENS = frozenset({"", "na", "n/a", "#n/a", "-", "--", "null", "nan", "none",
                            "#div/0!", "#value!", "#null!", "#num!", "#ref!"})  # fmt: skip
# A column that is at least this share numbers is read as numeric; the rest become missing.
NUMERIC_SHARE = 0.9
# Larger numbers (1e308) are refused as values: no ward measurement is that large, and
# they overflow the arithmetic of the analysis. The same bound as for request parameters.
MAX_MAGNITUDE = 1e15
HEADER_SEARCH_ROWS = 20

# How many times each file (by sha256) was parsed in this process: a diagnostic that
# shows an upload is read once, not once per job (tests read it; nothing else does).
PARSES: Counter[str] = Counter()

_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_DECIMAL_COMMA = re.compile(r"[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?")

_DESCRIPTIONS = {
    "pdf": "a PDF document",
    "png": "a PNG image",
    "jpeg": "a JPEG image",
    "gif": "a GIF image",
    "tiff": "a TIFF image",
    "webp": "a WebP image",
    "bmp": "a BMP image",
    "gzip": "a gzip archive",
    "7z": "a 7-Zip archive",
    "rar": "a RAR archive",
    "zip": "a zip archive",
    "shapefile_zip": "a zipped shapefile (ward boundaries)",
    "xlsx": "an Excel workbook",
    "xls": "an old-style Excel (.xls) workbook or other Office document",
    "ods": "an OpenDocument spreadsheet",
    "sqlite": "an SQLite database or GeoPackage",
    "parquet": "a Parquet file",
    "shp": "a bare .shp file",
    "json": "a JSON or GeoJSON file",
    "html": "a web page (HTML)",
    "xml": "an XML document (KML/GML?)",
    "binary": "a binary file",
    "text": "a text (CSV) file",
}


# --- format detection -------------------------------------------------------------------


def _sniff(data: bytes) -> str:
    """The kind of file, from its first bytes (and, for zips, its member names)."""
    head = data[:16]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _sniff_zip(data)
    signatures = (
        (b"%PDF", "pdf"),
        (b"\x89PNG", "png"),
        (b"\xff\xd8\xff", "jpeg"),
        (b"GIF8", "gif"),
        (b"II*\x00", "tiff"),
        (b"MM\x00*", "tiff"),
        (b"\x1f\x8b", "gzip"),
        (b"7z\xbc\xaf\x27\x1c", "7z"),
        (b"Rar!", "rar"),
        (b"\xd0\xcf\x11\xe0", "xls"),
        (b"SQLite format 3\x00", "sqlite"),
        (b"PAR1", "parquet"),
        (b"\x00\x00\x27\x0a", "shp"),
        (b"\xff\xfe", "utf16"),
        (b"\xfe\xff", "utf16"),
    )
    for magic, kind in signatures:
        if head.startswith(magic):
            return kind
    if head.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"BM") and len(data) > 26 and data[6:10] == b"\x00\x00\x00\x00":
        return "bmp"
    sample = data[:65536]
    if b"\x00" in sample:
        return "binary"
    start = sample.lstrip(b"\xef\xbb\xbf \t\r\n")[:256].lower()
    if start[:1] in (b"{", b"["):
        return "json"
    if start.startswith(b"<!doctype html") or start.startswith(b"<html"):
        return "html"
    if start.startswith(b"<?xml") or start.startswith(b"<kml"):
        return "xml"
    return "text"


def _sniff_zip(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = [n.lower() for n in zf.namelist()]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return "zip"
    if "xl/workbook.xml" in names or any(n.endswith("xl/workbook.xml") for n in names):
        return "xlsx"
    if "mimetype" in names and any(n.startswith("content.xml") for n in names):
        return "ods"
    if any(n.endswith(".shp") for n in names):
        return "shapefile_zip"
    return "zip"


def _unreadable_table(display: str, message: str, **details) -> InputError:
    return InputError("unreadable_table", message, details={"file": display, **details})


def _unreadable_boundaries(display: str, message: str, **details) -> InputError:
    return InputError("unreadable_boundaries", message, details={"file": display, **details})


@contextmanager
def _refusing_failures(
    unreadable: Callable[..., InputError], display: str, explain: Callable[[Exception], str]
) -> Iterator[None]:
    """A third-party reader's failure (of any type) as ``unreadable(display, explain(exc))``,
    with the reader's own words as the reason."""
    try:
        yield
    except InputError:
        raise
    except Exception as exc:  # readers (openpyxl, GDAL, Arrow) raise many types
        raise unreadable(display, explain(exc), reason=str(exc)) from exc


def _no_ward_column(display: str, found: str, **details) -> InputError:
    """No column names the wards; ``found`` says what the file holds instead."""
    return InputError(
        "missing_ward_column",
        f"{display} has no ward name column{found}. Name the column with the ward names one "
        f"of: {', '.join(WARD_NAME_ALIASES)} (any case, spaces or underscores).",
        details={"file": display, **details, "accepted": list(WARD_NAME_ALIASES)},
    )


def _unsupported_table(display: str, kind: str) -> InputError:
    what = _DESCRIPTIONS.get(kind, "a file of unknown type")
    hint = "Upload the ward table as a CSV or .xlsx file."
    if kind in ("shapefile_zip", "shp", "json", "sqlite", "parquet", "xml"):
        hint = (
            "It looks like ward boundaries: upload it as the boundaries file, and the ward "
            "table as a CSV or .xlsx file."
        )
    elif kind in ("xls", "ods"):
        hint = "Open it in a spreadsheet program and save it as .xlsx or CSV."
    return InputError(
        "unsupported_file_type",
        f"{display} is {what}, not a ward table. {hint}",
        details={"file": display, "detected": kind},
    )


# --- text decoding ----------------------------------------------------------------------


def _decode(data: bytes, kind: str) -> tuple[str, str]:
    if kind == "utf16":
        return data.decode("utf-16"), "utf-16"
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _repair_lines(text: str) -> tuple[str, int]:
    """``repair_mojibake`` of the text, line by line and only where a line is not ASCII.

    The same result: a garbled run is non-ASCII characters only, so it never spans a line
    break, and a line the first pass leaves alone the second leaves alone too. Scanning a
    state's table for runs took tens of milliseconds; most of its lines are plain ASCII,
    which ``str.isascii`` tells without a scan.
    """
    if text.isascii():
        return text, 0
    lines = text.split("\n")
    removed, changed = 0, False
    for i, line in enumerate(lines):
        if not line.isascii():
            fixed, gone = repair_mojibake(line)
            if fixed != line:
                lines[i], removed, changed = fixed, removed + gone, True
    return ("\n".join(lines) if changed else text), removed


def _clean_text(text: str) -> tuple[str, list[str], str]:
    """NFC, mojibake repair; returns (text, warnings, suffix for the encoding label)."""
    notes: list[str] = []
    fixed, removed = _repair_lines(text)
    suffix = ""
    if removed:
        notes.append(
            "Some accented letters were garbled (UTF-8 text saved again as Windows-1252) "
            "and have been repaired, e.g. 'Ã©' read as 'é'."
        )
        suffix = "+repaired"
    if not fixed.isascii():
        fixed = unicodedata.normalize("NFC", fixed)
    return fixed, notes, suffix


# --- CSV ----------------------------------------------------------------------------------


def _sample_lines(text: str, limit: int = 50) -> list[str]:
    lines = []
    for line in text[:65536].splitlines():
        if line.strip():
            lines.append(line)
            if len(lines) >= limit:
                break
    return lines


def sniff_delimiter(text: str) -> str:
    """The delimiter among comma, semicolon, tab and pipe that splits the rows most evenly."""
    lines = _sample_lines(text)
    best, best_score = ",", (-1.0, 0)
    for delim in DELIMITERS:
        try:
            rows = list(csv.reader(lines, delimiter=delim))
        except csv.Error:
            continue
        counts = [len(r) for r in rows if r]
        if not counts or counts[0] < 2:
            continue
        consistency = sum(1 for c in counts if c == counts[0]) / len(counts)
        score = (consistency, counts[0])
        if score > best_score:
            best, best_score = delim, score
    return best


def _csv_record_lines(text: str, delimiter: str) -> list[int]:
    """1-based file line where each record starts, header first, blank lines skipped as
    pandas skips them (only needed when an error must name lines)."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    starts = []
    line = 1
    for row in reader:
        if row and not (len(row) == 1 and not row[0].strip()):
            starts.append(line)
        line = reader.line_num + 1
    return starts


def _header_offset(text: str) -> tuple[int, int]:
    """(lines, characters) before the header, when title lines (or Excel's "sep=;") come
    first: the header is the first of the top lines that names a ward column."""
    offset = 0
    for number, line in enumerate(text[:65536].splitlines(keepends=True)):
        if number >= HEADER_SEARCH_ROWS:
            break
        for delim in DELIMITERS:
            cells = next(csv.reader([line.rstrip("\r\n")], delimiter=delim), [])
            if find_column([c.strip() for c in cells], WARD_NAME_ALIASES) is not None:
                return number, offset
        offset += len(line)
    return 0, 0


def _read_csv_text(text: str, display: str) -> tuple[pd.DataFrame, str, Callable, list[str]]:
    notes = []
    skipped_lines, skipped_chars = _header_offset(text)
    if skipped_lines:
        text = text[skipped_chars:]
        notes.append(f"{display}: the first {skipped_lines} line(s) above the header were ignored.")
    delimiter = sniff_delimiter(text)
    try:
        raw = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            index_col=False,
            skip_blank_lines=True,
            engine="c",
        )
    except pd.errors.EmptyDataError as exc:
        raise InputError(
            "empty_file", f"{display} is empty: it has no header row and no wards.",
            details={"file": display},
        ) from exc  # fmt: skip
    except (pd.errors.ParserError, ValueError, csv.Error) as exc:
        raise _unreadable_table(
            display,
            f"{display} could not be read as a table: {exc}. Check that every row has the "
            "same number of columns as the header and that quotes are balanced.",
            reason=str(exc),
        ) from exc
    raw = raw.fillna("")

    def locate(positions: list[int]) -> list[str]:
        starts = [skipped_lines + line for line in _csv_record_lines(text, delimiter)]
        return [
            f"line {starts[p + 1]}" if p + 1 < len(starts) else f"row {p + 1}" for p in positions
        ]

    return raw, delimiter, locate, notes


# --- XLSX ---------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(value)


def _find_header(rows: list[tuple]) -> int | None:
    """Index of the header row: the first of the top rows naming a ward column."""
    seen = 0
    for index, row in enumerate(rows):
        cells = [_cell_text(v).strip() for v in row]
        if not any(cells):
            continue
        if find_column([c for c in cells if c], WARD_NAME_ALIASES) is not None:
            return index
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            break
    return None


def _first_nonempty_row(rows: list[tuple]) -> list[str]:
    for row in rows:
        cells = [_cell_text(v).strip() for v in row]
        if any(cells):
            return [c for c in cells if c]
    return []


def _read_xlsx(
    data: bytes, display: str, sheet: str | None, limits: ReadLimits = DEFAULT_LIMITS
) -> tuple[pd.DataFrame, str, Callable, list[str]]:
    import openpyxl

    check_workbook(data, display, sheet, limits)  # before openpyxl fills any rectangle
    with _refusing_failures(_unreadable_table, display, lambda exc: (
        f"{display} looks like an Excel workbook but could not be opened ({exc}). Open "
        "it in a spreadsheet program and save it again as .xlsx or CSV."
    )):
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        names = list(workbook.sheetnames)
        if sheet is not None and sheet not in names:
            raise InputError(
                "invalid_parameter",
                f"{display} has no sheet named {sheet!r}. Its sheets are: "
                f"{describe_rows(names, 20)}.",
                details={"file": display, "sheet": sheet, "sheets": names},
            )
        seen_headers: dict[str, list[str]] = {}
        for name in [sheet] if sheet is not None else names:
            worksheet = workbook[name]
            if not hasattr(worksheet, "iter_rows"):  # chart sheets
                continue
            if hasattr(worksheet, "reset_dimensions"):
                # Some writers record wrong sheet dimensions; read what is really there.
                worksheet.reset_dimensions()
            rows = list(worksheet.iter_rows(values_only=True))
            header_at = _find_header(rows)
            if header_at is None:
                seen_headers[name] = _first_nonempty_row(rows)
                continue
            return _xlsx_frame(rows, header_at, name, display)
    finally:
        workbook.close()
    described = "; ".join(
        f"sheet {name!r}: {', '.join(cols) if cols else 'empty'}"
        for name, cols in seen_headers.items()
    )
    where = f"sheet {sheet!r}" if sheet else "any sheet"
    raise _no_ward_column(display, f" in {where} ({described})", sheets=seen_headers)


def _xlsx_frame(
    rows: list[tuple], header_at: int, sheet: str, display: str
) -> tuple[pd.DataFrame, str, Callable, list[str]]:
    notes = []
    header_cells = [_cell_text(v).strip() for v in rows[header_at]]
    body = rows[header_at + 1 :]
    width = max([len(header_cells)] + [len(r) for r in body]) if body else len(header_cells)
    header = [c if c else f"Unnamed: {i}" for i, c in enumerate(header_cells)]
    header += [f"Unnamed: {i}" for i in range(len(header), width)]
    records = [[_cell_text(v) for v in r] + [""] * (width - len(r)) for r in body]
    # Columns beyond the header that hold nothing are spreadsheet noise, not data.
    keep = [
        i
        for i in range(width)
        if i < len(header_cells) and header_cells[i] or any(rec[i].strip() for rec in records)
    ]
    raw = pd.DataFrame(
        [[rec[i] for i in keep] for rec in records],
        columns=_dedupe([header[i] for i in keep]),
        dtype=str,
    )
    if header_at:
        notes.append(
            f"Sheet {sheet!r} of {display}: the first {header_at} row(s) above the header "
            "were ignored."
        )
    first_excel_row = header_at + 2  # Excel rows are 1-based and follow the header

    def locate(positions: list[int]) -> list[str]:
        return [f"row {first_excel_row + p} of sheet {sheet!r}" for p in positions]

    return raw, sheet, locate, notes


def _dedupe(names: list[str]) -> list[str]:
    """Make headers unique the way pandas does ("a", "a.1", ...)."""
    seen: dict[str, int] = {}
    out = []
    taken = set(names)
    for name in names:
        if name not in seen:
            seen[name] = 0
            out.append(name)
            continue
        count = seen[name]
        while True:
            count += 1
            candidate = f"{name}.{count}"
            if candidate not in taken:
                break
        seen[name] = count
        taken.add(candidate)
        out.append(candidate)
    return out


# --- cell conversion ----------------------------------------------------------------------


def _to_numbers(
    cells: pd.Series, decimal_comma: bool
) -> tuple[pd.Series | None, pd.Series | None, str | None]:
    """(floats, mask of cells that were not numbers, note) or (None, None, None) for text."""
    lowered = cells.str.lower()
    missing = lowered.isin(MISSING_TOKENS).to_numpy()
    present = ~missing
    n_present = int(present.sum())
    if n_present == 0:
        return pd.Series(np.nan, index=cells.index, dtype=float), None, None
    values = pd.to_numeric(cells.where(present, None), errors="coerce")
    arr = np.array(values.to_numpy(dtype=float, na_value=np.nan), dtype=float)
    failed = present & ~np.isfinite(arr)
    note = None
    if failed.any():
        failed_cells = cells[failed]
        if decimal_comma and failed_cells.str.contains(",", regex=False).all():
            candidates = cells[present]
            if candidates.str.fullmatch(_DECIMAL_COMMA.pattern).all():
                converted = candidates.str.replace(".", "", regex=False).str.replace(",", ".")
                arr = np.full(len(cells), np.nan)
                arr[present] = pd.to_numeric(converted, errors="coerce").to_numpy(
                    dtype=float, na_value=np.nan
                )
                failed = present & ~np.isfinite(arr)
                note = "decimal_comma"
        if failed.any():
            grouped = cells[failed].str.fullmatch(_THOUSANDS.pattern).to_numpy(dtype=bool)
            if grouped.any():
                idx = np.flatnonzero(failed)[grouped]
                arr[idx] = pd.to_numeric(
                    cells.iloc[idx].str.replace(",", "", regex=False), errors="coerce"
                ).to_numpy(dtype=float, na_value=np.nan)
                failed = present & ~np.isfinite(arr)
    # infinities and magnitudes no ward measurement has (1e308) cannot be computed with
    failed = failed | (present & (np.abs(np.nan_to_num(arr, nan=0.0)) > MAX_MAGNITUDE))
    n_failed = int(failed.sum())
    if n_failed and (n_present - n_failed) / n_present < NUMERIC_SHARE:
        return None, None, None
    arr = np.where(failed, np.nan, arr)
    return (
        pd.Series(arr, index=cells.index, dtype=float),
        pd.Series(failed, index=cells.index),
        note,
    )


def _identity_text(series: pd.Series) -> pd.Series:
    """Identity values as trimmed text; codes read as numbers lose any ".0"; blank -> NaN."""
    missing = series.isna().to_numpy()
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        text = series.map(
            lambda v: "" if pd.isna(v) else (str(int(v)) if float(v).is_integer() else str(v))
        )
    else:
        text = series.astype(object).where(~missing, "").astype(str)
    text = text.str.strip()
    return text.mask(missing | (text == "").to_numpy())


def _finish_table(
    raw: pd.DataFrame,
    *,
    display: str,
    locate: Callable[[list[int]], list[str]],
    decimal_comma: bool,
) -> tuple[pd.DataFrame, list[str]]:
    """Headers, identity columns, numbers: the shared second half of reading a table."""
    notes: list[str] = []
    raw = raw.copy()
    raw.columns = _dedupe([str(c).strip() for c in raw.columns])
    stripped = {col: raw[col].astype(str).str.strip() for col in raw.columns}
    if stripped:
        blank = np.logical_and.reduce([(s == "").to_numpy() for s in stripped.values()])
    else:
        blank = np.zeros(len(raw), dtype=bool)
    positions = np.flatnonzero(~blank)
    if len(positions) == 0:
        raise InputError(
            "empty_file",
            f"{display} has a header row but no ward rows.",
            details={"file": display, "columns": list(raw.columns)},
        )
    if blank.any():
        notes.append(f"{display}: {int(blank.sum())} empty row(s) were ignored.")

    mapping, conflicts = match_identity_columns(raw.columns)
    if WARD_NAME not in mapping.values():
        columns = list(raw.columns)
        raise _no_ward_column(display, f". Columns found: {describe_rows(columns, 30)}",
                              columns=columns)
    for canonical, losers in conflicts.items():
        chosen = next(orig for orig, canon in mapping.items() if canon == canonical)
        notes.append(
            f"{display}: columns {describe_rows([chosen, *losers])} all look like {canonical}; "
            f"{chosen!r} is used and the others are kept as ordinary columns."
        )

    out: dict[str, pd.Series] = {}
    index = pd.RangeIndex(len(positions))
    for col in raw.columns:
        cells = stripped[col].iloc[positions].reset_index(drop=True)
        canonical = mapping.get(col)
        if canonical is not None:
            out[canonical] = cells.mask(cells == "").set_axis(index)
            continue
        numbers, failed, note = _to_numbers(cells, decimal_comma)
        if numbers is None:
            out[col] = cells.mask(cells == "").set_axis(index)
            continue
        out[col] = numbers.set_axis(index)
        if note == "decimal_comma":
            notes.append(
                f"{display}: column {col!r} uses decimal commas (e.g. 0,5) and was read so."
            )
        if failed is not None and failed.any():
            bad = np.flatnonzero(failed.to_numpy())
            parsed = pd.to_numeric(cells.iloc[bad], errors="coerce").to_numpy(dtype=float)
            huge = ~np.isnan(parsed)  # numbers, but infinite or beyond MAX_MAGNITUDE
            for group, what in (
                (bad[~huge], "are not numbers"),
                (bad[huge], f"are infinite or larger than {MAX_MAGNITUDE:.0e} in size, which "
                            "no ward measurement is"),
            ):
                if not len(group):
                    continue
                examples = describe_rows([repr(v) for v in cells.iloc[group[:5]]], 5)
                where = describe_rows(locate([int(positions[i]) for i in group[:8]]), 8)
                notes.append(
                    f"{display}: column {col!r} is numeric but {len(group)} cell(s) {what} "
                    f"({examples}) at {where}; they are treated as missing. Correct them if "
                    "they are typing errors."
                )

    names = out[WARD_NAME]
    blank_names = np.flatnonzero(names.isna().to_numpy())
    if len(blank_names):
        where = locate([int(positions[i]) for i in blank_names])
        raise InputError(
            "missing_ward_column",
            f"{display}: the ward name is blank in {len(where)} row(s): "
            f"{describe_rows(where)}. Fill in the ward names or delete those rows.",
            details={"file": display, "column": WARD_NAME, "rows": where},
        )

    frame = pd.DataFrame(out, index=index)
    if GEOMETRY in frame.columns:
        frame = frame.rename(columns={GEOMETRY: "geometry_text"})
        notes.append(f"{display}: its column 'geometry' was renamed 'geometry_text'.")
    order = [c for c in IDENTITY_COLUMNS if c in frame.columns]
    frame = frame[order + [c for c in frame.columns if c not in order]]
    return frame, notes


# --- public: tables -----------------------------------------------------------------------


def _source_name(source: Any, fallback: str) -> str:
    """A display name for a path (its file name), a file object (its name) or bytes."""
    if isinstance(source, bytes | bytearray | memoryview):
        return fallback
    if hasattr(source, "read"):
        name = getattr(source, "name", None)
        return Path(name).name if isinstance(name, str) and name else fallback
    return Path(source).name


def _read_bytes(source: Any, display: str, code: str) -> tuple[bytes, str]:
    """The bytes of a path, a binary file object or bytes, and their sha256 (hashed once),
    counted as one parse."""
    try:
        if isinstance(source, bytes | bytearray | memoryview):
            data = bytes(source)
        elif hasattr(source, "read"):
            data = source.read()
            if isinstance(data, str):
                data = data.encode("utf-8")
        else:
            data = Path(source).read_bytes()
    except OSError as exc:
        raise InputError(
            code, f"{display} could not be read ({exc.strerror or exc}).",
            details={"file": display},
        ) from exc  # fmt: skip
    digest = sha256_bytes(data)
    PARSES[digest] += 1
    return data, digest


def read_table(
    path, *, name: str | None = None, sheet: str | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> tuple[pd.DataFrame, dict[str, Any], list[str]]:
    """Read a ward table (CSV/TSV/TXT or XLSX) into a frame with canonical identity columns.

    ``path``: a path, a binary file object or the file's bytes (then ``name`` names it).

    Returns ``(frame, source, warnings)``; ``source`` is ``{"name", "sha256", "sheet",
    "format", "encoding", "delimiter"}``. Identity columns come first, as text; every
    column that holds numbers is float (thousands separators and the usual "no value"
    markers handled); other columns stay text.
    """
    display = name or _source_name(path, "the ward table")
    data, digest = _read_bytes(path, display, "unreadable_table")
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise InputError("empty_file", f"{display} is empty.", details={"file": display})
    kind = _sniff(data)
    source: dict[str, Any] = {
        "name": display,
        "sha256": digest,
        "sheet": None,
        "format": None,
        "encoding": None,
        "delimiter": None,
    }
    notes: list[str] = []
    if kind == "xlsx":
        raw, used_sheet, locate, xlsx_notes = _read_xlsx(data, display, sheet, limits)
        notes += xlsx_notes
        raw = raw.map(lambda v: repair_mojibake(v)[0] if not v.isascii() else v)
        source.update(format="xlsx", sheet=used_sheet)
        decimal_comma = False
    elif kind in ("text", "utf16"):
        if sheet is not None:
            notes.append(f"{display} is a text file, which has no sheets; sheet {sheet!r} ignored.")
        text, encoding = _decode(data, kind)
        text = text.replace("\x1a", "")
        if not text.strip():
            raise InputError("empty_file", f"{display} is empty.", details={"file": display})
        text, text_notes, suffix = _clean_text(text)
        notes += [f"{display}: {n}" for n in text_notes]
        raw, delimiter, locate, csv_notes = _read_csv_text(text, display)
        notes += csv_notes
        source.update(format="csv", encoding=encoding + suffix, delimiter=delimiter)
        decimal_comma = delimiter != ","
    else:
        raise _unsupported_table(display, kind)
    frame, finish_notes = _finish_table(
        raw, display=display, locate=locate, decimal_comma=decimal_comma
    )
    return frame, source, notes + finish_notes


# --- public: boundaries -------------------------------------------------------------------




def _pick_shapefile(files: list[Path], root: Path, display: str) -> Path:
    shps = [f for f in files if f.suffix.lower() == ".shp"]
    if not shps:
        contents = [str(f.relative_to(root)) for f in files]
        raise _unreadable_boundaries(
            display,
            f"{display} contains no shapefile (.shp); it holds: {describe_members(contents)}. "
            "Zip the .shp together with its .shx, .dbf and .prj files, or upload a GeoJSON, "
            "GeoPackage or GeoParquet file.",
            contents=contents,
        )
    siblings = {(f.parent, f.stem.lower(), f.suffix.lower()) for f in files}

    def has(shp: Path, ext: str) -> bool:
        return (shp.parent, shp.stem.lower(), ext) in siblings

    usable = [s for s in shps if has(s, ".dbf")]
    if len(usable) == 1:
        chosen = usable[0]
    elif len(shps) == 1:
        chosen = shps[0]
    else:
        listed = [str(s.relative_to(root)) for s in (usable or shps)]
        raise _unreadable_boundaries(
            display,
            f"{display} holds several shapefiles ({describe_members(listed)}); it must hold "
            "exactly one ward layer. Zip only the ward boundaries.",
            shapefiles=listed,
        )
    missing = [ext for ext in (".shx", ".dbf") if not has(chosen, ext)]
    if missing:
        raise _unreadable_boundaries(
            display,
            f"The shapefile {chosen.name} in {display} is missing its {' and '.join(missing)} "
            "file(s). Zip all the files of the shapefile together (.shp, .shx, .dbf, .prj).",
            missing=missing,
        )
    return chosen


def _polygon_layer(path: Path, display: str) -> str | None:
    import pyogrio

    with _refusing_failures(_unreadable_boundaries, display,
                            lambda exc: f"{display} could not be opened as boundaries ({exc})."):
        layers = pyogrio.list_layers(path)
    if len(layers) <= 1:
        return None
    described = []
    for layer_name, geometry_type in layers:
        described.append(f"{layer_name} ({geometry_type or 'no geometry'})")
        if geometry_type and "polygon" in str(geometry_type).lower():
            return str(layer_name)
    raise _unreadable_boundaries(
        display,
        f"{display} has no polygon layer (layers: {describe_rows(described, 12)}). Ward "
        "boundaries must be polygons.",
        layers=described,
    )


def _read_vector(path: Path, display: str, layer: str | None = None) -> gpd.GeoDataFrame:
    import pyogrio

    with _refusing_failures(_unreadable_boundaries, display, lambda exc: (
        f"{display} could not be read as ward boundaries ({exc}). Check that the file is "
        "complete, or export the layer again as GeoJSON or a zipped shapefile."
    )), pywarnings.catch_warnings():
        pywarnings.simplefilter("ignore", RuntimeWarning)
        return pyogrio.read_dataframe(path, layer=layer, use_arrow=True)


def _read_boundary_frame(
    data: bytes, kind: str, display: str, workdir: Path
) -> tuple[gpd.GeoDataFrame, str, str | None]:
    if kind in ("shapefile_zip", "zip"):
        archive = workdir / "upload.zip"
        archive.write_bytes(data)
        if kind == "zip":
            contents = list_zip_members(archive, display_name=display)
        files = safe_extract_zip(archive, workdir / "files", display_name=display)
        if kind == "zip" and not any(f.suffix.lower() == ".shp" for f in files):
            raise _unreadable_boundaries(
                display,
                f"{display} contains no shapefile (.shp); it holds: "
                f"{describe_members(contents)}. Zip the .shp together with its .shx, .dbf and "
                ".prj files, or upload a GeoJSON, GeoPackage or GeoParquet file directly.",
                contents=contents,
            )
        shp = _pick_shapefile(files, workdir / "files", display)
        return _read_vector(shp, display), "shapefile", shp.name
    if kind == "json":
        target = workdir / "boundaries.geojson"
        target.write_bytes(data)
        return _read_vector(target, display), "geojson", None
    if kind == "sqlite":
        target = workdir / "boundaries.gpkg"
        target.write_bytes(data)
        layer = _polygon_layer(target, display)
        return _read_vector(target, display, layer), "geopackage", layer
    if kind == "parquet":
        import geopandas as gpd

        target = workdir / "boundaries.parquet"
        target.write_bytes(data)
        with _refusing_failures(_unreadable_boundaries, display, lambda exc: (
            f"{display} is a Parquet file but not readable as GeoParquet ({exc}). Export "
            "the boundaries as GeoParquet, GeoJSON or a zipped shapefile."
        )):  # no geo metadata, damaged file, ...
            frame = gpd.read_parquet(target)
        return frame, "geoparquet", None
    if kind == "shp":
        raise _unreadable_boundaries(
            display,
            f"{display} is a bare .shp file; a shapefile needs its .shx, .dbf and .prj files "
            "too. Put them together in one zip and upload the zip.",
        )
    what = _DESCRIPTIONS.get(kind, "a file of unknown type")
    hint = "Upload boundaries as a zipped shapefile, GeoJSON, GeoPackage or GeoParquet file."
    if kind in ("text", "xlsx", "utf16"):
        hint = "It looks like a table: upload it as the ward table. " + hint
    raise InputError(
        "unsupported_file_type",
        f"{display} is {what}, not ward boundaries. {hint}",
        details={"file": display, "detected": kind},
    )


def _polygonal_parts(geom):
    """The polygons of a geometry (after make_valid) as one geometry, or None."""
    if geom is None or geom.is_empty:
        return None
    kind = geom.geom_type
    if kind in ("Polygon", "MultiPolygon"):
        return geom
    if kind == "GeometryCollection":
        parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
        if not parts:
            return None
        merged = shapely.union_all(parts)
        return merged if not merged.is_empty else None
    return None


def _label(frame: pd.DataFrame, positions) -> list[str]:
    if WARD_NAME in frame.columns:
        col = frame[WARD_NAME]
    elif WARD_CODE in frame.columns:
        col = frame[WARD_CODE]
    else:
        return [f"feature {p + 1}" for p in positions]
    return [
        f"{col.iloc[p]} (feature {p + 1})" if pd.notna(col.iloc[p]) else f"feature {p + 1}"
        for p in positions
    ]


def _clean_geometries(frame: gpd.GeoDataFrame, display: str) -> tuple[gpd.GeoDataFrame, list[str]]:
    import geopandas as gpd

    notes = []
    geoms = np.asarray(frame.geometry.values, dtype=object)
    present = ~shapely.is_missing(geoms)
    if present.any() and shapely.has_z(geoms[present]).any():
        geoms = shapely.force_2d(geoms)
    kinds = shapely.get_type_id(geoms)  # -1 missing, 3 polygon, 6 multipolygon, 7 collection
    if present.any() and not np.isin(kinds[present], (3, 6, 7)).any():
        found = sorted({g.geom_type for g in geoms[present] if g is not None})
        raise _unreadable_boundaries(
            display,
            f"{display} holds {', '.join(found)} features, not polygons. Ward boundaries must "
            "be polygons (areas), not points or lines.",
            geometry_types=found,
        )
    invalid = present & ~shapely.is_valid(geoms)
    if invalid.any():
        geoms = geoms.copy()
        geoms[invalid] = shapely.make_valid(geoms[invalid])
        notes.append(
            f"{display}: {int(invalid.sum())} invalid polygon(s) were repaired: "
            f"{describe_rows(_label(frame, np.flatnonzero(invalid)))}."
        )
    odd = present & ~np.isin(shapely.get_type_id(geoms), (3, 6))
    if odd.any():
        geoms = geoms.copy()
        for i in np.flatnonzero(odd):
            geoms[i] = _polygonal_parts(geoms[i])
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if empty.any():
        geoms = np.where(empty, None, geoms)
        notes.append(
            f"{display}: {int(empty.sum())} feature(s) have no polygon (empty or missing "
            f"geometry): {describe_rows(_label(frame, np.flatnonzero(empty)))}. These wards "
            "will have no shape on maps and no neighbours."
        )
    out = frame.copy()
    out[frame.geometry.name] = gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs)
    return out, notes


def _feature_labels(frame: pd.DataFrame) -> list[str]:
    """"Dala (feature 3)" where a ward name attribute is recognisable, else "feature 3"."""
    names = find_column([c for c in frame.columns if isinstance(c, str)], WARD_NAME_ALIASES)
    labels = [f"feature {i + 1}" for i in range(len(frame))]
    if names is not None:
        values = frame[names].to_numpy(dtype=object)
        labels = [f"{v} ({lab})" if isinstance(v, str) and v.strip() else lab
                  for v, lab in zip(values, labels, strict=True)]
    return labels


def _clean_text_column(series: pd.Series) -> pd.Series:
    def fix(value):
        if isinstance(value, str) and not value.isascii():
            return unicodedata.normalize("NFC", repair_mojibake(value)[0])
        return value

    # as Python objects: iterating an Arrow-backed array value by value is slow
    uniques = np.asarray(series.dropna().unique(), dtype=object).tolist()
    if "".join(map(str, uniques)).isascii():
        return series
    return series.map({v: fix(v) for v in uniques})


def read_boundaries(path, *, name: str | None = None, limits: ReadLimits = DEFAULT_LIMITS,
                    scratch: Path | None = None) -> tuple[gpd.GeoDataFrame, dict, list[str]]:
    """Read ward boundaries (zipped shapefile, GeoJSON, GeoPackage, GeoParquet).

    ``path``: a path, a binary file object or the file's bytes (then ``name`` names it);
    ``scratch``: the folder for unpacking archives (default: the system's).

    Returns ``(features in EPSG:4326 with canonical identity columns, source, warnings)``.
    Invalid polygons are repaired (polygonal parts kept), empty ones reported; a layer
    without a CRS is taken as EPSG:4326 when its coordinates look like degrees.
    """
    import geopandas as gpd

    display = name or _source_name(path, "the ward boundaries")
    data, digest = _read_bytes(path, display, "unreadable_boundaries")
    if not data.strip():
        raise InputError("empty_file", f"{display} is empty.", details={"file": display})
    kind = _sniff(data)
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="chatmrpt-boundaries-", dir=scratch) as tmp:
        frame, fmt, layer = _read_boundary_frame(data, kind, display, Path(tmp))
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.name not in frame.columns:
        raise _unreadable_boundaries(display, f"{display} has no geometry column.")
    if len(frame) == 0:
        raise InputError("empty_file", f"{display} has no features.", details={"file": display})
    if frame.geometry.name != GEOMETRY:
        frame = frame.rename_geometry(GEOMETRY)
    # the vertex budget, before any work on the shapes (reprojection, repair)
    check_vertices(np.asarray(frame.geometry.values, dtype=object), _feature_labels(frame),
                   display, limits)

    source_crs = None
    if frame.crs is None:
        minx, miny, maxx, maxy = frame.total_bounds
        if not (np.all(np.isfinite([minx, miny, maxx, maxy]))):
            raise _unreadable_boundaries(display, f"{display} has no usable geometries.")
        if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
            raise _unreadable_boundaries(
                display,
                f"{display} has no coordinate reference system (no .prj file) and its "
                f"coordinates (x {minx:.0f} to {maxx:.0f}) are not longitude/latitude degrees. "
                "Add the .prj file to the zip, or export the layer in EPSG:4326.",
            )
        frame = frame.set_crs(WGS84)
        notes.append(
            f"{display} has no coordinate reference system (no .prj file); its coordinates "
            "look like longitude/latitude degrees, so EPSG:4326 (WGS 84) is assumed."
        )
    else:
        source_crs = frame.crs.to_string()
        if frame.crs.to_epsg() != 4326:
            frame = frame.to_crs(WGS84)
        frame = frame.set_crs(WGS84, allow_override=True)

    frame, geom_notes = _clean_geometries(frame, display)
    notes += geom_notes

    for col in frame.columns:
        if col != GEOMETRY and (
            pd.api.types.is_object_dtype(frame[col]) or pd.api.types.is_string_dtype(frame[col])
        ):
            frame[col] = _clean_text_column(frame[col])
    mapping, conflicts = match_identity_columns([c for c in frame.columns if c != GEOMETRY])
    for canonical, losers in conflicts.items():
        chosen = next(orig for orig, canon in mapping.items() if canon == canonical)
        notes.append(
            f"{display}: attributes {describe_rows([chosen, *losers])} all look like "
            f"{canonical}; {chosen!r} is used."
        )
    renames = {orig: canon for orig, canon in mapping.items() if orig != canon}
    if renames:
        frame = frame.rename(columns=renames)
    for canonical in IDENTITY_COLUMNS:
        if canonical in frame.columns:
            frame[canonical] = _identity_text(frame[canonical]).astype(object)
    if WARD_NAME not in frame.columns and WARD_CODE not in frame.columns:
        attributes = [c for c in frame.columns if c != GEOMETRY]
        raise InputError(
            "missing_ward_column",
            f"{display} has neither a ward name nor a ward code attribute (attributes: "
            f"{describe_rows(attributes, 30)}), so its features cannot be matched to the ward "
            f"table. Name the attribute {WARD_NAME} (or {WARD_CODE}).",
            details={"file": display, "columns": attributes, "accepted": list(WARD_NAME_ALIASES)},
        )
    frame = frame.reset_index(drop=True)
    source = {
        "name": display,
        "sha256": digest,
        "sheet": None,
        "format": fmt,
        "encoding": None,
        "layer": layer,
        "source_crs": source_crs,
        "features": len(frame),
    }
    return frame, source, notes


# --- public: the dataset ------------------------------------------------------------------


def _check_duplicate_codes(frame: pd.DataFrame, display: str) -> None:
    if WARD_CODE not in frame.columns:
        return
    codes = frame[WARD_CODE].dropna().astype(str).str.strip().str.upper()
    dup = codes[codes.duplicated(keep=False)]
    if dup.empty:
        return
    groups = []
    for code, idx in dup.groupby(dup).groups.items():
        rows = [int(i) + 1 for i in idx]
        groups.append(f"{code} (rows {describe_rows(rows)})")
    raise InputError(
        "duplicate_wards",
        f"{display}: {len(groups)} ward code(s) appear more than once: "
        f"{describe_rows(groups)}. Each ward must be one row; remove or correct the duplicates.",
        details={"file": display, "column": WARD_CODE, "codes": sorted(set(dup))},
    )


def _duplicate_name_warnings(frame: pd.DataFrame, display: str) -> list[str]:
    names = pd.Series(normalise_ward_names(frame[WARD_NAME]), index=frame.index)
    lga = table_lga_keys(frame)
    key = names + "\x00" + (lga.fillna("") if lga is not None else "")
    dup = key[key.duplicated(keep=False) & (names != "")]
    if dup.empty:
        return []
    groups = []
    for _key, idx in dup.groupby(dup, sort=False).groups.items():
        rows = [int(i) + 1 for i in idx]
        groups.append(f"{frame[WARD_NAME].iloc[rows[0] - 1]} (rows {describe_rows(rows)})")
    scope = "in the same LGA" if lga is not None else "and the table has no LGA column"
    return [
        f"{display}: {len(groups)} ward name(s) appear more than once {scope}: "
        f"{describe_rows(groups)}. They cannot be matched to boundaries by name; add a "
        f"{WARD_CODE} column (or an LGA column) to tell them apart."
    ]


def _boundary_attributes(boundaries: gpd.GeoDataFrame) -> dict[str, list[str]]:
    out = {}
    for col in (STATE_CODE, STATE):
        if col in boundaries.columns:
            values = sorted({str(v) for v in boundaries[col].dropna() if str(v).strip()})
            if values:
                out[col] = values
    return out


def load_dataset(
    table,
    boundaries=None,
    *,
    sheet: str | None = None,
    table_name: str | None = None,
    boundaries_name: str | None = None,
    population=None,
    population_name: str | None = None,
    population_rasters: dict | None = None,
    urban_raster=None,
    urban_raster_name: str | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
    population_raster_names: dict | None = None,
    scratch: Path | None = None,
) -> WardDataset:
    """Read the ward table (and boundaries), join them and return the WardDataset.

    Wards stay in table order. With boundaries, ``wards`` is a GeoDataFrame (EPSG:4326,
    geometry None where the join found no feature), and identity columns the table lacks
    (e.g. WardCode, LGACode, StateCode) are taken from the matched features.
    """
    frame, table_source, notes = read_table(table, name=table_name, sheet=sheet, limits=limits)
    display = table_source["name"]
    _check_duplicate_codes(frame, display)
    excluded = identifier_like_columns(frame)
    sources = {"table": table_source}
    planning_args = {
        "population": population,
        "population_name": population_name,
        "population_rasters": population_rasters,
        "population_raster_names": population_raster_names,
        "urban_raster": urban_raster,
        "urban_raster_name": urban_raster_name,
    }
    if boundaries is None:
        if WARD_CODE not in frame.columns:
            notes += _duplicate_name_warnings(frame, display)
        dataset = WardDataset(
            wards=frame, sources=sources, warnings=notes, excluded_columns=excluded,
            table_columns=[str(c) for c in frame.columns],
        )
        return _finish_dataset(dataset, planning_args, None)
    features, boundary_source, boundary_notes = read_boundaries(
        boundaries, name=boundaries_name, limits=limits, scratch=scratch
    )
    # Names identify wards unless both files carry ward codes.
    if WARD_CODE not in frame.columns or WARD_CODE not in features.columns:
        notes += _duplicate_name_warnings(frame, display)
    notes += boundary_notes
    sources["boundaries"] = boundary_source
    urban_field = _urban_attribute(features)
    wards, report = join_wards(
        frame,
        features,
        fill_identity=True,
        table_name=display,
        boundaries_name=boundary_source["name"],
        carry={urban_field: _BOUNDARY_URBAN} if urban_field else None,
    )
    notes += report.get("warnings", [])
    boundary_urban = wards.pop(_BOUNDARY_URBAN) if _BOUNDARY_URBAN in wards.columns else None
    dataset = WardDataset(
        wards=wards,
        sources=sources,
        join_report=report,
        warnings=notes,
        boundary_attributes=_boundary_attributes(features),
        excluded_columns=excluded,
        table_columns=[str(c) for c in frame.columns],
    )
    return _finish_dataset(dataset, planning_args, boundary_urban)


_BOUNDARY_URBAN = "__boundary_urban__"


def _urban_attribute(features: pd.DataFrame) -> str | None:
    """The boundaries' Urban Yes/No attribute, when there is one."""
    for col in features.columns:
        if isinstance(col, str) and col.strip().lower() == URBAN_FIELD.lower():
            return col
    return None


def _planning_source(path, name: str | None) -> dict[str, Any]:
    text = str(path)
    digest = sha256_bytes(text.encode()) if text.startswith("s3://") else sha256_file(path)
    return {"name": name or Path(text).name, "sha256": digest, "sheet": None}


def _finish_dataset(dataset: WardDataset, planning_args: dict, boundary_urban) -> WardDataset:
    """Population / urban share for planning (population.py) and data quality findings."""
    population = planning_args["population"]
    rasters = planning_args["population_rasters"] or {}
    urban_raster = planning_args["urban_raster"]
    # every file that shapes the wards' values is part of the dataset's identity
    if population is not None:
        dataset.sources["population"] = _planning_source(
            population, planning_args["population_name"])
    for role, path in sorted(rasters.items()):
        dataset.sources[f"population_{role}"] = _planning_source(path, None)
    if urban_raster is not None:
        dataset.sources["urban"] = _planning_source(
            urban_raster, planning_args["urban_raster_name"])
    dataset = add_planning_inputs(
        dataset,
        population=population,
        population_name=planning_args["population_name"],
        population_rasters=rasters or None,
        population_raster_names=planning_args.get("population_raster_names"),
        urban_raster=urban_raster,
        urban_raster_name=planning_args["urban_raster_name"],
        boundary_urban=boundary_urban,
    )
    dataset.quality = check_quality(dataset.wards, dataset.excluded_columns)
    dataset.warnings = list(dataset.warnings) + quality_messages(dataset.quality)
    return dataset
