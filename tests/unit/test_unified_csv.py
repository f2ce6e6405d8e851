"""The unified CSV writer gives the very bytes pandas' ``to_csv`` (through csvsafe) gives."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from chatmrpt.analysis.ingest import load_dataset
from chatmrpt.analysis.outputs import _csv_columns, write_unified_csv
from chatmrpt.analysis.params import AnalysisParams
from chatmrpt.analysis.pipeline import run_analysis
from chatmrpt.csvsafe import write_csv

DATA = Path(__file__).resolve().parents[1] / "data"


def _both(frame: pd.DataFrame, tmp_path: Path) -> tuple[bytes, bytes]:
    ours, theirs = tmp_path / "ours.csv", tmp_path / "theirs.csv"
    write_unified_csv(frame, ours)
    write_csv(frame.drop(columns=["geometry"], errors="ignore"), theirs)
    return ours.read_bytes(), theirs.read_bytes()


def test_awkward_values_byte_identical(tmp_path):
    rng = np.random.default_rng(5)
    floats = rng.normal(size=60) * 10.0 ** rng.integers(-25, 25, size=60)
    floats[:14] = [0.0, -0.0, np.nan, np.inf, -np.inf, 1e16, 1e15, 1e-4, 1e-5, 0.1, 1 / 3,
                   5e-324, 1.7976931348623157e308, 2.0]
    text = ["plain", "a,b", 'say "hi"', "two\nlines", "cr\rhere", "=SUM(A1)", "+1", "-3",
            "'quoted", "", " spaced ", "Ìlọrin", "@x", "\ttab", None] * 4
    frame = pd.DataFrame({
        "f": floats,
        "i": np.arange(60, dtype=np.int64) - 30,
        "b": rng.integers(0, 2, size=60).astype(bool),
        "s": pd.array(text, dtype="string"),
        "o": pd.Series(text, dtype=object),
        "nullable_int": pd.array([1, None, 3] * 20, dtype="Int64"),
        "=risky header": 1.5,
    })
    assert _csv_columns(frame) is not None  # the fast path, not the fall-back
    ours, theirs = _both(frame, tmp_path)
    assert ours == theirs
    assert b'"a,b"' in ours and b"'=SUM(A1)" in ours


def test_kinds_pandas_formats_itself_fall_back(tmp_path):
    frame = pd.DataFrame({
        "when": pd.to_datetime(["2024-01-01", "2024-02-01"]),
        "cat": pd.Categorical(["a", "b"]),
        "f32": np.array([0.1, 0.2], dtype=np.float32),
    })
    for column in frame:
        assert _csv_columns(frame[[column]]) is None
    ours, theirs = _both(frame, tmp_path)
    assert ours == theirs


def test_a_unified_dataset_byte_identical(tmp_path):
    folder = DATA / "kano_metro"
    dataset = load_dataset(folder / "kano_metro_variables.csv", folder / "kano_metro_wards.zip")
    result = run_analysis(dataset, AnalysisParams.from_dict({}))
    assert _csv_columns(result.wards.drop(columns=["geometry"])) is not None
    ours, theirs = _both(result.wards, tmp_path)
    assert ours == theirs
    assert len(ours.splitlines()) == len(result.wards) + 1


@pytest.mark.parametrize("rows", [0, 1])
def test_tiny_frames(tmp_path, rows):
    frame = pd.DataFrame({"a": [1.5] * rows, "b": ["x"] * rows})
    ours, theirs = _both(frame, tmp_path)
    assert ours == theirs
