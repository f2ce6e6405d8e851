"""'What about hh 6' said right after a plan was made: the same plan with that one setting
(an order to try it). 'What if', 'would', several changes, no plan just made, or a question
still open stay questions."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, decide
from tests.unit.test_chat_dialogue import FACTS, ctx

PLAN_NOW = {"total_nets": 495_000, "household_size": 5}
PLANNED = {"tool": "plan_itn", "params": PLAN_NOW}
LISTED = {"tool": "top_wards", "params": {"n": 10}}


def _decide(text, last=PLANNED, pending=None):
    c = ctx(last_plan=PLAN_NOW, variables=("u5_tpr_rdt", "rainfall", "Population"),
            last_tool=last["tool"], last_params=last["params"])
    return decide(text, c, DialogueState(last=last, pending=pending), FACTS)


@pytest.mark.parametrize("text,change", [
    ("what about hh 6", {"household_size": 6}),
    ("ok what about household size 4.5?", {"household_size": 4.5}),
    ("how about hh 6", {"household_size": 6}),
    ("and what about 600k nets?", {"total_nets": 600_000}),
])
def test_what_about_one_setting_right_after_a_plan_re_plans(text, change):
    d = _decide(text)
    assert [s.tool for s in d.steps] in (["plan_itn"], ["what_if_plan"]), d.text
    params = {**PLAN_NOW, **d.steps[0].params}
    assert {k: params[k] for k in ("total_nets", "household_size")} == {**PLAN_NOW, **change}


@pytest.mark.parametrize("text", [
    "what if hh 6?", "would hh 6 change much?", "what about hh 6, would it change much?",
    "what about the wards with hh 6?", "what about hh 6 next month",
])
def test_what_if_would_or_more_than_one_setting_stays_a_question(text):
    d = _decide(text)
    assert not d.steps, (text, d.steps)


def test_what_about_after_something_else_or_with_a_question_open_asks():
    assert "plan_itn" not in [s.tool for s in _decide("what about hh 6", last=LISTED).steps]
    assert "what_if_plan" not in [s.tool for s in _decide("what about hh 6", last=LISTED).steps]
    offer = {"expects": "choice", "choices": [{"label": "Top 10 wards", "tool": "top_wards",
                                               "params": {"n": 10}}]}
    d = _decide("what about hh 6", pending=offer)
    assert not d.steps or d.steps[0].tool not in ("plan_itn", "what_if_plan") or \
        d.reading.get("answered")
