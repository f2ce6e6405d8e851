"""The faster per-ward medians and the streamed model_scores.parquet give the numbers the
plain NumPy forms give (``np.median``; ``x @ w`` cast to float32), whatever the blocks."""

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from chatmrpt.analysis import composite as comp
from chatmrpt.analysis import outputs
from chatmrpt.analysis.composite import (
    composite_scores,
    enumerate_models,
    model_weights,
    row_medians,
)
from chatmrpt.analysis.outputs import scores_by_model, write_model_scores


def _weights(k):
    variables = [f"v{i}" for i in range(k)]
    return model_weights(variables, enumerate_models(variables))


@pytest.mark.parametrize("models", [1, 2, 3, 4, 11, 26, 57, 120, 247])
def test_row_medians_equal_numpy_median(models):
    rng = np.random.default_rng(models)
    block = rng.random((50, models))
    block[:, ::3] = 0.5  # repeated values: ties around the middle
    expected = np.median(block, axis=1)
    got = np.empty(50)
    row_medians(block.copy(), got)
    assert np.array_equal(got, expected)


@pytest.mark.parametrize("k", [2, 3, 4, 5, 6, 9])
def test_composite_scores_equal_the_median_of_the_model_scores(k, monkeypatch):
    rng = np.random.default_rng(k)
    x = rng.random((700, k))
    x[rng.random(x.shape) < 0.2] = 0.5
    w = _weights(k)
    expected = np.round(np.median(x @ w, axis=1), comp.SCORE_DECIMALS)
    assert np.array_equal(composite_scores(x, w), expected)
    # small blocks, each split between threads: the same numbers
    monkeypatch.setattr(comp, "CHUNK_CELLS", 97)
    monkeypatch.setattr(comp, "SCORE_BLOCK_CELLS", 97)
    monkeypatch.setattr(comp, "_threads", lambda: 3)
    assert np.array_equal(composite_scores(x, w), expected)
    monkeypatch.setattr(comp, "_threads", lambda: 1)
    assert np.array_equal(composite_scores(x, w), expected)


def test_a_missing_normalised_value_gives_a_missing_composite_score(monkeypatch):
    x = np.random.default_rng(1).random((40, 4))
    x[7, 2] = np.nan
    monkeypatch.setattr(comp, "CHUNK_CELLS", 50)
    scores = composite_scores(x, _weights(4))
    assert np.isnan(scores[7]) and np.isfinite(np.delete(scores, 7)).all()


@pytest.mark.parametrize("shape", [(1, 1), (3, 700), (257, 513), (600, 11)])
def test_scores_by_model_is_the_float32_transpose(shape):
    block = np.random.default_rng(2).random(shape) * 1e3
    expected = np.ascontiguousarray(block.T, dtype=np.float32)
    got = scores_by_model(block)
    assert got.dtype == np.float32 and got.flags.c_contiguous
    assert np.array_equal(got, expected)


class _Result:
    """The parts of an analysis result write_model_scores reads."""

    def __init__(self, wards, x, k):
        variables = [f"v{i}" for i in range(k)]
        self.wards, self.normalized = wards, x
        self.variables, self.models = variables, enumerate_models(variables)

    def models_table(self):
        return comp.models_table(self.variables, self.models)

    def iter_model_scores(self, chunk_rows=None, reuse=False):
        return comp.iter_model_scores(self.normalized, model_weights(self.variables, self.models),
                                      chunk_rows, reuse)


def test_model_scores_file_holds_every_score_over_several_blocks(tmp_path, monkeypatch):
    n, k = 1001, 5
    rng = np.random.default_rng(4)
    x = rng.random((n, k))
    wards = pd.DataFrame({"WardName": [f"W{i}" for i in range(n)],
                          "WardCode": [None if i == 3 else f"{i:06d}" for i in range(n)]})
    result = _Result(wards, x, k)
    monkeypatch.setattr(outputs, "MODEL_SCORES_BLOCK_CELLS", 26 * 90)  # 90 wards a block
    progress = []
    write_model_scores(result, tmp_path / "s.parquet", progress=progress.append)
    assert progress[-1] == 1.0 and progress == sorted(progress)
    meta = pq.ParquetFile(tmp_path / "s.parquet").metadata
    assert meta.num_row_groups == 12
    table = pd.read_parquet(tmp_path / "s.parquet")
    ids = comp.model_ids(26)
    assert table.columns.tolist() == ["WardName", "WardCode", *ids]
    assert table["WardName"].tolist() == wards["WardName"].tolist()
    assert table["WardCode"].isna().tolist() == [i == 3 for i in range(n)]
    assert (table[ids].dtypes == np.float32).all()
    expected = (x @ model_weights(result.variables, result.models)).astype(np.float32)
    assert np.array_equal(table[ids].to_numpy(), expected)


def test_reused_blocks_hold_the_same_scores():
    x = np.random.default_rng(6).random((103, 4))
    w = _weights(4)
    fresh = [(s, b.copy()) for s, b in comp.iter_model_scores(x, w, chunk_rows=10)]
    reused = [(s, b.copy()) for s, b in comp.iter_model_scores(x, w, chunk_rows=10, reuse=True)]
    assert [s for s, _ in reused] == [s for s, _ in fresh] == list(range(0, 103, 10))
    assert all(np.array_equal(a, b) for (_, a), (_, b) in zip(fresh, reused, strict=True))
    assert np.array_equal(np.concatenate([b for _, b in reused]), x @ w)


@pytest.mark.parametrize("cells,fast", [
    (["a", None, "b"], True), (["a", 1, None], True), ([None, None], True),
    (["a", 1.5], False), (["a", pd.Timestamp("2024-01-01")], False), (["a", b"x"], False),
])
def test_text_columns_checked_for_kinds_pandas_formats_itself(cells, fast, tmp_path):
    from chatmrpt.analysis.outputs import _csv_columns, write_unified_csv
    from chatmrpt.csvsafe import write_csv

    frame = pd.DataFrame({"o": pd.Series(cells, dtype=object), "n": range(len(cells))})
    assert (_csv_columns(frame) is not None) == fast
    write_unified_csv(frame, tmp_path / "ours.csv")
    write_csv(frame, tmp_path / "theirs.csv")
    assert (tmp_path / "ours.csv").read_bytes() == (tmp_path / "theirs.csv").read_bytes()


def test_float_cells_are_the_repr_of_each_value():
    from chatmrpt.analysis.outputs import _arrow_float_text_is_repr, _float_cells

    assert _arrow_float_text_is_repr()  # the column-at-once path is the one tested here
    rng = np.random.default_rng(11)
    values = rng.normal(size=200_000) * 10.0 ** rng.integers(-30, 30, size=200_000)
    values[::7] = np.round(values[::7])
    values[::11] = rng.integers(-10**6, 10**6, size=values[::11].size)
    values[::13] = np.nan
    edges = [0.0, -0.0, np.inf, -np.inf, 1e16, -1e16, 9999999999999998.0, 1e15, 1e14,
             123456789012345.67, 1e-4, -1e-4, np.nextafter(1e-4, 0), 1e-5, 1e-7, 5e-324,
             1.7976931348623157e308, 0.1, 2.0, -3.0, 1 / 3]
    values[: len(edges)] = edges
    expected = [None if np.isnan(v) else repr(v) for v in values.tolist()]
    assert _float_cells(values) == expected
    assert _float_cells(np.array([], dtype=float)) == []


def test_unified_csv_written_in_blocks_of_rows_is_the_same_file(tmp_path, monkeypatch):
    from chatmrpt.analysis.outputs import write_unified_csv
    from chatmrpt.csvsafe import write_csv

    rng = np.random.default_rng(8)
    floats = rng.normal(size=50) * 10.0 ** rng.integers(-8, 20, size=50)
    floats[::6] = np.nan
    frame = pd.DataFrame({"f": floats, "g": np.round(floats), "i": np.arange(50),
                          "s": pd.Series([f"w{i}" if i % 5 else None for i in range(50)],
                                         dtype=object)})
    write_csv(frame, tmp_path / "theirs.csv")
    for rows in (1, 7, 50, 10_000):
        monkeypatch.setattr(outputs, "CSV_BLOCK_ROWS", rows)
        write_unified_csv(frame, tmp_path / "ours.csv")
        assert (tmp_path / "ours.csv").read_bytes() == (tmp_path / "theirs.csv").read_bytes()
