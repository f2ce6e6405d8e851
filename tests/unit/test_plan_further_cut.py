"""A cut said again ("cut another 100k", "reduce by a further 10%"): fewer nets, never more."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, decide
from tests.unit.test_dialogue_pending import FACTS, ctx

PLAN = {"total_nets": 540_000, "household_size": 5}


def planned(text):
    d = decide(text, ctx(last_plan=PLAN), DialogueState(last={"tool": "plan_itn", "params": PLAN}),
               FACTS)
    return [s.params.get("total_nets") for s in d.steps]


@pytest.mark.parametrize("text,nets", [
    ("cut another 100k", 440_000),
    ("remove another 50k nets", 490_000),
    ("reduce by another 10%", 486_000),
    ("reduce the nets by a further 10%", 486_000),
    ("take away another 40,000", 500_000),
])
def test_a_further_cut_lowers_the_nets(text, nets):
    assert planned(text) == [nets]


@pytest.mark.parametrize("text,nets", [
    ("add another 100k", 640_000),
    ("get another 100k nets", 640_000),
    ("another 10% more", 594_000),
    ("cut 100k", 440_000),
])
def test_other_changes_keep_their_direction(text, nets):
    assert planned(text) == [nets]
