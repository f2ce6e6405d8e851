"""Synthetic ward datasets with realistic boundaries, for the map benchmarks and tests.

Wards are Voronoi cells in a box the size of a Nigerian state, denser around a few towns,
with every shared border drawn once as a wiggly line of many vertices and then turned into
polygons. So neighbouring wards share their borders exactly (a clean coverage, as good
ward layers are), and a ward has a few hundred vertices, as surveyed boundaries do. The
variables follow a smooth risk surface, so the analysis finds structure (and PCA is
usually suitable). Everything is a pure function of the seed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import shapely

from chatmrpt.analysis.dataset import LGA, WARD_CODE, WARD_NAME, WardDataset, sha256_bytes
from chatmrpt.analysis.params import AnalysisParams
from chatmrpt.analysis.pipeline import run_analysis

# about the size of Kano State: 3 x 2.5 degrees
DEFAULT_BOX = (7.6, 10.6, 10.6, 13.1)
VARIABLES = ("u5_tpr_rdt", "rainfall", "housing_quality", "distance_to_waterbodies",
             "urban_percentage")  # fmt: skip
# names that repeat across LGAs, as "Sabon Gari" does in the field
COMMON_NAMES = ("Sabon Gari", "Kofar Kudu", "Gidan Dawa", "Tudun Wada", "Unguwar Rimi",
                "Dan Magaji", "Kawo", "Hausari", "Gwammaja", "Kurna")  # fmt: skip


def synthetic_wards(
    n_wards: int,
    seed: int = 0,
    *,
    vertices_per_edge: int = 40,
    box: tuple[float, float, float, float] = DEFAULT_BOX,
) -> pd.DataFrame:
    """A GeoDataFrame of about ``n_wards`` wards: identity columns, variables, Population."""
    import geopandas as gpd

    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = box
    towns = rng.uniform((x0, y0), (x1, y1), size=(3, 2))
    n_town = int(n_wards * 0.3)
    around = towns[rng.integers(0, 3, n_town)] + rng.normal(0, 0.12, size=(n_town, 2))
    spread = rng.uniform((x0, y0), (x1, y1), size=(n_wards - n_town, 2))
    seeds = np.vstack([around, spread])
    seeds[:, 0] = np.clip(seeds[:, 0], x0 + 1e-3, x1 - 1e-3)
    seeds[:, 1] = np.clip(seeds[:, 1], y0 + 1e-3, y1 - 1e-3)

    outline = shapely.box(*box)
    edges = shapely.voronoi_polygons(shapely.MultiPoint(seeds), extend_to=outline, only_edges=True)
    network = shapely.union_all([shapely.intersection(edges, outline), outline.boundary])
    lines = [_wiggle(line, rng, vertices_per_edge) for line in shapely.get_parts(network)]
    polygons = np.asarray(shapely.get_parts(shapely.polygonize(lines)), dtype=object)
    polygons = polygons[shapely.area(polygons) > 0]
    # a stable order: south-west to north-east by centroid
    cent = shapely.get_coordinates(shapely.centroid(polygons))
    order = np.lexsort((cent[:, 0], np.round(cent[:, 1], 2)))
    polygons, cent = polygons[order], cent[order]

    n = len(polygons)
    lga_index = _lga_index(cent, box)
    lga_names = np.array([f"LGA {i + 1:02d}" for i in range(lga_index.max() + 1)])
    names, codes = _ward_names(lga_index, rng)

    dist_town = np.min(
        np.hypot(cent[:, None, 0] - towns[None, :, 0], cent[:, None, 1] - towns[None, :, 1]), axis=1
    )
    urban = np.clip(100 * np.exp(-((dist_town / 0.25) ** 2)) + rng.normal(0, 4, n), 0, 100)
    risk = _surface(cent, rng, box)
    values: dict[str, Any] = {
        "u5_tpr_rdt": np.clip(0.15 + 0.6 * risk - 0.002 * urban + rng.normal(0, 0.05, n), 0, 1),
        "rainfall": 700 + 500 * risk + rng.normal(0, 40, n),
        "housing_quality": np.clip(0.6 - 0.4 * risk + 0.003 * urban + rng.normal(0, 0.05, n), 0, 1),
        "distance_to_waterbodies": np.clip(4000 * (1 - risk) + rng.normal(0, 300, n), 0, None),
        "urban_percentage": urban,
    }
    area = shapely.area(polygons)
    population = np.round(area / area.mean() * 15_000 * (1 + urban / 25) * rng.lognormal(0, 0.3, n))
    frame = pd.DataFrame(
        {
            WARD_NAME: names,
            WARD_CODE: codes,
            LGA: lga_names[lga_index],
            "State": "Kano",
            "StateCode": "KN",
            **values,
            "Population": population,
        }
    )
    return gpd.GeoDataFrame(frame, geometry=list(polygons), crs="EPSG:4326")


def synthetic_dataset(n_wards: int, seed: int = 0, **kwargs: Any) -> WardDataset:
    wards = synthetic_wards(n_wards, seed, **kwargs)
    digest = sha256_bytes(f"synthetic:{n_wards}:{seed}:{sorted(kwargs.items())}".encode())
    return WardDataset(
        wards=wards,
        sources={"table": {"name": "synthetic.csv", "sha256": digest}},
        join_report={"matched": len(wards), "unmatched_table": [], "unmatched_boundaries": []},
    )


def synthetic_analysis(n_wards: int, seed: int = 0, **kwargs: Any):
    """The analysis of a synthetic dataset (an ``AnalysisResult``) with the usual variables."""
    dataset = synthetic_dataset(n_wards, seed, **kwargs)
    return run_analysis(dataset, AnalysisParams.from_dict({"variables": list(VARIABLES)}))


def _wiggle(line: Any, rng: np.random.Generator, vertices: int) -> Any:
    """The edge as a smooth wavy line with fixed ends (``vertices`` points per edge)."""
    coords = shapely.get_coordinates(line)
    if len(coords) != 2 or vertices <= 2:
        return line
    a, b = coords
    t = np.linspace(0.0, 1.0, vertices)
    d = b - a
    length = float(np.hypot(*d))
    if length == 0:
        return line
    normal = np.array([-d[1], d[0]]) / length
    phase = rng.uniform(0, 2 * np.pi, 3)
    wave = (
        np.sin(3 * np.pi * t + phase[0])
        + 0.5 * np.sin(7 * np.pi * t + phase[1])
        + 0.25 * np.sin(13 * np.pi * t + phase[2])
    )
    offset = 0.06 * length * np.sin(np.pi * t) * wave
    pts = a + np.outer(t, d) + np.outer(offset, normal)
    pts[0], pts[-1] = a, b
    return shapely.LineString(pts)


def _lga_index(cent: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    x0, y0, x1, y1 = box
    cols = np.clip(((cent[:, 0] - x0) / (x1 - x0) * 5).astype(int), 0, 4)
    rows = np.clip(((cent[:, 1] - y0) / (y1 - y0) * 4).astype(int), 0, 3)
    raw = rows * 5 + cols
    _, index = np.unique(raw, return_inverse=True)
    return index


def _ward_names(lga_index: np.ndarray, rng: np.random.Generator) -> tuple[list[str], list[str]]:
    names, codes = [], []
    counters: dict[int, int] = {}
    for lga in lga_index.tolist():
        k = counters.get(lga, 0) + 1
        counters[lga] = k
        base = COMMON_NAMES[k - 1] if k <= len(COMMON_NAMES) else f"Ward {k}"
        names.append(base)
        codes.append(f"KN{lga + 1:02d}{k:03d}")
    return names, codes


def _surface(
    cent: np.ndarray, rng: np.random.Generator, box: tuple[float, float, float, float]
) -> np.ndarray:
    x0, y0, x1, y1 = box
    bumps = rng.uniform((x0, y0), (x1, y1), size=(4, 2))
    width = 0.25 * max(x1 - x0, y1 - y0)
    field = np.zeros(len(cent))
    for bx, by in bumps:
        field += np.exp(-(((cent[:, 0] - bx) ** 2 + (cent[:, 1] - by) ** 2) / (2 * width**2)))
    field -= field.min()
    return field / field.max() if field.max() > 0 else field
