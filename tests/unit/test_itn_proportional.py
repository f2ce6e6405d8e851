"""The R MRPT app's net allocation (strategy ``proportional``) and external rank columns.

Expected numbers are worked out by hand in the comments (and in METHODOLOGY §8).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatmrpt.analysis.itn import plan_itn, proportional_allocation
from chatmrpt.analysis.urban import reprioritize
from chatmrpt.errors import InputError


def _alloc(need, stock, tier=None):
    tier = np.ones(len(need), dtype=int) if tier is None else np.asarray(tier)
    return proportional_allocation(np.asarray(need), tier, stock).tolist()


def test_walk_with_two_rounding_ties_then_the_leftover():
    # needs 6, 10, 4, 20 (walk order), tier need 40, stock 30:
    #   30*6/40 = 4.5 -> 4 (half to even), remaining 26
    #   26*10/40 = 6.5 -> 6 (half to even), remaining 20
    #   20*4/40 = 2, remaining 18;  18*20/40 = 9, remaining 9
    # leftover 9 by smallest gap: gaps 2 (1st), 4 (2nd), 2 (3rd), 11 (4th)
    #   1st +2, 3rd +2, 2nd +4, 4th +1
    assert _alloc([6, 10, 4, 20], 30) == [6, 10, 4, 10]


def test_half_to_even_decides_the_result():
    # needs 1, 1, 4, stock 3, tier need 6: 3*1/6 = 0.5 -> 0; 3*1/6 = 0.5 -> 0;
    # 3*4/6 = 2 -> 2; leftover 1 to the smallest gap (1st and 2nd tie at 1: walk order)
    assert _alloc([1, 1, 4], 3) == [1, 0, 2]
    # rounding half up would have given 1, then 2*1/6 -> 0, 2*4/6 -> 1, leftover to the
    # 2nd ward: [1, 1, 1]; the R rule is half to even


def test_leftover_goes_to_the_smallest_gap_first_each_up_to_its_need():
    # needs 10, 10, 3, stock 12, tier need 23: 12*10/23 = 5.217 -> 5 (rem 7);
    # 7*10/23 = 3.043 -> 3 (rem 4); 4*3/23 = 0.52 -> 1 (rem 3)
    # gaps 5, 7, 2 -> 3rd +2 (rem 1), 1st +1
    assert _alloc([10, 10, 3], 12) == [6, 3, 3]


def test_a_tier_exactly_covered_and_the_next_tier_gets_the_rest():
    need = [6, 10, 4, 20, 8, 5]
    tier = [1, 1, 1, 1, 2, 2]
    # stock 40 = tier 1's need: every tier 1 ward covered, tier 2 nothing
    assert _alloc(need, 40, tier) == [6, 10, 4, 20, 0, 0]
    # stock 45: tier 2 shares 5 of its need 13: 5*8/13 = 3.08 -> 3 (rem 2);
    # 2*5/13 = 0.77 -> 1 (rem 1); gaps 5, 4 -> 2nd +1
    assert _alloc(need, 45, tier) == [6, 10, 4, 20, 3, 2]
    # stock above the total need: everyone covered, the rest stays in stock
    assert _alloc(need, 60, tier) == need


def _wards():
    # need = ceil(max(pop/1.8, ceil(pop/5))): 10 -> 6, 18 -> 10, 7 -> 4, 36 -> 20, 14 -> 8, 9 -> 5
    return pd.DataFrame({
        "WardName": ["A", "B", "C", "D", "E", "F"],
        "WardCode": ["W1", "W2", "W3", "W4", "W5", "W6"],
        "composite_rank": [6, 4, 3, 1, 5, 2],
        "Population": [10, 18, 7, 36, 14, 9],
        "urban_percentage": [10, 20, 30, 40, 80, 90],
    })


@pytest.mark.parametrize(
    ("stock", "expected"),
    [
        # tier 1 walked A (rank 6), B (4), C (3), D (1): the cases above
        (20, [6, 4, 4, 6, 0, 0]),
        (30, [6, 10, 4, 10, 0, 0]),
        (40, [6, 10, 4, 20, 0, 0]),
        (45, [6, 10, 4, 20, 3, 2]),
        (60, [6, 10, 4, 20, 8, 5]),
    ],
)
def test_plan_with_the_proportional_strategy(stock, expected):
    # stock 20: 20*6/40 = 3 (rem 17); 17*10/40 = 4.25 -> 4 (rem 13); 13*4/40 = 1.3 -> 1
    # (rem 12); 12*20/40 = 6 (rem 6); gaps 3, 6, 3, 14 -> A +3, C +3
    plan = plan_itn(_wards(), total_nets=stock, household_size=5, strategy="proportional")
    by_name = plan.wards.set_index("WardName")
    assert by_name["nets_needed"].loc[list("ABCDEF")].tolist() == [6, 10, 4, 20, 8, 5]
    assert by_name["nets_allocated"].loc[list("ABCDEF")].tolist() == expected
    assert plan.totals["nets_allocated"] == min(stock, 53)
    assert plan.parameters["strategy"] == "proportional"
    # rows stay in priority order (tier, most vulnerable first)
    assert plan.wards["WardName"].tolist() == ["D", "C", "B", "A", "F", "E"]


def test_proportional_differs_from_the_default_walk():
    stop = plan_itn(_wards(), total_nets=30, household_size=5).wards.set_index("WardName")
    # stop: D 20, C 4, B the remaining 6, A nothing
    assert stop["nets_allocated"].loc[list("ABCD")].tolist() == [0, 6, 4, 20]


def test_proportional_counts_in_bales():
    wards = _wards()
    wards["Population"] = [p * 10 for p in wards["Population"]]  # needs 56, 100, 39, 200, ...
    plan = plan_itn(wards, total_nets=105, household_size=5, strategy="proportional",
                    bale_size=10)
    alloc = plan.wards["nets_allocated"].to_numpy()
    assert (alloc % 10 == 0).all()
    assert alloc.sum() == 100


def test_external_rank_column_descending_is_the_r_apps_overall_rank():
    wards = _wards().drop(columns="composite_rank")
    wards["overall_rank"] = [7 - r for r in [6, 4, 3, 1, 5, 2]]  # 1 = least vulnerable
    plan = plan_itn(wards, total_nets=30, household_size=5, strategy="proportional",
                    rank_column="overall_rank", rank_order="descending")
    by_name = plan.wards.set_index("WardName")
    assert by_name["nets_allocated"].loc[list("ABCDEF")].tolist() == [6, 10, 4, 10, 0, 0]
    assert plan.parameters["rank_column"] == "overall_rank"
    assert plan.parameters["rank_order"] == "descending"
    assert plan.parameters["method"] == "external"
    stop = plan_itn(wards, total_nets=30, household_size=5,
                    rank_column="overall_rank", rank_order="descending")
    assert stop.wards.set_index("WardName")["nets_allocated"].loc[list("ABCD")].tolist() == [
        0, 6, 4, 20,
    ]
    # the same ranks read ascending reverse the priority: A (rank 1) first
    asc = plan_itn(wards, total_nets=30, household_size=5,
                   rank_column="overall_rank", rank_order="ascending")
    assert asc.wards["WardName"].tolist()[:4] == ["A", "B", "C", "D"]


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"rank_column": "overall_rank"}, "rank order 'ascending' if rank 1 is the most"),
        ({"rank_order": "descending"}, "without a rank column"),
        ({"rank_column": "overall_rank", "rank_order": "up"}, "ascending, descending"),
        ({"rank_column": "nope", "rank_order": "ascending"}, "no column 'nope'"),
    ],
)
def test_external_rank_errors(kwargs, words):
    wards = _wards()
    wards["overall_rank"] = range(1, 7)
    with pytest.raises(InputError, match=words):
        plan_itn(wards, total_nets=30, household_size=5, **kwargs)


def test_reprioritize_with_an_external_descending_rank():
    wards = pd.DataFrame({
        "WardName": ["A", "B", "C", "D"],
        "r_rank": [1, 2, 3, 4],  # R overall rank: 1 = least vulnerable
        "Population": [100, 100, 100, 100],
        "urban_percentage": [90, 90, 90, 90],
    })
    result = reprioritize(wards, thresholds=[50], target_share=40, rank_column="r_rank",
                          rank_order="descending")
    # least vulnerable first: A (25%), B (50% >= 40%): stop
    assert result.selected["WardName"].tolist() == ["A", "B"]
    asc = reprioritize(wards, thresholds=[50], target_share=40, rank_column="r_rank")
    assert asc.selected["WardName"].tolist() == ["D", "C"]
    with pytest.raises(InputError, match="rank order"):
        reprioritize(wards, rank_column="r_rank", rank_order="sideways")


# --- properties --------------------------------------------------------------------------

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(
    st.lists(st.tuples(st.integers(0, 5000), st.sampled_from([1, 2])), min_size=1, max_size=40),
    st.integers(0, 200_000),
)
def test_allocation_never_exceeds_stock_or_need_and_uses_min_of_both(wards, stock):
    need = np.array([w[0] for w in wards])
    tier = np.array(sorted(w[1] for w in wards))  # walk order: tier 1 first
    alloc = np.array(_alloc(need, stock, tier))
    assert (alloc >= 0).all()
    assert (alloc <= need).all()
    assert alloc.sum() <= stock
    assert alloc.sum() == min(stock, need.sum())
    # tier 2 gets nets only once tier 1 is fully covered
    if alloc[tier == 2].sum() > 0:
        assert (alloc[tier == 1] == need[tier == 1]).all()


@SETTINGS
@given(
    st.lists(
        st.tuples(st.integers(0, 300_000), st.floats(0, 100), st.integers(1, 40)),
        min_size=1, max_size=30,
    ),
    st.integers(1, 2_000_000),
    st.sampled_from([1, 1, 50]),
)
def test_plans_with_the_proportional_strategy_keep_the_totals(rows, stock, bale):
    wards = pd.DataFrame({
        "WardName": [f"w{i}" for i in range(len(rows))],
        "Population": [r[0] for r in rows],
        "urban_percentage": [r[1] for r in rows],
        "composite_rank": [r[2] for r in rows],
    })
    bale = min(bale, stock)
    plan = plan_itn(wards, total_nets=stock, household_size=5, strategy="proportional",
                    bale_size=bale)
    alloc = plan.wards["nets_allocated"].to_numpy()
    need = plan.wards["nets_needed"].to_numpy()
    assert (alloc <= need).all() and (alloc >= 0).all()
    assert alloc.sum() <= stock
    assert alloc.sum() == min((stock // bale) * bale, need.sum())
    assert plan.totals["nets_allocated"] == alloc.sum()
    assert math.isfinite(plan.totals["population_covered"])
