"""Field inputs written inside the tests over the real fixtures' boundaries.

- a population raster: a constant number of people per pixel over the boundaries' extent
  (EPSG:4326, 0.002° pixels), so a ward's population is its area in pixels × the density;
- under-five and women 15–49 rasters: fixed fractions of it;
- a built-up raster: 1 in the eastern half of the extent, 0 in the western half;
- a DHIS2-style facility export with two facilities per ward of the boundaries and known
  counts (RDT and microscopy for under-fives), so TPR and burden can be checked by hand;
- a population table (WardCode or WardName, Population) with known numbers.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

DATA = Path(__file__).parent / "data"
KANO_TABLE = DATA / "kano_metro" / "kano_metro_variables.csv"
KANO_BOUNDARIES = DATA / "kano_metro" / "kano_metro_wards.zip"
ILORIN_TABLE = DATA / "ilorin" / "ilorin_variables.csv"
ILORIN_BOUNDARIES = DATA / "ilorin" / "ilorin_wards.zip"

PIXEL = 0.002  # degrees
PEOPLE_PER_PIXEL = 40.0
U5_SHARE = 0.2
WOMEN_SHARE = 0.25

RDT = "Persons presenting with fever & tested by RDT <5yrs"
RDT_POS = "Persons tested positive for malaria by RDT <5yrs"
MIC = "Persons presenting with fever and tested by Microscopy <5yrs"
MIC_POS = "Persons tested positive for malaria by Microscopy <5yrs"


def boundaries(path: Path) -> gpd.GeoDataFrame:
    frame = gpd.read_file(f"zip://{path}")
    if frame.crs is None:
        frame = frame.set_crs("EPSG:4326")
    return frame.to_crs("EPSG:4326")


def _grid(path: Path, extent, values_fn, dtype="float32", nodata=None) -> Path:
    import rasterio
    from affine import Affine

    minx, miny, maxx, maxy = extent
    minx, miny = minx - 2 * PIXEL, miny - 2 * PIXEL
    width = int(np.ceil((maxx - minx) / PIXEL)) + 4
    height = int(np.ceil((maxy - miny) / PIXEL)) + 4
    transform = Affine(PIXEL, 0.0, minx, 0.0, -PIXEL, miny + height * PIXEL)
    cols = minx + (np.arange(width) + 0.5) * PIXEL
    data = values_fn(np.broadcast_to(cols, (height, width))).astype(dtype)
    profile = {"driver": "GTiff", "width": width, "height": height, "count": 1,
               "dtype": dtype, "crs": "EPSG:4326", "transform": transform}
    if nodata is not None:
        profile["nodata"] = nodata
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)
    return path


def population_raster(path: Path, boundaries_path: Path, share: float = 1.0) -> Path:
    extent = boundaries(boundaries_path).total_bounds
    return _grid(path, extent, lambda x: np.full(x.shape, PEOPLE_PER_PIXEL * share))


def builtup_raster(path: Path, boundaries_path: Path) -> Path:
    """1 east of the extent's middle longitude, 0 west of it."""
    extent = boundaries(boundaries_path).total_bounds
    middle = (extent[0] + extent[2]) / 2
    return _grid(path, extent, lambda x: (x > middle).astype(float), dtype="uint8")


def expected_population(boundaries_path: Path) -> pd.Series:
    """People per ward under the constant density (area in pixels × density), by WardName."""
    frame = boundaries(boundaries_path)
    with warnings.catch_warnings():  # planar degrees on purpose: the raster's grid is too
        warnings.simplefilter("ignore", UserWarning)
        pixels = frame.geometry.area / (PIXEL * PIXEL)
    return pd.Series((pixels * PEOPLE_PER_PIXEL).to_numpy(), index=frame["WardName"].to_numpy())


def facility_export(path: Path, boundaries_path: Path, *, months: int = 3,
                    years: tuple[int, ...] = (2024,), growth=None) -> pd.DataFrame:
    """Two facilities per ward; ward i has RDT tested 100 and positive 10 + i per facility
    and month, microscopy tested 50 and positive 5 per facility and month (a lower rate).

    Several ``years``: in the k-th year (from 0) ward i's RDT positive is
    10 + i + growth(i, k) (0 without ``growth``)."""
    frame = boundaries(boundaries_path)
    rows = []
    for i, ward in enumerate(frame["WardName"]):
        lga = str(frame["LGACode"].iloc[i])
        for k, year in enumerate(years):
            for facility in (1, 2):
                for month in range(1, months + 1):
                    rows.append({
                        "orgunitlevel1": "Nigeria",
                        "orgunitlevel2": "Test State",
                        "orgunitlevel3": f"{lga} Local Government Area",
                        "orgunitlevel4": f"{ward} Ward",
                        "organisationunitname": f"{ward} Health Post {facility}",
                        "FacilityLevel": "Primary",
                        "periodname": f"{['January', 'February', 'March'][month - 1]} {year}",
                        RDT: 100, RDT_POS: 10 + i + (growth(i, k) if growth else 0),
                        MIC: 50, MIC_POS: 5,
                    })
    export = pd.DataFrame(rows)
    export.to_csv(path, index=False)
    return export


def expected_positive(boundaries_path: Path, months: int = 3) -> pd.Series:
    frame = boundaries(boundaries_path)
    values = [(10 + i) * 2 * months for i in range(len(frame))]
    return pd.Series(values, index=frame["WardName"].to_numpy(), dtype=float)


def population_table(path: Path, boundaries_path: Path, *, by: str = "WardCode") -> pd.Series:
    """Population 1,000 + 100 × i for the i-th ward of the boundaries; returns it indexed by
    the ``by`` column."""
    frame = boundaries(boundaries_path)
    people = 1000.0 + 100.0 * np.arange(len(frame))
    table = pd.DataFrame({by: frame[by].to_numpy(), "Population": people})
    table.to_csv(path, index=False)
    return pd.Series(people, index=frame[by].to_numpy())


def check_plan_rows(wards: pd.DataFrame, totals: dict, boundaries_path: Path, nets: int,
                    density: float = 1.0) -> None:
    """An ITN plan over the constant-density population raster: the per-ward allocations add
    up to the plan's total (all the stock when the need is larger), every ward's population
    is its area × density, its need follows from it (one net per 1.8 people, at least one
    per household of 5) and no ward gets more than it needs."""
    import math

    frame = boundaries(boundaries_path)
    people = expected_population(boundaries_path) * density
    by_code = dict(zip(frame["WardCode"], frame["WardName"], strict=True))
    assert len(wards) == len(frame) == totals["wards"]
    assert int(wards["nets_allocated"].sum()) == totals["nets_allocated"]
    assert totals["nets_allocated"] + totals["nets_remaining"] == nets
    if people.sum() / 1.8 > nets:
        assert totals["nets_allocated"] == nets
    expected = np.array([people[by_code[c]] for c in wards["WardCode"]])
    assert np.allclose(wards["population"].to_numpy(dtype=float), expected, rtol=1e-5)
    assert totals["population"] == pytest_approx(people.sum())
    need = np.array([math.ceil(max(p / 1.8, math.ceil(p / 5))) for p in wards["population"]])
    assert (np.abs(wards["nets_needed"].to_numpy() - need) <= 1).all()
    assert (wards["nets_allocated"] <= wards["nets_needed"]).all()


def pytest_approx(value: float):
    import pytest

    return pytest.approx(value, rel=1e-6)
