"""The reprioritisation's count asked in the word "count" ("so what's the count at 50 now?",
"tell me the 50% count"): the stored count at that threshold, not a description of the data."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chatmrpt.chat.dialogue import DialogueState, decide
from tests.unit.test_g_tools import session

LAST = {"tool": "reprioritize_urban",
        "params": {"target_share": 40, "thresholds": [20.0, 30.0, 50.0, 75.0]}}


def run(text):
    c, f, _ = session("demo", True)
    f = replace(f, last_repri={"target_share": 40, "thresholds": [20, 30, 50, 75]})
    return [(s.tool, s.params) for s in decide(text, c, DialogueState(last=LAST), f).steps]


@pytest.mark.parametrize("text,threshold", [
    ("so what's the count at 50 now?", 50), ("and the count at 75?", 75),
    ("what is the 50% count", 50), ("the count at the 30% threshold?", 30),
])
def test_the_count_at_a_threshold_is_the_stored_count(text, threshold):
    assert run(text) == [("ask_results", {"about": "repri_count", "threshold": threshold})]


def test_the_count_asked_with_a_new_run_follows_it():
    steps = run("do it again with target 40 and tell me the 50% count")
    assert [s[0] for s in steps] == ["reprioritize_urban", "ask_results"]
    assert steps[1][1] == {"about": "repri_count", "threshold": 50}
