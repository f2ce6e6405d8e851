"""Population asked short ("pop of kira 1?") and an LGA's population in the current plan."""

from __future__ import annotations

import pytest

from chatmrpt.chat import normalize
from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.router import RouterContext

WARDS = (("Kira 1", "Kuwe South"), ("Sabon Gari", "Kuwe North"), ("Dala", "Kuwe South"))
FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), population=True,
              lgas=("Kuwe South", "Kuwe North"))


def ctx(plan=True):
    return RouterContext(has_dataset=True, variables=("u5_tpr_rdt", "rainfall", "Population"),
                         wards=WARDS, analysis_status="succeeded",
                         last_plan={"total_nets": 500000, "household_size": 5} if plan else None)


def steps(text, plan=True):
    return [(s.tool, s.params) for s in decide(text, ctx(plan), DialogueState(), FACTS).steps]


@pytest.mark.parametrize("text", ["pop of kira 1?", "wat is d pop of Kira 1", "pop for Kira 1"])
def test_pop_is_population(text):
    assert steps(text) == [("ward_value", {"ward": "Kira 1", "variable": "Population"})]


@pytest.mark.parametrize("text", ["pop up the map", "pop it open", "k-pop"])
def test_other_pops_are_left(text):
    assert "population" not in normalize.plain_text(text)


@pytest.mark.parametrize("text", [
    "what is the population of Kuwe South in the plan",
    "population of Kuwe South",
    "how many people in Kuwe South",
])
def test_an_lgas_population_in_the_plan(text):
    assert steps(text) == [("ask_results", {"about": "plan_lga", "lga": "Kuwe South"})]


def test_without_a_plan_no_plan_figure():
    assert all(t != "ask_results" or p.get("about") != "plan_lga"
               for t, p in steps("population of Kuwe South", plan=False))


def test_a_change_of_the_plan_is_no_lga_question():
    assert not any(p.get("about") == "plan_lga"
                   for _, p in steps("change the plan for Kuwe South to 600000 nets"))


# --- wards with exactly one value, counted ---------------------------------------------------

ILORIN = RouterContext(has_dataset=True, variables=("distance", "val_housing_15", "tpr_u5_new"),
                       wards=(("Oloje", None),), analysis_status="succeeded")
ILORIN_F = Facts(analysis_variables=("tpr_u5_new", "distance"), population=False)


@pytest.mark.parametrize("text, variable, value", [
    ("how many wards have tpr exactly 1", "tpr_u5_new", 1.0),
    ("how many wards have tpr = 1?", "tpr_u5_new", 1.0),
    ("how many wards have distance equal to 0?", "distance", 0.0),
])
def test_wards_with_exactly_one_value_are_counted(text, variable, value):
    d = decide(text, ILORIN, DialogueState(), ILORIN_F)
    assert [(s.tool, s.params) for s in d.steps] == [
        ("ask_results", {"about": "value_wards", "variable": variable, "value": value})]


@pytest.mark.parametrize("text", ["how many wards have tpr above 0.5",
                                  "how many wards have distance less than 2"])
def test_a_comparison_is_no_exact_count(text):
    d = decide(text, ILORIN, DialogueState(), ILORIN_F)
    assert not any(s.params.get("about") == "value_wards" for s in d.steps)


# --- a filled value asked about ----------------------------------------------------------------


@pytest.mark.parametrize("text, variable", [
    ("Oloje housing was NA in our sheet, what value did you use", "val_housing_15"),
    ("what did you fill in for distance in Oloje?", "distance"),
    ("what was the imputed value of housing for Oloje", "val_housing_15"),
])
def test_a_filled_value_is_the_wards_value(text, variable):
    d = decide(text, ILORIN, DialogueState(), ILORIN_F)
    assert [(s.tool, s.params) for s in d.steps] == [
        ("ward_value", {"ward": "Oloje", "variable": variable})]


def test_a_filled_value_without_a_ward_is_not_a_ward_value():
    d = decide("what value did you use for housing", ILORIN, DialogueState(), ILORIN_F)
    assert not any(s.tool == "ward_value" for s in d.steps)


ILORIN_CODES = Facts(analysis_variables=("tpr_u5_new", "distance"), population=False,
                     lga_codes=("24006", "24008"))


@pytest.mark.parametrize("text, params", [
    ("how many wards in 24008 had housing filled in like that",
     {"filled": "val_housing_15", "lga_code": "24008"}),
    ("how many wards had distance imputed?", {"filled": "distance"}),
    ("number of high wards with housing filled", {"filled": "val_housing_15",
                                                  "category": "High"}),
])
def test_wards_with_a_filled_value_are_counted(text, params):
    d = decide(text, ILORIN, DialogueState(), ILORIN_CODES)
    assert [(s.tool, s.params) for s in d.steps] == [
        ("ask_results", {"about": "ward_counts", **params})]


@pytest.mark.parametrize("text", ["how many wards in 24008", "fill in the missing housing values",
                                  "how many wards had values filled?"])
def test_no_filled_count(text):
    d = decide(text, ILORIN, DialogueState(), ILORIN_CODES)
    assert not any("filled" in s.params for s in d.steps)
