"""Test positivity rate (TPR) per ward from DHIS2 facility exports (METHODOLOGY §9).

A facility export has one row per facility and period with counts of persons tested and
persons positive, by RDT and by microscopy, for under-fives (``u5``), five and over
excluding pregnant women (``o5``) and pregnant women (``pw``). Per ward — grouped by
(State, LGA, ward), never by ward name alone — the counts of the chosen facility level(s)
and age group are summed per method, and

    TPR = positive / tested × 100.

``test="both"`` takes the method with the higher rate (ties → RDT), never the sum of the two.

Decisions where the methodology leaves room, all visible in ``TprResult.report``:

* A blank count cell is *missing*, not zero. A (row, method, age group) pair adds to the
  sums only when both its tested and its positive cell hold a number: a known number
  tested with an unknown number positive would pull the rate down. Blank cells and such
  incomplete pairs are counted in the report; text and negative numbers count as invalid
  cells and are treated as blank.
* A pair with more positive than tested is a data-entry error; positive is capped at
  tested (so no rate exceeds 100 %) and every such row is reported.
* ``facilities`` and ``periods`` count the facilities and distinct periods that reported
  a complete pair for the method used; a ward without any test keeps the count over
  both methods.
* A ward without tests for a method has no rate for it; without tests for either, its
  ``tpr`` is NaN, ``test_method`` is empty (or the requested method) and it is listed in
  the report.
* By year, the method is chosen once per ward over all years, so a trend never mixes
  methods. The trend is the least-squares slope per year of burden per 1,000 (positive /
  population × 1000) for wards with a population, otherwise of TPR (percentage points).
  A slope ≥ the threshold (5 per 1,000, or points, per year unless ``trend_threshold`` says
  otherwise) is "worsening", ≤ −threshold "improving", in between "stable"; fewer than two
  years with a value is "insufficient_data". The number of years used is in ``years``.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from chatmrpt.analysis.columns import POPULATION_ALIASES, find_column
from chatmrpt.analysis.dataset import LGA, STATE, WARD_CODE, WARD_NAME
from chatmrpt.analysis.declarations import TPR_VARIABLE, TprParams
from chatmrpt.analysis.join import match_wards
from chatmrpt.analysis.limits import check_workbook
from chatmrpt.analysis.names import normalise_ward_name
from chatmrpt.analysis.population import POPULATION_U5, POPULATION_WOMEN, U5_ALIASES, WOMEN_ALIASES
from chatmrpt.analysis.tpr_columns import (
    AGE_GROUPS,
    COUNT_ROLES,
    METHODS,
    ROLE_LABELS,
    ROLES,
    ColumnMap,
    facility_level_category,
    fix_mojibake,
    header_score,
    parse_period,
    recognise_columns,
)
from chatmrpt.errors import InputError, describe_rows

AGES = TprParams.option("age").choices
TESTS = TprParams.option("test").choices
LEVEL_CHOICES = TprParams.option("facility_level").choices
TREND_THRESHOLD = float(TprParams.option("trend_threshold").default)
HEADER_SEARCH_ROWS = 20

# cells that mean "no value" (as in ward tables); other text is an invalid count
_NO_VALUE = frozenset({"", "na", "n/a", "#n/a", "-", "--", "null", "nan", "none"})


@dataclass
class TprResult:
    """Ward TPR table(s) and what was done to get them.

    ``wards``: one row per ward — State, LGA, WardName, tpr (percent), tested, positive,
    test_method, facilities, periods, and burden_per_1000 with a population.
    ``by_year`` (when asked for): the same per ward and year, with a ``year`` column.
    ``trend``: per ward, the slope per year and its label.
    """

    wards: pd.DataFrame
    report: dict[str, Any]
    by_year: pd.DataFrame | None = None
    trend: pd.DataFrame | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def variable_name(self) -> str:
        return tpr_variable_name(self.params.get("age", "u5"))


def tpr_variable_name(age: str) -> str:
    return TPR_VARIABLE[age]


# ---------------------------------------------------------------------------- reading


def clean_org_unit_name(name: object) -> str:
    """Display form of a DHIS2 org-unit name: "kn Dala Local Government Area" → "Dala".

    Drops a lower-case two-letter state prefix (the DHIS2 style; "Ta Kudu" keeps its first
    word) and a trailing " Ward", " Local Government Area", " LGA" or " State".
    """
    if name is None or (isinstance(name, float) and name != name) or name is pd.NA:
        return ""
    text = re.sub(r"\s+", " ", fix_mojibake(str(name))).strip()
    text = re.sub(r"^[a-z]{2} (?=\S)", "", text)
    text = re.sub(
        r"\s+(ward|local government area|local govt\.? area|l\.?g\.?a\.?|state)$",
        "",
        text,
        flags=re.IGNORECASE,
    )
    return text.strip()


def _file_kind(path: Path) -> str:
    """ "xlsx", "xls", "text" or "binary", from the first bytes rather than the name."""
    with open(path, "rb") as fh:
        head = fh.read(65536)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "text"
    return "binary" if b"\x00" in head or head.startswith(b"%PDF") else "text"


def _detect_encoding(path: Path) -> str:
    """The first of utf-16, utf-8-sig, utf-8, cp1252, latin-1 that decodes the whole file."""
    with open(path, "rb") as fh:
        head = fh.read(3)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            for block in iter(lambda: fh.read(1 << 23), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
            return "utf-8-sig" if head == codecs.BOM_UTF8 else "utf-8"
        except UnicodeDecodeError:
            pass
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("cp1252")()
        try:
            for block in iter(lambda: fh.read(1 << 23), b""):
                decoder.decode(block)
            return "cp1252"
        except UnicodeDecodeError:
            return "latin-1"


def _find_header(rows: list[list[object]], extra: tuple[str, ...]) -> tuple[int, int]:
    """(row index, score) of the best header candidate among the first rows."""
    best_row, best_score = 0, -1
    for i, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = header_score(cells, extra)
        if score > best_score:
            best_row, best_score = i, score
    return best_row, best_score


def read_facility_export(
    path: str | os.PathLike, *, sheet: str | None = None, columns: Mapping[str, str] | None = None
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read a DHIS2 facility export (CSV or XLSX) into a frame with the export's headers.

    Title rows above the header are skipped: the header is the row, among the first 20,
    where most cells are recognised organisation-unit or data-element names (or names in
    ``columns``, the user's role → column mapping). Text may be UTF-8 (with or without
    BOM), cp1252/Latin-1, or mojibake; headers are repaired. ``info`` records the file
    name, encoding, delimiter, sheet and the number of rows skipped above the header.
    """
    path = Path(path)
    extra = tuple(str(v) for v in (columns or {}).values())
    if not path.is_file():
        raise InputError(
            "unreadable_table",
            f"The facility export {path} does not exist or is not a file.",
            details={"file": str(path)},
        )
    if path.stat().st_size == 0:
        raise InputError(
            "empty_file", f"The facility export {path.name} is empty.", details={"file": path.name}
        )
    kind = _file_kind(path)
    if kind == "xlsx":
        frame, info = _read_excel_export(path, sheet, extra)
    elif kind == "text":
        frame, info = _read_text_export(path, extra)
    else:
        hint = (
            "open it in a spreadsheet program and save it as .xlsx or CSV"
            if kind == "xls"
            else "export it from DHIS2 as CSV or XLSX"
        )
        raise InputError(
            "unsupported_file_type",
            f"{path.name} is not a CSV or XLSX file; {hint}.",
            details={"file": path.name, "detected": kind},
        )
    frame.columns = _unique_headers([fix_mojibake(str(c)).strip() for c in frame.columns])
    info["file"] = path.name
    info["rows"] = len(frame)
    return frame, info


def _unique_headers(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for h in headers:
        if h in seen:
            seen[h] += 1
            out.append(f"{h}.{seen[h]}")
        else:
            seen[h] = 0
            out.append(h)
    return out


def _read_text_export(path: Path, extra: tuple[str, ...]) -> tuple[pd.DataFrame, dict]:
    encoding = _detect_encoding(path)
    with open(path, encoding=encoding, newline="") as fh:
        head_lines = []
        for _ in range(HEADER_SEARCH_ROWS):
            line = fh.readline()
            if not line:
                break
            head_lines.append(line)
    best = (",", 0, -1)
    for sep in (",", ";", "\t", "|"):
        rows = list(csv.reader(io.StringIO("".join(head_lines)), delimiter=sep))
        row, score = _find_header(rows, extra)
        if score > best[2]:
            best = (sep, row, score)
    sep, header_row, _ = best
    # Title rows are physical lines here only when none of them holds a quoted line break,
    # which is what DHIS2 and spreadsheet programs write.
    try:
        frame = pd.read_csv(
            path,
            sep=sep,
            encoding=encoding,
            skiprows=header_row,
            header=0,
            skip_blank_lines=False,
            low_memory=False,
        )
    except (pd.errors.ParserError, ValueError, UnicodeDecodeError) as exc:
        raise InputError(
            "unreadable_table",
            f"{path.name} could not be read as a table ({exc}). Save it as CSV (comma "
            "separated) or XLSX.",
            details={"file": path.name},
        ) from exc
    frame = frame.dropna(how="all")
    return frame, {"encoding": encoding, "delimiter": sep, "title_rows": header_row}


def _read_excel_export(path: Path, sheet: str | None, extra: tuple[str, ...]):
    import openpyxl

    check_workbook(path.read_bytes(), path.name, sheet)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise InputError(
            "unreadable_table",
            f"{path.name} could not be opened as an XLSX workbook ({exc}).",
            details={"file": path.name},
        ) from exc
    try:
        names = book.sheetnames
        if sheet is not None and sheet not in names:
            raise InputError(
                "invalid_parameter",
                f"{path.name} has no worksheet {sheet!r}; it has {', '.join(names)}.",
                details={"file": path.name, "sheets": names},
            )
        best = (names[0], 0, -1)
        for name in [sheet] if sheet else names:
            rows = [
                list(r) for r in book[name].iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)
            ]
            row, score = _find_header(rows, extra)
            if score > best[2]:
                best = (name, row, score)
    finally:
        book.close()
    name, header_row, _ = best
    frame = pd.read_excel(path, sheet_name=name, skiprows=header_row, header=0)
    frame = frame.dropna(how="all")
    return frame, {"encoding": None, "sheet": name, "title_rows": header_row}


# ------------------------------------------------------------------------ computation


def _check_overrides(columns: Mapping[str, str] | None, seen: list[str]) -> dict[str, str]:
    if columns is None:
        return {}
    if not isinstance(columns, Mapping):
        raise InputError(
            "invalid_parameter",
            "The column mapping must be a JSON object of role → column name, e.g. "
            '{"ward": "Ward", "rdt_tested_u5": "RDT tested U5"}.',
        )
    unknown = sorted(str(k) for k in columns if k not in ROLES)
    if unknown:
        raise InputError(
            "invalid_parameter",
            f"Unknown role(s) in the column mapping: {', '.join(unknown)}. "
            f"Roles: {', '.join(ROLES)}.",
            details={"unknown": unknown, "roles": list(ROLES)},
        )
    missing = {role: col for role, col in columns.items() if str(col) not in seen}
    if missing:
        raise InputError(
            "missing_column",
            "The column mapping names column(s) the export does not have: "
            + ", ".join(f"{role} → {col!r}" for role, col in missing.items())
            + f". Columns in the export: {describe_rows(seen, 30)}.",
            details={"missing": missing, "columns": seen},
        )
    return {str(k): str(v) for k, v in columns.items()}


def _usable_methods(cmap: ColumnMap, ages: tuple[str, ...]) -> dict[str, list[str]]:
    """method -> age groups with both a tested and a positive column."""
    out = {}
    for m in METHODS:
        have = [a for a in ages if cmap.get(f"{m}_tested_{a}") and cmap.get(f"{m}_positive_{a}")]
        if have:
            out[m] = have
    return out


def _required_missing(cmap: ColumnMap, ages, test, facility_level, by_year) -> list[str]:
    missing = [r for r in ("lga", "ward") if not cmap.get(r)]
    if facility_level != "all" and not cmap.get("facility_level"):
        missing.append("facility_level")
    if by_year and not cmap.get("period"):
        missing.append("period")
    usable = _usable_methods(cmap, ages)
    wanted = METHODS if test == "both" else (test,)
    if not any(m in usable for m in wanted):
        for m in wanted:
            for a in ages:
                for k in ("tested", "positive"):
                    if not cmap.get(f"{m}_{k}_{a}"):
                        missing.append(f"{m}_{k}_{a}")
    return missing


def _raise_unrecognised(cmap: ColumnMap, missing: list[str], seen: list[str], name) -> None:
    where = f"in {name} " if name else ""
    wanted = "; ".join(f"{r} = {ROLE_LABELS[r]}" for r in missing)
    conflicts = ""
    if cmap.conflicts:
        conflicts = (
            " Several columns could be the same thing: "
            + "; ".join(f"{r}: {', '.join(cols)}" for r, cols in cmap.conflicts.items())
            + "."
        )
    raise InputError(
        "unrecognised_export",
        f"This does not look like a DHIS2 facility export: could not find {wanted} {where}"
        f"(columns seen: {describe_rows(seen, 30)}).{conflicts} Give the columns with "
        '--columns mapping.json, e.g. {"ward": "Ward", "rdt_tested_u5": "..."}.',
        details={
            "file": name,
            "missing": missing,
            "columns": seen,
            "recognised": dict(cmap.roles),
            "conflicts": cmap.conflicts,
        },
    )


def _factorize_names(series: pd.Series) -> tuple[np.ndarray, list[str], list[str]]:
    """(key index per row, -1 when blank; keys; display name per key).

    Names are cleaned and normalised once per distinct spelling, not per row. Spellings
    with the same key ("kn Adakawa Ward", "Adakawa") are one place, shown by the first.
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    key_index: dict[str, int] = {}
    key_display: list[str] = []
    per_unique = np.full(len(uniques) + 1, -1, dtype=np.int64)  # last entry: missing cell
    for u, value in enumerate(uniques):
        display = clean_org_unit_name(value)
        key = normalise_ward_name(display)
        if not key:
            continue
        if key not in key_index:
            key_index[key] = len(key_display)
            key_display.append(display)
        per_unique[u] = key_index[key]
    return per_unique[codes], list(key_index), key_display


def _numeric(series: pd.Series, column: str, report: dict) -> np.ndarray:
    """Counts as float with NaN for blank or invalid cells; counted in the report."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        blank = int(np.isnan(values).sum())
        invalid_examples: list[str] = []
        invalid = 0
    else:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        text = pd.Series([str(u) for u in uniques], dtype=object)
        stripped = text.str.replace(r"[,\s\u00a0]", "", regex=True)
        parsed = np.array(pd.to_numeric(stripped, errors="coerce"), dtype=float)
        is_blank_u = stripped.str.lower().isin(_NO_VALUE).to_numpy(dtype=bool)
        parsed[is_blank_u] = np.nan
        values = np.where(codes >= 0, parsed[codes] if len(parsed) else np.nan, np.nan)
        bad_u = np.isnan(parsed) & ~is_blank_u
        blank = int((codes < 0).sum() + np.isin(codes, np.flatnonzero(is_blank_u)).sum())
        invalid = int(np.isin(codes, np.flatnonzero(bad_u)).sum())
        invalid_examples = [str(u) for u in np.asarray(uniques, dtype=object)[bad_u][:5]]
    negative = values < 0
    if negative.any():
        invalid += int(negative.sum())
        invalid_examples += [str(v) for v in np.unique(values[negative])[:3]]
        values = np.where(negative, np.nan, values)
    if blank:
        report["blank_cells"][column] = blank
    if invalid:
        report["invalid_cells"][column] = {"count": invalid, "examples": invalid_examples[:5]}
    return values


def _count_unique_per_group(group: np.ndarray, item: np.ndarray, n_groups: int) -> np.ndarray:
    """Number of distinct ``item`` codes (>= 0) per group code."""
    ok = item >= 0
    if not ok.any():
        return np.zeros(n_groups, dtype=np.int64)
    span = int(item[ok].max()) + 1
    combined = np.unique(group[ok].astype(np.int64) * span + item[ok])
    return np.bincount(combined // span, minlength=n_groups)


@dataclass
class _Rows:
    """Where each row of the export belongs (arrays aligned with the rows)."""

    keep: np.ndarray  # the row counts: ward and LGA known, wanted level, year when by year
    ward: np.ndarray  # ward index, -1 for rows that do not count
    facility: np.ndarray  # facility code, -1 when unknown
    period: np.ndarray  # canonical period code, -1 when unknown
    year: np.ndarray  # -1 when unknown
    identity: pd.DataFrame  # State, LGA, WardName per ward index


@dataclass
class _Counts:
    """Per row and method: summed tested/positive of the age groups, and whether any
    complete (tested, positive) pair was there."""

    tested: dict[str, np.ndarray]
    positive: dict[str, np.ndarray]
    has: dict[str, np.ndarray]


def compute_ward_tpr(
    export: pd.DataFrame,
    *,
    age: str = "u5",
    facility_level: str = "all",
    test: str = "both",
    by_year: bool = False,
    population: pd.DataFrame | None = None,
    columns: Mapping[str, str] | None = None,
    name: str | None = None,
    trend_threshold: float = TREND_THRESHOLD,
) -> TprResult:
    """TPR per ward from a facility export (METHODOLOGY §9); see the module docstring.

    ``columns`` maps roles (``ward``, ``rdt_tested_u5``, ... see ``tpr_columns``) to
    column names and overrides recognition. ``population`` is a ward table with a
    population column (Population/population/pop/total_population); its wards are matched
    like ``match_ward_tables`` and give ``burden_per_1000``. ``name`` (the file's name)
    is used in messages.
    """
    params = {
        **{
            name: TprParams.option(name).check(value)
            for name, value in (("age", age), ("facility_level", facility_level), ("test", test))
        },
        "by_year": bool(by_year),
    }
    if by_year:
        params["trend_threshold"] = check_trend_threshold(trend_threshold)
    age, facility_level, test = params["age"], params["facility_level"], params["test"]
    seen = _unique_headers([str(c) for c in export.columns])
    if list(export.columns) != seen:
        export = export.set_axis(seen, axis=1)
    cmap = recognise_columns(seen, _check_overrides(columns, seen))
    ages = AGE_GROUPS if age == "all" else (age,)
    missing = _required_missing(cmap, ages, test, facility_level, by_year)
    if missing:
        _raise_unrecognised(cmap, missing, seen, name)
    usable = _usable_methods(cmap, ages)
    wanted_methods = METHODS if test == "both" else (test,)
    methods = [m for m in wanted_methods if m in usable]

    report: dict[str, Any] = {
        "source": name,
        "parameters": params,
        "rows": len(export),
        "columns": dict(cmap.roles),
        "data_elements": {cmap.roles[r]: r for r in COUNT_ROLES if r in cmap.roles},
        "overridden_roles": cmap.overridden,
        "ignored_columns": cmap.ignored,
        "conflicting_columns": cmap.conflicts,
        "rows_skipped": {},
        "blank_cells": {},
        "invalid_cells": {},
        "incomplete_pairs": 0,
        "positive_exceeds_tested": {"count": 0, "rule": "positive capped at tested"},
        "warnings": [],
    }
    warnings = report["warnings"]
    for m in methods:
        lacking = [a for a in ages if a not in usable[m]]
        if lacking:
            warnings.append(
                f"No {m} columns for {', '.join(lacking)}; {m} counts cover "
                f"{', '.join(usable[m])} only."
            )
    for m in wanted_methods:
        if m not in usable:
            warnings.append(f"No {m} columns for this age group; only {methods[0]} is used.")

    rows = _locate_rows(export, cmap, facility_level, by_year, report, name)
    counts = _count_rows(export, cmap, usable, methods, rows.keep, report)
    n_wards = len(rows.identity)

    ward_sums = _sums(rows, counts, methods, rows.ward, n_wards)
    ward_rates = {m: _rates(*ward_sums[m][:2]) for m in methods}
    chosen = _choose_method(ward_rates, methods, n_wards)
    wards = _assemble(rows.identity, ward_sums, ward_rates, chosen, methods, test)
    report["wards"] = n_wards
    no_tests = wards["tpr"].isna().to_numpy()
    report["wards_without_tests"] = _labels(wards[no_tests])
    if no_tests.any():
        warnings.append(
            f"{int(no_tests.sum())} wards had nobody tested "
            f"({describe_rows(report['wards_without_tests'])}); their TPR is empty."
        )
    report["methods_used"] = {m: int((wards["test_method"] == m).sum()) for m in methods}

    pop = None
    if population is not None:
        pop, report["population"] = _ward_population(wards, population, age)
        wards["burden_per_1000"] = _burden(wards["positive"], pop)
        capped = _labels(wards[wards["positive"].to_numpy(dtype=float) > pop])
        report["population"]["burden_capped"] = capped
        warnings.append(
            f"Burden per 1,000 is positives over the {report['population']['basis']} "
            f"({report['population']['column']}) × 1,000, capped at 1,000."
        )
        if report["population"].get("note"):
            warnings.append(report["population"]["note"])
        if capped:
            warnings.append(
                f"{len(capped)} ward(s) had more positive tests than people in the population "
                f"used ({describe_rows(capped)}); their burden is capped at 1,000 per 1,000. "
                "Check the population or the ward matching."
            )

    by_year_df = trend_df = None
    if by_year:
        by_year_df, ward_of = _by_year(rows, counts, methods, chosen, test)
        if pop is not None:
            by_year_df["burden_per_1000"] = _burden(by_year_df["positive"], pop[ward_of])
        trend_df = _trend(by_year_df, ward_of, rows.identity, pop, params["trend_threshold"])
        report["trend"] = {
            "threshold_per_year": params["trend_threshold"],
            "counts": {str(k): int(v) for k, v in trend_df["trend"].value_counts().items()},
        }
        by_year_df = by_year_df.sort_values([STATE, LGA, WARD_NAME, "year"], kind="stable")
        by_year_df = by_year_df.reset_index(drop=True)

    wards = wards.sort_values([STATE, LGA, WARD_NAME], kind="stable").reset_index(drop=True)
    return TprResult(wards=wards, report=report, by_year=by_year_df, trend=trend_df, params=params)


def _locate_rows(export, cmap: ColumnMap, facility_level, by_year, report, name) -> _Rows:
    """Ward, facility, period and year of every row, and which rows count."""
    n = len(export)
    roles = cmap.roles
    skipped = report["rows_skipped"]
    # organisation units: keys computed on distinct spellings, never per row
    if "state" in roles:
        state = _factorize_names(export[roles["state"]])
    else:
        state = (np.full(n, -1, dtype=np.int64), [], [])
    lga = _factorize_names(export[roles["lga"]])
    ward = _factorize_names(export[roles["ward"]])
    keep = (lga[0] >= 0) & (ward[0] >= 0)
    if not keep.all():
        skipped["missing_ward_or_lga"] = int((~keep).sum())

    if "facility_level" in roles:
        lv_codes, lv_uniques = pd.factorize(export[roles["facility_level"]], use_na_sentinel=True)
        categories = [facility_level_category(u) for u in lv_uniques]
        report["facility_levels"] = {str(u): c for u, c in zip(lv_uniques, categories, strict=True)}
        if facility_level != "all":
            # the trailing entry is for blank cells (code -1): level unknown
            wanted = np.array([c == facility_level for c in categories] + [False])[lv_codes]
            unknown = np.array([c is None for c in categories] + [True])[lv_codes]
            n_other = int((keep & ~wanted & ~unknown).sum())
            n_unknown = int((keep & unknown).sum())
            if n_other:
                skipped["other_facility_level"] = n_other
            if n_unknown:
                skipped["unknown_facility_level"] = n_unknown
                unknown_values = [
                    str(u) for u, c in zip(lv_uniques, categories, strict=True) if c is None
                ]
                report["warnings"].append(
                    f"{n_unknown} rows have a facility level that is not primary, secondary "
                    f"or tertiary ({describe_rows(unknown_values or ['blank'])}); they are "
                    "left out."
                )
            keep &= wanted

    if "facility" in roles:
        facility = pd.factorize(export[roles["facility"]], use_na_sentinel=True)[0]
    else:
        facility = np.full(n, -1, dtype=np.int64)
    if "period" in roles:
        p_codes, p_uniques = pd.factorize(export[roles["period"]], use_na_sentinel=True)
        parsed = [parse_period(u) for u in p_uniques]
        key_codes = pd.factorize(pd.Series([p[0] for p in parsed], dtype=object))[0]
        period = np.append(np.asarray(key_codes, dtype=np.int64), -1)[p_codes]
        year = np.array([-1 if p[1] is None else p[1] for p in parsed] + [-1], dtype=np.int64)
        year = year[p_codes]
        unparsed = [str(u) for u, p in zip(p_uniques, parsed, strict=True) if p[1] is None]
        if unparsed:
            report["unrecognised_periods"] = unparsed[:20]
    else:
        period = np.full(n, -1, dtype=np.int64)
        year = np.full(n, -1, dtype=np.int64)
    if by_year:
        no_year = keep & (year < 0)
        if no_year.any():
            skipped["period_without_year"] = int(no_year.sum())
            keep &= year >= 0

    # one index per (State, LGA, ward), in order of first appearance
    s_key = np.where(state[0] < 0, len(state[1]), state[0]).astype(np.int64)
    combined = (s_key * (len(lga[1]) + 1) + lga[0]) * (len(ward[1]) + 1) + ward[0]
    ids, uniques = pd.factorize(combined[keep])
    report["rows_used"] = int(keep.sum())
    if len(uniques) == 0:
        level = f" at {facility_level} facility level" if facility_level != "all" else ""
        raise InputError(
            "unrecognised_export",
            f"No row of {name or 'the export'} names both a ward and an LGA{level}. Check the "
            f"org-unit columns ({roles['lga']}, {roles['ward']}) and the facility level filter.",
            details={"file": name, "rows_skipped": skipped},
        )
    ward_index = np.full(n, -1, dtype=np.int64)
    ward_index[keep] = ids
    first_row = np.flatnonzero(keep)[np.unique(ids, return_index=True)[1]]

    def names_of(keyed) -> np.ndarray:
        return np.array(keyed[2] + [""], dtype=object)[keyed[0][first_row]]

    identity = pd.DataFrame({STATE: names_of(state), LGA: names_of(lga), WARD_NAME: names_of(ward)})
    return _Rows(keep, ward_index, facility, period, year, identity)


def _count_rows(export, cmap: ColumnMap, usable, methods, keep, report) -> _Counts:
    """Sum each row's complete (tested, positive) pairs over the age groups, per method."""
    n = len(export)
    counts = _Counts(
        tested={m: np.zeros(n) for m in methods},
        positive={m: np.zeros(n) for m in methods},
        has={m: np.zeros(n, dtype=bool) for m in methods},
    )
    over_rows = np.zeros(n, dtype=bool)
    examples: list[dict[str, Any]] = []
    for m in methods:
        for a in usable[m]:
            t_col, p_col = cmap.roles[f"{m}_tested_{a}"], cmap.roles[f"{m}_positive_{a}"]
            t = _numeric(export[t_col], t_col, report)
            p = _numeric(export[p_col], p_col, report)
            t_ok, p_ok = ~np.isnan(t), ~np.isnan(p)
            complete = t_ok & p_ok & keep
            report["incomplete_pairs"] += int(((t_ok ^ p_ok) & keep).sum())
            over = complete & (p > t)
            if over.any():
                over_rows |= over
                for i in np.flatnonzero(over)[: max(0, 10 - len(examples))]:
                    examples.append(
                        {
                            "row": int(i) + 1,
                            "tested_column": t_col,
                            "tested": float(t[i]),
                            "positive_column": p_col,
                            "positive": float(p[i]),
                        }
                    )
                p = np.where(over, t, p)
            counts.tested[m] += np.where(complete, t, 0.0)
            counts.positive[m] += np.where(complete, p, 0.0)
            counts.has[m] |= complete
    n_over = int(over_rows.sum())
    report["positive_exceeds_tested"].update(count=n_over, examples=examples)
    if n_over:
        report["warnings"].append(
            f"{n_over} rows report more positive than tested; positive was capped at tested "
            "for them."
        )
    if report["blank_cells"]:
        report["warnings"].append(
            f"{sum(report['blank_cells'].values()):,} blank count cells were treated as "
            "missing (not zero)."
        )
    return counts


def _sums(rows: _Rows, counts: _Counts, methods, group: np.ndarray, n_groups: int) -> dict:
    """Per group and method: tested, positive, facilities, periods; and under "any" the
    facilities and periods that reported a complete pair for either method."""
    out: dict[str, tuple[np.ndarray, ...]] = {}
    any_sel = np.zeros(len(group), dtype=bool)
    for m in methods:
        sel = counts.has[m] & (group >= 0)
        any_sel |= sel
        g = group[sel]
        out[m] = (
            np.bincount(g, weights=counts.tested[m][sel], minlength=n_groups),
            np.bincount(g, weights=counts.positive[m][sel], minlength=n_groups),
            _count_unique_per_group(g, rows.facility[sel], n_groups),
            _count_unique_per_group(g, rows.period[sel], n_groups),
        )
    g = group[any_sel]
    out["any"] = (
        _count_unique_per_group(g, rows.facility[any_sel], n_groups),
        _count_unique_per_group(g, rows.period[any_sel], n_groups),
    )
    return out


def _rates(tested: np.ndarray, positive: np.ndarray) -> np.ndarray:
    """positive / tested × 100, NaN where nobody was tested."""
    safe = np.where(tested > 0, tested, 1.0)
    return np.where(tested > 0, positive / safe * 100.0, np.nan)


BURDEN_CAP = 1000.0


def _burden(positive: pd.Series, population: np.ndarray) -> np.ndarray:
    """Positive per 1,000 population, capped at 1,000; NaN without a population."""
    pos = positive.to_numpy(dtype=float)
    ok = population > 0
    value = np.where(ok, pos / np.where(ok, population, 1.0) * 1000.0, np.nan)
    return np.minimum(value, BURDEN_CAP)


def _by_year(
    rows: _Rows, counts: _Counts, methods, chosen, test
) -> tuple[pd.DataFrame, np.ndarray]:
    """One row per ward and year with a counted row; the ward's overall method throughout."""
    years = np.unique(rows.year[rows.ward >= 0])
    n_years = len(years)
    n_cells = len(rows.identity) * n_years
    year_idx = np.searchsorted(years, rows.year)
    cell = np.where(rows.ward >= 0, rows.ward * n_years + year_idx, -1)
    sums = _sums(rows, counts, methods, cell, n_cells)
    present = np.unique(cell[cell >= 0])
    ward_of, year_of = present // n_years, years[present % n_years]
    sub = {key: tuple(arr[present] for arr in arrays) for key, arrays in sums.items()}
    sub_rates = {m: _rates(*sub[m][:2]) for m in methods}
    identity = rows.identity.iloc[ward_of].reset_index(drop=True)
    table = _assemble(identity, sub, sub_rates, chosen[ward_of], methods, test)
    table.insert(3, "year", year_of.astype(np.int64))
    return table, ward_of


def _choose_method(ward_rates: dict[str, np.ndarray], methods: list[str], n: int) -> np.ndarray:
    """Index into ``methods`` per ward: the higher rate; ties and RDT-only → RDT."""
    if len(methods) == 1:
        return np.zeros(n, dtype=np.int64)
    rdt, mic = ward_rates["rdt"], ward_rates["microscopy"]
    use_mic = (mic > rdt) | (np.isnan(rdt) & ~np.isnan(mic))
    return np.where(use_mic, methods.index("microscopy"), methods.index("rdt"))


def _assemble(identity, sums_, rates_, chosen, methods, test) -> pd.DataFrame:
    n = len(identity)
    tpr = np.full(n, np.nan)
    tested = np.zeros(n)
    positive = np.zeros(n)
    facilities = np.zeros(n, dtype=np.int64)
    periods = np.zeros(n, dtype=np.int64)
    for i, m in enumerate(methods):
        sel = chosen == i
        tpr[sel] = rates_[m][sel]
        tested[sel] = sums_[m][0][sel]
        positive[sel] = sums_[m][1][sel]
        facilities[sel] = sums_[m][2][sel]
        periods[sel] = sums_[m][3][sel]
    no_rate = np.isnan(tpr)
    # no method has a rate: the counts over both methods still tell how much was reported
    facilities[no_rate] = sums_["any"][0][no_rate]
    periods[no_rate] = sums_["any"][1][no_rate]
    method = np.array([methods[i] for i in chosen], dtype=object) if n else np.array([], object)
    if test == "both":
        method[no_rate] = None
    out = identity.copy()
    out["tpr"] = tpr
    out["tested"] = (
        tested.round().astype(np.int64) if np.all(tested == np.round(tested)) else tested
    )
    out["positive"] = (
        positive.round().astype(np.int64) if np.all(positive == np.round(positive)) else positive
    )
    out["test_method"] = pd.Series(method, dtype=object)
    out["facilities"] = facilities
    out["periods"] = periods
    return out


def _labels(wards: pd.DataFrame) -> list[str]:
    return [f"{w} ({lga})" for w, lga in zip(wards[WARD_NAME], wards[LGA], strict=True)]


def check_trend_threshold(value: object) -> float:
    """The trend threshold (per year, > 0), or a clear error."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = float("nan")
    if isinstance(value, bool) or not np.isfinite(number) or number <= 0 or number > 1000:
        raise InputError(
            "invalid_parameter",
            f"The trend threshold must be a number above 0 and at most 1,000 (per 1,000 or "
            f"TPR points per year), not {str(value)[:40]!r}.",
            details={"parameter": "trend_threshold"},
        )
    return number


def trend_labels(slope: np.ndarray, threshold: float = TREND_THRESHOLD) -> np.ndarray:
    """worsening (slope ≥ threshold), improving (≤ −threshold), stable, or
    insufficient_data where there is no slope."""
    return np.where(
        np.isnan(slope),
        "insufficient_data",
        np.where(
            slope >= threshold,
            "worsening",
            np.where(slope <= -threshold, "improving", "stable"),
        ),
    )


def yearly_slopes(w: np.ndarray, x: np.ndarray, y: np.ndarray, n_groups: int):
    """(count of years with a value, least-squares slope per year) per group ``w``; NaN
    values are left out, fewer than two years gives a NaN slope."""
    ok = ~np.isnan(y)
    w, xv, yv = w[ok], x[ok], y[ok]
    cnt = np.bincount(w, minlength=n_groups).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        xm = np.bincount(w, weights=xv, minlength=n_groups) / cnt
        ym = np.bincount(w, weights=yv, minlength=n_groups) / cnt
        dx = xv - xm[w]
        sxx = np.bincount(w, weights=dx * dx, minlength=n_groups)
        sxy = np.bincount(w, weights=dx * (yv - ym[w]), minlength=n_groups)
        slope = np.where((cnt >= 2) & (sxx > 0), sxy / np.where(sxx > 0, sxx, 1), np.nan)
    return cnt.astype(np.int64), slope


def _trend(by_year: pd.DataFrame, ward_of, identity: pd.DataFrame, pop,
           threshold: float = TREND_THRESHOLD) -> pd.DataFrame:
    """Least-squares slope per year per ward, of burden per 1,000 (with population) or TPR."""
    n_wards = len(identity)
    has_pop = np.zeros(n_wards, dtype=bool) if pop is None else (pop > 0)
    y = by_year["tpr"].to_numpy(dtype=float)
    if pop is not None:
        burden = by_year["burden_per_1000"].to_numpy(dtype=float)
        y = np.where(has_pop[ward_of], burden, y)
    x = by_year["year"].to_numpy(dtype=float)
    cnt, slope = yearly_slopes(np.asarray(ward_of), x, y, n_wards)
    label = trend_labels(slope, threshold)
    years_all = by_year.groupby(ward_of)["year"].agg(["min", "max"]).reindex(range(n_wards))
    out = identity.copy()
    out["years"] = cnt
    out["first_year"] = years_all["min"].to_numpy()
    out["last_year"] = years_all["max"].to_numpy()
    out["trend_basis"] = np.where(has_pop, "burden_per_1000", "tpr")
    out["slope_per_year"] = slope
    out["trend"] = label
    return out.sort_values([STATE, LGA, WARD_NAME], kind="stable").reset_index(drop=True)


# ------------------------------------------------------------------------- matching


def match_ward_tables(table: pd.DataFrame, other: pd.DataFrame) -> tuple[np.ndarray, dict]:
    """For each row of ``table``, the position of its ward in ``other`` (-1: none).

    The boundary join's rules (METHODOLOGY §1: WardCode; name + LGA; name alone where
    unique; fuzzy ≥ 90, or 80–90 within the same LGA) applied to two plain tables. The
    report lists matches per rule, approximate matches, unmatched wards on each side and
    ambiguous ones, in this module's words (no boundaries involved).
    """
    positions, jr = match_wards(table, other)

    def label(entry: dict) -> str:
        name = entry.get(WARD_NAME) or entry.get(WARD_CODE) or "?"
        return f"{name} ({entry[LGA]})" if entry.get(LGA) else str(name)

    report = {
        "matched": int(jr["matched"]),
        "table_rows": len(table),
        "other_rows": len(other),
        "by_rule": {rule: int(n) for rule, n in jr["rule_counts"].items()},
        "lga_key": jr.get("lga_key"),
        "fuzzy_matches": [
            {"table": f["table_name"], "other": f["boundary_name"], "score": f["score"]}
            for f in jr["fuzzy_matches"]
        ],
        "unmatched_table": [label(e) for e in jr["unmatched_table"]],
        "unmatched_other": [label(e) for e in jr["unmatched_boundaries"]],
        # the lists above stop at the join's report limit; these do not
        "unmatched_table_count": int(jr["unmatched_table_count"]),
        "unmatched_other_count": int(jr["unmatched_boundaries_count"]),
        "ambiguous": [f"{label(e)}: {e.get('reason')}" for e in jr["ambiguous"]],
    }
    return np.asarray(positions, dtype=np.int64), report


def _ward_population(wards: pd.DataFrame, population: pd.DataFrame, age: str = "all"):
    """The age group's population per ward: under-fives for u5, women 15–49 for pregnant
    women, the total otherwise (and, stated, when the age group's column is absent)."""
    total = find_column(population.columns, POPULATION_ALIASES)
    group = {"u5": (U5_ALIASES, "under-five population", POPULATION_U5),
             "pw": (WOMEN_ALIASES, "population of women aged 15–49", POPULATION_WOMEN)}.get(age)
    col, basis, note = total, "total population", None
    if group is not None:
        found = find_column(population.columns, group[0])
        if found is not None:
            col, basis = found, group[1]
        elif total is not None:
            note = (f"No {group[1]} was given ({group[2]}), so burden per 1,000 uses the total "
                    "population; it is then lower than the age group's own burden.")
    if col is None:
        raise InputError(
            "missing_population",
            "The population table has no population column (Population, population, pop or "
            "total_population).",
            details={"columns": [str(c) for c in population.columns]},
        )
    positions, jr = match_ward_tables(wards, population)
    values = np.append(
        pd.to_numeric(population[col], errors="coerce").to_numpy(dtype=float), np.nan
    )
    pop = values[positions]  # -1 → the trailing NaN
    jr["column"] = col
    jr["basis"] = basis
    if note:
        jr["note"] = note
    jr["wards_without_population"] = _labels(wards[np.isnan(pop)])
    return pop, jr


def join_tpr_to_wards(
    ward_table: pd.DataFrame, result: TprResult, *, column: str | None = None
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The ward table with the ward TPR added as a variable (``u5_tpr_rdt`` for under-fives).

    Rows keep the ward table's order; wards the TPR table has no match for get an empty
    value (imputation treats them like any other missing value). A column already named
    like the variable is replaced, with a warning in the report.
    """
    column = column or result.variable_name
    positions, report = match_ward_tables(ward_table, result.wards)
    values = np.append(result.wards["tpr"].to_numpy(dtype=float), np.nan)[positions]
    out = ward_table.copy()
    report["column"] = column
    warnings = []
    if column in out.columns:
        warnings.append(f"The ward table already had a column {column}; it was replaced.")
    if report["matched"] == 0:
        warnings.append(
            f"No ward of the ward table matched a ward of the facility export, so {column} is "
            "empty everywhere. Check that both files cover the same state and LGAs."
        )
    elif report["unmatched_table_count"]:
        warnings.append(
            f"{report['unmatched_table_count']} of {len(ward_table)} wards of the ward table "
            f"have no TPR: {describe_rows(report['unmatched_table'])}."
        )
    if report["unmatched_other_count"] and report["matched"]:
        warnings.append(
            f"{report['unmatched_other_count']} wards of the facility export match no ward of "
            f"the ward table: {describe_rows(report['unmatched_other'])}."
        )
    report["warnings"] = warnings
    # the new rate is the table's last column, also when it replaces one (the newest
    # facility-export rate is the one the analysis' defaults take)
    out = out.drop(columns=[column], errors="ignore")
    out[column] = values
    return out, report
