"""Push-back on a ward table without population: answered about the population, nothing runs."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.router import RouterContext

VARIABLES = ("total", "nets_per_capita", "settlement_type_poor", "test_positivity_rate",
             "rainfall")
NO_POP = Facts(analysis_variables=("test_positivity_rate", "rainfall"), ward_count=66,
               population=False, urban_share=False)
WITH_POP = Facts(analysis_variables=("test_positivity_rate", "rainfall"), ward_count=66,
                 population=True, urban_share=True)


def ctx(**kw) -> RouterContext:
    base = {"has_dataset": True, "variables": VARIABLES, "wards": (("Zango", None),),
            "analysis_status": "succeeded"}
    base.update(kw)
    return RouterContext(**base)


def run(text, facts=NO_POP, **kw):
    return decide(text, ctx(**kw), DialogueState(), facts)


@pytest.mark.parametrize("text", [
    "use 1000 people per ward, it's just for planning",
    "ok use 1000 people per ward then, it's only for a rough figure",
    "just assume 5,000 people in each ward",
    "put 2k pop for every ward",
    "can you use the same population for every ward",
    "assume a population and go",
])
def test_a_made_up_population_is_declined(text):
    d = run(text)
    assert not d.steps and "population" in d.text.lower()
    assert "not make up" in d.text


@pytest.mark.parametrize("text", [
    "what would i need to add to the table for this to work",
    "what do we need to upload?",
    "what is missing?",
    "how do I fix this",
])
def test_what_to_add_names_the_population(text):
    d = run(text)
    assert not d.steps and "Population column" in d.text


@pytest.mark.parametrize("text", [
    "the urban flag is there in the shapefile, why can't you do it",
    "why can't you plan the nets?",
    "why not reprioritise, the boundaries have urban",
])
def test_why_not_is_explained_by_the_population(text):
    d = run(text)
    assert not d.steps and "population" in d.text.lower()


@pytest.mark.parametrize("text", [
    "before i do anything, what can this data support and what can it not?",
    "what can I do with this table?",
    "what are the limitations of this data",
])
def test_what_the_data_supports(text):
    d = run(text)
    assert not d.steps and "population" in d.text.lower() and "ranking" in d.text


def test_a_column_asked_about_as_population_is_named():
    d = run("is there any column here i could use as population? what is 'total'?")
    assert not d.steps and "'total'" in d.text and "Population" in d.text
    d = run("can i use settlement_type_poor as the population")
    assert "'settlement_type_poor'" in d.text and "'total'" not in d.text


@pytest.mark.parametrize("text", [
    "use 1000 people per ward, it's just for planning",
    "what would i need to add to the table for this to work",
    "what can this data support and what can it not?",
])
def test_a_table_with_population_is_left_alone(text):
    d = run(text, facts=WITH_POP)
    assert d.reading.get("pushback") is None


@pytest.mark.parametrize("text", [
    "show the top 10 wards",
    "why is Zango ranked high?",
    "why can't you export a png",
    "what is the population column used for",
    "how many wards are urban",
])
def test_other_messages_are_no_pushback(text):
    assert run(text).reading.get("pushback") is None


def test_is_a_column_the_population():
    d = run("is total the population?")
    assert "'total'" in d.text and not d.steps


@pytest.mark.parametrize("text", ["the map is blank, how do I fix this",
                                  "what do I need to upload for the TPR?",
                                  "what is missing from the export?"])
def test_what_to_add_about_something_else_is_no_pushback(text):
    assert run(text).reading.get("pushback") is None


def test_what_to_add_for_planning_is_the_planning_data_answer():
    d = run("What do we need to add so we can plan?")
    assert [s.tool for s in d.steps] == ["planning_data"]


def test_a_bare_why_not_is_no_pushback():
    assert run("why can't you do it?").reading.get("pushback") is None
