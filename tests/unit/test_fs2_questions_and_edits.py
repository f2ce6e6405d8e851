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


# --- on the Kano table: full lists and steps back named by their count ----------------------

KANO = ("total", "nets_per_capita", "settlement_type_poor", "distance_to_water_bodies",
        "test_positivity_rate", "enhanced_vegetation_index", "housing_quality", "dumpsites",
        "rainfall")
THREE = ["test_positivity_rate", "housing_quality", "dumpsites"]
FOUR = [*THREE, "rainfall"]
TWO = ["test_positivity_rate", "rainfall"]


def kano(text, used, analyses=None):
    facts = Facts(analysis_variables=tuple(used), lgas=(), ward_count=66)
    state = DialogueState(last={"tool": "run_analysis", "params": {"variables": list(used)}},
                          analyses=analyses)
    return decide(text, ctx(variables=KANO), state, facts)


@pytest.mark.parametrize("text,variables", [
    ("ok drop rainfall and rerun with test positivity and settlement type poor",
     ["test_positivity_rate", "settlement_type_poor"]),
    ("remove rainfall, use test positivity and dumpsites", ["test_positivity_rate", "dumpsites"]),
    ("take out rainfall and run it with dumpsites and housing quality",
     ["dumpsites", "housing_quality"]),
])
def test_a_drop_with_the_full_list_runs_exactly_that_list(text, variables):
    d = kano(text, TWO)
    assert [s.tool for s in d.steps] == ["run_analysis"], d.text
    assert d.steps[0].params["variables"] == variables


@pytest.mark.parametrize("text,variables", [
    ("drop rainfall and add settlement type poor",
     ["test_positivity_rate", "housing_quality", "settlement_type_poor"]),
    ("drop rainfall and rerun with the rest", ["test_positivity_rate", "housing_quality"]),
])
def test_a_drop_with_an_addition_or_the_rest_keeps_the_others(text, variables):
    d = kano(text, ["test_positivity_rate", "rainfall", "housing_quality"])
    assert sorted(d.steps[0].params["variables"]) == sorted(variables)


HISTORY = {"ids": ["a", "b", "c"], "params": [{}, {"variables": THREE}, {"variables": FOUR}],
           "used": [TWO, THREE, FOUR], "at": 2}


@pytest.mark.parametrize("text,variables", [
    ("no, go back to the three", THREE),
    ("go back to the three ones", THREE),
    ("return to the three", THREE),
    ("go back to the 3 variables", THREE),
])
def test_a_step_back_names_the_analysis_by_its_count(text, variables):
    d = kano(text, FOUR, HISTORY)
    assert [s.tool for s in d.steps] == ["run_analysis"], d.text
    assert d.steps[0].params["variables"] == variables


@pytest.mark.parametrize("text", ["go back to the three wards", "use the two"])
def test_other_counts_are_no_step_back(text):
    d = kano(text, FOUR, HISTORY)
    assert d.reading.get("relative") != "undo"
