"""Follow-ups that lean on the message before them: with nothing before them they run
nothing."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, decide
from tests.unit.test_chat_dialogue import FACTS, ctx

NO_ANALYSIS = ctx(analysis_status=None)


@pytest.mark.parametrize("text", ["and the least?", "and the next five?", "what about the bottom 5?",
                                  "nd d top ones?"])
def test_a_follow_up_said_first_runs_nothing_and_offers_the_analysis(text):
    d = decide(text, NO_ANALYSIS, DialogueState(), FACTS)
    assert not d.steps, (text, d.steps)
    assert "run_analysis" in [c["tool"] for c in d.choices]


@pytest.mark.parametrize("text", ["the 10 least vulnerable wards", "bottom 5", "rank wards",
                                  "and run the analysis"])
def test_a_request_said_first_still_runs(text):
    d = decide(text, NO_ANALYSIS, DialogueState(), FACTS)
    assert d.steps and d.steps[0].tool == "run_analysis", (text, d.steps)


def test_a_follow_up_after_an_earlier_message_still_runs_the_analysis_first():
    state = DialogueState(last={"tool": "top_wards", "params": {"n": 5}})
    d = decide("and the least?", ctx(analysis_status=None, last_tool="top_wards"), state, FACTS)
    assert [s.tool for s in d.steps][:1] == ["run_analysis"], d.steps


PLAN = {"total_nets": 600_000, "household_size": 5}


def _after(*steps):
    from chatmrpt.chat.assistant import last_with_change
    last = None
    for tool, params in steps:
        last = last_with_change(last, tool, params)
    return DialogueState(last=last)


@pytest.mark.parametrize("text", ["and now?", "now?", "what about now?", "ok and now", "nd now?"])
def test_and_now_after_a_plan_change_asks_the_question_before_again(text):
    state = _after(("ask_results", {"about": "plan_totals"}),
                   ("what_if_plan", {"urban_threshold": 60}))
    d = decide(text, ctx(last_plan=PLAN, last_tool="what_if_plan"), state, FACTS)
    assert [(s.tool, s.params) for s in d.steps] == [("ask_results", {"about": "plan_totals"})]


def test_the_question_is_kept_over_several_changes():
    state = _after(("top_wards", {"n": 5}), ("run_analysis", {"variables": ["a", "b"]}),
                   ("plan_itn", PLAN))
    d = decide("and now?", ctx(last_plan=PLAN, last_tool="plan_itn"), state, FACTS)
    assert [(s.tool, s.params) for s in d.steps] == [("top_wards", {"n": 5})]


@pytest.mark.parametrize("text", ["and now?", "now what?"])
def test_and_now_with_no_change_after_the_question_runs_nothing_again(text):
    state = _after(("ask_results", {"about": "plan_totals"}))
    d = decide(text, ctx(last_plan=PLAN), state, FACTS)
    assert not any(s.tool in ("plan_itn", "what_if_plan", "run_analysis") for s in d.steps)
    assert d.reading.get("asked_again") is None


@pytest.mark.parametrize("text", ["now plan 500k", "and now hh 6", "now export it"])
def test_a_request_after_now_is_not_the_question_again(text):
    state = _after(("ask_results", {"about": "plan_totals"}),
                   ("what_if_plan", {"urban_threshold": 60}))
    d = decide(text, ctx(last_plan=PLAN, last_tool="what_if_plan"), state, FACTS)
    assert d.reading.get("asked_again") is None
