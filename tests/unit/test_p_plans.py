"""Numbers around an existing net plan that are not its new stock: the population, nets held
back, an earlier campaign's figure, what someone said the state will get, and a total a
thousand times smaller than the plan's; and the requests that still change the plan."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

FIRST = {"total_nets": 300_000, "household_size": 6, "urban_threshold": 75}
SECOND = {"total_nets": 450_000, "household_size": 5, "urban_threshold": 75, "bale_size": 50}
PLAN = {"total_nets": 400_000, "household_size": 5}
HISTORY = {"ids": ["a", "b", "c"], "params": [FIRST, SECOND, PLAN], "at": 2}
FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=("Fagge", "Zaria"),
              ward_count=len(NORTH_WARDS))


def run(text, last_tool="what_if_plan"):
    c = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=NORTH_WARDS,
                      analysis_status="succeeded", last_plan=PLAN)
    state = DialogueState(last={"tool": last_tool, "params": {}}, plans=HISTORY)
    return decide(text, c, state, FACTS)


@pytest.mark.parametrize("last_tool", ["what_if_plan", "top_wards"])
@pytest.mark.parametrize("text", [
    "the commissioner said we'll get 600k",
    "commissioner says 600k nets are coming next month",
    "the 2023 campaign distributed 380k nets",
    "in 2024 we planned 450k",
    "we distributed 1.2 million nets in 2022",
    "the population is 3.5 million",
    "keep 20k nets in reserve",
    "hold back 20,000 for schools",
    "keep back 20k nets",
    "set aside 15k nets as buffer",
])
def test_a_number_said_of_something_else_is_asked_about(text, last_tool):
    d = run(text, last_tool)
    assert d.steps == [], (text, [(s.tool, s.params) for s in d.steps])
    assert d.choices and d.choices[-1].get("cancel")


@pytest.mark.parametrize("text", [
    "sorry, forget that. back to the default settings but keep 400k and household 5",
    "keep 400k nets, household size 6",
])
def test_keep_with_a_value_keeps_it_in_the_plan(text):
    plan = {**PLAN, "people_per_net": 2}
    c = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=NORTH_WARDS,
                      analysis_status="succeeded", last_plan=plan)
    d = decide(text, c, DialogueState(last={"tool": "what_if_plan", "params": {}}), FACTS)
    assert d.steps and d.steps[-1].params.get("total_nets") in (None, 400_000)
    assert not d.choices


@pytest.mark.parametrize("text,nets", [
    ("make it 450", 450_000),
    ("reduce to 350", 350_000),
])
def test_a_total_said_in_thousands_offers_the_thousands(text, nets):
    d = run(text)
    assert d.steps == []
    assert d.choices[0]["params"]["total_nets"] == nets
    assert d.choices[-1].get("cancel")


def test_a_tiny_total_far_from_the_plan_is_asked_about():
    d = run("ppl/net 2")
    assert d.steps == [] and d.choices[-1].get("cancel")
    assert not any(c.get("params", {}).get("total_nets") == 2000 for c in d.choices)


@pytest.mark.parametrize("text", ["ppl per net 2", "make it 2 ppl per net"])
def test_ppl_per_net_sets_people_per_net(text):
    d = run(text)
    assert [(s.tool, s.params) for s in d.steps] == [("what_if_plan", {"people_per_net": 2})]


@pytest.mark.parametrize("text,params", [
    ("make it 500k", {"total_nets": 500_000}),
    ("the commissioner said to make it 600k", {"total_nets": 600_000}),
    ("NMEP approved 450k, make sure the plan matches", {"total_nets": 450_000}),
    ("make it 500k and household 6", {"total_nets": 500_000, "household_size": 6}),
    ("bump it up to 1 million", {"total_nets": 1_000_000}),
])
def test_requests_still_change_the_plan(text, params):
    d = run(text)
    assert [(s.tool, s.params) for s in d.steps] == [("what_if_plan", params)]


@pytest.mark.parametrize("text", [
    "UNICEF gives 50k, add it",
    "unicef has 50k for us, add them to the plan",
    "we got 60k from GF, put it on top",
])
def test_an_amount_pointed_back_at_as_an_addition_is_not_taken_as_the_total(text):
    d = run(text)
    assert d.steps == [] and d.choices[-1].get("cancel")


def test_a_what_if_with_a_year_still_plans():
    d = run("what if we had 500k in 2026")
    assert [(s.tool, s.params) for s in d.steps] == [("what_if_plan", {"total_nets": 500_000})]


@pytest.mark.parametrize("text", [
    "if the donor confirms, make it 500k",
    "if the nets come in, redo the plan with 500k",
    "when the commissioner approves, use household 6",
    "once the GF nets arrive, make it 550k",
])
def test_an_order_waiting_on_something_still_to_happen_is_asked_about(text):
    d = run(text)
    assert d.steps == [] and d.choices[-1].get("cancel")
    assert d.choices[0]["steps"][0]["tool"] in ("what_if_plan", "plan_itn")


@pytest.mark.parametrize("text", [
    "4 hundred thousand is too small",
    "the 400k was from the commissioner",
    "double check the 400k",
])
def test_the_current_plan_talked_about_is_not_made_again(text):
    d = run(text)
    assert d.steps == []
    # said to be the current plan already, with a question; never an offer to do nothing
    assert "The current plan already has 400,000 nets, so nothing was changed" in d.text
    assert d.text.endswith("?") and not d.choices


def test_the_current_plan_asked_for_again_is_made():
    d = run("plan with 400k")
    assert [(s.tool, s.params) for s in d.steps] == [("what_if_plan", {"total_nets": 400_000})]
