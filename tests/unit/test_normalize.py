import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chatmrpt.analysis.normalize import normalize, normalize_column


def test_direct_and_inverse_linear():
    x = np.array([2.0, 4.0, 6.0])
    assert normalize_column(x, "direct").tolist() == [0.0, 0.5, 1.0]
    assert normalize_column(x, "inverse").tolist() == [1.0, 0.5, 0.0]


def test_constant_column_is_one_half():
    x = np.array([3.0, 3.0, 3.0])
    for direction in ("direct", "inverse"):
        for method in ("linear", "reciprocal"):
            assert normalize_column(x, direction, method).tolist() == [0.5, 0.5, 0.5]


def test_negative_values_linear():
    x = np.array([-0.42, -0.30, -0.36])
    n = normalize_column(x, "direct")
    assert n[0] == 0.0 and n[1] == 1.0
    assert n[2] == pytest.approx(0.5)


def test_reciprocal_zero_dominates():
    # the reason reciprocal is not the default: one zero pushes every other ward to ~0
    x = np.array([0.0, 12.0, 3.0, 60.0])
    n = normalize_column(x, "inverse", "reciprocal")
    assert n[0] == 1.0
    assert np.all(n[1:] < 1e-9)
    linear = normalize_column(x, "inverse", "linear")
    assert linear.tolist() == pytest.approx([1.0, 0.8, 0.95, 0.0])


def test_reciprocal_direct_is_linear():
    x = np.array([800.0, 950.0, 1100.0])
    assert normalize_column(x, "direct", "reciprocal").tolist() == normalize_column(x, "direct").tolist()


def test_normalize_frame_keeps_index_and_columns():
    df = pd.DataFrame({"a": [1.0, 2.0], "b": [5.0, 1.0]}, index=[10, 11])
    out = normalize(df, {"a": "direct", "b": "inverse"})
    assert list(out.columns) == ["a", "b"]
    assert list(out.index) == [10, 11]
    assert out.loc[11, "b"] == 1.0


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(finite, min_size=2, max_size=30))
def test_flipping_direction_mirrors(values):
    x = np.array(values)
    d = normalize_column(x, "direct")
    i = normalize_column(x, "inverse")
    assert np.allclose(d + i, 1.0)
    assert np.all((d >= 0) & (d <= 1))
