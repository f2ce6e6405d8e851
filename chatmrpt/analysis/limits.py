"""Bounds on what reading an uploaded file may cost, checked before the costly reading.

A 2 KB workbook can declare a cell at column XFD and another at row 1,048,576; a
spreadsheet reader fills the rectangle between them (17 billion cells). A 1 MB workbook can
hold 20 million shared strings, or one string of a gigabyte. :func:`check_workbook` reads
the workbook's XML as a stream (expat, a few kilobytes at a time, nothing kept) and stops
at the first bound passed: the sheet's extent (last row, last column, rows x columns),
the number of shared strings and the length of any one text. Only then does the real
reader run, on a workbook known to be small enough.

Ward boundaries get a vertex budget (:func:`check_vertices`): one ward of five million
vertices costs minutes in every later step (repair, simplification, maps).

The limits are plain values (:class:`ReadLimits`); the service takes them from its
settings (``CHATMRPT_XLSX_*``, ``CHATMRPT_MAX_VERTICES``...), the command line uses
the defaults.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from typing import Any
from xml.etree import ElementTree
from xml.parsers import expat

import numpy as np

from chatmrpt.config import ReadLimits
from chatmrpt.errors import InputError

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
_CHUNK = 64 * 1024
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")

# ReadLimits (the bounds themselves) is declared in chatmrpt.config, with the settings

DEFAULT_LIMITS = ReadLimits()


def column_letters(index: int) -> str:
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


class _TooLarge(Exception):
    def __init__(self, error: InputError):
        super().__init__(error.message)
        self.error = error


def _refuse(display: str, message: str, **details: Any) -> _TooLarge:
    return _TooLarge(
        InputError("table_too_large", message, details={"file": display, **details})
    )


class _Scan:
    """Expat handlers that count as they go and stop at the first bound passed."""

    def __init__(self, display: str, where: str, limits: ReadLimits):
        self.display = display
        self.where = where
        self.limits = limits
        self.max_row = 0
        self.max_col = 0
        self.row = 0
        self.col = 0
        self.strings = 0
        self.text = 0

    def _text_too_long(self) -> _TooLarge:
        limit = self.limits.xlsx_max_cell_chars
        return _refuse(
            self.display,
            f"{self.display}: {self.where} holds a text longer than {limit:,} characters, "
            "more than a spreadsheet cell can hold. The file is damaged or not a ward table; "
            "save the sheet again from a spreadsheet program, or as CSV.",
            limit=limit, part=self.where,
        )

    def characters(self, data: str) -> None:
        self.text += len(data)
        if self.text > self.limits.xlsx_max_cell_chars:
            raise self._text_too_long()

    # -- worksheets
    def sheet_start(self, name: str, attrs: dict[str, str]) -> None:
        tag = name.rpartition(":")[2]
        if tag in ("c", "row"):
            self.text = 0  # the texts of one cell (value, formula, inline runs) add up
        if tag == "row":
            r = attrs.get("r", "")
            self.row = int(r) if r.isdigit() else self.row + 1
            self.col = 0
            self._extent(self.row, self.max_col)
        elif tag == "c":
            match = _REF.fullmatch(attrs.get("r", ""))
            if match:
                self.col = _column_number(match.group(1))
                row = int(match.group(2))
                if row > self.row:
                    self.row = row
            else:
                self.col += 1
            self._extent(self.row, self.col)

    def _extent(self, row: int, col: int) -> None:
        # a bound passed stops the scan, so the largest row or column seen is within bounds
        limits = self.limits
        self.max_row, self.max_col = max(self.max_row, row), max(self.max_col, col)
        if row > limits.xlsx_max_rows:
            raise self._too_large(
                f"has a cell in row {row:,}", f"{limits.xlsx_max_rows:,} rows",
                "Delete what lies below the ward rows (select the empty rows, Delete Rows) or",
                rows=row, max_rows=limits.xlsx_max_rows,
            )
        if col > limits.xlsx_max_columns:
            raise self._too_large(
                f"has a cell in column {column_letters(col)} (column {col:,})",
                f"{limits.xlsx_max_columns:,} columns", "Delete the columns right of the data or",
                columns=col, max_columns=limits.xlsx_max_columns,
            )
        cells = self.max_row * self.max_col
        if cells > limits.xlsx_max_cells:
            raise self._too_large(
                f"spans {self.max_row:,} rows by {self.max_col:,} columns (up to "
                f"{column_letters(self.max_col)}), {cells:,} cells", f"{limits.xlsx_max_cells:,}",
                "Delete stray cells far below or right of the data, or",
                rows=self.max_row, columns=self.max_col, cells=cells,
                max_cells=limits.xlsx_max_cells,
            )

    def _too_large(self, found: str, most: str, fix: str, **details: Any) -> _TooLarge:
        """The sheet holds more than is read: what was ``found``, the ``most`` that is read
        and how to ``fix`` the sheet, before "save the table as CSV"."""
        return _refuse(
            self.display,
            f"{self.display}: {self.where} {found}; at most {most} are read. {fix} save the "
            "table as CSV.",
            **details, part=self.where,
        )

    # -- shared strings
    def strings_start(self, name: str, attrs: dict[str, str]) -> None:
        tag = name.rpartition(":")[2]
        if tag == "si":
            self.text = 0
            self.strings += 1
            if self.strings > self.limits.xlsx_max_shared_strings:
                raise self._too_many_strings(self.strings)
        elif tag == "sst":
            declared = attrs.get("uniqueCount", "")
            if declared.isdigit() and int(declared) > self.limits.xlsx_max_shared_strings:
                raise self._too_many_strings(int(declared))

    def _too_many_strings(self, count: int) -> _TooLarge:
        limit = self.limits.xlsx_max_shared_strings
        return _refuse(
            self.display,
            f"{self.display} holds {count:,} or more different texts; at most {limit:,} are "
            "read. The file is damaged or far larger than a ward table; save the sheet again "
            "from a spreadsheet program, or as CSV.",
            shared_strings=count, max_shared_strings=limit,
        )


def _parse(zf: zipfile.ZipFile, member: str, start, scan: _Scan, budget: list[int],
           display: str, limits: ReadLimits) -> None:
    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.CharacterDataHandler = scan.characters
    with zf.open(member) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            if not chunk:
                break
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise _refuse(
                    display,
                    f"{display} unpacks to more than {limits.xlsx_max_xml_mb:,} MB of "
                    "spreadsheet data, far more than a ward table. Save only the sheet with "
                    "the ward table, or save it as CSV.",
                    max_xml_mb=limits.xlsx_max_xml_mb,
                )
            parser.Parse(chunk, False)
        parser.Parse(b"", True)


def _small_xml(zf: zipfile.ZipFile, member: str) -> ElementTree.Element | None:
    info = zf.getinfo(member)
    if info.file_size > 8 * 1024 * 1024:
        return None
    with zf.open(member) as fh:
        data = fh.read(8 * 1024 * 1024 + 1)
    if len(data) > 8 * 1024 * 1024:
        return None
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return None


def _sheet_parts(zf: zipfile.ZipFile, by_lower: dict[str, str]) -> list[tuple[str, str]]:
    """``(sheet name, zip member)`` of the workbook's worksheets, in workbook order."""
    parts: list[tuple[str, str]] = []
    book = by_lower.get("xl/workbook.xml")
    rels = by_lower.get("xl/_rels/workbook.xml.rels")
    if book and rels:
        book_xml, rels_xml = _small_xml(zf, book), _small_xml(zf, rels)
        if book_xml is not None and rels_xml is not None:
            targets = {}
            for rel in rels_xml:
                target = rel.get("Target") or ""
                path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join("xl", target))
                targets[rel.get("Id")] = by_lower.get(path.lower())
            for el in book_xml.iter():
                if el.tag.rpartition("}")[2] != "sheet":
                    continue
                rid = next((v for k, v in el.attrib.items() if k.rpartition("}")[2] == "id"),
                           None)
                member = targets.get(rid)
                if member:
                    parts.append((el.get("name") or member, member))
    known = {m for _, m in parts}
    for lower, member in by_lower.items():  # worksheets the workbook does not list
        if lower.startswith("xl/worksheets/") and lower.endswith(".xml") and member not in known:
            parts.append((member.rpartition("/")[2], member))
    return parts


def check_workbook(data: bytes, display: str, sheet: str | None = None,
                   limits: ReadLimits = DEFAULT_LIMITS) -> None:
    """Refuse (``table_too_large``, 422) a workbook beyond ``limits``, reading it as a stream.

    Checks the sheets a reader would open (``sheet``, or every worksheet), then the shared
    strings. A workbook that cannot be opened as a zip is left for the reader to report.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return
    budget = [limits.xlsx_max_xml_mb * 1024 * 1024]
    try:
        with zf:
            by_lower = {n.lower(): n for n in zf.namelist()}
            parts = _sheet_parts(zf, by_lower)
            if sheet is not None:
                parts = [p for p in parts if p[0] == sheet] or parts
            for name, member in parts:
                scan = _Scan(display, f"sheet {name!r}", limits)
                _parse(zf, member, scan.sheet_start, scan, budget, display, limits)
            strings = by_lower.get("xl/sharedstrings.xml")
            if strings:
                scan = _Scan(display, "the workbook's text table", limits)
                _parse(zf, strings, scan.strings_start, scan, budget, display, limits)
    except _TooLarge as exc:
        raise exc.error from None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, expat.ExpatError,
            NotImplementedError, RuntimeError):
        return  # damaged: the reader says so in its own words


def check_vertices(geoms: np.ndarray, labels, display: str,
                   limits: ReadLimits = DEFAULT_LIMITS) -> None:
    """Refuse (``boundaries_too_complex``, 422) boundaries beyond the vertex budget."""
    import shapely

    counts = shapely.get_num_coordinates(geoms)
    total = int(counts.sum())
    worst = int(np.argmax(counts)) if len(counts) else 0
    if len(counts) and counts[worst] > limits.max_ward_vertices:
        over = np.flatnonzero(counts > limits.max_ward_vertices)
        names = [str(labels[i]) for i in over[:5]]
        raise InputError(
            "boundaries_too_complex",
            f"{display}: the boundary of {names[0]} has {int(counts[worst]):,} vertices; at "
            f"most {limits.max_ward_vertices:,} per ward are accepted"
            + (f" ({len(over)} wards are over)" if len(over) > 1 else "")
            + ". Simplify the boundaries (e.g. in QGIS: Vector > Geometry Tools > Simplify, "
            "or mapshaper) and upload them again.",
            details={"file": display, "ward": names[0], "vertices": int(counts[worst]),
                     "wards_over": names, "max_ward_vertices": limits.max_ward_vertices},
        )
    if total > limits.max_vertices:
        raise InputError(
            "boundaries_too_complex",
            f"{display}: the boundaries have {total:,} vertices in all; at most "
            f"{limits.max_vertices:,} are accepted. Simplify them (e.g. in QGIS: Vector > "
            "Geometry Tools > Simplify, or mapshaper) and upload them again.",
            details={"file": display, "vertices": total, "max_vertices": limits.max_vertices},
        )
