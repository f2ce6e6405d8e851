"""The R MRPT app's ranking: median of per-model ranks (METHODOLOGY §5, ``median-rank``).

Every expected number below is worked out by hand in the comments (and in METHODOLOGY §5).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chatmrpt.analysis.composite import (
    ascending_model_ranks,
    enumerate_models,
    exact_model_scores,
    median_model_ranks,
    rank_by_median_rank,
    tie_break_keys,
)
from chatmrpt.analysis.dataset import WardDataset
from chatmrpt.analysis.params import AnalysisParams, analysis_id
from chatmrpt.analysis.pipeline import run_analysis
from chatmrpt.errors import InputError

# The worked example of METHODOLOGY §5: five wards, three direct variables on 0..10, so
# each normalised value is the raw value / 10.
NAMES = ["Kofa", "Dala", "Bebeji", "Gwale", "Ajingi"]
CODES = ["KN01", "KN02", "KN03", "KN04", "KN05"]
RAW = {"a": [10, 0, 5, 0, 5], "b": [0, 10, 5, 0, 5], "c": [5, 5, 0, 10, 10]}
NORM = np.array(
    [[1.0, 0.0, 0.5], [0.0, 1.0, 0.5], [0.5, 0.5, 0.0], [0.0, 0.0, 1.0], [0.5, 0.5, 1.0]]
)
MODELS = [[0, 1], [0, 2], [1, 2], [0, 1, 2]]  # a+b, a+c, b+c, a+b+c


def test_model_scores_of_the_worked_example():
    scores = exact_model_scores(NORM, MODELS)
    assert scores[:, 0].tolist() == [0.5, 0.5, 0.5, 0.0, 0.5]
    assert scores[:, 1].tolist() == [0.75, 0.25, 0.25, 0.5, 0.75]
    assert scores[:, 2].tolist() == [0.25, 0.75, 0.25, 0.5, 0.75]
    # sums 1.5, 1.5, 1, 1, 2 divided by 3: equal sums give bit-identical scores
    assert scores[:, 3].tolist() == [1.5 / 3, 1.5 / 3, 1 / 3, 1 / 3, 2 / 3]


def test_per_model_ranks_ascending_with_ties_in_input_order():
    ranks = ascending_model_ranks(exact_model_scores(NORM, MODELS))
    # a+b: Gwale 0 is lowest; the four 0.5s keep input order
    assert ranks[:, 0].tolist() == [2, 3, 4, 1, 5]
    # a+c: Dala .25, Bebeji .25, Gwale .5, Kofa .75, Ajingi .75
    assert ranks[:, 1].tolist() == [4, 1, 2, 3, 5]
    # b+c: Kofa .25, Bebeji .25, Gwale .5, Dala .75, Ajingi .75
    assert ranks[:, 2].tolist() == [1, 4, 2, 3, 5]
    # a+b+c: Bebeji 1/3, Gwale 1/3, Kofa .5, Dala .5, Ajingi 2/3
    assert ranks[:, 3].tolist() == [3, 4, 1, 2, 5]


def test_even_model_count_gives_half_medians():
    # Kofa 2,4,1,3 -> 2.5; Dala 3,1,4,4 -> 3.5; Bebeji 4,2,2,1 -> 2; Gwale 1,3,3,2 -> 2.5
    assert median_model_ranks(NORM, MODELS).tolist() == [2.5, 3.5, 2.0, 2.5, 5.0]


@pytest.mark.parametrize(
    ("tie_break", "codes", "expected"),
    [
        # ascending medians: Bebeji 2, {Kofa, Gwale} 2.5, Dala 3.5, Ajingi 5
        # name: "Gwale" < "Kofa" -> positions Bebeji 1, Gwale 2, Kofa 3, Dala 4, Ajingi 5
        ("name", CODES, [3, 2, 5, 4, 1]),
        # code: KN01 (Kofa) < KN04 (Gwale)
        ("code", CODES, [4, 2, 5, 3, 1]),
        # order: Kofa (row 1) before Gwale (row 4)
        ("order", CODES, [4, 2, 5, 3, 1]),
        # code as numbers when every code is a number: 9 (Gwale) < 10 (Kofa)
        ("code", ["10", "2", "3", "9", "5"], [3, 2, 5, 4, 1]),
    ],
)
def test_final_ranks_for_each_tie_break(tie_break, codes, expected):
    median = median_model_ranks(NORM, MODELS)
    keys = tie_break_keys(NAMES, codes, tie_break)
    # composite_rank = n + 1 - position in ascending median order: 1 = most vulnerable
    assert rank_by_median_rank(median, keys).tolist() == expected


def test_name_tie_break_is_byte_order_not_case_insensitive():
    # "Zaria" (Z = 0x5A) sorts before "bebeji" (b = 0x62), and "Ábuja" (0xC3) after both
    keys = tie_break_keys(["bebeji", "Zaria", "Ábuja"], None, "name")
    assert keys.tolist() == [1, 0, 2]
    # text codes also in byte order: "10" < "9" as text
    assert tie_break_keys(None, ["9", "10", "x"], "code").tolist() == [1, 0, 2]
    # missing values sort last
    assert tie_break_keys(["b", None, "a"], None, "name").tolist() == [1, 2, 0]


def test_ties_come_from_exact_float64_sums_left_to_right():
    # 0.1 + 0.2 + 0.3 = 0.6000000000000001 but 0.3 + 0.2 + 0.1 = 0.6 in float64: the two
    # wards are not tied, so the second one (lower score) is ranked first
    norm = np.array([[0.1, 0.2, 0.3], [0.3, 0.2, 0.1], [0.1, 0.2, 0.3]])
    scores = exact_model_scores(norm, [[0, 1, 2]])
    assert scores[:, 0].tolist() == [(0.1 + 0.2 + 0.3) / 3, 0.6 / 3, (0.1 + 0.2 + 0.3) / 3]
    assert scores[0, 0] > scores[1, 0]
    # rows 1 and 3 are truly equal: input order
    assert ascending_model_ranks(scores)[:, 0].tolist() == [2, 1, 3]
    # weights 1/3 then a matrix product would give other values; rounding to 12 decimals
    # would make all three equal and rank them 1, 2, 3
    assert np.round(scores[:, 0], 12).tolist() == [0.2, 0.2, 0.2]


def _dataset():
    frame = pd.DataFrame({"WardName": NAMES, "WardCode": CODES, **RAW})
    return WardDataset(wards=frame, sources={"table": {"sha256": "worked-example"}})


def test_pipeline_reproduces_the_worked_example():
    params = AnalysisParams.from_dict({
        "variables": ["a", "b", "c"],
        "directions": {"a": "direct", "b": "direct", "c": "direct"},
        "aggregation": "median-rank",
        "methods": ["composite"],
    })
    assert params.normalization == "reciprocal"  # the R app's normalisation by default
    result = run_analysis(_dataset(), params)
    wards = result.wards
    assert wards["composite_median_rank"].tolist() == [2.5, 3.5, 2.0, 2.5, 5.0]
    assert wards["composite_rank"].tolist() == [3, 2, 5, 4, 1]
    # categories follow the usual rule on composite_rank: n = 5, h = 1
    assert wards["composite_category"].tolist() == ["Medium", "Medium", "Low", "Medium", "High"]
    assert result.metadata["parameters"]["aggregation"] == "median-rank"
    assert result.metadata["parameters"]["tie_break"] == "name"
    # the default aggregation ranks these wards differently (Kofa and Dala swap):
    # median scores .5, .5, .2917, .4167, .7083 -> ranks 2, 3, 5, 4, 1
    default = run_analysis(_dataset(), AnalysisParams.from_dict({
        "variables": ["a", "b", "c"],
        "directions": {"a": "direct", "b": "direct", "c": "direct"},
        "methods": ["composite"],
    }))
    assert default.wards["composite_rank"].tolist() == [2, 3, 5, 4, 1]
    assert "composite_median_rank" not in default.wards.columns


def test_tie_break_code_without_codes_is_refused():
    frame = pd.DataFrame({"WardName": NAMES, **RAW})
    dataset = WardDataset(wards=frame, sources={"table": {"sha256": "no-codes"}})
    params = AnalysisParams.from_dict({"variables": ["a", "b", "c"],
                                       "aggregation": "median-rank", "tie_break": "code"})
    with pytest.raises(InputError, match="WardCode") as err:
        run_analysis(dataset, params)
    assert err.value.details["parameter"] == "tie_break"


def test_params_keep_default_ids_and_the_users_variable_order():
    default = AnalysisParams.from_dict({"variables": ["b", "a"]})
    assert "aggregation" not in default.normalized()
    assert "tie_break" not in default.normalized()
    assert default.variables == ("a", "b")
    # the exact normalised form the ids of existing analyses were computed from
    assert default.normalized() == {
        "variables": ["a", "b"], "directions": {}, "normalization": "linear",
        "methods": ["composite", "pca"], "urban_thresholds": [20.0, 30.0, 50.0, 75.0],
        "pca_orientation": "risk",
    }
    explicit = AnalysisParams.from_dict({"variables": ["b", "a"], "aggregation": "median-score"})
    assert analysis_id("d", explicit) == analysis_id("d", default)

    ranked = AnalysisParams.from_dict({"variables": ["b", "a"], "aggregation": "median-rank"})
    assert ranked.variables == ("b", "a")  # the order the model sums follow
    assert ranked.normalized()["aggregation"] == "median-rank"
    assert ranked.normalized()["normalization"] == "reciprocal"
    assert analysis_id("d", ranked) != analysis_id("d", default)
    linear = AnalysisParams.from_dict({"aggregation": "median-rank", "normalization": "linear"})
    assert linear.normalization == "linear"
    by_code = AnalysisParams.from_dict({"aggregation": "median-rank", "tie_break": "code"})
    assert analysis_id("d", by_code) != analysis_id("d", AnalysisParams.from_dict(
        {"aggregation": "median-rank"}))


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"aggregation": "mean"}, "median-rank"),
        ({"aggregation": "median-rank", "tie_break": "lga"}, "'name'"),
        ({"tie_break": "code"}, "applies only to the median-rank"),
    ],
)
def test_bad_aggregation_parameters_are_refused(data, words):
    with pytest.raises(InputError, match=words):
        AnalysisParams.from_dict(data)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=2, max_value=12).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(
                st.lists(st.sampled_from([0.0, 0.1, 0.2, 0.25, 0.5, 0.75, 1.0]),
                         min_size=3, max_size=3),
                min_size=n, max_size=n,
            ),
            st.lists(st.sampled_from(["A", "B", "a", "C"]), min_size=n, max_size=n),
        )
    )
)
def test_median_ranks_match_a_plain_python_reference(case):
    n, rows, names = case
    norm = np.array(rows)
    models = [list(m) for m in enumerate_models([0, 1, 2])]
    # reference: scalar sums left to right, sorted() is stable like R's order()
    per_ward: list[list[int]] = [[] for _ in range(n)]
    for cols in models:
        scores = []
        for row in rows:
            total = 0.0  # 0.0 + x == x exactly, so this is the sum from the left
            for c in cols:
                total += row[c]
            scores.append(total / len(cols))
        for r, i in enumerate(sorted(range(n), key=lambda i: scores[i]), start=1):
            per_ward[i].append(r)
    medians = [float(np.median(r)) for r in per_ward]
    assert median_model_ranks(norm, models).tolist() == medians
    order = sorted(range(n), key=lambda i: (medians[i], names[i].encode(), i))
    expected = [0] * n
    for p, i in enumerate(order, start=1):
        expected[i] = n + 1 - p
    keys = tie_break_keys(names, None, "name")
    assert rank_by_median_rank(np.array(medians), keys).tolist() == expected
    assert sorted(expected) == list(range(1, n + 1))


def test_the_report_says_how_a_median_rank_analysis_ranked():
    from chatmrpt.viz.report import render_report

    params = AnalysisParams.from_dict({"variables": ["a", "b", "c"],
                                       "aggregation": "median-rank", "tie_break": "code",
                                       "methods": ["composite"]})
    result = run_analysis(_dataset(), params)
    html = render_report(result.wards, result.metadata)
    assert "R MRPT compatible ranking" in html and "ordered by ward code" in html
    assert "median-rank, ties by code" in html
    default = run_analysis(_dataset(), AnalysisParams.from_dict({"variables": ["a", "b", "c"]}))
    assert "R MRPT compatible" not in render_report(default.wards, default.metadata)


def test_the_users_variable_order_reaches_the_models():
    params = AnalysisParams.from_dict({"variables": ["c", "a", "b"],
                                       "aggregation": "median-rank", "methods": ["composite"]})
    result = run_analysis(_dataset(), params)
    assert result.variables == ["c", "a", "b"]
    assert result.models == [("c", "a"), ("c", "b"), ("a", "b"), ("c", "a", "b")]
    # the same models in another order: the median ranks do not change on this example
    assert result.wards["composite_median_rank"].tolist() == [2.5, 3.5, 2.0, 2.5, 5.0]
