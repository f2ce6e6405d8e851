"""Where the data's figures come from: identical columns, the urban share's source, ward names
matched by similar spelling; answered by the data checks, never acted on."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.router import RouterContext

V = ("total", "nets_per_capita", "distance_to_water_bodies", "test_positivity_rate",
     "enhanced_vegetation_index", "housing_quality", "dumpsites", "rainfall", "urban_percentage")
C = RouterContext(has_dataset=True, variables=V, wards=(("Fagg c", None), ("Zango", None)),
                  analysis_status="succeeded")
F = Facts(analysis_variables=("test_positivity_rate", "rainfall"), population=False,
          urban_share=True)


def tools(text):
    return [s.tool for s in decide(text, C, DialogueState(), F).steps]


@pytest.mark.parametrize("text", [
    "is it normal that rainfall and dumpsites have the exact same number in every ward?",
    "why are housing and evi identical?",
    "rainfall and dumpsites have the same values, is that right?",
])
def test_identical_columns(text):
    assert tools(text) == ["data_quality"]


@pytest.mark.parametrize("text", [
    "where does the urban figure even come from, there's no urban column in the csv",
    "where did you get the urban share from?",
    "how do you know which wards are urban?",
])
def test_the_urban_source(text):
    assert tools(text) == ["describe_data"]


@pytest.mark.parametrize("text", [
    "there is a ward called Fagg c in the list, is that a typo? our ward is Fagge C",
    "is Fagg c misspelled?",
])
def test_a_ward_name_spelling(text):
    assert tools(text) == ["describe_data"]


@pytest.mark.parametrize("text, tool", [
    ("run with rainfall and dumpsites", "run_analysis"),
    ("map the urban wards", "show_map"),
])
def test_requests_are_left_alone(text, tool):
    assert tools(text) == [tool]


# --- ward names that appear more than once --------------------------------------------------

TWICE = RouterContext(has_dataset=True, variables=("rainfall",), analysis_status="succeeded",
                      wards=(("Kira 1", "Kuwe South"), ("Sabon Gari", "Kuwe North"),
                             ("Sabon Gari", "Ganja"), ("Dala", "Kuwe South")))
ONCE = RouterContext(has_dataset=True, variables=("rainfall",), analysis_status="succeeded",
                     wards=(("Kira 1", "Kuwe South"), ("Dala", "Kuwe South")))


@pytest.mark.parametrize("text", [
    "also is there any ward name that appears twice? our dashboard keys on names",
    "are there duplicate ward names",
    "do any wards share the same name?",
    "are the ward names unique?",
])
def test_ward_names_that_appear_twice(text):
    d = decide(text, TWICE, DialogueState(), F)
    assert not d.steps and "Sabon Gari" in d.text and "Kuwe North" in d.text
    d = decide(text, ONCE, DialogueState(), F)
    assert not d.steps and "only once" in d.text


@pytest.mark.parametrize("text", ["show Sabon Gari", "export the rankings as csv"])
def test_other_messages_are_no_duplicate_question(text):
    assert decide(text, TWICE, DialogueState(), F).reading.get("stored") != "duplicate_names"


@pytest.mark.parametrize("text", [
    "Fagg c, that's how your table spells it, what's its rank?",
    "Fagg c is a typo, what is its score?",
])
def test_a_ward_figure_asked_with_its_spelling_is_no_spelling_question(text):
    assert decide(text, C, DialogueState(), F).reading.get("stored") != "spelling"
