"""A step back that names the change it takes back ("fine, undo the 20%", "undo the 80k"):
the previous plan when the last change did exactly that, a question otherwise (never a plan
with the amount named as its nets)."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, decide
from tests.unit.test_dialogue_guards import FACTS, ctx

FIRST = {"total_nets": 400_000, "household_size": 5}
MORE = {"total_nets": 480_000, "household_size": 5}
HISTORY = {"ids": ["a", "b"], "params": [FIRST, MORE], "at": 1}


def run(text, plans=HISTORY, now=MORE):
    state = DialogueState(last={"tool": "what_if_plan", "params": {"total_nets": now["total_nets"]}},
                          plans=plans)
    return decide(text, ctx(last_plan=now), state, FACTS)


@pytest.mark.parametrize("text", ["fine, undo the 20%", "undo the 20 percent", "undo the 80k",
                                  "ok undo the 80,000 extra nets", "reverse the 20% increase"])
def test_the_change_named_by_its_amount_is_taken_back(text):
    d = run(text)
    assert [(s.tool, s.params) for s in d.steps] == [("plan_itn", FIRST)], d.text


@pytest.mark.parametrize("text", ["undo the 50k", "undo the 10%"])
def test_an_amount_the_last_change_did_not_make_is_asked_about(text):
    d = run(text)
    assert not d.steps, d.steps
    assert d.choices and "not" in d.text


def test_a_named_amount_after_a_change_of_another_setting_is_not_taken_as_nets():
    six = {"total_nets": 400_000, "household_size": 6}
    d = run("undo the 20%", plans={"ids": ["a", "b"], "params": [FIRST, six], "at": 1}, now=six)
    assert not any(s.params.get("total_nets") == 20 for s in d.steps)
    assert not any(s.tool in ("plan_itn", "what_if_plan") and s.params.get("household_size") == 6
                   and s.params.get("total_nets") not in (None, 400_000) for s in d.steps)


BUFFERED = {"total_nets": 400_000, "household_size": 5, "buffer": 1.2}
SIX = {"total_nets": 400_000, "household_size": 6}


@pytest.mark.parametrize(("text", "now"), [
    ("undo the 20% buffer", BUFFERED), ("undo the buffer", BUFFERED),
    ("undo the hh 6", SIX), ("fine, undo the household size change", SIX),
])
def test_the_change_named_by_its_setting_is_taken_back(text, now):
    d = run(text, plans={"ids": ["a", "b"], "params": [FIRST, now], "at": 1}, now=now)
    assert [(s.tool, s.params) for s in d.steps] == [("plan_itn", FIRST)], d.text


@pytest.mark.parametrize("text", ["undo the 20% buffer", "undo the hh 6", "undo the bales"])
def test_a_setting_the_last_change_did_not_set_is_never_set(text):
    d = run(text)  # the last change was 20% more nets
    assert not d.steps, d.steps
    assert d.choices and "not the" in d.text
