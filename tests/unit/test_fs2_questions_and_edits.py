"""Questions about a variable's direction or meaning are answered, never acted on; analysis
edits said exactly run as said (an age group inside a variable's name is no stray number,
"everything else the same" names no variable)."""

from __future__ import annotations

import pytest

from chatmrpt.chat import dialogue as dm
from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import NORTH_WARDS

VARIABLES = ("urban_percentage", "u5_tpr_rdt", "rainfall", "ndvi", "evi", "ndwi", "ndmi",
             "soil_wetness", "elevation", "distance_to_waterbodies", "housing_quality",
             "nighttime_lights", "Population")
USED = ("u5_tpr_rdt", "rainfall", "ndwi", "housing_quality", "elevation", "urban_percentage")
FACTS = Facts(analysis_variables=USED, lgas=("Fagge", "Zaria"), ward_count=300)


def ctx(**kw) -> RouterContext:
    base = {"has_dataset": True, "variables": VARIABLES, "wards": NORTH_WARDS,
            "analysis_status": "succeeded"}
    base.update(kw)
    return RouterContext(**base)


def run(text, state=None, facts=FACTS, **kw):
    return decide(text, ctx(**kw), state or DialogueState(), facts)


def acts(d) -> bool:
    return any(s.tool in dm.GATE_FAMILY for s in d.steps)


@pytest.mark.parametrize("text", [
    "and urban percentage is inverse why",
    "urban percentage is inverse, how come",
    "elevation is taken as inverse why?",
    "In this table, does a higher housing_quality value mean better housing?",
    "does a high rainfall value mean more risk?",
    "so higher housing quality means better houses?",
    "so rainfall direct means more rain = more risk?",
])
def test_direction_and_meaning_questions_are_answered(text):
    d = run(text)
    assert not acts(d), d.steps
    assert [(s.tool, s.params.get("about")) for s in d.steps] == [("ask_results", "variables")]


@pytest.mark.parametrize("text,direction", [
    ("make urban percentage direct and rerun", "direct"),
    ("treat housing as direct", "direct"),
])
def test_direction_orders_still_run(text, direction):
    d = run(text)
    assert [s.tool for s in d.steps] == ["run_analysis"], (d.text, d.steps)
    assert direction in d.steps[0].params.get("directions", {}).values()


@pytest.mark.parametrize("text", [
    "Fine. For the sensitivity annex, make housing direct and rerun, everything else the same.",
    "make housing direct and rerun, all else unchanged",
])
def test_everything_else_the_same_names_no_variable(text):
    d = run(text)
    assert [s.tool for s in d.steps] == ["run_analysis"], d.text
    assert d.steps[0].params["directions"] == {"housing_quality": "direct"}
    assert sorted(d.steps[0].params["variables"]) == sorted(USED)


def test_a_name_the_table_lacks_is_still_asked_about():
    d = run("rerun with rainfall, housing and malaria deaths")
    assert not d.steps and "malaria deaths" in d.text


@pytest.mark.parametrize("text,variables", [
    ("Run the analysis with rainfall, under-five TPR, housing quality and distance to water "
     "bodies.", ["rainfall", "u5_tpr_rdt", "housing_quality", "distance_to_waterbodies"]),
    ("run with under 5 tpr and rainfall", ["u5_tpr_rdt", "rainfall"]),
])
def test_an_age_group_in_a_variable_name_is_no_stray_number(text, variables):
    d = run(text)
    assert [s.tool for s in d.steps] == ["run_analysis"], d.text
    assert sorted(d.steps[0].params["variables"]) == sorted(variables)


@pytest.mark.parametrize("text", [
    "run with rainfall and tpr for 5 wards",
    "rerun with rainfall under five variables",
])
def test_other_numbers_beside_variables_are_still_asked_about(text):
    d = run(text)
    assert not acts(d), d.steps
