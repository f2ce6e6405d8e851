"""Column aliases (METHODOLOGY §1) and the detection of identity and row-number columns.

Headers arrive as "Ward Name", "ward_name", "WardName", "WARD.NAME" (R's check.names) and
so on; they are compared by a key that ignores case, spaces, underscores, dots and hyphens.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from chatmrpt.analysis.dataset import LGA, LGA_CODE, STATE, STATE_CODE, WARD_CODE, WARD_NAME

WARD_NAME_ALIASES = ("WardName", "ward_name", "Ward Name", "Ward", "ward_nm")
WARD_CODE_ALIASES = ("WardCode", "ward_code", "Ward Code")
LGA_ALIASES = ("LGA", "LGAName", "lga_name", "LGA Name")
LGA_CODE_ALIASES = ("LGACode", "lga_code", "LGA Code")
STATE_ALIASES = ("State", "StateName", "state_name", "State Name")
STATE_CODE_ALIASES = ("StateCode", "state_code", "State Code")

POPULATION_ALIASES = ("Population", "population", "pop", "total_population")
URBAN_SHARE_ALIASES = (
    "urbanPercentage",
    "UrbanPercentage",
    "urban_percentage",
    "urban_percent",
    "UrbanPercent",
    "percent_urban",
    "urban_perc",  # a shapefile's 10-character field names truncate "urban_percentage"
)

IDENTITY_ALIASES: dict[str, tuple[str, ...]] = {
    WARD_NAME: WARD_NAME_ALIASES,
    WARD_CODE: WARD_CODE_ALIASES,
    LGA: LGA_ALIASES,
    LGA_CODE: LGA_CODE_ALIASES,
    STATE: STATE_ALIASES,
    STATE_CODE: STATE_CODE_ALIASES,
}

# Headers that hold row numbers or feature ids (R's write.csv "" and "X", pandas' index,
# GIS object ids, readr's "...1").
IDENTIFIER_NAMES = frozenset({"", "x", "index", "id", "fid", "objectid", "ogc_fid", "rownames",
                              "row_id", "rowid", "...1"})  # fmt: skip
_UNNAMED = re.compile(r"unnamed: ?\d+(_level_\d+)?", re.IGNORECASE)
_KEY_DROP = str.maketrans("", "", " _.-\t")


def column_key(name: object) -> str:
    """Comparison form of a header: case, spaces, underscores, dots and hyphens ignored."""
    return str(name).strip().lower().translate(_KEY_DROP)


def find_column(columns: Iterable[str], aliases: Sequence[str]) -> str | None:
    """The first column matching an alias, trying the aliases in order; None if none does.

    A column spelled exactly like the alias wins over one that only matches by key.
    """
    cols = [c for c in columns if isinstance(c, str)]
    keys = [column_key(c) for c in cols]
    for alias in aliases:
        if alias in cols:
            return alias
        key = column_key(alias)
        for col, col_key in zip(cols, keys, strict=True):
            if col_key == key:
                return col
    return None


def match_identity_columns(columns: Iterable[str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Which header becomes which canonical identity column, and which ones lost a tie.

    Returns ``(original -> canonical, canonical -> [other columns that also matched])``.
    When several headers match one canonical name, a header spelled exactly like the
    canonical name wins, then the earlier alias, then the earlier column.
    """
    cols = [c for c in columns if isinstance(c, str)]
    keys = [column_key(c) for c in cols]
    mapping: dict[str, str] = {}
    conflicts: dict[str, list[str]] = {}
    for canonical, aliases in IDENTITY_ALIASES.items():
        alias_rank = {}
        for rank, alias in enumerate(aliases):
            alias_rank.setdefault(column_key(alias), rank)
        found = [
            (0 if col == canonical else 1, alias_rank[key], pos, col)
            for pos, (col, key) in enumerate(zip(cols, keys, strict=True))
            if key in alias_rank
        ]
        if not found:
            continue
        found.sort()
        mapping[found[0][3]] = canonical
        if len(found) > 1:
            conflicts[canonical] = [item[3] for item in found[1:]]
    return mapping, conflicts


def canonicalise_identity_columns(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Rename identity aliases to WardName/WardCode/LGA/LGACode/State/StateCode.

    Returns the renamed frame and ``{original header: canonical name}`` for every identity
    column found. When two headers match one canonical name the first (see
    ``match_identity_columns``) is renamed and the others keep their names; use
    ``match_identity_columns`` to report them.
    """
    mapping, _conflicts = match_identity_columns(df.columns)
    renames = {orig: canon for orig, canon in mapping.items() if orig != canon}
    out = df.rename(columns=renames) if renames else df
    return out, mapping


def _is_identifier_name(name: object) -> bool:
    text = str(name).strip()
    return text.lower() in IDENTIFIER_NAMES or bool(_UNNAMED.fullmatch(text))


# Names a row-number column goes by. A column so named whose values are 1..n or 0..n-1 is
# row numbers; a column with any other name is a measurement, whatever its values (a
# count of 1, 2, 3... in table order is rare, but it is the user's to say).
ROW_NUMBER_KEYS = frozenset({"row", "rows", "rowno", "rownumber", "rownum", "seq", "sequence",
                             "no", "n", "sn", "s/n", "#", "serial", "serialno", "sl", "slno",
                             "num", "number", "nr", "idx", "i"})  # fmt: skip


def _is_row_number_name(name: object) -> bool:
    text = str(name).strip().lower()
    return text.translate(_KEY_DROP) in ROW_NUMBER_KEYS or text.rstrip(".") in ROW_NUMBER_KEYS


def _is_row_number_sequence(values: pd.Series) -> bool:
    n = len(values)
    if n < 3:  # two rows "1, 2" are as likely a measurement as a row number
        return False
    arr = values.to_numpy(dtype=float, na_value=np.nan)
    if not np.isfinite(arr).all():
        return False
    if arr[0] not in (0.0, 1.0):
        return False
    return bool(np.array_equal(arr, np.arange(arr[0], arr[0] + n)))


def identifier_like_columns(df: pd.DataFrame) -> list[str]:
    """Numeric columns holding row numbers or ids, which must never be risk variables.

    That is: headers that are empty, "Unnamed: N", "X", "index", "id", "fid", "objectid"
    (any case), and a column named like a row number ("row", "seq", "S/N", "No."...) whose
    values are exactly 1..n or 0..n-1 in order. Any other named column is a variable even
    when its values are 1..n. The canonical identity columns are not listed (they are
    never variables anyway).
    """
    out = []
    identity = set(IDENTITY_ALIASES)
    for col in df.columns:
        if col in identity or col == "geometry":
            continue
        series = df[col]
        if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
            continue
        if _is_identifier_name(col) or (
            _is_row_number_name(col) and _is_row_number_sequence(series)
        ):
            out.append(col)
    return out
