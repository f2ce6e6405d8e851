"""A what-if followed by "dont apply" / "no run" changes nothing; a message that only says who
the user is runs no analysis."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, decide
from chatmrpt.chat.guards import only_asking
from tests.unit.test_chat_dialogue import FACTS, ctx

PLAN = {"total_nets": 700_000, "household_size": 5, "urban_threshold": 60}
AFTER_PLAN = DialogueState(last={"tool": "what_if_plan", "params": {"urban_threshold": 60}})


@pytest.mark.parametrize("text", [
    "what if threshold was 50? dont apply", "what if threshold 50? don't apply",
    "threshold 50? dont apply", "what if hh 6? no run", "what if we had 800k? not run yet",
    "what if 20% more nets? don't run it yet", "hh 6 - no changes",
])
def test_a_change_said_with_do_not_apply_is_not_made(text):
    d = decide(text, ctx(last_plan=PLAN), AFTER_PLAN, FACTS)
    assert not any(s.tool in ("plan_itn", "what_if_plan") for s in d.steps), (text, d.steps)


@pytest.mark.parametrize("text,asking", [
    ("what if target is 20? no run", True), ("dont apply", True), ("no run", True),
    ("just tell me, don't change", True),
    ("no, run it", False), ("run it now, no changes needed to the hh", False),
    ("no change in household size, just 500k", False), ("threshold 50 please", False),
])
def test_only_asking(text, asking):
    assert only_asking(text) is asking


def test_a_plain_change_still_runs():
    d = decide("threshold 50", ctx(last_plan=PLAN), AFTER_PLAN, FACTS)
    assert [(s.tool, s.params) for s in d.steps] == [("what_if_plan", {"urban_threshold": 50})]


NO_ANALYSIS = ctx(analysis_status=None)


@pytest.mark.parametrize("text", ["my LGA is Zaria", "Hello, I am the focal person for Zaria LGA",
                                  "I'm the M&E officer for Zaria"])
def test_an_introduction_runs_no_analysis(text):
    d = decide(text, NO_ANALYSIS, DialogueState(), FACTS)
    assert not any(s.tool == "run_analysis" for s in d.steps), (text, d.steps)


@pytest.mark.parametrize("text", ["my LGA is Zaria, list its wards",
                                  "I am the focal person for Zaria. show me the top 5 there"])
def test_an_introduction_with_a_request_is_done(text):
    d = decide(text, NO_ANALYSIS, DialogueState(), FACTS)
    assert [s.tool for s in d.steps][0] == "run_analysis" and len(d.steps) == 2, d.steps
