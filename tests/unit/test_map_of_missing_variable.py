"""A map of a variable the ward table does not hold is said to be missing, with maps of the
table's close (or all) variables as one-tap choices: the vulnerability map is never shown,
nor another variable's map saved, in its place."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts
from tests.unit.chat_corpus import NORTH_WARDS, decide_after_analysis

ILORIN = ("distance", "meanEVI", "val_housing_15", "settlement_type", "tpr_u5_new")
FACTS = Facts(analysis_variables=("tpr_u5_new", "val_housing_15", "distance"),
              ward_count=len(NORTH_WARDS))
DISTANCE_SHOWN = DialogueState(
    last={"tool": "show_map", "params": {"what": "variable", "variable": "distance"}},
    shown={"kind": "map", "what": "variable", "variable": "distance", "threshold": None})


def run(text, state=None):
    return decide_after_analysis(text, FACTS, state, variables=ILORIN)


@pytest.mark.parametrize("text,name", [
    ("show the map of the flood variable", "flood"),
    ("map of rainfall", "rainfall"),
    ("show me the elevation map", "elevation"),
    ("can I see the flooding map", "flooding"),
])
def test_a_map_of_a_missing_variable_is_not_shown(text, name):
    steps, d = run(text)
    assert steps == [], d.text
    assert f"no column for '{name}'" in d.text
    assert d.choices and all(c["tool"] == "show_map" and c["params"]["what"] == "variable"
                             and c["params"]["variable"] in ILORIN for c in d.choices)


def test_a_file_of_a_missing_variable_map_is_not_the_map_shown():
    steps, d = run("save the rainfall map as png", DISTANCE_SHOWN)
    assert steps == [], d.text
    assert "no column for 'rainfall'" in d.text


def test_close_columns_are_offered_first():
    steps, d = run("show the distance to health facility map")
    assert steps == []
    assert [c["params"]["variable"] for c in d.choices] == ["distance"]
    assert "Did you mean the map of distance" in d.text


@pytest.mark.parametrize("text,variable", [
    ("show the housing map", "val_housing_15"),
    ("map of evi", "meanEVI"),
    ("Show the map of distance", "distance"),
])
def test_a_map_of_a_column_of_the_table_is_shown(text, variable):
    steps, d = run(text)
    assert steps == [("show_map", {"what": "variable", "variable": variable})], d.text


def test_the_choices_round_trip():
    _, d = run("show me the elevation map")
    for choice in d.choices:
        steps, _ = run(choice["label"])
        assert steps == [("show_map", choice["params"])], choice


def test_the_urban_map_is_not_a_missing_variable():
    steps, d = run("urban map")
    assert steps and steps[0][1]["what"] == "urban", d.text
