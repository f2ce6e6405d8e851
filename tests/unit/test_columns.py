"""Column aliases and the detection of identity and row-number columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chatmrpt.analysis.columns import (
    LGA_ALIASES,
    POPULATION_ALIASES,
    STATE_CODE_ALIASES,
    URBAN_SHARE_ALIASES,
    WARD_CODE_ALIASES,
    WARD_NAME_ALIASES,
    canonicalise_identity_columns,
    find_column,
    identifier_like_columns,
    match_identity_columns,
)


@pytest.mark.parametrize(
    "header", ["WardName", "ward_name", "Ward Name", "WARDNAME", "wardname", "Ward", "Ward.Name"]
)
def test_ward_name_spellings(header):
    assert find_column(["x", header, "tpr"], WARD_NAME_ALIASES) == header


def test_find_column_prefers_earlier_alias_and_exact_spelling():
    assert find_column(["Ward", "WardName"], WARD_NAME_ALIASES) == "WardName"
    assert find_column(["ward_name", "WardName"], WARD_NAME_ALIASES) == "WardName"
    assert find_column(["tpr", "rainfall"], WARD_NAME_ALIASES) is None


def test_population_and_urban_aliases():
    assert POPULATION_ALIASES == ("Population", "population", "pop", "total_population")
    assert find_column(["WardName", "POP"], POPULATION_ALIASES) == "POP"
    assert find_column(["Total Population"], POPULATION_ALIASES) == "Total Population"
    assert find_column(["urban_perc"], URBAN_SHARE_ALIASES) == "urban_perc"
    assert find_column(["UrbanPercentage"], URBAN_SHARE_ALIASES) == "UrbanPercentage"
    assert find_column(["urban"], URBAN_SHARE_ALIASES) is None


def test_identity_aliases_cover_methodology():
    assert {"WardName", "ward_name", "Ward"} <= set(WARD_NAME_ALIASES)
    assert {"WardCode", "ward_code"} <= set(WARD_CODE_ALIASES)
    assert {"LGA", "LGAName", "lga_name"} <= set(LGA_ALIASES)
    assert {"StateCode", "state_code"} <= set(STATE_CODE_ALIASES)


def test_canonicalise_renames_every_identity_column():
    df = pd.DataFrame(
        columns=["ward_name", "Ward Code", "lga_name", "lga_code", "StateName", "state_code", "tpr"]
    )
    out, mapping = canonicalise_identity_columns(df)
    assert list(out.columns) == ["WardName", "WardCode", "LGA", "LGACode", "State", "StateCode",
                                 "tpr"]  # fmt: skip
    assert mapping == {
        "ward_name": "WardName",
        "Ward Code": "WardCode",
        "lga_name": "LGA",
        "lga_code": "LGACode",
        "StateName": "State",
        "state_code": "StateCode",
    }
    assert list(df.columns)[0] == "ward_name"  # input untouched


def test_two_columns_for_one_identity_keep_the_first_and_report():
    df = pd.DataFrame(columns=["ward_name", "WardName", "Ward", "tpr"])
    out, mapping = canonicalise_identity_columns(df)
    # The header already spelled canonically wins; the others stay as ordinary columns.
    assert mapping == {"WardName": "WardName"}
    assert list(out.columns) == ["ward_name", "WardName", "Ward", "tpr"]
    _, conflicts = match_identity_columns(df.columns)
    assert conflicts == {"WardName": ["ward_name", "Ward"]}

    df = pd.DataFrame(columns=["Ward", "ward_name"])
    out, mapping = canonicalise_identity_columns(df)
    assert mapping == {"ward_name": "WardName"}  # earlier alias beats earlier column
    assert list(out.columns) == ["Ward", "WardName"]


def test_identifier_like_columns_real_data_shapes():
    n = 6
    kano_like = pd.DataFrame(
        {
            "Unnamed: 0": np.arange(1, n + 1, dtype=float),
            "Unnamed: 1": np.arange(1, n + 1, dtype=float),
            "WardName": list("abcdef"),
            "total": [86.0, 130, 110, 23, 681, 99],
        }
    )
    assert identifier_like_columns(kano_like) == ["Unnamed: 0", "Unnamed: 1"]
    ilorin_like = pd.DataFrame(
        {
            "": np.arange(1, n + 1),
            "X": np.arange(1, n + 1),
            "WardName": list("abcdef"),
            "distance": [3094.8, 2328.6, 0.0, 5.0, 6.0, 7.0],
        }
    )
    assert identifier_like_columns(ilorin_like) == ["", "X"]


def test_identifier_like_columns_by_name_and_by_sequence():
    df = pd.DataFrame(
        {
            "WardName": list("abcde"),
            "OBJECTID": [10, 11, 12, 13, 14],  # by name, whatever the values
            "fid": [5.0, 3, 1, 2, 4],
            "row": [0, 1, 2, 3, 4],  # 0..n-1 in order
            "seq": [1, 2, 3, 4, 5],  # 1..n in order
            "shuffled": [2, 1, 3, 4, 5],  # not in order: a variable
            "counts": [1, 2, 3, 4, 6],
            "with_gap": [1.0, 2.0, np.nan, 4.0, 5.0],
            "tpr": [0.1, 0.2, 0.3, 0.4, 0.5],
            "id": ["a", "b", "c", "d", "e"],  # text: not numeric, not a variable anyway
            "LGACode": [1, 2, 3, 4, 5],  # identity columns are never listed
        }
    )
    assert identifier_like_columns(df) == ["OBJECTID", "fid", "row", "seq"]


def test_short_tables_are_not_mistaken_for_row_numbers():
    df = pd.DataFrame({"WardName": ["a", "b"], "nets": [1.0, 2.0]})
    assert identifier_like_columns(df) == []
