"""Ward boundaries as a small GeoJSON document for the browser.

Analysts open maps over slow connections, so the boundaries are sent once per dataset, as
compact as the map needs: only the identity properties, coordinates rounded, and edges
simplified just enough to fit a byte budget (a 500-ward state in about 300 KB).

Simplification keeps neighbouring wards sharing the same border when shapely can do it
(``coverage_simplify``, shapely >= 2.1): simplifying each ward on its own would move the
two copies of a shared border differently and open slivers between wards. Older shapely,
or boundaries that are not a clean coverage, fall back to per-ward simplification with
``preserve_topology=True``.

Each feature's ``id`` is the ward's row position in the unified dataset (0-based), so the
map traces, which list the same positions in ``locations``, join to the shapes by id.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import shapely

from chatmrpt.analysis.dataset import GEOMETRY, LGA, WARD_CODE, WARD_NAME
from chatmrpt.errors import InputError
from chatmrpt.viz.layers import lga_labels

DEFAULT_MAX_BYTES = 300_000
DEFAULT_PROPERTIES = (WARD_NAME, LGA, WARD_CODE)

# 5 decimals of a degree is about 1 m on the ground: finer than any ward map needs.
MAX_DECIMALS = 5
MIN_DECIMALS = 3
# A ward is never simplified below roughly a triangle: the tolerance stops at this share
# of the typical ward's width, even when the budget is not met.
MAX_TOLERANCE_SHARE = 0.35
SEARCH_STEPS = 14

HAS_COVERAGE_SIMPLIFY = hasattr(shapely, "coverage_simplify")


def require_boundaries(gdf: pd.DataFrame) -> None:
    """InputError unless the wards have shapes: every map, picture and shape file needs them."""
    if GEOMETRY not in gdf.columns or not gdf[GEOMETRY].notna().any():
        raise InputError(
            "missing_column",
            "This analysis has no ward boundaries, so it cannot be drawn as a map. Upload the "
            "ward boundaries (zipped shapefile, GeoJSON, GeoPackage or GeoParquet) with the "
            "ward table and run the analysis again.",
            details={"column": GEOMETRY},
        )


def ward_geometries(gdf: pd.DataFrame) -> np.ndarray:
    """The wards' shapes as a shapely array in longitude/latitude (None where missing).

    Invalid shapes are repaired (``make_valid``, polygon parts only) and empty ones count
    as missing, so every shape returned can be simplified and drawn.
    """
    if GEOMETRY not in gdf.columns:
        return np.full(len(gdf), None, dtype=object)
    crs = getattr(gdf, "crs", None)
    frame = gdf.to_crs(4326) if crs is not None and not _is_lonlat(crs) else gdf
    geoms = np.array(list(frame[GEOMETRY]), dtype=object)
    geoms[pd.isna(geoms)] = None
    geoms[shapely.is_empty(geoms)] = None
    broken = np.flatnonzero(~shapely.is_valid(geoms) & ~shapely.is_missing(geoms))
    for i in broken:
        geoms[i] = _polygonal(shapely.make_valid(geoms[i]))
    return geoms


def simplify_for_web(
    gdf: pd.DataFrame,
    max_bytes: int = DEFAULT_MAX_BYTES,
    *,
    properties: Sequence[str] = DEFAULT_PROPERTIES,
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the wards that fits in about ``max_bytes`` of JSON.

    Features carry ``id`` (row position in ``gdf``) and the identity ``properties`` that
    exist (default WardName, LGA, WardCode). Wards without a shape are left out. The
    collection has a foreign member ``simplification``: ``method`` (``coverage``,
    ``per_ward`` or ``none``), ``tolerance`` (degrees), ``decimals``, ``bytes`` (compact
    JSON, ASCII), ``within_budget``, ``wards`` and ``wards_without_boundary``. When even
    the coarsest allowed simplification is over budget (thousands of wards), the coarsest
    is returned with ``within_budget`` false; give such datasets a larger budget.
    """
    geoms = ward_geometries(gdf)
    present = np.flatnonzero(pd.notna(geoms))
    shapes = geoms[present].astype(object)
    props = _feature_properties(gdf, present, properties)
    if len(shapes) == 0:
        return _collection([], "none", 0.0, MAX_DECIMALS, len(gdf), max_bytes, present)

    method = "none"
    tolerance = 0.0
    decimals = MAX_DECIMALS
    features = _features(present, props, _rounded(shapes, decimals))
    size = _size(features)
    if size > max_bytes:
        method = "coverage" if HAS_COVERAGE_SIMPLIFY else "per_ward"
        tolerance, decimals, features = _fit(
            shapes, present, props, method, max_bytes, _tolerance_cap(shapes)
        )
    return _collection(features, method, tolerance, decimals, len(gdf), max_bytes, present)


def geojson_bytes(collection: dict[str, Any]) -> bytes:
    """The collection as compact JSON bytes, as the web layer should send it."""
    return json.dumps(collection, separators=(",", ":"), allow_nan=False).encode("ascii")


# --- internals ------------------------------------------------------------------------------


def _is_lonlat(crs: Any) -> bool:
    try:
        return crs.to_epsg() == 4326 or (crs.is_geographic and "WGS 84" in crs.name)
    except AttributeError:
        return True


def _polygonal(geom: Any) -> Any:
    """Only the polygon parts of a repaired shape (make_valid can add lines or points)."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [
        g
        for g in shapely.get_parts(geom)
        if g.geom_type in ("Polygon", "MultiPolygon") and not g.is_empty
    ]
    if not parts:
        return None
    return shapely.union_all(parts)


def _feature_properties(
    gdf: pd.DataFrame, rows: np.ndarray, names: Sequence[str]
) -> list[dict[str, Any]]:
    cols = [c for c in names if c in gdf.columns]
    values = {c: gdf[c].to_numpy(dtype=object)[rows] for c in cols}
    out = []
    for k in range(len(rows)):
        out.append({c: (None if _missing(values[c][k]) else str(values[c][k])) for c in cols})
    return out


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _tolerance_cap(shapes: np.ndarray) -> float:
    bounds = shapely.bounds(shapes)
    widths = np.maximum(bounds[:, 2] - bounds[:, 0], bounds[:, 3] - bounds[:, 1])
    typical = float(np.median(widths)) if len(widths) else 0.0
    return max(typical * MAX_TOLERANCE_SHARE, 1e-9)


def _decimals_for(tolerance: float) -> int:
    """Coordinates need about one decimal finer than the simplification tolerance."""
    if tolerance <= 0:
        return MAX_DECIMALS
    wanted = math.ceil(-math.log10(tolerance)) + 1
    return int(min(MAX_DECIMALS, max(MIN_DECIMALS, wanted)))


def _simplified(shapes: np.ndarray, tolerance: float, method: str) -> np.ndarray:
    if method == "coverage":
        # Wards that overlap or leave gaps are simplified edge by edge too; only a ward
        # that comes out broken is redone on its own.
        try:
            out = shapely.coverage_simplify(shapes, tolerance)
        except shapely.errors.GEOSException:
            return shapely.simplify(shapes, tolerance, preserve_topology=True)
        bad = np.flatnonzero(shapely.is_empty(out) | ~shapely.is_valid(out))
        if len(bad):
            out = out.copy()
            out[bad] = shapely.simplify(shapes[bad], tolerance, preserve_topology=True)
        return out
    return shapely.simplify(shapes, tolerance, preserve_topology=True)


def _rounded(shapes: np.ndarray, decimals: int) -> np.ndarray:
    rounded = shapely.transform(shapes, lambda xy: np.round(xy, decimals))
    # RFC 7946: exterior rings counter-clockwise, holes clockwise
    if hasattr(shapely, "orient_polygons"):
        rounded = shapely.orient_polygons(rounded, exterior_cw=False)
    return rounded


def _features(
    rows: np.ndarray, props: list[dict[str, Any]], shapes: np.ndarray
) -> list[dict[str, Any]]:
    return [
        {
            "type": "Feature",
            "id": int(rows[k]),
            "properties": props[k],
            "geometry": shapely.geometry.mapping(shapes[k]),
        }
        for k in range(len(rows))
    ]


def _size(features: list[dict[str, Any]]) -> int:
    # the envelope around the features is small and the same at every tolerance
    return (
        len(
            json.dumps(
                {"type": "FeatureCollection", "features": features},
                separators=(",", ":"),
                allow_nan=False,
            )
        )
        + 200
    )


def _fit(
    shapes: np.ndarray,
    rows: np.ndarray,
    props: list[dict[str, Any]],
    method: str,
    max_bytes: int,
    cap: float,
) -> tuple[float, int, list[dict[str, Any]]]:
    """The smallest tolerance whose JSON fits, by bisection in log space.

    Vertex counts predict the size between exact measurements: the bytes a vertex costs at
    a given precision are measured once, so each step only simplifies and counts. Each
    step simplifies the shapes of the largest tolerance known to be too small rather than
    the originals: simplification composes closely enough, and the work shrinks as the
    search narrows.
    """
    empty = np.full(len(rows), shapely.Polygon(), dtype=object)
    fixed = _size(_features(rows, props, empty))
    per_vertex = {d: _bytes_per_vertex(shapes, d) for d in range(MIN_DECIMALS, MAX_DECIMALS + 1)}

    def predicted(simple: np.ndarray, tol: float) -> float:
        polygons = shapely.get_parts(simple)
        rings = len(polygons) + int(shapely.get_num_interior_rings(polygons).sum())
        vertices = int(shapely.get_num_coordinates(simple).sum())
        return fixed + vertices * per_vertex[_decimals_for(tol)] + 3 * (rings + len(polygons))

    lo, hi = cap * 1e-4, cap
    lo_shapes = shapes
    hi_shapes = _simplified(shapes, hi, method)
    if predicted(hi_shapes, hi) <= max_bytes:
        for _ in range(SEARCH_STEPS):
            mid = math.sqrt(lo * hi)
            simple = _simplified(lo_shapes, mid, method)
            if predicted(simple, mid) <= max_bytes:
                hi, hi_shapes = mid, simple
            else:
                lo, lo_shapes = mid, simple
            if hi / lo < 1.15:
                break
    tol = hi
    while True:
        decimals = _decimals_for(tol)
        features = _features(rows, props, _rounded(hi_shapes, decimals))
        if _size(features) <= max_bytes or tol >= cap:
            return tol, decimals, features
        tol = min(cap, tol * 1.3)
        hi_shapes = _simplified(hi_shapes, tol, method)


def _bytes_per_vertex(shapes: np.ndarray, decimals: int) -> float:
    coords = shapely.get_coordinates(shapes[: min(len(shapes), 50)])
    if len(coords) == 0:
        return 20.0
    sample = np.round(coords[:2000], decimals).tolist()
    return len(json.dumps(sample, separators=(",", ":"))) / len(sample)


def _collection(
    features: list[dict[str, Any]],
    method: str,
    tolerance: float,
    decimals: int,
    n_wards: int,
    max_bytes: int,
    present: np.ndarray,
) -> dict[str, Any]:
    collection: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    meta = {
        "method": method,
        "tolerance": float(f"{tolerance:.3g}"),
        "decimals": decimals,
        "wards": int(len(present)),
        "wards_without_boundary": int(n_wards - len(present)),
        "max_bytes": int(max_bytes),
    }
    collection["simplification"] = meta
    # the size includes this record, whose own length depends on the number it holds
    meta["bytes"], meta["within_budget"] = 0, True
    for _ in range(3):
        measured = len(geojson_bytes(collection))
        meta["bytes"], meta["within_budget"] = measured, measured <= max_bytes
    return collection


# --- LGA outlines ---------------------------------------------------------------------------

LGA_OUTLINE_TOLERANCE = 0.0005  # degrees (~50 m): an outline drawn over wards, not measured


def lga_ranks(unified: pd.DataFrame) -> dict[str, int]:
    """Each LGA's rank by the mean composite score of its wards (1 = most vulnerable)."""
    if "composite_score" not in unified.columns:
        return {}
    frame = pd.DataFrame(
        {
            "lga": lga_labels(unified),
            "score": pd.to_numeric(unified["composite_score"], errors="coerce"),
        }
    )
    frame = frame[frame["lga"] != ""]
    means = frame.groupby("lga")["score"].mean().dropna()
    order = means.rank(ascending=False, method="min")
    return {str(k): int(v) for k, v in order.items()}


def lga_outlines(unified: pd.DataFrame) -> dict[str, Any]:
    """The LGAs' outlines, dissolved from their wards' shapes, as GeoJSON lines.

    One feature per LGA (its name, or its code when the table has codes only), with the
    LGA's ``rank`` by mean composite score and its number of ``wards``. Wards without an
    LGA or a shape are left out; a table without LGAs gives an empty collection.
    """
    features: list[dict[str, Any]] = []
    if GEOMETRY not in unified.columns:
        return {"type": "FeatureCollection", "features": features}
    labels = np.array(lga_labels(unified), dtype=object)
    geoms = np.array(list(unified[GEOMETRY]), dtype=object)
    has = np.array([g is not None and not shapely.is_empty(g) for g in geoms], dtype=bool)
    ranks = lga_ranks(unified)
    for name in sorted({str(x) for x in labels[has & (labels != "")]}):
        parts = shapely.make_valid(geoms[has & (labels == name)])
        merged = shapely.union_all(parts, grid_size=1e-7)
        line = shapely.simplify(shapely.boundary(merged), LGA_OUTLINE_TOLERANCE)
        if shapely.is_empty(line):
            continue
        geometry = json.loads(shapely.to_geojson(shapely.set_precision(line, 1e-5)))
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "name": name,
                    "rank": ranks.get(name),
                    "wards": int((has & (labels == name)).sum()),
                },
                "geometry": geometry,
            }
        )
    return {"type": "FeatureCollection", "features": features}


# --- computed once: in the analysis job, or by one request at a time -------------------------

# how long one request may hold the right to compute a view before another may take over
FLIGHT_S = 120.0
_WAIT_STEP_S = 0.25


class ClientGone(Exception):
    """The client that asked for a view has gone: nothing is computed for it."""


def compute_once(
    store: Any,
    name: str,
    find: Callable[[], Any],
    make: Callable[[], Any],
    *,
    client_gone: Callable[[], bool] | None = None,
    flight_s: float = FLIGHT_S,
) -> Any:
    """``find()`` when it finds something, else ``make()`` — by one caller at a time.

    Single-flight across workers and machines through the store's atomic counter
    (``Store.hit``): the first caller in a ``flight_s`` window computes; the others wait for
    ``find()`` to see its result (or for the window to pass, if that caller died). A caller
    whose client has gone (``client_gone()``) stops waiting and never starts computing.
    """
    while True:
        found = find()
        if found is not None:
            return found
        if client_gone is not None and client_gone():
            raise ClientGone(name)
        count, _ = store.hit(f"flight:{name}", flight_s)
        if count == 1:
            return make()
        time.sleep(_WAIT_STEP_S)
