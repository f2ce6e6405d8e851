"""How many nets the plan leaves over, asked with a setting word next to it ("after the
bales"): the plan's totals (which give the nets left over), not its settings."""
from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState
from tests.unit.test_dialogue_guards import PLAN, ctx, run

STATE = DialogueState(last={"tool": "plan_itn", "params": PLAN})


@pytest.mark.parametrize("text", ["how many nets are left over now after the bales",
                                  "any spare nets after the bales?",
                                  "how many nets remain unallocated with the bale size?",
                                  "number of leftover nets"])
def test_nets_left_over(text):
    d = run(text, ctx(last_plan=PLAN), STATE)
    assert [(s.tool, s.params.get("about")) for s in d.steps] == [("ask_results", "plan_totals")]


@pytest.mark.parametrize("text", ["what bale size did we use?",
                                  "how many wards are left uncovered?"])
def test_other_questions_are_not_the_nets_left(text):
    d = run(text, ctx(last_plan=PLAN), STATE)
    assert not (d.steps and d.steps[0].params.get("about") == "plan_totals"
                and "bale" in text)
