"""A setting taken off in the words people use ("take the buffer off", "switch the cap off"),
and nets taken off the stock ("take 50k off"): never a stock of 50k."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, decide
from tests.unit.test_dialogue_pending import FACTS, ctx

PLAN = {"total_nets": 500_000, "household_size": 5, "buffer": 1.1, "bale_size": 50}


def planned(text, plan=PLAN):
    d = decide(text, ctx(last_plan=plan), DialogueState(last={"tool": "what_if_plan",
                                                              "params": plan}), FACTS)
    return [s.params for s in d.steps]


@pytest.mark.parametrize("text,params", [
    ("and take the buffer off too", {"buffer": 1}),
    ("take the buffer off", {"buffer": 1}),
    ("switch the buffer off", {"buffer": 1}),
    ("turn off the bales", {"bale_size": 1}),
    ("get the bales out", {"bale_size": 1}),
])
def test_a_setting_taken_off_goes_back_to_its_default(text, params):
    assert planned(text) == [params]


def test_the_cap_switched_off_plans_without_it():
    plan = {**PLAN, "strategy": "capped", "max_ward_share": 2}
    [params] = planned("switch the cap off", plan)
    assert params.get("strategy") != "capped" and not params.get("max_ward_share")


@pytest.mark.parametrize("text,nets", [
    ("take 50k off", 450_000),
    ("knock 20,000 nets off", 480_000),
    ("take 50k nets away", 450_000),
])
def test_nets_taken_off_lower_the_stock(text, nets):
    assert planned(text) == [{"total_nets": nets}]
