"""Filling missing values from neighbouring wards (METHODOLOGY §2)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely

SPATIAL = "neighbour_mean"
COLUMN_MEAN = "column_mean"


@dataclass(frozen=True)
class Neighbours:
    """Queen contiguity as pairs of row positions, sorted by ward and then neighbour.

    ``ward[k]`` touches ``neighbour[k]``; each pair appears in both directions and no ward
    is its own neighbour. A plain edge list instead of a SciPy sparse matrix: importing
    ``scipy.sparse`` costs a tenth of a second of CPU or more, the sums below need only
    ``bincount``.
    """

    size: int
    ward: np.ndarray
    neighbour: np.ndarray

    @classmethod
    def from_pairs(cls, size: int, ward: np.ndarray, neighbour: np.ndarray) -> Neighbours:
        """From pairs in any order; a pair given twice counts once."""
        # one number per pair, ward-major: sorting and de-duplicating them is one np.unique
        keys = np.unique(np.asarray(ward, dtype=np.int64) * max(size, 1)
                         + np.asarray(neighbour, dtype=np.int64))
        return cls(size, (keys // max(size, 1)).astype(np.intp),
                   (keys % max(size, 1)).astype(np.intp))

    def of(self, row: int) -> np.ndarray:
        """The neighbours of the ward at ``row``, ascending."""
        return self.neighbour[self.ward == row]

    def sums(self, rows: np.ndarray, values: np.ndarray) -> np.ndarray:
        """For each of ``rows`` (sorted positions), the sum of ``values`` over its neighbours.

        Added up neighbour by neighbour in ascending order, as a sparse row times a vector.
        """
        chosen = np.zeros(self.size, dtype=bool)
        chosen[rows] = True
        pick = chosen[self.ward]
        totals = np.bincount(self.ward[pick], weights=values[self.neighbour[pick]],
                             minlength=self.size)
        return totals[rows]


def queen_neighbours(geometry, rows=None) -> Neighbours:
    """Queen contiguity: wards sharing an edge or a vertex.

    Built with a spatial index on ``intersects`` rather than on shared vertex lists, so
    neighbours whose common border was digitised with different vertices still count.
    Wards without geometry have no neighbours.

    ``rows``: only the neighbours of these row positions are wanted (those with a value to
    fill); the pairs of other wards are left out, which spares testing every ward against
    the index. Each listed ward's neighbours are the same as with all rows, so sums over
    them are too.
    """
    geoms = np.asarray(geometry, dtype=object)
    n = len(geoms)
    usable = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    present = np.flatnonzero(usable)
    if rows is None:
        wanted = present
    else:
        chosen = np.zeros(n, dtype=bool)
        chosen[np.asarray(rows, dtype=np.intp)] = True
        wanted = np.flatnonzero(usable & chosen)
    if present.size == 0 or wanted.size == 0:
        return Neighbours.from_pairs(n, [], [])
    tree = shapely.STRtree(geoms[present])
    left, right = tree.query(geoms[wanted], predicate="intersects")
    ward, neighbour = wanted[left], present[right]
    keep = ward != neighbour
    return Neighbours.from_pairs(n, ward[keep], neighbour[keep])


def impute_missing(
    values: pd.DataFrame,
    neighbours: Neighbours | None,
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
            rows = np.flatnonzero(missing)
            sums = neighbours.sums(rows, np.where(observed, x, 0.0))
            counts = neighbours.sums(rows, observed.astype(float))
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
