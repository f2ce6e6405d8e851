"""CSV files a spreadsheet can open without running anything (OWASP "CSV injection").

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
read by Excel, LibreOffice and Google Sheets as a formula (``=HYPERLINK(...)``,
``+1+2``, ``@SUM(1+1)``). Every CSV the service and the command line write goes through
:func:`csv_text` / :func:`write_csv`, which put a single quote before such cells, so the
spreadsheet shows the text instead of evaluating it. Numbers are never touched: numeric
columns are written as they are, and a text cell that is exactly a number (``-3``,
``+1.5e3``) is left alone, since a spreadsheet reads it as that number and nothing more.
Column names get the same treatment as cells.

Files the project reads back itself (a ward table rebuilt inside a job) are not exports
and are written with plain ``to_csv``.
"""

from __future__ import annotations

import re
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas is imported when a CSV is written: web workers start without it
    import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_FIRST = frozenset(TRIGGERS) | {"'"}
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _risky(value: str) -> bool:
    # quotes already in front count too, so that reading back (restore_text) is exact:
    # "'=x" is written "''=x" and read back "'=x"
    return value.lstrip("'")[:1] in TRIGGERS and not _PLAIN_NUMBER.fullmatch(value)


def neutralise_text(value: str) -> str:
    """``value`` with a leading single quote when a spreadsheet would run it."""
    return "'" + value if _risky(value) else value


def restore_text(value: str) -> str:
    """The text :func:`neutralise_text` was given (for reading our own CSVs back)."""
    if value[:1] == "'" and _risky(value[1:]):
        return value[1:]
    return value


def _neutralise_cell(value: Any) -> Any:
    return neutralise_text(value) if isinstance(value, str) else value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names cannot act as formulas.

    Only columns that can hold text are looked at; numeric, boolean and date columns are
    returned unchanged (the same values, the same dtype).
    """
    import pandas as pd

    out = pd.DataFrame(frame, copy=False)
    changed: dict[Any, pd.Series] = {}
    for position in range(out.shape[1]):
        series = out.iloc[:, position]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        if pd.api.types.is_datetime64_any_dtype(series):
            continue
        values = series.to_numpy(dtype=object)
        risky = [
            i for i, v in enumerate(values)
            if isinstance(v, str) and v[:1] in _FIRST and _risky(v)
        ]
        if risky:
            values = values.copy()
            for i in risky:
                values[i] = "'" + values[i]
            changed[position] = pd.Series(values, index=series.index, dtype=object)
    columns = [neutralise_text(c) if isinstance(c, str) else c for c in out.columns]
    if not changed and columns == list(out.columns):
        return out
    out = out.copy()
    for position, series in changed.items():
        out.isetitem(position, series)
    out.columns = columns
    return out


def csv_text(frame: pd.DataFrame, **kwargs: Any) -> str:
    """The frame as CSV text (no index, ``\\n`` line ends), formulas neutralised."""
    kwargs.setdefault("index", False)
    kwargs.setdefault("lineterminator", "\n")
    return safe_frame(frame).to_csv(**kwargs)


def csv_bytes(frame: pd.DataFrame, **kwargs: Any) -> bytes:
    return csv_text(frame, **kwargs).encode("utf-8")


def write_csv(frame: pd.DataFrame, target: str | Any | IO[str], **kwargs: Any) -> None:
    """Write the frame as CSV to a path or an open text file, formulas neutralised."""
    kwargs.setdefault("index", False)
    kwargs.setdefault("lineterminator", "\n")
    safe_frame(frame).to_csv(target, **kwargs)


def restore_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`safe_frame` on a frame read from one of our CSVs (text columns only)."""
    import pandas as pd

    frame = frame.copy()
    frame.columns = [restore_text(c) if isinstance(c, str) else c for c in frame.columns]
    for position in range(frame.shape[1]):
        series = frame.iloc[:, position]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        if not series.map(lambda v: isinstance(v, str) and v[:1] == "'").any():
            continue
        frame.isetitem(
            position, series.map(lambda v: restore_text(v) if isinstance(v, str) else v)
        )
    return frame
