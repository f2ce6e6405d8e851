"""Exact ward statistics from rasters written here with rasterio, against analytic answers."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
from rasterio.transform import from_origin
from shapely.geometry import Polygon, box

from chatmrpt.analysis.ingest import read_boundaries
from chatmrpt.analysis.zonal import RasterSpec, covariate_columns_report, ward_raster_stats
from chatmrpt.errors import InputError
from tests.conftest import ILORIN_BOUNDARIES, KANO_BOUNDARIES

UTM32 = "EPSG:32632"  # Kano and Ilorin lie in UTM zone 32N
RES = 100.0


def write_raster(path, bands, *, x0, y0, res=RES, crs=UTM32, nodata=None, dtype="float64"):
    """A tiled GeoTIFF, north-up, upper-left corner (x0, y0); ``bands``: list of 2-D arrays."""
    bands = [np.asarray(b) for b in bands]
    h, w = bands[0].shape
    with rasterio.open(
        path, "w", driver="GTiff", width=w, height=h, count=len(bands), dtype=dtype, crs=crs,
        transform=from_origin(x0, y0, res, res), nodata=nodata, tiled=True,
        blockxsize=64, blockysize=64,
    ) as dst:
        for i, band in enumerate(bands, start=1):
            dst.write(band.astype(dtype), i)
    return path


def pixel_centres(x0, y0, w, h, res=RES):
    xs = x0 + (np.arange(w) + 0.5) * res
    ys = y0 - (np.arange(h) + 0.5) * res
    return np.meshgrid(xs, ys)


def grid_over(frame: gpd.GeoDataFrame, crs=UTM32, res=RES, margin=1000.0):
    """Origin and size of a grid covering ``frame`` (in ``crs``) with a margin."""
    minx, miny, maxx, maxy = frame.to_crs(crs).total_bounds
    x0 = math.floor((minx - margin) / res) * res
    y0 = math.ceil((maxy + margin) / res) * res
    w = int(math.ceil((maxx + margin - x0) / res))
    h = int(math.ceil((y0 - (miny - margin)) / res))
    return x0, y0, w, h


@pytest.fixture(scope="module")
def kano():
    frame, _source, _notes = read_boundaries(KANO_BOUNDARIES)
    return frame


@pytest.fixture(scope="module")
def ilorin():
    frame, _source, _notes = read_boundaries(ILORIN_BOUNDARIES)
    return frame


# --- linear field -------------------------------------------------------------------------

A, B, C = 0.002, -0.003, 50.0  # value = A*(x - x0) + B*(y - y0) + C, x and y in metres


def linear_raster(tmp_path, frame, name="linear.tif"):
    x0, y0, w, h = grid_over(frame)
    X, Y = pixel_centres(x0, y0, w, h)
    path = write_raster(tmp_path / name, [A * (X - x0) + B * (Y - y0) + C], x0=x0, y0=y0)
    return path, x0, y0


@pytest.mark.parametrize("which", ["kano", "ilorin"])
def test_linear_field_mean_is_value_at_centroid(tmp_path, which, request):
    """Boundaries in EPSG:4326, raster in UTM: the mean equals the field at the centroid.

    Each pixel holds the field's value at its centre, which is the field's average over the
    pixel. Fully covered pixels therefore contribute exactly; a partly covered pixel
    contributes its centre value instead of the average over the covered part, off by at
    most |grad| x half the pixel diagonal. Bound: |grad| * res / sqrt(2) times the share of
    the ward's area in partly covered pixels, which is at most perimeter * res*sqrt(2) / area.
    """
    wards = request.getfixturevalue(which)
    path, x0, y0 = linear_raster(tmp_path, wards)
    stats = ward_raster_stats(wards, [RasterSpec("f", path)])
    assert list(stats.index) == list(wards.index)
    projected = wards.to_crs(UTM32).geometry
    centroid = projected.centroid
    expected = A * (centroid.x - x0) + B * (centroid.y - y0) + C
    grad = math.hypot(A, B)
    edge_share = np.minimum(1.0, projected.length * RES * math.sqrt(2) / projected.area)
    bound = grad * RES / math.sqrt(2) * edge_share
    err = (stats["f"] - expected).abs()
    assert (err <= bound + 1e-9).all(), err[err > bound]
    # the errors of partial pixels largely cancel: far below the field's change across a pixel
    assert err.max() < 0.05 * grad * RES
    assert (stats["f_nodata_share"] == 0).all()


def test_linear_field_exact_for_pixel_aligned_polygons(tmp_path):
    """A polygon made of whole and half pixels: the weighted mean is exact."""
    x0, y0, w, h = 600_000.0, 1_400_000.0, 50, 40
    X, Y = pixel_centres(x0, y0, w, h)
    path = write_raster(tmp_path / "lin.tif", [A * (X - x0) + B * (Y - y0) + C], x0=x0, y0=y0)
    # an L shape of whole pixels and a triangle cutting pixels exactly in half
    ell = Polygon([(x0 + 500, y0 - 500), (x0 + 1500, y0 - 500), (x0 + 1500, y0 - 1000),
                   (x0 + 1000, y0 - 1000), (x0 + 1000, y0 - 2500), (x0 + 500, y0 - 2500)])
    tri = Polygon([(x0 + 2000, y0 - 2000), (x0 + 3000, y0 - 2000), (x0 + 2000, y0 - 3000)])
    wards = gpd.GeoDataFrame({"WardName": ["L", "T"]}, geometry=[ell, tri], crs=UTM32)
    stats = ward_raster_stats(wards, [RasterSpec("f", path)])
    assert stats.loc[0, "f"] == pytest.approx(A * (ell.centroid.x - x0) + B * (ell.centroid.y - y0) + C, abs=1e-9)
    # the triangle's diagonal cuts pixels through their centres: each cut pixel contributes
    # its centre value for half its area, while the exact integral differs; only the
    # coverage-weighted formula holds exactly
    xs, ys = X.ravel(), Y.ravel()
    from shapely import box as sbox
    from shapely import intersection
    cells = sbox(xs - RES / 2, ys - RES / 2, xs + RES / 2, ys + RES / 2)
    cover = np.array([g.area for g in intersection(cells, tri)]) / RES**2
    values = A * (xs - x0) + B * (ys - y0) + C
    assert stats.loc[1, "f"] == pytest.approx((values * cover).sum() / cover.sum(), rel=1e-12)


# --- constant density: sums are area x density --------------------------------------------


def test_constant_density_sum_is_area_times_density(tmp_path, kano):
    density = 0.0125  # people per square metre
    x0, y0, w, h = grid_over(kano)
    path = write_raster(
        tmp_path / "pop.tif", [np.full((h, w), density * RES * RES)], x0=x0, y0=y0
    )
    stats = ward_raster_stats(kano, [RasterSpec("pop", path, stat="sum")])
    area = kano.to_crs(UTM32).geometry.area  # area in the raster's CRS
    # coverage fractions computed in double precision at UTM coordinates (~1e6 m): ~1e-8
    np.testing.assert_allclose(stats["pop"], area * density, rtol=1e-7)


def test_geographic_raster_under_projected_wards(tmp_path, kano):
    """Raster in degrees, wards given in UTM: wards go to the raster's CRS, sums follow."""
    res = 0.001
    minx, miny, maxx, maxy = kano.total_bounds
    x0, y0 = math.floor(minx / res) * res - 0.01, math.ceil(maxy / res) * res + 0.01
    w, h = int((maxx - x0) / res) + 20, int((y0 - miny) / res) + 20
    path = write_raster(
        tmp_path / "deg.tif", [np.full((h, w), 7.0)], x0=x0, y0=y0, res=res, crs="EPSG:4326"
    )
    projected = kano.to_crs(UTM32)
    stats = ward_raster_stats(projected, [RasterSpec("v", path, stat="sum")])
    area_deg = projected.to_crs("EPSG:4326").geometry.area  # the wards as the raster sees them
    np.testing.assert_allclose(stats["v"], 7.0 * area_deg / res**2, rtol=1e-6)


# --- no data ------------------------------------------------------------------------------


def test_nodata_holes_and_outside_the_raster(tmp_path):
    x0, y0, w, h = 300_000.0, 1_100_000.0, 40, 40
    data = np.ones((h, w))
    data[10:20, 10:20] = -1  # a 1 km x 1 km hole
    path = write_raster(tmp_path / "holes.tif", [data], x0=x0, y0=y0, nodata=-1)
    hole = box(x0 + 1000, y0 - 2000, x0 + 2000, y0 - 1000)
    raster = box(x0, y0 - h * RES, x0 + w * RES, y0)
    wards = [
        box(x0 + 500, y0 - 1500, x0 + 1500, y0 - 500),    # a quarter in the hole
        box(x0 + 1100, y0 - 1900, x0 + 1900, y0 - 1100),  # inside the hole
        box(x0 - 300, y0 - 800, x0 + 500, y0 - 100),      # partly outside the raster
        box(x0 + 2500, y0 - 3500, x0 + 3330, y0 - 2550),  # all data
    ]
    frame = gpd.GeoDataFrame({"WardName": list("abcd")}, geometry=wards, crs=UTM32)
    stats = ward_raster_stats(
        frame, [RasterSpec("v", path, stat="sum"), RasterSpec("m", path)]
    )
    for i, g in enumerate(wards):
        missing = g.intersection(hole).area + g.difference(raster).area
        assert stats.loc[i, "v_nodata_share"] == pytest.approx(missing / g.area, abs=1e-9)
    assert math.isnan(stats.loc[1, "v"]) and math.isnan(stats.loc[1, "m"])
    assert stats.loc[0, "v"] == pytest.approx(0.75 * wards[0].area / RES**2, rel=1e-9)
    assert stats.loc[0, "m"] == pytest.approx(1.0)
    assert stats.loc[3, "v_nodata_share"] == 0.0
    report = covariate_columns_report(stats, [RasterSpec("v", path, stat="sum")], frame)
    assert report[0]["with_value"] == 3
    assert "b" in report[0]["warnings"][0]
    assert "a (25%)" in report[0]["warnings"][1] and "c (" in report[0]["warnings"][1]


def test_nan_pixels_are_no_data_in_float_rasters(tmp_path):
    x0, y0 = 300_000.0, 1_100_000.0
    data = np.full((10, 10), 4.0)
    data[:, :5] = np.nan
    path = write_raster(tmp_path / "nan.tif", [data], x0=x0, y0=y0)  # no nodata declared
    frame = gpd.GeoDataFrame(geometry=[box(x0, y0 - 1000, x0 + 1000, y0)], crs=UTM32)
    stats = ward_raster_stats(frame, [RasterSpec("v", path)])
    assert stats.loc[0, "v"] == 4.0
    assert stats.loc[0, "v_nodata_share"] == pytest.approx(0.5)


def test_wards_without_shape_get_no_value(tmp_path, kano):
    path, _, _ = linear_raster(tmp_path, kano)
    frame = kano.copy()
    frame.loc[frame.index[3], "geometry"] = None
    stats = ward_raster_stats(frame, [RasterSpec("f", path)])
    assert math.isnan(stats["f"].iloc[3])
    assert stats["f"].drop(index=frame.index[3]).notna().all()


# --- multi-band and categorical -----------------------------------------------------------


def test_multi_band_mean_of_bands_and_each_band(tmp_path, kano):
    x0, y0, w, h = grid_over(kano)
    X, Y = pixel_centres(x0, y0, w, h)
    base = A * (X - x0) + B * (Y - y0) + C
    offsets = [0.0, 10.0, 50.0]
    path = write_raster(tmp_path / "monthly.tif", [base + o for o in offsets], x0=x0, y0=y0)
    single = write_raster(tmp_path / "base.tif", [base], x0=x0, y0=y0)
    ref = ward_raster_stats(kano, [RasterSpec("b", single)])["b"]
    mean = ward_raster_stats(kano, [RasterSpec("rain", path)])
    each = ward_raster_stats(kano, [RasterSpec("rain", path, bands="each")])
    np.testing.assert_allclose(mean["rain"], ref + np.mean(offsets), rtol=1e-10)
    assert [c for c in each.columns if not c.endswith("_nodata_share")] == [
        "rain_b1", "rain_b2", "rain_b3"]
    for i, o in enumerate(offsets, start=1):
        np.testing.assert_allclose(each[f"rain_b{i}"], ref + o, rtol=1e-10)


def test_majority_weights_pixels_by_covered_fraction(tmp_path):
    """Three pixels of class 1 covered at 30% lose to one pixel of class 2 covered fully."""
    x0, y0 = 300_000.0, 1_100_000.0
    classes = np.array([[1, 2, 1], [1, 1, 1], [3, 3, 3]])
    path = write_raster(tmp_path / "lc.tif", [classes], x0=x0, y0=y0, dtype="uint8", nodata=0)
    # pixel (0,1) fully, and 30% of (0,0), (0,2) and (1,1)
    ward = box(x0 + 100, y0 - 100, x0 + 200, y0).union(
        box(x0 + 70, y0 - 100, x0 + 100, y0)).union(
        box(x0 + 200, y0 - 100, x0 + 230, y0)).union(
        box(x0 + 100, y0 - 130, x0 + 200, y0 - 100))
    frame = gpd.GeoDataFrame(geometry=[ward, box(x0, y0 - 300, x0 + 300, y0 - 200)], crs=UTM32)
    stats = ward_raster_stats(frame, [RasterSpec("lc", path, stat="majority")])
    assert stats["lc"].tolist() == [2, 3]


def test_min_max_median(tmp_path):
    x0, y0 = 300_000.0, 1_100_000.0
    values = np.arange(1, 17, dtype=float).reshape(4, 4)
    path = write_raster(tmp_path / "v.tif", [values], x0=x0, y0=y0)
    frame = gpd.GeoDataFrame(geometry=[box(x0, y0 - 200, x0 + 200, y0)], crs=UTM32)  # 1,2,5,6
    specs = [RasterSpec(s, path, stat=s) for s in ("min", "max", "median", "mean", "sum")]
    row = ward_raster_stats(frame, specs).iloc[0]
    assert (row["min"], row["max"], row["mean"], row["sum"]) == (1, 6, 3.5, 14)
    assert row["median"] in (2.0, 5.0, 3.5)


# --- bad input ----------------------------------------------------------------------------


def test_bad_rasters_are_clear_input_errors(tmp_path, kano):
    with pytest.raises(InputError, match="does not exist"):
        ward_raster_stats(kano, [RasterSpec("x", tmp_path / "missing.tif")])
    (tmp_path / "table.csv").write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="not a raster"):
        ward_raster_stats(kano, [RasterSpec("x", tmp_path / "table.csv")])
    with pytest.raises(InputError, match="Unknown statistic 'average'"):
        RasterSpec("x", "a.tif", stat="average")
    far = write_raster(tmp_path / "far.tif", [np.ones((5, 5))], x0=0.0, y0=100.0)
    with pytest.raises(InputError, match="No ward overlaps the raster far.tif"):
        ward_raster_stats(kano, [RasterSpec("x", far)])
    nocrs = write_raster(tmp_path / "nocrs.tif", [np.ones((5, 5))], x0=0.0, y0=5.0, crs=None)
    with pytest.raises(InputError, match="no coordinate reference system"):
        ward_raster_stats(kano, [RasterSpec("x", nocrs)])
    with pytest.raises(InputError, match="same name"):
        ward_raster_stats(kano, [RasterSpec("x", far), RasterSpec("x", far)])
    multi = write_raster(tmp_path / "m.tif", [np.ones((5, 5))] * 2, x0=0.0, y0=5.0,
                         dtype="uint8")
    with pytest.raises(InputError, match="cannot be averaged"):
        ward_raster_stats(kano, [RasterSpec("x", multi, stat="majority")])


def test_progress_reaches_one(tmp_path, kano):
    path, _, _ = linear_raster(tmp_path, kano)
    seen = []
    ward_raster_stats(kano, [RasterSpec("a", path), RasterSpec("b", path, stat="sum")],
                      progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any(m.startswith("b (2 of 2)") for _, m in seen)


def test_order_and_index_are_kept(tmp_path, kano):
    path, _, _ = linear_raster(tmp_path, kano)
    shuffled = kano.sample(frac=1.0, random_state=3)
    shuffled.index = pd.Index([f"w{i}" for i in range(len(shuffled))])
    a = ward_raster_stats(kano, [RasterSpec("f", path)])
    b = ward_raster_stats(shuffled, [RasterSpec("f", path)])
    assert list(b.index) == list(shuffled.index)
    by_code = dict(zip(kano["WardCode"], a["f"], strict=True))
    np.testing.assert_allclose(b["f"], [by_code[c] for c in shuffled["WardCode"]], rtol=1e-10)
