"""A variable the ward table does not hold is asked about with the table's close columns as
choices, never swapped for a column that shares a word with it; the answer in words runs the
request with the column chosen."""

from __future__ import annotations

import pytest

from chatmrpt.chat import extract as ex
from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import NORTH_WARDS

COLUMNS = ("Population", "urban_percentage", "u5_tpr_rdt", "rainfall", "ndvi", "evi", "ndwi",
           "ndmi", "soil_wetness", "elevation", "distance_to_waterbodies", "housing_quality",
           "nighttime_lights")
USED = ("u5_tpr_rdt", "rainfall", "ndwi")


def ctx(analysed: bool = False) -> RouterContext:
    return RouterContext(has_dataset=True, variables=COLUMNS, wards=NORTH_WARDS,
                         analysis_status="succeeded" if analysed else None)


def facts(analysed: bool = False) -> Facts:
    return Facts(analysis_variables=USED if analysed else (), lgas=("Fagge",), ward_count=300,
                 analysis_params={"variables": list(USED)} if analysed else {})


def say(text, state=None, analysed=False):
    return decide(text, ctx(analysed), state or DialogueState(), facts(analysed))


@pytest.mark.parametrize("text,unknown", [
    ("distance to health facility", "distance to health facility"),
    ("use distance to the nearest clinic", "distance to the nearest clinic"),
    ("distance from the market and rainfall", "distance from the market"),
    ("pls use distance to school", "distance to school"),
    ("distance from the main road, tpr", "distance from the main road"),
])
def test_a_name_measured_to_something_else_is_no_column(text, unknown):
    mentions = ex.find_variables(text, COLUMNS)
    assert [m.query for m in mentions if m.column is None] == [unknown]
    assert "distance_to_waterbodies" not in {m.column for m in mentions}


@pytest.mark.parametrize("text,column", [
    ("distance to water", "distance_to_waterbodies"),
    ("distance to the nearest water body", "distance_to_waterbodies"),
    ("distance", "distance_to_waterbodies"),
    ("change distance to direct", "distance_to_waterbodies"),
    ("switch distance to inverse please", "distance_to_waterbodies"),
    ("distance to waterbodies", "distance_to_waterbodies"),
    ("pls drop distance from d analysis", "distance_to_waterbodies"),
    ("remove distance from the variables", "distance_to_waterbodies"),
    ("take distance from dis model", "distance_to_waterbodies"),
])
def test_the_column_itself_still_reads(text, column):
    assert column in {m.column for m in ex.find_variables(text, COLUMNS)}


@pytest.mark.parametrize("text", [
    "Run the analysis with tpr, rainfall and distance to health facility",
    "pls run d analysis wit tpr rainfall n distance to hospital",
    "rank the wards using rainfall, tpr and distance to the nearest clinic",
    "run it on distance to market, rainfall and housing",
    "analysis: tpr, rainfall, distance from health centre",
    "rerun with TPR, rainfall and distance to roads",
    "Use rainfall and tpr and the distance to schools for the analysis",
])
def test_an_analysis_naming_a_missing_variable_asks_with_choices(text):
    d = say(text)
    assert d.steps == []
    assert "no column" in d.text
    labels = [c["label"] for c in d.choices]
    assert any("distance_to_waterbodies" in label for label in labels)
    assert d.pending and d.pending["expects"] == "choice"


@pytest.mark.parametrize("answer,variables", [
    ("ok use distance to water instead of the hospital one", ["u5_tpr_rdt", "rainfall",
                                                              "distance_to_waterbodies"]),
    ("use the water one then", None),
    ("the first one", ["u5_tpr_rdt", "rainfall", "distance_to_waterbodies"]),
    ("go with elevation", ["u5_tpr_rdt", "rainfall", "elevation"]),
    ("take ndvi instead", ["u5_tpr_rdt", "rainfall", "ndvi"]),
    ("run without it", ["u5_tpr_rdt", "rainfall"]),
])
def test_the_answer_runs_the_request_with_the_column_chosen(answer, variables):
    asked = say("Run the analysis using tpr, rainfall and distance to health facility")
    d = say(answer, DialogueState(pending=asked.pending))
    if variables is None:
        return  # a kind of variable: read elsewhere, never the missing one
    assert [(s.tool, s.params.get("variables")) for s in d.steps] == [("run_analysis",
                                                                       variables)]


@pytest.mark.parametrize("answer", [
    "no, leave it",
    "what is distance to water?",
    "which columns do I have?",
    "forget it",
    "cancel",
    "how is distance to water measured?",
])
def test_questions_and_refusals_after_the_question_run_nothing(answer):
    asked = say("Run the analysis using tpr, rainfall and distance to health facility")
    d = say(answer, DialogueState(pending=asked.pending))
    assert not [s for s in d.steps if s.tool == "run_analysis"]


@pytest.mark.parametrize("text", [
    "what is the distance to the health facility in Fagge?",
    "we may add distance to health facility next year",
    "my boss said to use distance to the clinic, but not now",
    "is distance to health facility in the table?",
    "the distance to water should stay",
    "how far is the nearest health facility from Fagge",
])
def test_look_alikes_never_run_an_analysis_with_the_water_distance(text):
    d = say(text, analysed=True)
    for s in d.steps:
        if s.tool == "run_analysis":
            assert "distance_to_waterbodies" not in (s.params.get("variables") or [])
