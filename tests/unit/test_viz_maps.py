"""Interactive maps: offline figure JSON, hover contents, colours, hostile names."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from chatmrpt.analysis.itn import plan_itn
from chatmrpt.analysis.urban import reprioritize
from chatmrpt.errors import InputError
from chatmrpt.viz.geojson import simplify_for_web
from chatmrpt.viz.layers import CATEGORY_COLOURS, RISK_SCALE
from chatmrpt.viz.maps import BLANK_MAP_STYLE, embed_geometry, map_figure, map_view
from chatmrpt.viz.synthetic import synthetic_analysis

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def result():
    return synthetic_analysis(150, seed=5)


@pytest.fixture(scope="module")
def wards(result):
    return result.wards


@pytest.fixture(scope="module")
def plan(wards):
    return plan_itn(wards, total_nets=150_000, household_size=5)


def _all_kinds(wards, plan):
    return {
        "composite": map_figure(wards, "composite"),
        "pca": map_figure(wards, "pca"),
        "category": map_figure(wards, "category"),
        "consensus": map_figure(wards, "consensus"),
        "variable": map_figure(wards, "variable", variable="rainfall"),
        "urban": map_figure(wards, "urban", threshold=30),
        "itn": map_figure(wards, "itn", plan=plan),
    }


def test_every_kind_is_plain_json_that_needs_no_network(wards, plan):
    for kind, spec in _all_kinds(wards, plan).items():
        text = json.dumps(spec, allow_nan=False)  # raises on numpy types or NaN
        assert "://" not in text, kind  # no tile server, style, font or script URL
        layout = spec["figure"]["layout"]
        assert layout["map"]["style"] == BLANK_MAP_STYLE
        assert layout["map"]["style"]["sources"] == {}
        assert "glyphs" not in layout["map"]["style"]
        assert "template" not in layout
        for trace in spec["figure"]["data"]:
            assert trace["type"] == "choroplethmap"
            assert trace["geojson"] == "chatmrpt-wards"
            assert trace["featureidkey"] == "id"
        located = sorted(i for t in spec["figure"]["data"] for i in t["locations"])
        assert located == list(range(len(wards))), kind  # every ward drawn once
        assert spec["wards"] == spec["wards_shown"] == len(wards)
        assert spec["title"] and spec["kind"] == kind


def test_hover_shows_ward_lga_rank_category_and_value(wards):
    spec = map_figure(wards, "composite")
    trace = spec["figure"]["data"][0]
    template = trace["hovertemplate"]
    for label in ("LGA", "Composite rank", "Category", "Composite score", "PCA rank"):
        assert f"{label}: %{{customdata[" in template
    row = trace["locations"][0]
    data = trace["customdata"][0]
    assert data[0] == wards["WardName"].iloc[row]
    assert data[1] == wards["LGA"].iloc[row]
    assert data[2] == str(wards["composite_rank"].iloc[row])
    assert f"Composite rank: %{{customdata[2]}} of {len(wards)}<br>" in template
    assert data[3] == wards["composite_category"].iloc[row]
    assert float(data[4]) == pytest.approx(wards["composite_score"].iloc[row], abs=5e-4)
    assert trace["z"][0] == pytest.approx(wards["composite_score"].iloc[row], rel=1e-5)


def test_category_map_uses_the_agreed_colours_with_a_legend(wards):
    spec = map_figure(wards, "category")
    traces = spec["figure"]["data"]
    assert [t["name"].split(" (")[0] for t in traces] == ["High", "Medium", "Low"]
    assert CATEGORY_COLOURS == {"High": "#a50f15", "Medium": "#fd8d3c", "Low": "#ffeda0"}
    for trace in traces:
        category = trace["name"].split(" (")[0]
        assert {c for _, c in trace["colorscale"]} == {CATEGORY_COLOURS[category]}
        assert trace["showlegend"] is True and trace["showscale"] is False
        rows = trace["locations"]
        assert (wards["composite_category"].iloc[rows] == category).all()
        assert trace["name"] == f"{category} ({len(rows)})"


def test_variable_map_names_its_direction_and_turns_inverse_colours_round(wards):
    direct = map_figure(wards, "variable", variable="rainfall")
    assert "rainfall" in direct["title"] and "direct" in direct["title"]
    assert direct["figure"]["data"][0]["colorscale"][-1][1] == RISK_SCALE[-1]
    inverse = map_figure(wards, "variable", variable="housing_quality")
    assert "inverse" in inverse["title"]
    assert inverse["figure"]["data"][0]["colorscale"][0][1] == RISK_SCALE[-1]
    trace = inverse["figure"]["data"][0]
    assert any(
        "housing_quality (raw value)" in line for line in trace["hovertemplate"].split("<br>")
    )
    row = trace["locations"][3]
    assert trace["z"][3] == pytest.approx(wards["housing_quality"].iloc[row], rel=1e-5)


def test_unknown_variable_and_missing_pca_are_clear_errors(wards):
    with pytest.raises(InputError) as err:
        map_figure(wards, "variable", variable="nightlights")
    assert err.value.code == "unknown_variable" and "rainfall" in err.value.message
    no_pca = wards.drop(columns=["pca_score", "pca_rank", "pca_category"])
    with pytest.raises(InputError) as err:
        map_figure(no_pca, "pca")
    assert err.value.code == "missing_column"
    with pytest.raises(InputError) as err:
        map_figure(wards, "rainbow")
    assert err.value.code == "invalid_parameter"


def test_a_table_without_boundaries_cannot_be_mapped(wards):
    table = pd.DataFrame(wards.drop(columns="geometry"))
    with pytest.raises(InputError) as err:
        map_figure(table, "composite")
    assert err.value.code == "missing_column" and "boundaries" in err.value.message


def test_urban_map_marks_the_selected_wards(wards):
    expected = reprioritize(wards, thresholds=[30])
    spec = map_figure(wards, "urban", threshold=30)
    traces = {t["name"].split(" (")[0]: t for t in spec["figure"]["data"]}
    selected = traces["Selected for de-prioritisation"]["locations"]
    assert sorted(wards["composite_rank"].iloc[selected]) == sorted(
        expected.selected["composite_rank"]
    )
    urban = wards["urban_percentage"].to_numpy() > 30
    shown_urban = (
        selected + traces.get("Other urban wards, above 30%", {"locations": []})["locations"]
    )
    assert sorted(shown_urban) == list(np.flatnonzero(urban))
    assert "30%" in spec["title"]


def test_urban_map_takes_a_given_reprioritisation(wards):
    given = reprioritize(wards, thresholds=[50], target_share=5)
    spec = map_figure(wards, "urban", reprioritization=given)
    assert "50%" in spec["title"]
    selected = [t for t in spec["figure"]["data"] if t["name"].startswith("Selected")][0]
    assert len(selected["locations"]) == len(given.selected)


def test_itn_map_shows_nets_tier_and_coverage(wards, plan):
    spec = map_figure(wards, "itn", plan=plan.to_dict())
    nets = spec["figure"]["data"][0]
    allocated = plan.wards.set_index("input_row")["nets_allocated"]
    for row, z in zip(nets["locations"], nets["z"], strict=True):
        assert z == allocated[row + 1] > 0
    template = nets["hovertemplate"]
    assert "Coverage" in template and "Served" in template and "Nets allocated" in template
    data = nets["customdata"][0]
    assert any(v.endswith("%") for v in data) and any(v.startswith(("first", "last")) for v in data)
    assert not any("tier" in v for v in data)
    none = [t for t in spec["figure"]["data"] if t["name"].startswith("No nets")]
    assert none and len(none[0]["locations"]) == int((plan.wards["nets_allocated"] == 0).sum())


def test_hostile_names_are_shown_as_text(wards):
    hostile = wards.copy()
    hostile.loc[0, "WardName"] = HOSTILE
    hostile.loc[0, "LGA"] = '<a href="javascript:alert(2)">x</a>'
    spec = map_figure(hostile, "category")
    text = json.dumps(spec)
    assert "<img" not in text and "<a href" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text


def test_a_percent_in_a_column_name_does_not_become_a_template(wards):
    odd = wards.rename(columns={"rainfall": "rain %{z}"})
    spec = map_figure(odd, "variable", variable="rain %{z}")
    template = spec["figure"]["data"][0]["hovertemplate"]
    assert "%{z}" not in template and "rain &#37;{z}" in template


def test_geometry_can_be_referenced_by_url_or_embedded_once(wards):
    url = "/api/sessions/s1/datasets/d1/wards.geojson"
    spec = map_figure(wards, "category", geojson=url)
    assert all(t["geojson"] == url for t in spec["figure"]["data"])
    collection = simplify_for_web(wards)
    embedded = embed_geometry(spec, collection)
    ids = [f["id"] for t in embedded["figure"]["data"] for f in t["geojson"]["features"]]
    assert sorted(ids) == list(range(len(wards)))  # each shape once in the whole figure
    assert spec["figure"]["data"][0]["geojson"] == url  # the original is left alone


def test_wards_without_boundary_are_counted(wards):
    partial = wards.copy()
    partial.loc[[1, 4], "geometry"] = None
    spec = map_figure(partial, "composite")
    assert spec["wards_without_boundary"] == 2
    located = {i for t in spec["figure"]["data"] for i in t["locations"]}
    assert 1 not in located and 4 not in located
    assert any("no boundary" in note for note in spec["notes"])


def test_the_initial_view_fits_the_wards(wards):
    spec = map_figure(wards, "composite")
    west, south, east, north = spec["bounds"]
    view = spec["figure"]["layout"]["map"]
    zoom = view["zoom"]
    # Web Mercator: the wards' width in pixels at this zoom fits the nominal panel
    width_px = (east - west) / 360 * 512 * 2**zoom
    assert 0.6 * 640 < width_px <= 640
    assert west < view["center"]["lon"] < east and south < view["center"]["lat"] < north
    small = map_view([8.50, 12.00, 8.52, 12.02])
    assert small["zoom"] > view["zoom"] + 5
    assert math.isfinite(map_view(None)["zoom"])


def test_urban_map_at_a_threshold_the_reprioritisation_did_not_cover(wards):
    given = reprioritize(wards, thresholds=[50], target_share=5)
    spec = map_figure(wards, "urban", threshold=20, reprioritization=given)
    expected = reprioritize(wards, thresholds=[20], target_share=5)
    selected = [t for t in spec["figure"]["data"] if t["name"].startswith("Selected")][0]
    assert sorted(wards["composite_rank"].iloc[selected["locations"]]) == sorted(
        expected.selected["composite_rank"]
    )


def test_lga_codes_stand_in_for_missing_lga_names(wards):
    coded = wards.drop(columns=["LGA"]).assign(LGACode="20037")
    trace = map_figure(coded, "composite")["figure"]["data"][0]
    assert "LGA code: %{customdata[1]}" in trace["hovertemplate"]
    assert trace["customdata"][0][1] == "20037"
