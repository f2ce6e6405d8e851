"""Charts beside the maps: model-score boxes, composite against PCA, ITN coverage by LGA."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

from chatmrpt.analysis.itn import plan_itn
from chatmrpt.errors import InputError
from chatmrpt.viz.plots import itn_coverage_by_lga, model_score_boxplot, rank_comparison_plot
from chatmrpt.viz.synthetic import synthetic_analysis


@pytest.fixture(scope="module")
def result():
    return synthetic_analysis(120, seed=8)


def _top(result, n):
    order = np.argsort(result.wards["composite_rank"].to_numpy())[:n]
    return order, result.model_scores(order)


def test_boxes_summarise_each_top_wards_model_scores(result):
    order, scores = _top(result, 20)
    labels = result.wards["WardName"].iloc[order].tolist()
    spec = model_score_boxplot(scores, labels, 20)
    json.dumps(spec, allow_nan=False)
    box = spec["figure"]["data"][0]
    assert box["type"] == "box" and box["orientation"] == "h"
    assert len(box["y"]) == 20
    assert box["y"][0] == f"1. {labels[0]}" and box["y"][19] == f"20. {labels[19]}"
    values = scores.to_numpy()
    assert box["q1"] == pytest.approx(np.percentile(values, 25, axis=1), abs=1e-5)
    assert box["q3"] == pytest.approx(np.percentile(values, 75, axis=1), abs=1e-5)
    assert box["lowerfence"] == pytest.approx(values.min(axis=1), abs=1e-5)
    assert box["upperfence"] == pytest.approx(values.max(axis=1), abs=1e-5)
    # the median of a ward's model scores is its composite score
    composite = result.wards["composite_score"].to_numpy()[order]
    assert box["median"] == pytest.approx(composite, abs=1e-5)
    assert spec["models"] == len(result.models) == 26
    assert spec["figure"]["layout"]["yaxis"]["autorange"] == "reversed"  # rank 1 on top


def test_boxes_are_sent_as_numbers_not_every_model_score(result):
    order, scores = _top(result, 10)
    spec = model_score_boxplot(scores, [f"w{i}" for i in range(10)], 10)
    box = spec["figure"]["data"][0]
    assert "x" not in box  # the raw scores stay on the server
    assert len(json.dumps(spec)) < 8_000


def test_fewer_wards_than_asked_and_given_ranks(result):
    order, scores = _top(result, 3)
    spec = model_score_boxplot(scores, ["a", "b", "c"], 20, ranks=[4, 9, 12])
    assert spec["figure"]["data"][0]["y"] == ["4. a", "9. b", "12. c"]
    with pytest.raises(ValueError):
        model_score_boxplot(scores, ["a", "b"], 3)


def test_rank_comparison_has_the_diagonal_and_the_spearman_correlation(result):
    wards = result.wards
    spec = rank_comparison_plot(wards)
    json.dumps(spec, allow_nan=False)
    traces = spec["figure"]["data"]
    diagonal = traces[-1]
    assert diagonal["mode"] == "lines" and diagonal["x"] == [1, len(wards)]
    assert diagonal["y"] == diagonal["x"]
    points = sum(len(t["x"]) for t in traces[:-1])
    assert points == len(wards)
    rho = stats.spearmanr(wards["composite_rank"], wards["pca_rank"]).statistic
    assert spec["spearman"] == pytest.approx(rho, abs=1e-4)
    assert f"{rho:.3f}" in spec["subtitle"]
    top = set(np.flatnonzero(wards["composite_rank"] <= 20)) & set(
        np.flatnonzero(wards["pca_rank"] <= 20)
    )
    assert spec["top_shared"] == len(top)


def test_rank_comparison_needs_pca(result):
    with pytest.raises(InputError) as err:
        rank_comparison_plot(result.wards.drop(columns=["pca_rank"]))
    assert err.value.code == "missing_column"


def test_itn_bars_match_the_plan_by_lga(result):
    plan = plan_itn(result.wards, total_nets=90_000, household_size=5)
    for given in (plan, plan.to_dict(), plan.by_lga):
        spec = itn_coverage_by_lga(given)
        json.dumps(spec, allow_nan=False)
        needed, allocated = spec["figure"]["data"]
        assert needed["y"] == plan.by_lga["LGA"].tolist()
        assert needed["x"] == plan.by_lga["nets_needed"].astype(float).tolist()
        assert allocated["x"] == plan.by_lga["nets_allocated"].astype(float).tolist()
        assert allocated["text"] == [f"{c:.0f}%" for c in plan.by_lga["coverage_percent"]]
    total = plan.by_lga["nets_allocated"].sum() / plan.by_lga["nets_needed"].sum() * 100
    assert spec["coverage_percent"] == pytest.approx(total)


def test_itn_bars_need_the_lga_table():
    with pytest.raises(InputError) as err:
        itn_coverage_by_lga([{"LGA": "A", "nets_needed": 3}])
    assert err.value.code == "missing_column"
