"""LGA names for ward tables that carry LGA codes only (e.g. ``LGACode`` 20043).

A deployment can name its LGAs in a small CSV of two columns, code and name
(``CHATMRPT_LGA_NAMES_FILE``; headers ``code,name`` or ``LGACode,LGA``/``LGAName``). A
ward table with codes and no name column then gets an ``LGA`` column from it, so maps'
hovers, tables, downloads and reports name the LGA. A code the file does not know keeps
the code as its label. A table that already names its LGAs is left as it is.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd

from chatmrpt.analysis.dataset import LGA, LGA_CODE
from chatmrpt.errors import InputError

CODE_HEADERS = ("code", "lgacode", "lga_code")
NAME_HEADERS = ("name", "lga", "lganame", "lga_name")
MAX_BYTES = 2 * 1024 * 1024


def code_text(value: object) -> str:
    """A code as text, the same whether it was read as 20043, 20043.0 or "20043"."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return ""
    text = str(value).strip()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text


def _bad(path: Path, why: str) -> InputError:
    return InputError(
        "internal_error",
        f"The LGA names file configured for this service ({path.name}) {why}; tell the "
        "administrator (CHATMRPT_LGA_NAMES_FILE).",
    )


def read_lga_names(path: Path) -> dict[str, str]:
    """``{code: name}`` from the names file; a clear error when it cannot be used."""
    try:
        size = path.stat().st_size
    except OSError:
        raise _bad(path, "is missing") from None
    mtime = path.stat().st_mtime_ns
    return dict(_read(str(path), size, mtime))


@functools.lru_cache(maxsize=4)
def _read(path_text: str, size: int, mtime: int) -> tuple[tuple[str, str], ...]:
    path = Path(path_text)
    if size > MAX_BYTES:
        raise _bad(path, f"is larger than {MAX_BYTES // 1024 // 1024} MB")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise _bad(path, f"is not a readable CSV ({exc.__class__.__name__})") from None
    headers = {str(c).strip().lower(): c for c in frame.columns}
    code = next((headers[h] for h in CODE_HEADERS if h in headers), None)
    name = next((headers[h] for h in NAME_HEADERS if h in headers), None)
    if code is None or name is None:
        raise _bad(path, "needs two columns, code and name")
    pairs: dict[str, str] = {}
    for raw_code, raw_name in zip(frame[code], frame[name], strict=True):
        key, label = code_text(raw_code), str(raw_name).strip()
        if not key or not label:
            continue
        if key in pairs and pairs[key] != label:
            raise _bad(path, f"gives two names for LGA code {key}")
        pairs[key] = label
    return tuple(pairs.items())


def with_lga_names(frame: pd.DataFrame, names: dict[str, str] | None) -> pd.DataFrame:
    """``frame`` with an ``LGA`` column named from ``names`` when it has codes only."""
    if not names or LGA in frame.columns or LGA_CODE not in frame.columns:
        return frame
    codes = [code_text(v) for v in frame[LGA_CODE].to_numpy(dtype=object)]
    if not any(c in names for c in codes):
        return frame
    out = frame.copy()
    position = list(out.columns).index(LGA_CODE)
    out.insert(position, LGA, [names.get(c, c) if c else None for c in codes])
    return out
