"""The default variable selection stays within MAX_VARIABLES and says what it left out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chatmrpt.analysis.dataset import WardDataset
from chatmrpt.analysis.params import MAX_VARIABLES, AnalysisParams
from chatmrpt.analysis.pipeline import run_analysis
from chatmrpt.analysis.variables import check_request, select_variables
from chatmrpt.errors import InputError


def wide_table(columns: int = 24, wards: int = 30) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({"WardName": [f"Ward {i}" for i in range(wards)]})
    for j in range(columns):
        frame[f"v{j:02d}"] = rng.random(wards)
    return frame


def test_the_default_selection_is_capped_and_names_the_rest():
    frame = wide_table()
    frame["v03"] = 1.0  # constant: goes to the back, not into the cap
    choice = select_variables(frame)
    assert choice.selection == "all"
    assert len(choice.variables) == MAX_VARIABLES
    assert "v03" not in choice.variables and "v03" in choice.capped_out
    assert len(choice.capped_out) == 24 - MAX_VARIABLES
    assert set(choice.variables) | set(choice.capped_out) == {f"v{j:02d}" for j in range(24)}
    assert "Left out:" in choice.messages[-1] and "v03" in choice.messages[-1]


def test_a_small_table_is_not_capped():
    choice = select_variables(wide_table(columns=5))
    assert len(choice.variables) == 5 and choice.capped_out == []


def test_the_issue_table_runs_with_at_most_2_16_models():
    """30 wards x 24 numeric columns, no state: 2^24 models before, 65,519 now."""
    frame = wide_table()
    result = run_analysis(WardDataset(wards=frame, sources={}), AnalysisParams())
    assert len(result.variables) == MAX_VARIABLES
    assert len(result.models) == 2**MAX_VARIABLES - MAX_VARIABLES - 1
    assert any("Left out:" in w for w in result.warnings)
    assert len(result.metadata["left_out_variables"]) == 24 - MAX_VARIABLES


@pytest.mark.parametrize(
    "wards, requested, directions, code",
    [
        (1, None, None, "no_usable_variables"),
        (30, ["nope", "v01"], None, "unknown_variable"),
        (30, ["WardLabel", "v01"], None, "unknown_variable"),
        (30, ["v01"], None, "too_few_variables"),
        (30, None, {"nope": "inverse"}, "unknown_variable"),
    ],
)
def test_requests_checked_from_the_summary(wards, requested, directions, code):
    candidates = ["v01", "v02", "v03"]
    with pytest.raises(InputError) as err:
        check_request(wards, candidates, ["WardName", "WardLabel", *candidates],
                      requested=requested, direction_overrides=directions)
    assert err.value.code == code


def test_a_good_request_passes():
    check_request(30, ["v01", "v02"], ["WardName", "v01", "v02"], requested=["V01", "v02"])
    check_request(30, ["v01", "v02"], ["WardName", "v01", "v02"])
