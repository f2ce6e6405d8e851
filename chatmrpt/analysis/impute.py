"""Filling missing values from neighbouring wards (METHODOLOGY §2)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

if TYPE_CHECKING:
    from scipy import sparse

SPATIAL = "neighbour_mean"
COLUMN_MEAN = "column_mean"


def queen_neighbours(geometry) -> sparse.csr_matrix:
    """Queen contiguity as a sparse 0/1 matrix: wards sharing an edge or a vertex.

    Built with a spatial index on ``intersects`` rather than on shared vertex lists, so
    neighbours whose common border was digitised with different vertices still count.
    Wards without geometry have no neighbours. The diagonal is empty.
    """
    # SciPy costs 0.15 s to import: only when a ward with boundaries has a value to fill
    from scipy import sparse

    geoms = np.asarray(geometry, dtype=object)
    n = len(geoms)
    present = np.flatnonzero([g is not None and not shapely.is_empty(g) for g in geoms])
    if present.size == 0:
        return sparse.csr_matrix((n, n), dtype=np.float64)
    sub = geoms[present]
    tree = shapely.STRtree(sub)
    left, right = tree.query(sub, predicate="intersects")
    keep = left != right
    rows, cols = present[left[keep]], present[right[keep]]
    data = np.ones(rows.size, dtype=np.float64)
    adj = sparse.csr_matrix((data, (rows, cols)), shape=(n, n))
    adj.data[:] = 1.0  # duplicates (none expected) would sum; contiguity is 0/1
    return adj


def impute_missing(
    values: pd.DataFrame,
    neighbours: sparse.csr_matrix | None,
    ward_labels: pd.Series | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, list[dict[str, Any]]]:
    """Fill each missing cell with the mean of its neighbours' *observed* values.

    Only originally observed values are used, so the result does not depend on the order
    in which cells are filled. A ward with no observed neighbour (or no boundaries at all)
    gets the column mean. Returns (filled values, boolean flags, one report row per cell).
    """
    filled = values.astype(float).copy()
    flags = pd.DataFrame(False, index=values.index, columns=values.columns)
    report: list[dict[str, Any]] = []
    labels = ward_labels if ward_labels is not None else pd.Series(values.index, index=values.index)
    for col in values.columns:
        x = values[col].to_numpy(dtype=float)
        missing = ~np.isfinite(x)
        if not missing.any():
            continue
        observed = ~missing
        col_mean = float(np.mean(x[observed])) if observed.any() else float("nan")
        fill = np.full(missing.sum(), col_mean)
        method = np.full(missing.sum(), COLUMN_MEAN, dtype=object)
        if neighbours is not None:
            rows = neighbours[np.flatnonzero(missing)]
            sums = rows @ np.where(observed, x, 0.0)
            counts = rows @ observed.astype(float)
            spatial = counts > 0
            fill[spatial] = sums[spatial] / counts[spatial]
            method[spatial] = SPATIAL
        idx = np.flatnonzero(missing)
        filled.iloc[idx, filled.columns.get_loc(col)] = fill
        flags.iloc[idx, flags.columns.get_loc(col)] = True
        for i, v, m in zip(idx, fill, method, strict=True):
            report.append({
                "ward": labels.iloc[i],
                "row": int(i),
                "variable": col,
                "method": m,
                "value": float(v),
            })
    return filled, flags, report
