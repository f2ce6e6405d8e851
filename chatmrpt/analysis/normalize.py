"""Putting every variable on a 0-1 risk scale (METHODOLOGY §4)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from chatmrpt.analysis.variables import INVERSE

RECIPROCAL_EPSILON = 1e-10


def _min_max(x: np.ndarray) -> np.ndarray:
    lo, hi = np.nanmin(x), np.nanmax(x)
    if not np.isfinite(hi - lo) or hi == lo:
        # a constant column says nothing about risk: every ward sits in the middle
        return np.full_like(x, 0.5, dtype=float)
    return (x - lo) / (hi - lo)


def normalize_column(x: np.ndarray, direction: str, method: str = "linear") -> np.ndarray:
    """One variable to [0, 1], 1 = highest risk.

    ``linear``: direct (x - min) / (max - min); inverse (max - x) / (max - min).
    ``reciprocal`` (legacy compatibility): an inverse variable becomes 1 / (x + 1e-10) and is
    then min-max scaled, as the legacy tool does; one zero value makes that ward 1.0 and
    squeezes every other ward towards 0, which is why it is not the default.
    """
    x = np.asarray(x, dtype=float)
    if method == "reciprocal" and direction == INVERSE:
        with np.errstate(divide="ignore"):
            return _min_max(1.0 / (x + RECIPROCAL_EPSILON))
    n = _min_max(x)
    if direction == INVERSE:
        # 1 - direct is the same as (max - x) / (max - min), and keeps 0.5 for constants
        return 1.0 - n
    return n


def normalize(values: pd.DataFrame, directions: Mapping[str, str], method: str = "linear"
              ) -> pd.DataFrame:
    """Normalise every column of ``values`` by its direction."""
    out = {
        col: normalize_column(values[col].to_numpy(dtype=float), directions[col], method)
        for col in values.columns
    }
    return pd.DataFrame(out, index=values.index)
