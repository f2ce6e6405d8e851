"""Ward boundaries for the browser: byte budget, ids, properties, shared borders."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely

from chatmrpt.viz.geojson import HAS_COVERAGE_SIMPLIFY, geojson_bytes, simplify_for_web
from chatmrpt.viz.synthetic import synthetic_wards
from tests.conftest import KANO_BOUNDARIES


@pytest.fixture(scope="module")
def state_500():
    wards = synthetic_wards(500, seed=3)
    assert 480 <= len(wards) <= 500
    return wards


def _coordinates(collection):
    for feature in collection["features"]:
        yield from shapely.get_coordinates(shapely.geometry.shape(feature["geometry"]))


def test_500_ward_state_fits_300_kb(state_500):
    raw = len(json.dumps(state_500.__geo_interface__, separators=(",", ":")))
    assert raw > 1_000_000  # the budget is only met by simplifying

    collection = simplify_for_web(state_500)

    size = len(geojson_bytes(collection))
    assert size <= 300_000
    meta = collection["simplification"]
    assert meta["within_budget"] is True
    assert abs(meta["bytes"] - size) < 10
    assert meta["method"] in ("coverage", "per_ward")
    assert meta["tolerance"] > 0
    # the budget is used, not thrown away: a good map needs the vertices it can afford
    assert size > 150_000


def test_features_are_keyed_by_row_and_carry_only_identity(state_500):
    collection = simplify_for_web(state_500)
    features = collection["features"]
    assert [f["id"] for f in features] == list(range(len(state_500)))
    for f in features[:20]:
        assert set(f["properties"]) == {"WardName", "LGA", "WardCode"}
    row = 7
    assert features[row]["properties"]["WardName"] == state_500["WardName"].iloc[row]
    assert features[row]["properties"]["WardCode"] == state_500["WardCode"].iloc[row]
    assert "rainfall" not in json.dumps(collection)


def test_simplified_wards_stay_valid_and_keep_their_shared_borders(state_500):
    collection = simplify_for_web(state_500)
    shapes = np.array([shapely.geometry.shape(f["geometry"]) for f in collection["features"]])
    assert shapely.is_valid(shapes).all()
    assert not shapely.is_empty(shapes).any()
    original = np.asarray(state_500.geometry.values)
    # each ward keeps its place and size
    overlap = shapely.area(shapely.intersection(shapes, original)) / shapely.area(original)
    assert np.median(overlap) > 0.9
    # neighbours still meet: no ward laid over another (simplifying each ward on its own
    # overlaps about 0.15% of the area here; simplifying the coverage nothing)
    total = shapely.area(shapes).sum()
    union = shapely.union_all(shapes).area
    overlap_allowed = 2e-5 if HAS_COVERAGE_SIMPLIFY else 5e-3
    assert total / union - 1 < overlap_allowed
    assert union == pytest.approx(shapely.union_all(original).area, rel=1e-2)


def test_coordinates_are_rounded_and_rings_follow_rfc7946(state_500):
    collection = simplify_for_web(state_500)
    decimals = collection["simplification"]["decimals"]
    assert 3 <= decimals <= 5
    coords = np.array(list(_coordinates(collection)))
    assert np.allclose(coords, np.round(coords, decimals), atol=1e-12, rtol=0)
    ring = shapely.geometry.shape(collection["features"][0]["geometry"])
    ring = ring.geoms[0] if ring.geom_type == "MultiPolygon" else ring
    assert ring.exterior.is_ccw


def test_small_state_is_sent_unsimplified():
    kano = gpd.read_file(f"zip://{KANO_BOUNDARIES}").set_crs(4326)
    collection = simplify_for_web(kano)
    meta = collection["simplification"]
    assert meta["method"] == "none"
    assert meta["decimals"] == 5
    assert len(collection["features"]) == 66
    first = shapely.geometry.shape(collection["features"][0]["geometry"])
    original = kano.geometry.iloc[0]
    assert shapely.get_num_coordinates(first) == shapely.get_num_coordinates(original)
    assert first.hausdorff_distance(original) < 1e-5


def test_a_tight_budget_simplifies_a_real_state():
    kano = gpd.read_file(f"zip://{KANO_BOUNDARIES}").set_crs(4326)
    collection = simplify_for_web(kano, max_bytes=25_000)
    assert len(geojson_bytes(collection)) <= 25_000
    assert len(collection["features"]) == 66
    assert collection["simplification"]["within_budget"]


def test_an_impossible_budget_is_reported_not_hidden(state_500):
    collection = simplify_for_web(state_500, max_bytes=5_000)
    meta = collection["simplification"]
    assert meta["within_budget"] is False
    assert meta["bytes"] > 5_000
    assert len(collection["features"]) == len(state_500)


def test_wards_without_a_boundary_are_left_out_and_counted():
    kano = gpd.read_file(f"zip://{KANO_BOUNDARIES}").set_crs(4326)
    kano.loc[[2, 5], "geometry"] = None
    kano.loc[9, "geometry"] = shapely.Polygon()
    collection = simplify_for_web(kano)
    ids = [f["id"] for f in collection["features"]]
    assert 2 not in ids and 5 not in ids and 9 not in ids
    assert len(ids) == 63 and ids[:3] == [0, 1, 3]
    assert collection["simplification"]["wards_without_boundary"] == 3


def test_projected_boundaries_come_back_in_longitude_latitude():
    kano = gpd.read_file(f"zip://{KANO_BOUNDARIES}").set_crs(4326)
    collection = simplify_for_web(kano.to_crs(32632))
    coords = np.array(list(_coordinates(collection)))
    assert coords[:, 0].min() > 8.4 and coords[:, 0].max() < 8.7
    assert coords[:, 1].min() > 11.9 and coords[:, 1].max() < 12.1


def test_invalid_shapes_are_repaired():
    kano = gpd.read_file(f"zip://{KANO_BOUNDARIES}").set_crs(4326)
    bow_tie = shapely.Polygon([(8.5, 12.0), (8.52, 12.02), (8.52, 12.0), (8.5, 12.02)])
    assert not bow_tie.is_valid
    kano.loc[0, "geometry"] = bow_tie
    collection = simplify_for_web(kano)
    shape = shapely.geometry.shape(collection["features"][0]["geometry"])
    assert shape.is_valid and shape.area > 0


def test_hostile_names_travel_as_plain_json_text():
    kano = gpd.read_file(f"zip://{KANO_BOUNDARIES}").set_crs(4326)
    kano.loc[0, "WardName"] = "<img src=x onerror=alert(1)>"
    text = geojson_bytes(simplify_for_web(kano)).decode("ascii")
    back = json.loads(text)
    assert back["features"][0]["properties"]["WardName"] == "<img src=x onerror=alert(1)>"
