"""A plan change corrected inside the message to another setting ("bales of 100, no wait,
household size 6"), and two conflicting plans asked in one message ("plan 400k nets hh 5.
plan 500k nets hh 6"): nothing is planned, the readings are offered one tap each."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, decide
from tests.unit.test_chat_dialogue import FACTS, LAST_PLAN, PLAN, ctx

STATE = DialogueState(last=LAST_PLAN)


def _decide(text):
    return decide(text, ctx(last_plan=PLAN), STATE, FACTS)


@pytest.mark.parametrize("text,before,after", [
    ("bales of 100, no wait, household size 6", {"bale_size": 100}, {"household_size": 6}),
    ("hh 6 no wait bales of 50", {"household_size": 6}, {"bale_size": 50}),
    ("set the buffer to 10%, sorry, household size 6", {"buffer": 1.1}, {"household_size": 6}),
    ("bale size 50... oops i mean household size 4", {"bale_size": 50}, {"household_size": 4}),
])
def test_a_correction_to_another_setting_is_asked(text, before, after):
    d = _decide(text)
    assert d.steps == [], (text, d.steps)
    only, both = d.choices[0]["params"], d.choices[1]["params"]
    for k, v in after.items():
        assert float(only[k]) == v and float(both[k]) == v, (text, d.choices)
    for k in before:
        assert k not in only or only[k] == PLAN.get(k), (text, only)
        assert k in both, (text, both)
    assert d.choices[-1].get("cancel")
    assert "not changed the plan" in d.text


@pytest.mark.parametrize("text,key,value", [
    ("bales of 100. no wait, bales of 50", "bale_size", 50),     # the same setting corrected
    ("household size 6, wait, also bales of 50", "household_size", 6),  # an addition
    ("hh 6 and bales of 50", "bale_size", 50),                    # no correction at all
])
def test_not_a_correction_to_another_setting(text, key, value):
    d = _decide(text)
    assert len(d.steps) == 1, (text, d.text)
    assert float(d.steps[0].params[key]) == value, (text, d.steps[0].params)


@pytest.mark.parametrize("text", ["plan 400k nets hh 5. plan 500k nets hh 6",
                                  "plan 300k nets hh 5 and also 350k hh 6"])
def test_two_conflicting_plans_in_one_message_are_asked(text):
    d = _decide(text)
    assert d.steps == [], (text, d.steps)
    totals = [c["params"].get("total_nets") for c in d.choices[:-1]]
    assert len(totals) == 2 and totals[0] != totals[1], d.choices
    assert "have not made either" in d.text


def test_settings_in_two_sentences_add_up_to_one_plan():
    d = _decide("hh 6. bales of 50")
    params = {}
    for s in d.steps:
        params.update(s.params)
    assert d.steps and float(params["household_size"]) == 6 and float(params["bale_size"]) == 50
