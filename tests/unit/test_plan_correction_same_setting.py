"""A setting corrected inside the message ("bales of 100. no wait, bales of 50"): the value
said last is used, whatever the size of the two values."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, decide
from chatmrpt.chat.reading import apply_correction
from tests.unit.test_dialogue_pending import FACTS, ctx

PLAN = {"total_nets": 350_000, "household_size": 5}


def planned(text):
    d = decide(text, ctx(last_plan=PLAN), DialogueState(last={"tool": "plan_itn", "params": PLAN}),
               FACTS)
    return [s.params for s in d.steps]


@pytest.mark.parametrize("text,params", [
    ("bales of 100. no wait, bales of 50", {"bale_size": 50}),
    ("bales of 100, sorry I mean 50", {"bale_size": 50}),
    ("bale size 100 no wait 50", {"bale_size": 50}),
    ("bales of 50, no wait, bales of 200", {"bale_size": 200}),
    ("bales of 100. no wait, bales of 50 and household size 6",
     {"bale_size": 50, "household_size": 6}),
])
def test_the_corrected_setting_takes_the_last_value(text, params):
    assert planned(text) == [params]


@pytest.mark.parametrize("text", [
    "plan 300k nets, no wait 350",   # 350 or 350,000: asked
    "household size 6, no wait, bales of 50",  # another setting: no value replaced
])
def test_no_value_is_replaced_when_the_words_do_not_tell_which(text):
    fixed, note = apply_correction(text)
    assert note is None and fixed == text


@pytest.mark.parametrize("text,params", [
    ("plan 500k, sorry 550k, hh 5", {"total_nets": 550_000, "household_size": 5}),
    ("plan 500k sorry 550k hh 6", {"total_nets": 550_000, "household_size": 6}),
    ("plan 400k, no wait 450k, hh 5", {"total_nets": 450_000, "household_size": 5}),
])
def test_a_setting_said_after_the_corrected_total_is_kept(text, params):
    d = decide(text, ctx(), DialogueState(), FACTS)
    assert [(s.tool, s.params) for s in d.steps] == [("plan_itn", params)], d.text


def test_nothing_but_the_corrected_number_after_it_adds_nothing():
    fixed, note = apply_correction("add 20k, sorry 30k")
    assert fixed == "add 30k" and note
