"""Data quality findings (quality.py) and the default selection's identical-column rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chatmrpt.analysis.ingest import load_dataset
from chatmrpt.analysis.params import AnalysisParams
from chatmrpt.analysis.pipeline import run_analysis
from chatmrpt.analysis.quality import (
    CONSTANT,
    DUPLICATE_CODES,
    IDENTICAL,
    NEGATIVE,
    SHARE_RANGE,
    check_quality,
    identical_column_groups,
)
from chatmrpt.analysis.variables import select_variables
from tests._field_data import ILORIN_BOUNDARIES, ILORIN_TABLE, KANO_BOUNDARIES, KANO_TABLE


def kinds(findings):
    return [(f["kind"], tuple(f["columns"])) for f in findings]


def test_identical_columns_are_found_even_when_their_gaps_differ():
    frame = pd.DataFrame({
        "WardName": list("ABCDE"),
        "rain": [1.0, 2.0, np.nan, 4.0, 5.0],
        "housing": [1.0, np.nan, 3.0, 4.0, 5.0],
        "evi": [0.1, 0.3, 0.2, 0.5, 0.4],
    })
    assert identical_column_groups(frame, ["rain", "housing", "evi"]) == [["rain", "housing"]]
    findings = check_quality(frame)
    assert kinds(findings) == [(IDENTICAL, ("rain", "housing"))]
    assert "rain and housing" in findings[0]["message"]


def test_columns_equal_on_too_few_wards_are_not_called_identical():
    frame = pd.DataFrame({"a": [1.0, 2.0, np.nan, np.nan], "b": [1.0, 2.0, 7.0, 9.0]})
    assert identical_column_groups(frame, ["a", "b"]) == []


def test_constant_share_negative_and_duplicate_code_findings():
    frame = pd.DataFrame({
        "WardName": list("ABCD"),
        "WardCode": ["X1", "X2", "x1 ", "X3"],
        "flag": [3.0, 3.0, 3.0, 3.0],
        "urban_percentage": [10.0, 120.0, 50.0, -5.0],
        "population": [100.0, -1.0, 50.0, 20.0],
        "nets_per_capita": [4.0, 200.0, 1.0, 2.0],  # a ratio, not a share
    })
    found = kinds(check_quality(frame))
    assert (CONSTANT, ("flag",)) in found
    assert (SHARE_RANGE, ("urban_percentage",)) in found
    assert (NEGATIVE, ("population",)) in found
    assert (DUPLICATE_CODES, ("WardCode",)) in found
    assert not any(col == ("nets_per_capita",) for _, col in found)
    share = next(f for f in check_quality(frame) if f["kind"] == SHARE_RANGE)
    assert share["rows"] == [2, 4]


def test_a_clean_table_has_no_findings():
    frame = pd.DataFrame({"WardName": list("ABC"), "tpr": [0.2, 0.5, 0.4],
                          "population": [10.0, 20.0, 30.0]})
    assert check_quality(frame) == []


def test_kano_table_reports_its_five_identical_columns():
    dataset = load_dataset(KANO_TABLE, KANO_BOUNDARIES)
    identical = [f for f in dataset.quality if f["kind"] == IDENTICAL]
    assert len(identical) == 1
    assert set(identical[0]["columns"]) == {"distance_to_water_bodies", "enhanced_vegetation_index",
                                             "housing_quality", "dumpsites", "rainfall"}
    assert identical[0]["message"] in dataset.warnings


def test_kano_default_selection_keeps_one_of_the_identical_columns_and_says_why():
    dataset = load_dataset(KANO_TABLE, KANO_BOUNDARIES)
    choice = select_variables(dataset.wards, excluded=dataset.excluded_columns,
                              boundary_attributes=dataset.boundary_attributes)
    # North West zone list: u5_tpr_rdt, rainfall, ndwi, housing_quality, elevation, urban
    assert choice.selection == "zone"
    assert "rainfall" in choice.variables and "housing_quality" not in choice.variables
    left = {d["variable"]: d for d in choice.left_out}
    assert left["housing_quality"]["same_as"] == "rainfall"
    result = run_analysis(dataset, AnalysisParams.from_dict({}))
    assert [v["name"] for v in result.summary()["variables"]] == ["test_positivity_rate",
                                                                   "rainfall"]
    assert any("housing_quality: holds the same number as rainfall" in w
               for w in result.warnings)


def test_every_column_selection_never_takes_two_identical_columns():
    frame = pd.DataFrame({
        "WardName": list("ABCDEF"),
        "tpr": [0.1, 0.4, 0.3, 0.2, 0.6, 0.5],
        "x1": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        "x2": [1.0, 2.0, 3.0, 4.0, 5.0, np.nan],
        "x3": [3.0, 1.0, 2.0, 6.0, 5.0, 4.0],
    })
    choice = select_variables(frame)
    assert choice.selection == "all"
    assert choice.variables == ["tpr", "x1", "x3"]
    assert [d["variable"] for d in choice.left_out] == ["x2"]


def test_a_user_list_may_still_name_identical_columns():
    frame = pd.DataFrame({"WardName": list("ABCD"), "a": [1.0, 2, 3, 4], "b": [1.0, 2, 3, 4]})
    assert select_variables(frame, requested=["a", "b"]).variables == ["a", "b"]


@pytest.mark.parametrize("table,boundaries", [(ILORIN_TABLE, ILORIN_BOUNDARIES)])
def test_ilorin_has_no_identical_or_out_of_range_columns(table, boundaries):
    dataset = load_dataset(table, boundaries)
    assert [f for f in dataset.quality if f["kind"] in (IDENTICAL, SHARE_RANGE)] == []


def test_identical_columns_named_by_the_user_are_kept_and_said():
    dataset = load_dataset(KANO_TABLE, KANO_BOUNDARIES)
    result = run_analysis(dataset, AnalysisParams.from_dict(
        {"variables": ["rainfall", "housing_quality", "test_positivity_rate"]}))
    summary = result.summary()
    assert {v["name"] for v in summary["variables"]} == {"rainfall", "housing_quality",
                                                         "test_positivity_rate"}
    assert [sorted(g) for g in summary["identical_variables"]] == [["housing_quality",
                                                                    "rainfall"]]
    assert any("counts that one measurement 2 times" in w for w in summary["warnings"])
    # the default selection leaves one of them out instead, and says nothing more
    assert run_analysis(dataset, AnalysisParams.from_dict({})).summary()[
        "identical_variables"] == []
