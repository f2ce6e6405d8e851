"""Questions about the ward table itself reach an answer from the stored data: its LGAs and
their codes, ward counts by category in an LGA given by its code, a ward's test positivity,
identical columns and other problems, the scaling and the detected zone, and - on a table
without population - what planning needs; requests are left to the other readings."""

from __future__ import annotations

import pandas as pd
import pytest

from chatmrpt.chat.dialogue import table_question
from chatmrpt.chat.executors_more import identical_columns
from tests.unit.test_chat_answers import FACTS, _steps, ctx

NO_POPULATION = tuple(v for v in ctx().variables if v != "Population")


@pytest.mark.parametrize("text,tool,params", [
    ("which LGAs are in the Ilorin file?", "ask_results", {"about": "lgas"}),
    ("how many wards are there per LGA?", "ask_results", {"about": "lgas"}),
    ("how many LGAs are in this data and what are they?", "ask_results", {"about": "lgas"}),
    ("what are the LGA codes?", "ask_results", {"about": "lgas"}),
    ("what's the code for Fagge", "ask_results", {"about": "lgas", "lga": "Fagge"}),
    ("how many Medium wards are in 20014", "ask_results",
     {"about": "ward_counts", "category": "Medium", "lga_code": "20014"}),
    ("how many high priority wards in LGA 24008?", "ask_results",
     {"about": "ward_counts", "category": "High", "lga_code": "24008"}),
    ("what's the under-5 TPR in Gwagwarwa?", "ward_value",
     {"ward": "Gwagwarwa", "variable": "u5_tpr_rdt"}),
    ("and the u5 tpr for Gwagwarwa", "ward_value", {"ward": "Gwagwarwa", "variable": "u5_tpr_rdt"}),
    ("which columns are duplicated in this table?", "data_quality", {}),
    ("are there problems in the Kano table I should know about?", "data_quality", {}),
    ("which normalisation are you using, and why not the reciprocal one?", "ask_results",
     {"about": "analysis_params"}),
    ("which zone did it detect, and which variables?", "ask_results", {"about": "variables"}),
    ("rainfall is 0 for one ward, which one is that?", "ask_results",
     {"about": "value_wards", "variable": "rainfall", "value": 0.0}),
    ("which ward has elevation of 512.5?", "ask_results",
     {"about": "value_wards", "variable": "elevation", "value": 512.5}),
])
def test_questions_about_the_table(text, tool, params):
    assert _steps(text) == [(tool, params)]


@pytest.mark.parametrize("text", [
    "how many nets should we request for our wards? households are about 6",
    "can we de-prioritise the urban wards in 24008?",
    "what would you need from me to do it?",
])
def test_planning_without_population_says_what_is_needed(text):
    c = ctx(variables=NO_POPULATION, last_plan=None)
    assert _steps(text, c) == [("planning_data", {})]
    # with a population column the same questions are left to planning
    assert table_question(text, text.lower(), ctx(last_plan=None), FACTS) is None


@pytest.mark.parametrize("text", [
    "show the top 5 wards in LGA 20014",
    "use reciprocal normalisation",
    "go back to linear normalisation",
    "compute the TPR for under 5s from the facility data",
    "what's the under-5 TPR in Sabon Gari?",  # a ward in two LGAs: asked elsewhere
    "which LGA has the most nets?",
    "fix the duplicated columns",
    "run the analysis with the zone defaults",
    "which ward has the highest rainfall?",  # no value: a ranking question, asked elsewhere
    "which one is 5 in rainfall and elevation?",  # two columns
])
def test_requests_and_unclear_questions_are_left_alone(text):
    assert table_question(text, text.lower(), ctx(), FACTS) is None


def test_identical_columns_ignore_missing_cells_and_row_numbers():
    table = pd.DataFrame({"Unnamed: 0": [1, 2, 3, 4], "X": [1, 2, 3, 4],
                          "rainfall": [3.1, 5.4, None, 2.0], "dumpsites": [3.1, 5.4, 7.7, None],
                          "housing": [3.1, 5.4, 7.7, 2.0], "tpr": [0.5, 0.6, 0.7, 0.8],
                          "flag": [1, 1, 1, 1]})
    every = {c: pd.to_numeric(table[c], errors="coerce") for c in table.columns}
    assert identical_columns(table, every) == [["rainfall", "dumpsites", "housing"]]
    # an unnamed column with data is still compared
    table["Unnamed: 9"] = table["tpr"]
    every["Unnamed: 9"] = table["Unnamed: 9"]
    assert identical_columns(table, every)[-1] == ["tpr", "an unnamed column"]


def test_why_a_column_was_not_used_names_the_variables_and_the_table_problems():
    from dataclasses import replace

    from chatmrpt.chat.dialogue import DialogueState, decide

    facts = replace(FACTS, analysis_variables=("u5_tpr_rdt", "rainfall", "elevation"))
    for text in ("why not housing quality? it's in the file",
                 "why was housing_quality left out?"):
        d = decide(text, ctx(), DialogueState(), facts)
        assert [s.tool for s in d.steps] == ["ask_results", "data_quality"], text
        assert d.steps[0].params == {"about": "variables"}
    # a column the analysis used, or a request, is not this question
    for text in ("why not rainfall?", "why not add housing quality and run it again"):
        d = decide(text, ctx(), DialogueState(), facts)
        assert [s.tool for s in d.steps] != ["ask_results", "data_quality"], text
