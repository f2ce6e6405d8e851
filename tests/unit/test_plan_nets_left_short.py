"""The nets left over asked in few words ("nets remaining?", "any nets remaining"): the plan's
totals; an order to use those nets is no such question."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, decide
from tests.unit.test_dialogue_pending import FACTS, ctx

PLAN = {"total_nets": 800_000, "household_size": 5, "bale_size": 100}


def steps(text):
    d = decide(text, ctx(last_plan=PLAN),
               DialogueState(last={"tool": "what_if_plan", "params": {"bale_size": 100}}), FACTS)
    return [(s.tool, s.params) for s in d.steps]


@pytest.mark.parametrize("text", ["nets remaining?", "any nets remaining", "and the leftover nets",
                                  "nets left over", "remaining nets now?"])
def test_nets_left_in_few_words_are_the_plans_totals(text):
    assert steps(text) == [("ask_results", {"about": "plan_totals"})]


@pytest.mark.parametrize("text", ["use the remaining nets for Fagge", "spread the remaining nets",
                                  "give the leftover nets to Fagge"])
def test_orders_about_the_remaining_nets_are_no_question(text):
    assert ("ask_results", {"about": "plan_totals"}) not in steps(text)


@pytest.mark.parametrize("text", ["and now how many are left in store",
                                  "how many remain in the warehouse",
                                  "how many are still left in stock?"])
def test_the_stock_left_in_store_is_the_plans_totals(text):
    # the nets are not named: the store, the stock or the warehouse says what is counted
    assert steps(text) == [("ask_results", {"about": "plan_totals"})]


@pytest.mark.parametrize("text", ["how many wards are left in store",
                                  "how many wards are left in the stock list"])
def test_other_things_left_are_not_the_nets(text):
    assert ("ask_results", {"about": "plan_totals"}) not in steps(text)
