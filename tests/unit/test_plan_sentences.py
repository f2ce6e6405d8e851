"""A plan request said over two sentences ("we have 450k nets. plan it, five persons per
household"): one plan with both values, not a question for the value the second sentence gave."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, decide
from tests.unit.test_dialogue_pending import FACTS, ctx


def steps(text):
    d = decide(text, ctx(), DialogueState(), FACTS)
    return [(s.tool, s.params) for s in d.steps], d


@pytest.mark.parametrize("text,nets,hh", [
    ("we have four hundred and fifty thousand nets for the state. plan it, five persons per "
     "household", 450_000, 5),
    ("450k nets. plan it with 5 persons per household", 450_000, 5),
    ("we have 300k nets. plan them, household size 6", 300_000, 6),
    ("we got 1.2 million nets. plan it with household size 5.5", 1_200_000, 5.5),
])
def test_two_sentences_give_one_plan(text, nets, hh):
    done, _ = steps(text)
    assert done == [("plan_itn", {"total_nets": nets, "household_size": hh})]


@pytest.mark.parametrize("text", [
    "we have 450k nets. plan it",             # the household size is still asked
    "450k nets. show the top 10 wards",       # another request
    "plan 400k nets. then map it",
])
def test_sentences_that_are_no_full_plan_still_ask(text):
    done, d = steps(text)
    assert not done and d.text
