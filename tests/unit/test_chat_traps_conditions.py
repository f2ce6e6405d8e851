"""Messages that must not act beside the orders that must: a condition said by inversion
("Were the cap removed, how would ...?") is a what-if question, and a figure reported in the
past ("last year we moved 380,000 nets") is no number to plan with."""

from __future__ import annotations

import pytest

from chatmrpt.chat import dialogue as dm
from chatmrpt.chat.dialogue import DialogueState, decide
from chatmrpt.chat.normalize import inverted_condition
from tests.unit.test_dialogue_guards import FACTS, PLAN, ctx

CAPPED = {**PLAN, "method": "pca", "strategy": "capped", "max_ward_share": 2,
          "analysis_id": "a1"}
AFTER_PLAN = DialogueState(last={"tool": "ask_results", "params": {"about": "plan_totals"}})


def acts(d) -> bool:
    return any(s.tool in dm.GATE_FAMILY for s in d.steps)


def offered(d) -> list:
    return [s for c in d.choices for s in (c.get("steps") or [])]


@pytest.mark.parametrize(("text", "read"), [
    ("Were the cap removed, how would the coverage change?",
     "What if the cap were removed, how would the coverage change?"),
    ("Had we 100k more nets, how many more wards would be covered?",
     "What if we had 100k more nets, how many more wards would be covered?"),
    ("Should the buffer be dropped, what happens?", "What if the buffer were dropped, what happens?"),
    ("Were the household size 6, would the need rise?",
     "What if the household size were 6, would the need rise?"),
    ("so had the partners given 200k more, which wards would be covered?",
     "so what if the partners had given 200k more, which wards would be covered?"),
])
def test_a_condition_said_by_inversion_is_read_as_what_if(text, read):
    assert inverted_condition(text) == read


@pytest.mark.parametrize("text", [
    "Were you able to export the plan?",
    "Should we plan 500k?",
    "Had a look at the map, it is fine.",
    "were the wards ranked?",
])
def test_plain_questions_and_statements_are_left_as_they_are(text):
    assert inverted_condition(text) == text


@pytest.mark.parametrize("text", [
    "Were the cap removed, how would the coverage change?",
    "If the cap were removed, how would the coverage change?",
    "Were the cap lifted, how would the coverage change?",
    "Had we 100k more nets, how many more wards would be covered?",
])
def test_an_inverted_or_passive_what_if_runs_nothing(text):
    d = decide(text, ctx(last_plan=CAPPED), AFTER_PLAN, FACTS)
    assert not acts(d), d.steps
    assert not any(s.tool == "ask_results" and s.params.get("about") == "repri_count"
                   for s in d.steps)


def test_the_cap_removed_by_inversion_is_offered_as_the_change():
    d = decide("Were the cap removed, how would the coverage change?", ctx(last_plan=CAPPED),
               AFTER_PLAN, FACTS)
    steps = offered(d)
    assert steps and all(s["tool"] in dm.PLAN_TOOLS for s in steps), d.choices
    assert any(s["params"].get("strategy") == "stop" for s in steps)


def test_removing_the_cap_said_as_an_order_still_plans():
    d = decide("remove the cap", ctx(last_plan=CAPPED), AFTER_PLAN, FACTS)
    assert acts(d) and d.steps[0].params.get("strategy") == "stop"


@pytest.mark.parametrize("text", [
    "Last year we moved 380,000 nets in 3 weeks.",
    "In 2023 the state transported 520k nets.",
    "last campaign we handed out 600,000 nets",
])
def test_a_figure_reported_in_the_past_is_no_plan(text):
    d = decide(text, ctx(last_plan=PLAN), AFTER_PLAN, FACTS)
    assert not acts(d), d.steps


@pytest.mark.parametrize(("text", "total"), [
    ("last year we moved 380,000 nets, use that for the plan", 380_000),
    ("plan 380,000 nets", 380_000),
])
def test_a_past_figure_ordered_is_planned(text, total):
    d = decide(text, ctx(last_plan=PLAN), AFTER_PLAN, FACTS)
    assert acts(d), d.text
    assert d.steps[-1].params.get("total_nets") == total


@pytest.mark.parametrize("text", [
    "the donor is asking if 1.2m nets would cover everybody",
    "my director wants to know whether household size 6 changes much",
    "the commissioner asked whether 900k nets is enough",
    "our partner would like to know if bales of 50 change the plan",
])
def test_a_question_passed_on_is_not_done(text):
    d = decide(text, ctx(last_plan=PLAN), AFTER_PLAN, FACTS)
    assert not acts(d), d.steps
    assert offered(d), d.text  # the change is kept as a one-tap choice


@pytest.mark.parametrize(("text", "total"), [
    ("the donor is asking if 1.2m nets would cover everybody. ok plan 1.2m", 1_200_000),
    ("make the plan 1.2m then", 1_200_000),
    ("the donor is asking if 1.2m would do; go ahead and plan 1.2m", 1_200_000),
])
def test_an_order_beside_a_question_passed_on_is_done(text, total):
    d = decide(text, ctx(last_plan=PLAN), AFTER_PLAN, FACTS)
    assert acts(d), d.text
    assert d.steps[-1].params.get("total_nets") == total


@pytest.mark.parametrize("text", [
    "Last year we moved 380,000 nets in 3 weeks.",
    "in 2024 we planned 450k nets",
    "the commissioner said we'll get 600k",
])
def test_a_figure_told_before_any_plan_asks_no_household_size(text):
    d = decide(text, ctx(), DialogueState(), FACTS)
    assert not acts(d), d.steps
    assert d.pending is None, d.pending  # no question waits for a household size
    assert "nothing is planned" in d.text.lower(), d.text


def test_a_plan_ordered_before_any_plan_still_asks_its_household_size():
    d = decide("plan 380,000 nets", ctx(), DialogueState(), FACTS)
    assert not acts(d), d.steps
    assert d.pending and d.pending["expects"] == "plan_numbers", d.pending
    assert d.pending["params"].get("total_nets") == 380_000


@pytest.mark.parametrize(("text", "total"), [
    ("we need to keep 10% aside for mop-up", 720_000),
    ("set aside 5% of the nets for schools", 760_000),
    ("hold back 10%", 720_000),
    ("10% of the nets in reserve", 720_000),
])
def test_a_share_held_back_is_offered_as_fewer_nets_never_more(text, total):
    d = decide(text, ctx(last_plan=PLAN), AFTER_PLAN, FACTS)
    assert not acts(d), d.steps
    assert [s["params"].get("total_nets") for s in offered(d)] == [total], d.text


@pytest.mark.parametrize(("text", "total"), [
    ("keep 10% in reserve and re-plan with the rest", 720_000),
    ("10% more nets for the mop-up", 880_000),
    ("add 10% for mop-up", 880_000),
])
def test_a_share_held_back_with_a_re_plan_asked_is_planned(text, total):
    d = decide(text, ctx(last_plan=PLAN), AFTER_PLAN, FACTS)
    assert acts(d), d.text
    assert d.steps[-1].params.get("total_nets") == total


def test_a_buffer_removed_is_no_reprioritisation_and_none_is_said_when_there_is_none():
    d = decide("Were the buffer removed, how would the coverage change?",
               ctx(last_plan=PLAN), AFTER_PLAN, FACTS)
    assert not d.steps, d.steps
    assert "has no buffer" in d.text


def test_a_buffer_after_a_reprioritisation_question_is_the_plans():
    after_repri = DialogueState(last={"tool": "ask_results",
                                      "params": {"about": "repri_count", "threshold": 50}})
    from dataclasses import replace

    facts = replace(FACTS, last_repri={"thresholds": [20, 30, 50, 75], "target": 30})
    d = decide("add a 10% buffer", ctx(last_plan=PLAN), after_repri, facts)
    assert [(s.tool, s.params) for s in d.steps] == [("what_if_plan", {"buffer": 1.1})], d.text


@pytest.mark.parametrize("text", ["what coverage would 1.2m give?",
                                  "if we get 1.2 million nets, which wards get covered?",
                                  "how many nets would Zaria get with 1.2m?"])
def test_the_figures_of_another_stock_are_offered_never_given_from_the_current_plan(text):
    d = decide(text, ctx(last_plan=PLAN), AFTER_PLAN, FACTS)
    assert not acts(d) and not any(s.tool == "ask_results" for s in d.steps), d.steps
    assert [s["params"].get("total_nets") for s in offered(d)] == [1_200_000], d.text
