"""An action the message opens by refusing ("don't export it, just tell me ...") is not run:
the rest of the message is what is asked. A change told for later ("we might try a 20% target
next month") is asked about, not run. "no wait, undo that" is a reply to the last change, not
a message taking part of itself back."""

from __future__ import annotations

import pytest

from chatmrpt.chat.guards import deferred
from chatmrpt.chat.retraction import find_retraction


@pytest.mark.parametrize("text,stands", [
    ("don't export it, just tell me which ward has distance 0",
     "tell me which ward has distance 0"),
    ("dont download anything, only show the top 5", "show the top 5"),
    ("no need to plan, just list the high wards", "list the high wards"),
    ("pls don't rerun it - how many wards are high?", "how many wards are high?"),
    ("do not make a map; which LGA has the most high wards", "which LGA has the most high wards"),
    ("Don't reprioritise yet, show the urban map at 50%", "show the urban map at 50%"),
    ("abeg don't send d file, just tell me d top ward", "tell me d top ward"),
])
def test_a_refused_action_is_dropped_and_the_rest_stands(text, stands):
    found = find_retraction(text)
    assert found is not None and found.text == stands
    assert "did not" in found.note


@pytest.mark.parametrize("text", [
    "don't export it",
    "do not rerun the analysis",
    "no need to change the plan",
])
def test_a_message_that_only_refuses_runs_nothing(text):
    found = find_retraction(text)
    assert found is not None and found.text == ""


@pytest.mark.parametrize("text", [
    "export it, don't wait",
    "dont worry, run it",
    "don't forget the rankings: export them as csv",
    "run the analysis",
    "why didn't you export it?",
    "no wait, undo that",
])
def test_look_alikes_are_not_refusals(text):
    found = find_retraction(text)
    assert found is None or found.text


@pytest.mark.parametrize("text,later", [
    ("we might try a 20% target next month", True),
    ("we will plan 500k nets in december", True),
    ("next year we may drop rainfall", True),
    ("i'll export the map tomorrow", True),
    ("we're going to use a 40% threshold in the coming months", True),
    ("the team will probably redo it later", True),
    ("redo it with a 20% target, we will present it next week", False),
    ("plan 500k nets, household size 5", False),
    ("export the map now", False),
    ("use a 40% threshold", False),
    ("show me last month's plan", False),
    ("what will the plan look like?", False),
])
def test_a_change_told_for_later(text, later):
    assert deferred(text) is later
