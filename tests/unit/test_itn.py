"""ITN distribution plans (METHODOLOGY §8): hand-computed examples."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from chatmrpt.analysis.itn import ItnPlan, nets_needed, parse_net_count, plan_itn
from chatmrpt.errors import InputError


def wards() -> pd.DataFrame:
    # With household size 5 the per-net rule dominates: need = ceil(population / 1.8).
    #   ward  rank  population  urban%  need  tier
    #   A     1     360         10      200   1
    #   B     2     900         80      500   2
    #   C     3     540         20      300   1
    #   D     4     180         75      100   2   (75 is not below the threshold 75)
    #   E     5      90          0       50   1
    # Walk: tier 1 by rank A, C, E, then tier 2 B, D. Total need 1,150.
    return pd.DataFrame(
        {
            "WardName": ["A", "B", "C", "D", "E"],
            "WardCode": ["KW01", "KW02", "KW03", "KW04", "KW05"],
            "LGA": ["Ilorin East", "Ilorin West", "Ilorin East", "Ilorin West", "Asa"],
            "composite_rank": [1, 2, 3, 4, 5],
            "Population": [360, 900, 540, 180, 90],
            "urban_percentage": [10.0, 80.0, 20.0, 75.0, 0.0],
        }
    )


def by_ward(plan: ItnPlan, column: str) -> dict:
    return dict(zip(plan.wards["WardName"], plan.wards[column], strict=True))


def plan(table=None, **kwargs) -> ItnPlan:
    kwargs.setdefault("household_size", 5)
    return plan_itn(wards() if table is None else table, **kwargs)


# need


def test_need_follows_the_methodology_formula():
    # the field example: 236,656 people -> 236656 / 1.8 = 131,475.56 -> ceil = 131,476
    assert nets_needed(236656, 5).item() == 131476
    # at least one net per household: 10 people in households of 1.5 -> 7 households > 5.6 nets
    assert nets_needed(10, 1.5).item() == 7
    assert nets_needed(0, 5).item() == 0


def test_buffer_is_applied_to_the_need_then_rounded_up():
    # 100 people -> 56 nets; x 1.1 = 61.6 -> 62
    assert nets_needed(100, 5, buffer=1.1).item() == 62
    # 180 people -> 100 nets; 100 x 1.1 is 110.00000000000001 in floating point: still 110
    assert nets_needed(180, 5, buffer=1.1).item() == 110
    # 9 / 1.8 is exactly 5 nets, not 6
    assert nets_needed(9, 5).item() == 5


def test_need_is_rounded_up_to_whole_bales():
    assert nets_needed(np.array([360, 90, 0]), 5, bale_size=75).tolist() == [225, 75, 0]


# strategies


def test_stop_covers_in_order_and_the_first_ward_that_does_not_fit_gets_the_rest():
    p = plan(total_nets=400)
    # A 200 (200 left), C needs 300: gets 200, allocation stops
    assert p.wards["WardName"].tolist() == ["A", "C", "E", "B", "D"]
    assert by_ward(p, "nets_allocated") == {"A": 200, "C": 200, "E": 0, "B": 0, "D": 0}
    assert by_ward(p, "allocation_phase") == {
        "A": "tier 1",
        "C": "tier 1 (partial)",
        "E": "not covered",
        "B": "not covered",
        "D": "not covered",
    }
    assert by_ward(p, "coverage_percent")["C"] == pytest.approx(200 / 300 * 100)
    assert by_ward(p, "priority_tier") == {"A": 1, "C": 1, "E": 1, "B": 2, "D": 2}
    assert p.totals["nets_allocated"] == 400
    assert p.totals["nets_remaining"] == 0
    assert p.totals["wards_fully_covered"] == 1
    assert p.totals["wards_partly_covered"] == 1
    assert p.totals["wards_not_covered"] == 3


def test_continue_skips_wards_that_do_not_fit_and_gives_the_rest_to_the_first_skipped():
    p = plan(total_nets=400, strategy="continue")
    # A 200 (200 left); C 300 skipped; E 50 (150 left); B 500 skipped; D 100 (50 left);
    # the 50 left go to C, the first skipped ward
    assert by_ward(p, "nets_allocated") == {"A": 200, "C": 50, "E": 50, "B": 0, "D": 100}
    assert by_ward(p, "allocation_phase") == {
        "A": "tier 1",
        "C": "tier 1 (partial)",
        "E": "tier 1",
        "B": "not covered",
        "D": "tier 2",
    }
    assert p.totals["nets_remaining"] == 0


def test_capped_holds_every_ward_to_the_share_of_the_stock():
    p = plan(total_nets=400, strategy="capped", max_ward_share=40)
    # cap = 40% of 400 = 160. A 160 (240 left), C 160 (80 left), E 50 (30 left), B 30, D 0
    assert by_ward(p, "nets_allocated") == {"A": 160, "C": 160, "E": 50, "B": 30, "D": 0}
    assert by_ward(p, "allocation_phase") == {
        "A": "tier 1 (capped)",
        "C": "tier 1 (capped)",
        "E": "tier 1",
        "B": "tier 2 (partial)",
        "D": "not covered",
    }
    assert p.parameters["max_ward_share"] == 40
    # a cap above 25% still lets a ward take more than a quarter: the warning stays
    assert sum("more than 25%" in w for w in p.warnings) == 2


def test_capped_leaves_nets_unused_rather_than_break_the_cap():
    p = plan(total_nets=1000, strategy="capped", max_ward_share=10)
    # cap 100: A 100, C 100, E 50, B 100, D 100 = 450; 550 stay in stock
    assert by_ward(p, "nets_allocated") == {"A": 100, "C": 100, "E": 50, "B": 100, "D": 100}
    assert p.totals["nets_remaining"] == 550
    assert not any("more than 25%" in w for w in p.warnings)


def test_a_ward_needing_more_than_the_stock_gets_all_of_it():
    p = plan(total_nets=150)
    assert by_ward(p, "nets_allocated") == {"A": 150, "C": 0, "E": 0, "B": 0, "D": 0}
    assert by_ward(p, "coverage_percent")["A"] == pytest.approx(75.0)
    assert any("A (row 1) takes 150 nets, 100.0%" in w for w in p.warnings)


def test_stock_above_total_need_covers_everyone_and_reports_the_leftover():
    p = plan(total_nets=2000)
    assert by_ward(p, "nets_allocated") == {"A": 200, "C": 300, "E": 50, "B": 500, "D": 100}
    assert set(p.wards["allocation_phase"]) == {"tier 1", "tier 2"}
    assert p.totals["total_need"] == 1150
    assert p.totals["leftover"] == 850
    assert p.totals["nets_remaining"] == 850
    assert p.totals["wards_fully_covered"] == 5
    assert any("850 nets are left over" in w for w in p.warnings)
    assert p.totals["population_covered"] == pytest.approx(2070)
    assert p.totals["population_covered_percent"] == pytest.approx(100.0)


def test_allocation_in_whole_bales():
    # bale of 75: needs A 3 bales (225), C 4 (300), E 1 (75), B 7 (525), D 2 (150).
    # 500 nets = 6 bales + 50 loose nets. A 3 bales, C gets the other 3 (225 of 300).
    p = plan(total_nets=500, bale_size=75)
    assert by_ward(p, "nets_needed") == {"A": 225, "C": 300, "E": 75, "B": 525, "D": 150}
    assert by_ward(p, "nets_allocated") == {"A": 225, "C": 225, "E": 0, "B": 0, "D": 0}
    assert p.totals["nets_allocated"] == 450
    assert p.totals["nets_remaining"] == 50
    assert any("50 net(s) do not make a whole bale of 75" in w for w in p.warnings)


def test_population_covered_is_capped_at_the_population():
    table = wards().assign(Population=[10, 0, 0, 0, 0])
    # households of 1.5: need 7 nets (7 households); 7 x 1.8 = 12.6 people > 10
    p = plan(table, total_nets=100, household_size=1.5)
    assert by_ward(p, "nets_allocated")["A"] == 7
    assert by_ward(p, "population_covered")["A"] == 10
    # wards of no population need nothing and count as covered
    assert by_ward(p, "nets_needed")["B"] == 0
    assert by_ward(p, "coverage_percent")["B"] == 100.0
    assert p.totals["wards_fully_covered"] == 5


def test_population_covered_is_allocated_times_people_per_net():
    p = plan(total_nets=400)
    assert by_ward(p, "population_covered") == pytest.approx(
        {"A": 360, "C": 360, "E": 0, "B": 0, "D": 0}
    )


# ordering


def test_equal_ranks_keep_the_table_order():
    table = pd.DataFrame(
        {
            "WardName": ["X", "Y"],
            "composite_rank": [1, 1],
            "Population": [180, 180],
            "urban_percentage": [0, 0],
        }
    )
    p = plan(table, total_nets=150)
    assert by_ward(p, "nets_allocated") == {"X": 100, "Y": 50}
    p = plan(table.iloc[::-1], total_nets=150)
    assert by_ward(p, "nets_allocated") == {"Y": 100, "X": 50}


def test_tier_one_comes_before_a_more_vulnerable_tier_two_ward():
    p = plan(total_nets=550)
    # B has rank 2 but is tier 2: A, C and E (550) take everything
    assert by_ward(p, "nets_allocated")["B"] == 0
    assert p.totals["tier1_nets_allocated"] == 550
    assert p.totals["tier2_nets_allocated"] == 0
    assert p.wards["allocation_order"].tolist() == [1, 2, 3, 4, 5]


def test_urban_threshold_moves_wards_between_tiers():
    p = plan(total_nets=2000, urban_threshold=80)
    # D (75%) is now below the threshold; B (80%) is not
    assert by_ward(p, "priority_tier") == {"A": 1, "B": 2, "C": 1, "D": 1, "E": 1}
    assert p.wards["WardName"].tolist() == ["A", "C", "D", "E", "B"]


def test_pca_method_uses_pca_rank():
    table = wards().assign(pca_rank=[5, 4, 3, 2, 1])
    p = plan(table, total_nets=2000, method="pca")
    assert p.wards["WardName"].tolist() == ["E", "C", "A", "D", "B"]
    assert p.parameters["rank_column"] == "pca_rank"


def test_pca_method_without_pca_rank_is_refused():
    with pytest.raises(InputError) as info:
        plan(total_nets=100, method="pca")
    assert info.value.code == "missing_column"
    assert "pca_rank" in info.value.message


def test_missing_urban_share_goes_to_tier_one_with_a_warning():
    table = wards()
    table.loc[1, "urban_percentage"] = np.nan  # B
    p = plan(table, total_nets=2000)
    assert by_ward(p, "priority_tier")["B"] == 1
    assert any("B (row 2)" in w for w in p.warnings)


def test_missing_rank_goes_last_in_its_tier():
    table = wards().astype({"composite_rank": float})
    table.loc[0, "composite_rank"] = np.nan  # A
    p = plan(table, total_nets=2000)
    assert p.wards["WardName"].tolist() == ["C", "E", "A", "B", "D"]
    assert any("A (row 1)" in w for w in p.warnings)


# population


def test_missing_population_is_refused_naming_the_wards():
    table = wards()
    table.loc[2, "Population"] = np.nan
    table.loc[4, "Population"] = np.nan
    with pytest.raises(InputError) as info:
        plan(table, total_nets=100)
    assert info.value.code == "missing_population"
    assert "C (row 3)" in info.value.message
    assert "E (row 5)" in info.value.message
    assert info.value.details["rows"] == [3, 5]
    assert info.value.details["wards"] == ["C", "E"]


def test_text_in_the_population_column_counts_as_missing():
    table = wards().astype({"Population": object})
    table.loc[0, "Population"] = "n/a"
    with pytest.raises(InputError) as info:
        plan(table, total_nets=100)
    assert info.value.details["wards"] == ["A"]


@pytest.mark.parametrize(
    ("rule", "value", "need"),
    [
        # known populations 360, 900, 180, 90: mean 382.5 -> 213 nets; median 270 -> 150
        ("mean", 382.5, 213),
        ("median", 270.0, 150),
        (1800, 1800.0, 1000),
        ("1800", 1800.0, 1000),
    ],
)
def test_fill_rules_fill_and_record(rule, value, need):
    table = wards()
    table.loc[2, "Population"] = np.nan  # C
    p = plan(table, total_nets=5000, fill_population=rule)
    assert by_ward(p, "population")["C"] == value
    assert by_ward(p, "nets_needed")["C"] == need
    assert by_ward(p, "population_filled") == {
        "A": False,
        "B": False,
        "C": True,
        "D": False,
        "E": False,
    }
    record = p.parameters["fill_population"]
    assert record["value"] == value
    assert record["rule"] == (rule if rule in ("mean", "median") else "value")
    assert record["wards"] == [{"row": 3, "WardName": "C"}]
    assert any("filled" in w and "C" in w for w in p.warnings)


def test_fill_rule_needs_at_least_one_known_population():
    table = wards().assign(Population=np.nan)
    with pytest.raises(InputError) as info:
        plan(table, total_nets=100, fill_population="mean")
    assert info.value.code == "missing_population"


def test_negative_population_is_refused_even_with_a_fill_rule():
    table = wards()
    table.loc[3, "Population"] = -5
    with pytest.raises(InputError) as info:
        plan(table, total_nets=100, fill_population="mean")
    assert info.value.code == "missing_population"
    assert "D (row 4)" in info.value.message


def test_no_fill_record_when_nothing_is_missing():
    assert plan(total_nets=100).parameters["fill_population"] is None


def test_missing_population_column_is_refused():
    with pytest.raises(InputError) as info:
        plan(wards().drop(columns=["Population"]), total_nets=100)
    assert info.value.code == "missing_population"
    assert "population table" in info.value.message
    assert "composite_rank" not in info.value.message  # no list of the table's columns


def test_population_alias_is_found():
    p = plan(wards().rename(columns={"Population": "total_population"}), total_nets=100)
    assert p.parameters["population_column"] == "total_population"


# parameters


@pytest.mark.parametrize(
    "kwargs",
    [
        {"total_nets": 0},
        {"total_nets": -5},
        {"total_nets": 1e15},
        {"total_nets": math.nan},
        {"total_nets": 1.5},
        {"total_nets": True},
        {"total_nets": "lots"},
        {"total_nets": 100, "household_size": 0},
        {"total_nets": 100, "household_size": -1},
        {"total_nets": 100, "household_size": math.nan},
        {"total_nets": 100, "household_size": math.inf},
        {"total_nets": 100, "people_per_net": 0},
        {"total_nets": 100, "buffer": 0.9},
        {"total_nets": 100, "bale_size": 0},
        {"total_nets": 100, "bale_size": 2.5},
        {"total_nets": 100, "bale_size": 500},
        {"total_nets": 100, "urban_threshold": -1},
        {"total_nets": 100, "urban_threshold": 101},
        {"total_nets": 100, "urban_threshold": math.nan},
        {"total_nets": 100, "method": "random"},
        {"total_nets": 100, "strategy": "greedy"},
        {"total_nets": 100, "strategy": "capped"},
        {"total_nets": 100, "strategy": "capped", "max_ward_share": 0},
        {"total_nets": 100, "strategy": "capped", "max_ward_share": 150},
        {"total_nets": 100, "strategy": "capped", "max_ward_share": 0.5},
        {"total_nets": 100, "max_ward_share": 20},
        {"total_nets": 100, "fill_population": "mode"},
        {"total_nets": 100, "fill_population": -5},
    ],
)
def test_invalid_parameters_are_refused(kwargs):
    with pytest.raises(InputError) as info:
        plan(**kwargs)
    assert info.value.code == "invalid_parameter"
    assert info.value.message


@pytest.mark.parametrize(
    ("text", "nets"),
    [
        ("1200000", 1_200_000),
        ("1,200,000", 1_200_000),
        ("1.2m", 1_200_000),
        ("1.2M", 1_200_000),
        ("500k", 500_000),
        ("2.5k", 2_500),
        ("1_000", 1_000),
        (" 750 ", 750),
        (5000, 5000),
        (5000.0, 5000),
    ],
)
def test_net_counts_parse(text, nets):
    assert parse_net_count(text) == nets


@pytest.mark.parametrize("text", ["1.5", "-5", "abc", "1.2.3", "", "5 nets", "1.0001k", math.inf])
def test_bad_net_counts_are_refused(text):
    with pytest.raises(InputError) as info:
        parse_net_count(text)
    assert info.value.code == "invalid_parameter"


# outputs


def test_per_lga_sums():
    p = plan(total_nets=400)
    lga = p.by_lga.set_index("LGA")
    assert list(lga.index) == ["Asa", "Ilorin East", "Ilorin West"]
    assert lga.loc["Ilorin East", "wards"] == 2
    assert lga.loc["Ilorin East", "nets_needed"] == 500
    assert lga.loc["Ilorin East", "nets_allocated"] == 400
    assert lga.loc["Ilorin East", "coverage_percent"] == pytest.approx(80.0)
    assert lga.loc["Ilorin East", "wards_fully_covered"] == 1
    assert lga.loc["Ilorin East", "wards_partly_covered"] == 1
    assert lga.loc["Ilorin West", "wards_not_covered"] == 2
    assert p.by_lga["nets_allocated"].sum() == p.totals["nets_allocated"]
    assert p.by_lga["population"].sum() == p.totals["population"]


def test_without_lga_column_one_group():
    p = plan(wards().drop(columns=["LGA", "WardCode"]), total_nets=400)
    assert p.by_lga["LGA"].tolist() == ["(all wards)"]
    assert p.wards["WardCode"].isna().all()


def test_lga_codes_group_when_names_are_absent():
    table = (
        wards().drop(columns=["LGA"]).assign(LGACode=["024006", "024007", "024006", None, "024008"])
    )
    p = plan(table, total_nets=400)
    assert list(p.by_lga.columns)[0] == "LGACode"
    assert p.by_lga["LGACode"].tolist() == ["(LGA unknown)", "024006", "024007", "024008"]
    assert p.by_lga.set_index("LGACode").loc["024006", "nets_allocated"] == 400


def test_json_is_valid_and_complete():
    table = wards()
    table.loc[1, "urban_percentage"] = np.nan
    p = plan(table, total_nets=400)
    data = json.loads(p.to_json())
    assert set(data) == {"parameters", "totals", "warnings", "wards", "by_lga"}
    assert data["totals"]["nets_allocated"] == 400
    assert data["parameters"]["household_size"] == 5
    assert len(data["wards"]) == 5
    row = data["wards"][0]
    for key in (
        "WardName",
        "WardCode",
        "nets_needed",
        "nets_allocated",
        "coverage_percent",
        "priority_tier",
        "allocation_phase",
        "population_covered",
    ):
        assert key in row
    b = next(r for r in data["wards"] if r["WardName"] == "B")
    assert b["urban_share"] is None


def test_plan_is_deterministic_and_does_not_touch_its_input():
    table = wards()
    before = table.copy()
    first = plan(table, total_nets=400, strategy="continue")
    second = plan(table, total_nets=400, strategy="continue")
    pd.testing.assert_frame_equal(first.wards, second.wards)
    assert first.to_json() == second.to_json()
    pd.testing.assert_frame_equal(table, before)


def test_missing_ward_name_column_is_refused():
    with pytest.raises(InputError) as info:
        plan(wards().drop(columns=["WardName"]), total_nets=100)
    assert info.value.code == "missing_ward_column"


def test_large_plan_is_fast():
    rng = np.random.default_rng(1)
    n = 100_000
    table = pd.DataFrame(
        {
            "WardName": [f"w{i}" for i in range(n)],
            "composite_rank": rng.permutation(n) + 1,
            "Population": rng.integers(0, 50_000, n),
            "urban_percentage": rng.uniform(0, 100, n),
        }
    )
    for strategy in ("stop", "continue"):
        p = plan(table, total_nets=200_000_000, strategy=strategy)
        assert p.totals["nets_allocated"] <= 200_000_000
