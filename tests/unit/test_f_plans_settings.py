"""One plan setting given a value in few words, the plan's size halved, doubled or changed by
an amount, a request put off in the same message, and an earlier campaign's amount said
beside this one's stock; and the messages that look alike but must not change the plan."""

from __future__ import annotations

import pytest

from chatmrpt.chat import extract as ex
from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

FIRST = {"total_nets": 200_000, "household_size": 6, "urban_threshold": 75,
         "method": "composite", "strategy": "stop", "people_per_net": 1.8, "buffer": 1.0,
         "bale_size": 1}
PLAN = {**FIRST, "total_nets": 300_000, "household_size": 5, "urban_threshold": 40,
        "people_per_net": 2}
HISTORY = {"ids": ["a", "b"], "params": [FIRST, PLAN], "at": 1}
FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=("Fagge", "Zaria"),
              ward_count=len(NORTH_WARDS))


def run(text, last_tool="top_wards", plan=PLAN):
    c = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=NORTH_WARDS,
                      analysis_status="succeeded", last_plan=plan)
    state = DialogueState(last={"tool": last_tool, "params": {}}, plans=HISTORY)
    d = decide(text, c, state, FACTS)
    return [(s.tool, s.params) for s in d.steps], d


LAST_TOOLS = ["top_wards", "what_if_plan", "export_results", "ask_results"]


# --- one setting given a value -------------------------------------------------------------


@pytest.mark.parametrize("last_tool", LAST_TOOLS)
@pytest.mark.parametrize("text,params", [
    ("make am 6 per house", {"household_size": 6}),
    ("abeg back to hh 6", {"household_size": 6}),
    ("HOUSEHOLD SIZE MAKE AM 7", {"household_size": 7}),
    ("ok set it to 4 per household then", {"household_size": 4}),
    ("back to 1.8 per net", {"people_per_net": 1.8}),
    ("wat if 2.5 people per net", {"people_per_net": 2.5}),
    ("go back to the 75 threshold", {"urban_threshold": 75}),
    ("URBAN THRESHOLD MAKE AM 50", {"urban_threshold": 50}),
    ("threshold back to 60 pls", {"urban_threshold": 60}),
    ("go back 2 d default urban threshold", {"urban_threshold": 75}),
    ("rerun it at the default threshold", {"urban_threshold": 75}),
    ("ok back to the normal people per net", {"people_per_net": 1.8}),
])
def test_one_setting_changes_only_that_setting(text, params, last_tool):
    steps, d = run(text, last_tool)
    assert steps == [("what_if_plan", params)], d.text
    assert "everything else as before" in d.steps[0].echo


@pytest.mark.parametrize("text", [
    "what household size did the plan use?",
    "would 6 per house change much?",
    "what if we used 6 per household?",
    "don't change the threshold to 50",
    "show the wards above the 50 threshold",
    "map of wards more than 60% urban",
    "is the default threshold 75?",
    "export the plan with hh 6",
])
def test_look_alikes_of_a_setting_change_nothing(text):
    steps, _ = run(text)
    assert not any(t == "what_if_plan" and set(p) & {"household_size", "urban_threshold",
                                                     "people_per_net"}
                   for t, p in steps), steps


def test_a_setting_already_in_use_is_said_not_replanned():
    steps, d = run("back to hh 5")
    assert steps == [] and "already" in d.text


def test_a_number_named_as_a_setting_never_changes_the_total():
    steps, _ = run("people per net 1.8 instead of 2")
    assert steps == [("what_if_plan", {"people_per_net": 1.8})]


# --- the number of nets halved, doubled, changed by an amount --------------------------------


@pytest.mark.parametrize("last_tool", LAST_TOOLS)
@pytest.mark.parametrize("text,total", [
    ("half of that", 150_000),
    ("cut am by half", 150_000),
    ("halve the nets", 150_000),
    ("cut it in half pls", 150_000),
    ("double d original", 400_000),
    ("double the first plan", 400_000),
    ("half the original", 100_000),
    ("add 50,000", 350_000),
    ("add 20k nets", 320_000),
    ("remove 100k", 200_000),
    ("minus 50k please", 250_000),
])
def test_the_size_changes_by_the_amount_said(text, total, last_tool):
    steps, d = run(text, last_tool)
    assert steps == [("what_if_plan", {"total_nets": total})], d.text


@pytest.mark.parametrize("text", [
    "what is half of the population?",
    "how many wards get half their need?",
    "if we add 50,000 would everyone be covered?",
    "don't add 50,000",
    "add 50,000 to the buffer?",
    "show half of the wards",
    "double check the map",
    "the original plan had how many nets?",
])
def test_look_alikes_of_a_size_change_change_nothing(text):
    steps, _ = run(text)
    assert not any(t in ("what_if_plan", "plan_itn") for t, _ in steps), steps


# --- a request put off ---------------------------------------------------------------------


# a change to the plan said and put off in the same message (the one-tap choices they get
# are checked in test_g_tools)
PUT_OFF = [
    "The director wants 20% more nets. Not yet, she is still deciding.",
    "make it 400k nets but not yet",
    "household size 6 - he hasn't decided yet though",
    "we may need 10% fewer nets, don't change it yet",
    "cut it by half, hold off until the chairman confirms",
    "oga wants 500k nets, still deciding",
]


@pytest.mark.parametrize("text", PUT_OFF)
def test_a_request_put_off_changes_nothing_and_is_kept_as_a_choice(text):
    steps, d = run(text, "what_if_plan")
    assert steps == []
    assert d.choices and d.choices[0].get("steps") and "nothing is changed" in d.text


@pytest.mark.parametrize("text", [
    "20% more nets",
    "make it 400k nets",
    "household size 6 please",
    "cut it by half",
])
def test_a_request_not_put_off_is_carried_out(text):
    steps, _ = run(text, "what_if_plan")
    assert steps and steps[0][0] == "what_if_plan"


def test_a_listing_asked_beside_a_put_off_plan_is_shown():
    steps, _ = run("no plan yet, not yet. just show me the top 10 wards", "what_if_plan")
    assert steps and steps[0][0] in ("top_wards", "list_wards")


def test_go_ahead_after_a_put_off_request_applies_the_change_said_then():
    c = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=NORTH_WARDS,
                      analysis_status="succeeded", last_plan=PLAN)
    first = decide("The chairman wants 10% more nets. Not yet, he is still deciding.", c,
                   DialogueState(last={"tool": "ask_results", "params": {}}, plans=HISTORY),
                   FACTS)
    assert first.steps == [] and first.pending
    later = decide("He has decided. Go ahead with the 10% more", c,
                   DialogueState(last={"tool": "ask_results", "params": {}}, plans=HISTORY,
                                 pending=first.pending), FACTS)
    assert [(s.tool, s.params) for s in later.steps] == [("what_if_plan",
                                                          {"total_nets": 330_000})]


# --- an earlier campaign's amount ----------------------------------------------------------


@pytest.mark.parametrize("text,past", [
    ("last year we gave out 380,000 nets", "380,000"),
    ("in 2024 we distributed 250k nets", "250k"),
    ("previously we received about 300000", "300000"),
    ("last round they handed out 1.2 million nets", "1.2 million"),
    ("two years ago we had 200,000", "200,000"),
    ("the year before, we used 90,000 nets", "90,000"),
])
def test_an_earlier_campaigns_amount_is_history(text, past):
    low = ex.lower_text(text)
    n = next(n for n in ex.extract_numbers(low) if n.text.strip() == past)
    assert ex.past_amount(n, low)


@pytest.mark.parametrize("text", [
    "we have 420,000 nets",
    "we got 500k nets this year",
    "plan 380,000 nets",
    "the state received 300000 nets",
    "last year's population was 2 million, we have 400k nets",
    "we gave 5 per household",
])
def test_this_campaigns_stock_is_not_history(text):
    low = ex.lower_text(text)
    assert not any(ex.past_amount(n, low) for n in ex.extract_numbers(low))


def test_a_plan_request_with_last_years_figure_plans_this_years_stock():
    steps, d = run("last year we gave out 380,000 nets. This year we have 420,000. Household "
                   "size is 5. Plan for this year please", "top_wards", None)
    assert steps and steps[0][1]["total_nets"] == 420_000, d.text
    assert steps[0][1]["household_size"] == 5


# --- a bare value while the plan is talked about ---------------------------------------------


@pytest.mark.parametrize("last_tool", ["what_if_plan", "plan_itn", "ask_results"])
@pytest.mark.parametrize("text,params", [
    ("ok make it 5.5 then", {"household_size": 5.5}),
    ("make am 7 abeg", {"household_size": 7}),
    ("set it to 4.5 instead", {"household_size": 4.5}),
    ("make it 60", {"urban_threshold": 60}),
    ("change it to 450k", {"total_nets": 450_000}),
    ("try it at 1.5", {"people_per_net": 1.5}),
])
def test_a_bare_value_takes_the_one_setting_it_can_be(text, params, last_tool):
    steps, d = run(text, last_tool)
    assert steps == [("what_if_plan", params)], d.text


@pytest.mark.parametrize("text", ["make it 2.2", "set it to 3", "make it 2.5 pls"])
def test_a_bare_value_that_fits_two_settings_is_asked(text):
    steps, d = run(text, "what_if_plan")
    assert steps == [] and len(d.choices) == 3


@pytest.mark.parametrize("text,last_tool", [
    ("make it 6", "top_wards"),
    ("make it 60", "show_map"),
    ("what would 5.5 do?", "what_if_plan"),
    ("make it 5.5 wards", "what_if_plan"),
    ("would you make it 6?", "what_if_plan"),
    ("make it 0.5", "what_if_plan"),
])
def test_look_alikes_of_a_bare_value_change_no_plan_setting(text, last_tool):
    steps, _ = run(text, last_tool)
    assert not any(t == "what_if_plan" for t, _ in steps), steps


def test_a_bare_value_may_be_the_bale_size_when_the_plan_uses_bales():
    steps, d = run("make it 100", "what_if_plan", {**PLAN, "bale_size": 50})
    assert steps == [] and len(d.choices) == 3  # the urban threshold or the bale size


def test_a_value_said_as_kept_is_not_a_change():
    steps, d = run("back to the default threshold but keep 2 per net", "what_if_plan")
    assert steps == [("what_if_plan", {"urban_threshold": 75})], d.text


def test_a_forbidden_setting_beside_a_request_leaves_the_request():
    steps, _ = run("don't use bales, plan 400k nets hh 5", "what_if_plan")
    assert steps and steps[0][1].get("total_nets") == 400_000
