"""Columns added for planning (a population or urban share from another file or from the
boundaries) are no risk variables: every usable column leaves them out, and asking for one
says why, not that it holds record ids."""

from __future__ import annotations

import pandas as pd
import pytest

from chatmrpt.analysis.variables import check_request, select_variables
from chatmrpt.errors import InputError

WARDS = pd.DataFrame({"WardName": ["A", "B", "C", "D"], "rainfall": [1.0, 2.0, 3.0, 4.0],
                      "tpr": [0.1, 0.4, 0.2, 0.3], "evi": [0.5, 0.2, 0.3, 0.1],
                      "ward_id": [1, 2, 3, 4], "urban_percentage": [100.0, 0.0, 100.0, 0.0]})


def test_every_usable_column_leaves_the_planning_columns_out():
    choice = select_variables(WARDS, excluded=["ward_id"], added=["urban_percentage"])
    assert "urban_percentage" not in choice.variables and "ward_id" not in choice.variables


@pytest.mark.parametrize("call", [
    lambda: select_variables(WARDS, requested=["urban_percentage", "rainfall"],
                             excluded=["ward_id"], added=["urban_percentage"]),
    lambda: check_request(4, ["rainfall", "tpr", "evi"], list(WARDS.columns),
                          requested=["urban_percentage", "rainfall"], excluded=["ward_id"],
                          added=["urban_percentage"]),
])
def test_a_planning_column_asked_for_says_why(call):
    with pytest.raises(InputError) as err:
        call()
    assert "added for planning" in err.value.message
    assert "record ids" not in err.value.message


def test_an_id_column_asked_for_still_says_ids():
    with pytest.raises(InputError) as err:
        select_variables(WARDS, requested=["ward_id", "rainfall"], excluded=["ward_id"],
                         added=["urban_percentage"])
    assert "record ids" in err.value.message
