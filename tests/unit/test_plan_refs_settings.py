"""An earlier plan named by its percentages and its features ("the first capped plan, the
300k one with 2%"): the one earlier plan that holds them comes back; values no single earlier
plan holds are asked about."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, decide
from tests.unit.test_chat_dialogue import FACTS, ctx

BASE = {"total_nets": 300_000, "household_size": 5}
CAP2 = {**BASE, "strategy": "capped", "max_ward_share": 2}
CAP5 = {**BASE, "strategy": "capped", "max_ward_share": 5}
BUF = {**BASE, "buffer": 1.1}
NOW = {"total_nets": 600_000, "household_size": 5}
PLANS = {"ids": ["a", "b", "c", "d", "e"], "params": [BASE, CAP2, CAP5, BUF, NOW], "at": 4}
STATE = DialogueState(last={"tool": "what_if_plan", "params": {"total_nets": 600_000}},
                      plans=PLANS)


def steps(text):
    d = decide(text, ctx(last_plan=NOW), STATE, FACTS)
    return [(s.tool, s.params) for s in d.steps], d


@pytest.mark.parametrize("text,plan", [
    ("go back to the first capped plan, the 300k one with 2%", CAP2),
    ("go back to the 300k one with 5%", CAP5),
    ("back to the 300k one with the 10% buffer", BUF),
])
def test_a_plan_named_by_its_percentages_comes_back(text, plan):
    done, _ = steps(text)
    assert len(done) == 1 and done[0][0] == "plan_itn"
    assert {k: v for k, v in done[0][1].items() if k in plan} == plan


@pytest.mark.parametrize("text", [
    "go back to the 300k one with 3%",        # no earlier plan holds it
    "go back to the capped 300k one",         # two capped plans: which one
])
def test_values_no_single_plan_holds_are_asked(text):
    done, d = steps(text)
    assert not done
