"""The plan's current urban threshold asked in few words ("what threshold is it on now?"):
the plan's settings, not the text about the method."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, decide
from tests.unit.test_dialogue_pending import FACTS, ctx

PLAN = {"total_nets": 480_000, "household_size": 5, "urban_threshold": 60}


def steps(text, plan=PLAN):
    c = ctx(last_plan=plan) if plan else ctx()
    last = {"tool": "what_if_plan", "params": {"urban_threshold": 60}} if plan else None
    d = decide(text, c, DialogueState(last=last), FACTS)
    return [(s.tool, s.params) for s in d.steps]


@pytest.mark.parametrize("text", [
    "what threshold is it on now?",
    "what is the threshold now?",
    "what is the current threshold",
    "which threshold are we using",
    "what's the threshold set to",
])
def test_the_current_threshold_is_the_plans_value(text):
    assert steps(text) == [("ask_results", {"about": "plan_params"})]


@pytest.mark.parametrize("text", [
    "what does the threshold mean?",
    "how does the threshold work now?",
])
def test_questions_about_the_method_stay_with_the_method(text):
    assert [t for t, _ in steps(text)] == ["explain_methodology"]


def test_without_a_plan_the_threshold_is_the_method():
    assert [t for t, _ in steps("what threshold is it on now?", plan=None)] == \
        ["explain_methodology"]
