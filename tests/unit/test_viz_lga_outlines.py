"""LGA outlines dissolved from the wards, and each LGA's rank by its wards' mean score."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from chatmrpt.viz.geojson import lga_outlines, lga_ranks
from chatmrpt.viz.layers import map_spec


def four_wards() -> gpd.GeoDataFrame:
    # two LGAs of two unit squares each, side by side: A = x 0..2, B = x 2..4
    boxes = [shapely.box(x, 0, x + 1, 1) for x in range(4)]
    return gpd.GeoDataFrame(
        {
            "WardName": ["a1", "a2", "b1", "b2"],
            "LGA": ["A", "A", "B", "B"],
            "composite_score": [0.2, 0.4, 0.9, 0.5],
            "composite_rank": [4, 3, 1, 2],
        },
        geometry=boxes,
        crs="EPSG:4326",
    )


def test_outlines_are_the_lgas_dissolved():
    collection = lga_outlines(four_wards())
    by_name = {f["properties"]["name"]: f for f in collection["features"]}
    assert set(by_name) == {"A", "B"}
    a = shapely.geometry.shape(by_name["A"]["geometry"])
    # the outline of the 2 x 1 rectangle: no line between the two wards inside it
    assert abs(a.length - 6.0) < 1e-6
    assert by_name["A"]["properties"]["wards"] == 2
    assert by_name["B"]["properties"]["rank"] == 1 and by_name["A"]["properties"]["rank"] == 2


def test_ranks_follow_mean_scores_and_reach_the_hover():
    wards = four_wards()
    assert lga_ranks(wards) == {"B": 1, "A": 2}
    spec = map_spec(wards, "composite")
    i = spec.hover_labels.index("LGA rank")
    assert [row[i] for row in spec.hover] == ["2", "2", "1", "1"]
    assert spec.hover_suffixes[i] == " of 2 LGAs"


def test_no_lgas_no_outlines():
    wards = four_wards().drop(columns=["LGA"])
    assert lga_outlines(wards)["features"] == []
    assert lga_ranks(pd.DataFrame({"x": [1]})) == {}


def test_a_variable_averaged_per_lga():
    wards = four_wards()
    wards["rainfall"] = [1.0, 3.0, 10.0, None]
    spec = map_spec(wards, "variable", variable="rainfall", direction="direct", by_lga=True)
    # A: mean of 1 and 3; B: the one observed value
    assert dict(zip(spec.value_rows.tolist(), spec.values.tolist(), strict=True)) == {
        0: 2.0,
        1: 2.0,
        2: 10.0,
        3: 10.0,
    }
    assert "average per LGA" in spec.title
    i = spec.hover_labels.index("rainfall (raw value)")
    assert [row[i] for row in spec.hover][:3] == ["1", "3", "10"]
    per_ward = map_spec(wards, "variable", variable="rainfall", direction="direct")
    assert per_ward.values.tolist() == [1.0, 3.0, 10.0]


def test_no_average_per_lga_without_lgas():
    import pytest

    from chatmrpt.errors import InputError

    wards = four_wards().drop(columns=["LGA"])
    wards["rainfall"] = [1.0, 3.0, 10.0, 2.0]
    with pytest.raises(InputError, match="no LGA"):
        map_spec(wards, "variable", variable="rainfall", direction="direct", by_lga=True)


def test_small_multiples_one_map_per_model():
    import io

    import numpy as np
    import pytest
    from PIL import Image

    from chatmrpt.viz.png import model_maps_png

    wards = four_wards()
    rng = np.random.default_rng(3)
    for v in ("a", "b", "c", "d"):
        wards[f"normalized_{v}"] = rng.random(len(wards))
    two = Image.open(io.BytesIO(model_maps_png(wards, ["a", "b"])))  # 1 model
    three = Image.open(io.BytesIO(model_maps_png(wards, ["a", "b", "c"])))  # 4 models
    four = Image.open(io.BytesIO(model_maps_png(wards, ["a", "b", "c", "d"])))  # 11 models
    assert two.format == three.format == four.format == "PNG"
    # four small maps fill a row of four; eleven take three rows
    assert three.width > 1.3 * two.width
    assert four.height > 2 * three.height
    with pytest.raises(ValueError, match="two or more"):
        model_maps_png(wards, ["a"])
