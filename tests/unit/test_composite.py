import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from chatmrpt.analysis.composite import (
    categorize,
    composite_scores,
    enumerate_models,
    iter_model_scores,
    model_count,
    model_weights,
    models_table,
    rank_descending,
)
from chatmrpt.analysis.normalize import normalize

REF_DIRECTIONS = {"rainfall": "direct", "housing_quality": "inverse", "urban_percentage": "inverse"}
REF = pd.DataFrame({
    "rainfall": [800, 950, 1100, 1000, 870, 1200],
    "housing_quality": [0.10, 0.30, 0.05, 0.20, 0.40, 0.15],
    "urban_percentage": [0, 12, 3, 60, 85, 0],
})


def _composite(frame, directions, method="linear"):
    norm = normalize(frame, directions, method)
    variables = list(frame.columns)
    w = model_weights(variables, enumerate_models(variables))
    return composite_scores(norm.to_numpy(), w)


def test_reference_vector_reciprocal():
    # METHODOLOGY §5 reference (compat `reciprocal`)
    scores = _composite(REF, REF_DIRECTIONS, "reciprocal")
    assert np.round(scores, 4).tolist() == [0.4881, 0.1642, 0.5417, 0.2321, 0.0729, 0.6825]
    assert rank_descending(scores).tolist() == [3, 5, 2, 4, 6, 1]


@pytest.mark.parametrize("k,expected", [(2, 1), (3, 4), (4, 11), (5, 26), (8, 247), (12, 4083)])
def test_model_count(k, expected):
    models = enumerate_models([f"v{i}" for i in range(k)])
    assert len(models) == expected == model_count(k)
    assert all(len(m) >= 2 for m in models)
    assert len(set(models)) == len(models)


def test_no_truncation_above_five_variables():
    # the legacy tool kept only the first five variables; every one must take part here
    variables = [f"v{i}" for i in range(7)]
    models = enumerate_models(variables)
    assert {v for m in models for v in m} == set(variables)
    assert models[-1] == tuple(variables)


def test_model_score_is_plain_mean():
    x = np.array([[0.0, 1.0, 0.5]])
    variables = ["a", "b", "c"]
    models = enumerate_models(variables)
    block = next(iter_model_scores(x, model_weights(variables, models)))[1]
    expected = [np.mean([x[0, variables.index(v)] for v in m]) for m in models]
    assert block[0].tolist() == pytest.approx(expected)


def test_chunking_does_not_change_scores():
    rng = np.random.default_rng(3)
    x = rng.random((1000, 6))
    variables = list("abcdef")
    w = model_weights(variables, enumerate_models(variables))
    full = np.median(x @ w, axis=1)
    chunks = np.concatenate([b for _, b in iter_model_scores(x, w, chunk_rows=37)])
    assert np.allclose(np.median(chunks, axis=1), full)
    assert np.allclose(composite_scores(x, w), full)


@pytest.mark.parametrize("n,counts", [
    (2, (0, 2, 0)), (3, (1, 1, 1)), (7, (2, 3, 2)), (10, (3, 4, 3)),
    (275, (91, 93, 91)), (484, (161, 162, 161)),
])
def test_category_counts(n, counts):
    cats = categorize(np.arange(1, n + 1))
    assert ((cats == "High").sum(), (cats == "Medium").sum(), (cats == "Low").sum()) == counts
    assert cats[0] == ("High" if n >= 3 else "Medium")


def test_ranks_ties_broken_by_input_order():
    ranks = rank_descending(np.array([0.5, 0.9, 0.5, 0.9, 0.1]))
    assert ranks.tolist() == [3, 1, 4, 2, 5]


def test_ranks_dense_without_gaps():
    ranks = rank_descending(np.array([0.2, 0.2, 0.2]))
    assert sorted(ranks.tolist()) == [1, 2, 3]


def test_models_table_lists_variables():
    t = models_table(["a", "b", "c"], enumerate_models(["a", "b", "c"]))
    assert t["model"].tolist() == ["model_001", "model_002", "model_003", "model_004"]
    assert t["variables"].tolist() == ["a+b", "a+c", "b+c", "a+b+c"]


columns = st.lists(st.floats(min_value=0.01, max_value=1e4, allow_nan=False),
                   min_size=5, max_size=12)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_linear_ranks_invariant_to_scale_and_shift(data):
    n = data.draw(st.integers(min_value=4, max_value=12))
    k = data.draw(st.integers(min_value=2, max_value=4))
    cols = {f"v{j}": data.draw(st.lists(st.floats(min_value=0, max_value=1e4, allow_nan=False),
                                        min_size=n, max_size=n)) for j in range(k)}
    frame = pd.DataFrame(cols)
    directions = {c: data.draw(st.sampled_from(["direct", "inverse"])) for c in frame}
    factor = data.draw(st.floats(min_value=0.01, max_value=100))
    shift = data.draw(st.floats(min_value=-1e3, max_value=1e3))
    target = data.draw(st.sampled_from(list(frame.columns)))
    # a column whose spread is lost to float rounding once scaled and shifted (e.g. zeros and
    # 7e-197, shifted by 1.0) is a different column: the property holds only where the spread
    # survives the transformation
    spread = float(frame[target].max() - frame[target].min()) * factor
    assume(spread == 0.0 or spread > 1e-9 * (abs(shift) + float(frame[target].max()) * factor))
    scaled = frame.copy()
    scaled[target] = scaled[target] * factor + shift
    a = _composite(frame, directions)
    b = _composite(scaled, directions)
    assert np.all((a >= 0) & (a <= 1))
    # scores agree to float precision, and so do ranks wherever scores are not tied
    assert np.allclose(a, b, atol=1e-9)
    ra, rb = rank_descending(a), rank_descending(b)
    distinct = np.abs(a[:, None] - a[None, :]) > 1e-8
    order_a = np.sign(ra[:, None] - ra[None, :])
    order_b = np.sign(rb[:, None] - rb[None, :])
    assert np.array_equal(order_a[distinct], order_b[distinct])


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=2, max_value=9))
def test_model_count_property(k):
    assert len(enumerate_models(list(range(k)))) == 2**k - k - 1
