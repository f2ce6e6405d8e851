"""Data quality checks on a ward table, before any analysis.

Each finding is a plain sentence for the user plus the facts behind it (kind, columns,
rows), so the upload report, the assistant and the HTML report all say the same thing:

- ``identical_columns``: two or more columns hold the same number in every ward where both
  have a value (they differ at most in which cells are empty) — usually one measurement
  copied under several names; using two of them double-counts (or, with opposite
  directions, cancels) it;
- ``constant_column``: one value in every ward, so the column cannot tell wards apart;
- ``share_out_of_range``: a share or percentage column with values outside 0–1 and 0–100;
- ``negative_count``: a count (population, tested, positive, cases, nets...) below zero;
- ``duplicate_ward_codes``: the same WardCode on several rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from chatmrpt.analysis.dataset import IDENTITY_COLUMNS, WARD_CODE
from chatmrpt.errors import describe_rows

IDENTICAL = "identical_columns"
CONSTANT = "constant_column"
SHARE_RANGE = "share_out_of_range"
NEGATIVE = "negative_count"
DUPLICATE_CODES = "duplicate_ward_codes"

# at least this many wards must have a value in both columns before they count as identical
MIN_OVERLAP = 3

_SHARE_WORDS = re.compile(r"(share|percent|percentage|proportion|fraction|ratio|rate|coverage|"
                          r"tpr|urban|prevalence|pfpr|_pct|pct_)", re.IGNORECASE)
_NOT_SHARE_WORDS = re.compile(r"(per_?capita|per_?1000|per_?100k|burden|incidence|density|"
                              r"per_?person|slope)", re.IGNORECASE)
_COUNT_WORDS = re.compile(r"(population|^pop|_pop|count|tested|positive|cases|nets|"
                          r"households|facilities|deaths|births|^total|_total|number)",
                          re.IGNORECASE)


def _numeric_columns(frame: pd.DataFrame, excluded: Iterable[str]) -> list[str]:
    skip = set(IDENTITY_COLUMNS) | set(excluded) | {"geometry"}
    return [
        c for c in frame.columns
        if isinstance(c, str) and c not in skip
        and not pd.api.types.is_bool_dtype(frame[c])
        and pd.api.types.is_numeric_dtype(frame[c])
    ]


def _values(frame: pd.DataFrame, col: str) -> np.ndarray:
    return pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def identical_column_groups(frame: pd.DataFrame, columns: Iterable[str],
                            min_overlap: int = MIN_OVERLAP) -> list[list[str]]:
    """Groups (in the given order) of columns equal wherever both have a value.

    Columns equal on fewer than ``min_overlap`` wards, and constant columns (which are
    reported on their own), are not grouped.
    """
    cols = list(columns)
    data = {c: _values(frame, c) for c in cols}
    groups: list[list[str]] = []
    placed: set[str] = set()
    for i, a in enumerate(cols):
        if a in placed:
            continue
        va = data[a]
        finite_a = va[np.isfinite(va)]
        if finite_a.size < min_overlap or np.ptp(finite_a) == 0:
            continue
        group = [a]
        for b in cols[i + 1:]:
            if b in placed:
                continue
            vb = data[b]
            both = np.isfinite(va) & np.isfinite(vb)
            if both.sum() < min_overlap:
                continue
            if np.allclose(va[both], vb[both], rtol=1e-9, atol=0.0):
                group.append(b)
        if len(group) > 1:
            placed.update(group)
            groups.append(group)
    return groups


def _is_share_column(col: str) -> bool:
    return bool(_SHARE_WORDS.search(col)) and not _NOT_SHARE_WORDS.search(col)


def _share_message(col: str, rows: list[int], v: np.ndarray) -> str:
    return (f"Column {col} looks like a share or percentage, but {len(rows)} ward(s) have values "
            f"below 0 or above 100 (rows {describe_rows(rows)}; from {np.nanmin(v):g} to "
            f"{np.nanmax(v):g}). Check the column before using it.")


def _negative_message(col: str, rows: list[int], v: np.ndarray) -> str:
    return (f"Column {col} is a count but is negative for {len(rows)} ward(s) (rows "
            f"{describe_rows(rows)}). Counts cannot be below zero; correct these cells.")


# values out of range, by the kind of column: (finding, applies to the column, out of range,
# message)
_RANGE_CHECKS: tuple[tuple[str, Callable[[str], Any], Callable[[np.ndarray], np.ndarray],
                           Callable[[str, list[int], np.ndarray], str]], ...] = (
    (SHARE_RANGE, _is_share_column, lambda v: (v < 0) | (v > 100), _share_message),
    (NEGATIVE, _COUNT_WORDS.search, lambda v: v < 0, _negative_message),
)


def check_quality(frame: pd.DataFrame, excluded: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Findings about the ward table (see the module docstring), each with a ``message``."""
    excluded = list(excluded)
    cols = _numeric_columns(frame, excluded)
    findings: list[dict[str, Any]] = []

    for group in identical_column_groups(frame, cols):
        findings.append({
            "kind": IDENTICAL,
            "columns": group,
            "message": (
                f"Columns {describe_rows(group)} hold the same number in every ward where both "
                "have a value, so they are probably one measurement under several names. The "
                "default variable selection uses at most one of them; check where the others "
                "came from."
            ),
        })

    for col in cols:
        v = _values(frame, col)
        finite = v[np.isfinite(v)]
        if finite.size >= 2 and np.ptp(finite) == 0:
            findings.append({
                "kind": CONSTANT,
                "columns": [col],
                "value": float(finite[0]),
                "message": f"Column {col} has the same value ({finite[0]:g}) in every ward, so "
                           "it cannot tell wards apart and is never used for ranking.",
            })

    for kind, applies, out_of_range, message in _RANGE_CHECKS:
        for col in cols:
            if not applies(col):
                continue
            v = _values(frame, col)
            bad = np.isfinite(v) & out_of_range(v)
            if bad.any():
                rows = (np.flatnonzero(bad) + 1).tolist()
                findings.append(
                    {"kind": kind, "columns": [col], "rows": rows, "message": message(col, rows, v)}
                )

    if WARD_CODE in frame.columns:
        codes = frame[WARD_CODE].dropna().astype(str).str.strip().str.upper()
        codes = codes[codes != ""]
        dup = codes[codes.duplicated(keep=False)]
        if not dup.empty:
            groups = []
            for code, idx in dup.groupby(dup, sort=False).groups.items():
                positions = [int(frame.index.get_loc(i)) + 1 for i in idx]
                groups.append(f"{code} (rows {describe_rows(positions)})")
            findings.append({
                "kind": DUPLICATE_CODES,
                "columns": [WARD_CODE],
                "codes": sorted(set(dup)),
                "message": f"{len(groups)} ward code(s) appear on more than one row: "
                           f"{describe_rows(groups)}. Each ward must be one row.",
            })
    return findings


def quality_messages(findings: Iterable[dict[str, Any]]) -> list[str]:
    return [str(f["message"]) for f in findings]

