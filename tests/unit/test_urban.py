"""Urban flags and urban reprioritisation (METHODOLOGY §7)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from chatmrpt.analysis.urban import (
    reprioritize,
    threshold_label,
    urban_flag_column,
    urban_flags,
    validate_thresholds,
)
from chatmrpt.errors import InputError


def wards() -> pd.DataFrame:
    # total population 10,000; the 30% target is 3,000 people.
    # The walk goes from rank 8 (least vulnerable) up to rank 1.
    return pd.DataFrame(
        {
            "WardName": ["W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8"],
            "WardCode": ["001", "002", "003", "004", "005", "006", "007", "008"],
            "LGA": ["North", "North", "North", "South", "South", "South", "East", "East"],
            "composite_rank": [1, 2, 3, 4, 5, 6, 7, 8],
            "Population": [1000, 1000, 2000, 1000, 1500, 500, 1000, 2000],
            "urban_percentage": [90, 10, 60, 30, 80, 5, 25, 95],
        }
    )


def selected_names(result, threshold) -> list[str]:
    rows = result.selected[result.selected["threshold"] == threshold]
    return rows["WardName"].tolist()


def summary_row(result, threshold) -> dict:
    rows = result.summary[result.summary["threshold"] == threshold]
    assert len(rows) == 1
    return rows.iloc[0].to_dict()


def test_flags_are_strictly_greater_than_the_threshold():
    share = pd.Series([20.0, 20.0001, 19.9, np.nan, 37.5, 37.6], index=list("abcdef"))
    flags = urban_flags(share, (20, 37.5))
    assert list(flags.columns) == ["urban_gt_20", "urban_gt_37.5"]
    assert list(flags.index) == list("abcdef")
    assert flags["urban_gt_20"].tolist() == [False, True, False, False, True, True]
    assert flags["urban_gt_37.5"].tolist() == [False, False, False, False, False, True]
    assert all(pd.api.types.is_bool_dtype(d) for d in flags.dtypes)


def test_threshold_labels_drop_a_trailing_zero():
    assert threshold_label(20) == "20"
    assert threshold_label(20.0) == "20"
    assert threshold_label(37.5) == "37.5"
    assert urban_flag_column(75.0) == "urban_gt_75"


def test_thresholds_parse_from_text_and_drop_repeats():
    assert validate_thresholds("20, 30,50,20") == (20.0, 30.0, 50.0)
    assert validate_thresholds(None) == (20.0, 30.0, 50.0, 75.0)


@pytest.mark.parametrize("bad", ["20,abc", "120", "-1", [math.nan], "", [True]])
def test_bad_thresholds_are_refused(bad):
    with pytest.raises(InputError) as info:
        validate_thresholds(bad)
    assert info.value.code == "invalid_parameter"


def test_target_reached_exactly_and_crossing_ward_included():
    result = reprioritize(wards(), thresholds=(20, 30, 90))
    # > 20%: W8 (2,000 = 20%), then W7 brings the share to exactly 30%: target reached, stop.
    assert selected_names(result, 20) == ["W8", "W7"]
    assert summary_row(result, 20) == {
        "threshold": 20.0,
        "urban_wards": 6,  # W1 W3 W4 W5 W7 W8
        "selected_wards": 2,
        "population_selected": 3000.0,
        "population_share": 30.0,
        "target_reached": True,
    }
    # > 30%: W4 (exactly 30) and W7 (25) are not urban; W8 (20%) then W5 crosses to 35%.
    assert selected_names(result, 30) == ["W8", "W5"]
    row = summary_row(result, 30)
    assert row["urban_wards"] == 4
    assert row["population_share"] == pytest.approx(35.0)
    assert row["target_reached"]
    cumulative = result.selected[result.selected["threshold"] == 30]["cumulative_population_share"]
    assert cumulative.tolist() == pytest.approx([20.0, 35.0])


def test_target_never_reached_selects_every_urban_ward():
    result = reprioritize(wards(), thresholds=(90,))
    # only W8 (95%) is above 90; W1 is exactly 90
    assert selected_names(result, 90) == ["W8"]
    row = summary_row(result, 90)
    assert row["urban_wards"] == 1
    assert row["population_share"] == pytest.approx(20.0)
    assert not row["target_reached"]


def test_selected_rows_carry_identity_rank_population_and_share():
    result = reprioritize(wards(), thresholds=(30,))
    first = result.selected.iloc[0].to_dict()
    assert first["WardName"] == "W8"
    assert first["WardCode"] == "008"
    assert first["LGA"] == "East"
    assert first["composite_rank"] == 8
    assert first["population"] == 2000
    assert first["urban_share"] == 95
    assert list(result.selected.columns) == [
        "threshold",
        "WardName",
        "WardCode",
        "LGA",
        "composite_rank",
        "population",
        "urban_share",
        "cumulative_population_share",
    ]


def test_higher_target_walks_further():
    result = reprioritize(wards(), thresholds=(20,), target_share=60)
    # 20% (W8), 30% (W7), 45% (W5), 55% (W4), then W3 brings 75%: stop
    assert selected_names(result, 20) == ["W8", "W7", "W5", "W4", "W3"]
    assert summary_row(result, 20)["population_share"] == pytest.approx(75.0)


def test_equal_ranks_keep_the_table_order():
    table = pd.DataFrame(
        {
            "WardName": ["A", "B", "C"],
            "composite_rank": [1, 2, 2],
            "Population": [100, 100, 100],
            "urban_percentage": [99, 99, 99],
        }
    )
    result = reprioritize(table, thresholds=(50,), target_share=30)
    # B and C tie at rank 2; B comes first in the table, so B is walked first
    assert selected_names(result, 50) == ["B"]


def test_aliases_are_found():
    table = wards().rename(columns={"Population": "pop", "urban_percentage": "urban_perc"})
    result = reprioritize(table, thresholds=(30,))
    assert result.parameters["population_column"] == "pop"
    assert result.parameters["urban_column"] == "urban_perc"
    assert selected_names(result, 30) == ["W8", "W5"]


def test_explicit_columns_override_aliases():
    table = wards().assign(people=wards()["Population"] * 2)
    result = reprioritize(table, thresholds=(30,), population_column="people")
    assert result.parameters["population_column"] == "people"
    assert result.parameters["total_population"] == 20000


def test_missing_population_column_says_what_to_provide_in_one_sentence():
    table = wards().drop(columns=["Population"])
    with pytest.raises(InputError) as info:
        reprioritize(table)
    assert info.value.code == "missing_population"
    message = info.value.message
    assert "population table" in message and "population raster" in message
    assert "urban_percentage" not in message  # no list of the table's columns
    assert "composite_rank" not in message


def test_missing_urban_column_is_refused_with_what_to_provide():
    with pytest.raises(InputError) as info:
        reprioritize(wards().drop(columns=["urban_percentage"]))
    assert info.value.code == "missing_urban_share"
    assert "Urban Yes/No" in info.value.message
    assert "Population" not in info.value.message  # no list of the table's columns


def test_missing_rank_column_is_refused():
    with pytest.raises(InputError) as info:
        reprioritize(wards().drop(columns=["composite_rank"]))
    assert info.value.code == "missing_column"
    assert "composite_rank" in info.value.message


def test_wards_without_population_or_share_are_excluded_and_reported():
    table = wards()
    table.loc[7, "Population"] = np.nan  # W8, the least vulnerable and most urban
    table.loc[6, "urban_percentage"] = np.nan  # W7
    result = reprioritize(table, thresholds=(20,))
    assert result.excluded["WardName"].tolist() == ["W7", "W8"]
    assert result.excluded["row"].tolist() == [7, 8]
    assert any("W7" in w and "W8" in w for w in result.warnings)
    # total is now 8,000; target 2,400: W5 (1,500 = 18.75%), W4 (2,500 = 31.25%): stop
    assert result.parameters["total_population"] == 8000
    assert selected_names(result, 20) == ["W5", "W4"]
    assert summary_row(result, 20)["population_share"] == pytest.approx(31.25)


def test_zero_total_population_is_refused():
    table = wards().assign(Population=0)
    with pytest.raises(InputError) as info:
        reprioritize(table)
    assert info.value.code == "missing_population"


@pytest.mark.parametrize("target", [0, -5, 101, "x", math.nan])
def test_bad_target_is_refused(target):
    with pytest.raises(InputError) as info:
        reprioritize(wards(), target_share=target)
    assert info.value.code == "invalid_parameter"


def test_fraction_like_urban_shares_get_a_warning():
    table = wards().assign(urban_percentage=wards()["urban_percentage"] / 100)
    result = reprioritize(table)
    assert result.summary["selected_wards"].sum() == 0
    assert any("fractions" in w for w in result.warnings)


def test_no_urban_wards_gives_empty_selection_with_columns():
    table = wards().assign(urban_percentage=0)
    result = reprioritize(table)
    assert len(result.selected) == 0
    assert "cumulative_population_share" in result.selected.columns
    assert result.summary["target_reached"].tolist() == [False] * 4


def test_pca_rank_can_order_the_walk():
    table = wards().assign(pca_rank=[8, 7, 6, 5, 4, 3, 2, 1])
    result = reprioritize(table, thresholds=(30,), rank_column="pca_rank")
    # walk from pca_rank 8 (W1, 1,000) then W2 (not urban) then W3 (2,000): 30% reached
    assert selected_names(result, 30) == ["W1", "W3"]
    assert "pca_rank" in result.selected.columns
