"""The one CSV writer: formulas neutralised, numbers untouched, our own files read back."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest

from chatmrpt.csvsafe import csv_text, neutralise_text, restore_frame, restore_text, safe_frame


@pytest.mark.parametrize(
    "value, written",
    [
        ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
        ("+1+2", "'+1+2"),
        ("-3+4", "'-3+4"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("'=x", "''=x"),
        ("-3", "-3"),
        ("+1.5e3", "+1.5e3"),
        ("Dala", "Dala"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_neutralise_and_restore(value, written):
    assert neutralise_text(value) == written
    assert restore_text(written) == value


def test_frames_keep_numbers_and_types():
    frame = pd.DataFrame({
        "=name": ["=1+1", "Kano", None, "-2"],
        "value": [-1.5, 2.0, np.nan, -3.0],
        "count": pd.array([-1, 2, None, 4], dtype="Int64"),
        "flag": [True, False, True, False],
        "cat": pd.Categorical(["@a", "b", "c", "d"]),
    })
    safe = safe_frame(frame)
    assert list(safe.columns) == ["'=name", "value", "count", "flag", "cat"]
    assert safe["'=name"].tolist()[:2] == ["'=1+1", "Kano"] and safe["'=name"].tolist()[3] == "-2"
    assert safe["value"].dtype == float and safe["count"].dtype == "Int64"
    assert safe["cat"].tolist()[0] == "'@a"
    assert frame["=name"].tolist()[0] == "=1+1"  # the input is not changed
    rows = list(csv.reader(io.StringIO(csv_text(frame))))
    assert rows[1] == ["'=1+1", "-1.5", "-1", "True", "'@a"]
    back = restore_frame(pd.read_csv(io.StringIO(csv_text(frame))))
    assert back.columns[0] == "=name" and back.iloc[0, 0] == "=1+1" and back.iloc[0, 4] == "@a"
    assert back["value"].iloc[0] == -1.5


def test_a_frame_without_risky_text_is_written_as_before():
    frame = pd.DataFrame({"WardName": ["A", "B"], "x": [1.0, -2.0]})
    assert csv_text(frame) == frame.to_csv(index=False, lineterminator="\n")
