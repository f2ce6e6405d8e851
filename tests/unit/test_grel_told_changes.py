"""A change of the net total told as what happened to it ("the allocation dropped by 100k",
"was cut by 10%", "went up by 50,000", "is 100k lower now") applies to the current total:
done when an order goes with it ("... redo the plan with that"), offered when the message only
tells the news. Nets kept in an LGA's store are no plan for that LGA. "Run it with the
defaults" right after talk about the urban reprioritisation runs the reprioritisation. The
user's own words ("household 5 as I said") and their own correction ("sorry, I meant nets")
are no one else's figure."""

from __future__ import annotations

import pytest

from chatmrpt.chat import unordered
from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.guards import totals_said_of_something_else
from chatmrpt.chat.plan_settings import one_lga_plan
from chatmrpt.chat.relative import relative_plan_change
from chatmrpt.chat.router import RouterContext
from chatmrpt.chat.state import Decision, Step
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall", "ndwi"),
              lgas=("Gakirau", "Kuwe South", "Rimai"), ward_count=len(NORTH_WARDS))
PLAN = {"total_nets": 500000, "household_size": 5}
PLAN_TOOLS = ("plan_itn", "what_if_plan")


def ctx(last_plan=PLAN):
    return RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=NORTH_WARDS,
                         analysis_status="succeeded", last_plan=last_plan)


def decided(text, plan=PLAN, last=None, pending=None):
    state = DialogueState(last=last if last is not None else
                          {"tool": "what_if_plan", "params": {"total_nets": 1}}, pending=pending)
    return decide(text, ctx(plan), state, FACTS)


def plan_params(d):
    return [s.params for s in d.steps if s.tool in PLAN_TOOLS]


# --- a change told with an order beside it: done on the current total ------------------------


@pytest.mark.parametrize("text, nets", [
    ("So yes the allocation dropped by 100k. Redo the plan with that.", 400_000),
    ("the allocation was reduced by 100,000, please re-plan", 400_000),
    ("Our allocation fell by 50k, update the plan", 450_000),
    ("the nets have been cut by 100k. redo it", 400_000),
    ("Allocation is down by 100k so replan", 400_000),
    ("the allocation went down by 20,000. Adjust the plan", 480_000),
    ("the allocation went up by 50k, redo the plan", 550_000),
    ("Good news, the allocation rose by 100,000. Please redo the plan with it.", 600_000),
    ("the partner increased the allocation by 50k, redo the plan", 550_000),
    ("our nets grew by 20k. plan with that", 520_000),
    ("the allocation dropped by 10%, redo the plan", 450_000),
    ("nets fell by 20 percent, update the plan", 400_000),
    ("the allocation rose by 10%. redo it", 550_000),
    ("the allocation has been cut by 100k, the plan should be adjusted", 400_000),
    ("the allocation dropped by 100k, can you redo the plan?", 400_000),
])
def test_a_change_told_with_an_order_applies_to_the_current_total(text, nets):
    d = decided(text)
    assert plan_params(d) == [{"total_nets": nets}], (d.text, d.steps)


@pytest.mark.parametrize("text, nets", [
    ("the allocation dropped by 100k", 400_000),
    ("Honestly this week has been terrible. The partner pulled back 100,000 nets from the "
     "allocation because of funding, the LGA chairmen are fighting over who gets what. I have "
     "not slept. Anyway.", 400_000),
    ("FYI the allocation was cut by 50k", 450_000),
    ("the allocation went up by 50k", 550_000),
    ("the allocation fell by 10%", 450_000),
])
def test_a_change_only_told_is_offered_not_made(text, nets):
    d = decided(text)
    assert not d.steps, d.steps
    assert d.pending and d.pending.get("offered")
    offered = [c for c in d.choices if c.get("tool") in PLAN_TOOLS]
    assert offered and offered[0]["params"] == {"total_nets": nets}
    assert f"{nets:,}" in d.text


@pytest.mark.parametrize("text", [
    "the allocation dropped to 400k, redo the plan",  # a new total, not a change by
    "the allocation dropped by 100k last year",  # offered at most, never made
])
def test_look_alikes_make_no_change_of_that_size(text):
    d = decided(text)
    assert {"total_nets": 400_000} not in plan_params(d) or "to 400k" in text


@pytest.mark.parametrize("text", [
    "what if the allocation dropped by 100k?",
    "if the allocation fell by 100k would Kuran still be covered?",
    "how many wards would lose out if the allocation went down by 100k?",
])
def test_a_change_asked_about_is_not_made(text):
    assert not decided(text).steps


@pytest.mark.parametrize("text, nets", [
    ("reduce by 100k", 400_000),
    ("we lost 20,000 nets", 480_000),
    ("cut it by 100k", 400_000),
    ("increase it by 50k", 550_000),
    ("we got 100k less", 400_000),
])
def test_orders_of_change_are_unchanged(text, nets):
    change = relative_plan_change(text, PLAN)
    assert change is not None and change.params == {"total_nets": nets} and not change.reported


# --- nets kept in an LGA's store ----------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Store manager says we have 20,000 extra nets from last year's leftovers in the Gakirau "
    "store. Add them to the plan.",
    "we found 20k more nets in the Gakirau LGA warehouse, add them to the plan",
    "20,000 nets are sitting at the Gakirau depot, add them to the plan",
])
def test_nets_kept_in_an_lga_store_are_added_to_the_whole_plan(text):
    d = decided(text)
    assert plan_params(d) == [{"total_nets": 520_000}], (d.text, d.steps)


@pytest.mark.parametrize("text", [
    "plan 50k nets for Gakirau only",
    "make a separate plan for Gakirau with 50k nets",
    "we found 20k nets in the Gakirau store, plan them for Gakirau only",
])
def test_a_plan_for_one_lga_is_still_refused(text):
    step = Step("what_if_plan", {"total_nets": 50_000})
    out = one_lga_plan(Decision([step]), text, FACTS.lgas)
    assert not out.steps and "Gakirau LGA alone" in out.text


# --- "run it with the defaults" after talk about the reprioritisation ------------------------


REPRI_TALK = [
    {"tool": "explain_methodology", "params": {"topic": "urban"}},
    {"tool": "reprioritize_urban", "params": {"target": 20}},
    {"tool": "ask_results", "params": {"about": "repri_count", "threshold": 30}},
]


@pytest.mark.parametrize("last", REPRI_TALK)
@pytest.mark.parametrize("text", ["Okay run it with the defaults", "run it",
                                  "ok do it with the default settings", "pls run am"])
def test_run_it_after_reprioritisation_talk_reprioritises(text, last):
    d = decided(text, plan=None, last=last)
    assert [(s.tool, s.params) for s in d.steps] == [("reprioritize_urban", {})], (d.text,
                                                                                  d.steps)


def test_run_it_after_a_reprioritisation_offer_takes_the_defaults():
    choice = {"label": "Reprioritise", "tool": "reprioritize_urban",
              "params": {"thresholds": [17, 3, 50]}}
    pending = {"expects": "choice", "choices": [choice], "offered": True,
               "tool": "reprioritize_urban"}
    d = decided("Okay run it with the defaults", plan=None, last={}, pending=pending)
    assert [(s.tool, s.params) for s in d.steps] == [("reprioritize_urban", {})]


@pytest.mark.parametrize("last", [
    {"tool": "explain_methodology", "params": {"topic": "composite"}},
    {"tool": "top_wards", "params": {"n": 10}},
    {},
])
def test_run_it_after_other_talk_is_no_reprioritisation(last):
    d = decided("Okay run it with the defaults", plan=None, last=last)
    assert not any(s.tool == "reprioritize_urban" for s in d.steps)


@pytest.mark.parametrize("text", ["run the analysis with the defaults",
                                  "run it with rainfall and ndvi", "run the tpr"])
def test_a_named_request_after_reprioritisation_talk_is_not_taken_for_it(text):
    d = decided(text, plan=None, last=REPRI_TALK[0])
    assert not any(s.tool == "reprioritize_urban" for s in d.steps)


# --- the user's own words and corrections --------------------------------------------------


def test_own_words_and_corrections_are_not_someone_elses_figure():
    step = Step("plan_itn", {"total_nets": 600_000, "household_size": 5})
    assert totals_said_of_something_else(
        step, "Sorry, I meant nets, not naira. NMEP says 600k nets. Household 5 as I said.") == []
    assert totals_said_of_something_else(step, "600k nets. Household 5 as I said.") == []
    assert totals_said_of_something_else(step, "the commissioner said we'll get 600k, hh 5")
    assert totals_said_of_something_else(step, "NMEP says 600k nets. Household 5 as I said.")


@pytest.mark.parametrize("text, ordered", [
    ("The email also says 'allocate by PCA ranking'. Please follow it.", True),
    ("the memo says use PCA. implement that", True),
    ("my supervisor says use PCA", False),
    ("Follow-up: my supervisor says use PCA", False),
])
def test_follow_it_orders_what_the_quoted_words_say(text, ordered):
    assert (unordered.reason(text) is None) == ordered


@pytest.mark.parametrize("text, nets", [
    ("20,000 nets are sitting at the Gakirau depot, add them to the plan", 520_000),
    ("we found 30k nets in a store, include them in the plan", 530_000),
    ("10,000 nets were damaged by rain, take them out of the plan", 490_000),
])
def test_nets_named_then_added_or_taken_out_by_a_pronoun(text, nets):
    change = relative_plan_change(text, PLAN)
    assert change is not None and change.params == {"total_nets": nets}


@pytest.mark.parametrize("text", [
    "Kuran has 12,000 people, take them out of the plan",
    "the 2,000 wards staff, add them to the plan",
])
def test_a_number_of_something_else_is_not_added_as_nets(text):
    assert relative_plan_change(text, PLAN) is None


@pytest.mark.parametrize("text, nets, told", [
    ("the allocation is 100k lower now, redo the plan", 400_000, True),
    ("the total is 50k higher, replan", 550_000, True),
    ("make it 100k lower", 400_000, True),
    ("the allocation came down by 100k, redo", 400_000, True),
    ("allocation declined by 100,000, replan", 400_000, True),
    ("our allocation jumped by 100k, redo", 600_000, True),
])
def test_more_forms_of_a_told_change(text, nets, told):
    change = relative_plan_change(text, PLAN)
    assert change is not None and change.params == {"total_nets": nets}
    assert change.reported == told


@pytest.mark.parametrize("text, nets", [
    ("make it 100k lower", 400_000),
    ("the allocation is 100k lower now, redo the plan", 400_000),
])
def test_lower_and_higher_with_an_order_are_done(text, nets):
    assert plan_params(decided(text)) == [{"total_nets": nets}]


def test_lower_only_told_is_offered():
    d = decided("the allocation is 100k lower now")
    assert not d.steps and d.pending and d.pending.get("offered")


@pytest.mark.parametrize("text", [
    "TPR rose by 10% in Kuran, show me the map",
    "the population went up by 20,000 in Rimai, redo the plan",
    "rainfall dropped by 15% this year, update the analysis",
    "the budget was cut by 10%, redo the plan",
])
def test_news_of_another_figure_is_no_change_of_the_nets(text):
    assert relative_plan_change(text, PLAN) is None


def test_yes_after_the_offer_makes_the_plan_offered():
    offer = decided("the allocation dropped by 100k")
    d = decided("yes", pending=offer.pending)
    assert plan_params(d) == [{"total_nets": 400_000}], (d.text, d.steps)


def test_no_after_the_offer_changes_nothing():
    offer = decided("the allocation dropped by 100k")
    assert not decided("no, leave it", pending=offer.pending).steps


@pytest.mark.parametrize("text, nets", [
    ("bump it up by 50k", 550_000),
    ("bring the nets down by 20,000", 480_000),
    ("push the total up by 100k", 600_000),
    ("knock off 50k nets", 450_000),
    ("subtract the 100k that was pulled back", 400_000),
    ("deduct 20,000 nets", 480_000),
    ("the total fell 100k short, redo", 400_000),
])
def test_a_direction_said_before_the_amount_is_a_change_not_a_total(text, nets):
    assert plan_params(decided(text)) == [{"total_nets": nets}]
