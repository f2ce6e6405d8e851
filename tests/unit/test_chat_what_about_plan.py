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
    # nor is the household size read as the length of a new list
    listed = _decide("what about hh 6", last=LISTED).steps
    assert not any(s.tool == "top_wards" and s.params.get("n") == 6 for s in listed), listed
    offer = {"expects": "choice", "choices": [{"label": "Top 10 wards", "tool": "top_wards",
                                               "params": {"n": 10}}]}
    d = _decide("what about hh 6", pending=offer)
    assert not d.steps or d.steps[0].tool not in ("plan_itn", "what_if_plan") or \
        d.reading.get("answered")


# --- two values named with "or": one choice for each, in the order said --------------------

def test_two_net_totals_with_or_offer_one_choice_each_and_the_second_is_the_second():
    c = ctx(variables=("u5_tpr_rdt", "rainfall", "Population"))
    d = decide("plan 400k or 500k nets? hh 5", c, DialogueState(), FACTS)
    assert not d.steps
    plans = [(ch["tool"], ch["params"]) for ch in d.choices if ch["tool"] == "plan_itn"]
    assert plans == [("plan_itn", {"total_nets": 400_000, "household_size": 5}),
                     ("plan_itn", {"total_nets": 500_000, "household_size": 5})]
    then = decide("the second", c, DialogueState(pending=d.pending), FACTS)
    assert [(s.tool, s.params) for s in then.steps] == [
        ("plan_itn", {"total_nets": 500_000, "household_size": 5})]
    for label in [ch["label"] for ch in d.choices if ch["tool"] == "plan_itn"]:
        back = decide(label, c, DialogueState(pending=d.pending), FACTS)
        assert [s.params["total_nets"] for s in back.steps] == [
            400_000 if "400,000" in label else 500_000], label


def test_two_stocks_with_or_are_alternatives_and_other_numbers_are_not():
    from chatmrpt.chat.guards import plan_alternatives
    from chatmrpt.chat.state import Step

    step = Step("plan_itn", {"total_nets": 400_000, "household_size": 5})
    assert plan_alternatives(step, "plan 400k or 450k nets, hh 5") == ("total_nets",
                                                                     [400_000, 450_000])
    # two household sizes are a hedge, answered by the size said next (see plan_formal)
    assert plan_alternatives(step, "plan 400k nets hh 5 or 6") is None
    assert plan_alternatives(step, "plan 400k nets, hh 5") is None
    assert plan_alternatives(step, "plan 400k nets hh 5, or wait for the donor") is None
    assert plan_alternatives(Step("top_wards", {"n": 5}), "top 5 or 10") is None


# --- "go ahead with the 20% more": an order for the change -----------------------------------

BASE = {"total_nets": 400_000, "household_size": 5}


def _after_count(text):
    c = ctx(last_plan=BASE, variables=("u5_tpr_rdt", "rainfall", "Population"))
    last = {"tool": "ask_results", "params": {"about": "plan_totals"}}
    return decide(text, c, DialogueState(last=last), FACTS)


@pytest.mark.parametrize("text", ["ok go ahead with the 20% more", "yes apply the 20% more",
                                  "let's do the 20% more", "fine, go with the 20% more"])
def test_go_ahead_with_a_change_makes_it(text):
    d = _after_count(text)
    assert len(d.steps) == 1 and {**BASE, **d.steps[0].params}["total_nets"] == 480_000, \
        (text, d.text)


@pytest.mark.parametrize("text", ["what if we go ahead with the 20% more?",
                                  "go ahead with the 20% more next month",
                                  "should we go ahead with the 20% more?",
                                  "don't go ahead with the 20% more"])
def test_go_ahead_said_as_a_question_or_for_later_changes_nothing(text):
    assert not _after_count(text).steps, text


def test_the_second_after_the_two_plans_offered_is_the_second_plan_not_a_listed_ward():
    from chatmrpt.chat import focus as fc

    c = ctx(variables=("u5_tpr_rdt", "rainfall", "Population"))
    seen = fc.Focus(listed=["Kawaji", "Fagge A", "Zango"]).to_dict()
    listed = {"tool": "top_wards", "params": {"n": 3}}
    d = decide("plan 400k or 500k nets? hh 5", c, DialogueState(focus=seen, last=listed), FACTS)
    then = decide("the second", c, DialogueState(pending=d.pending, focus=seen, last=listed),
                  FACTS)
    assert [(s.tool, s.params) for s in then.steps] == [
        ("plan_itn", {"total_nets": 500_000, "household_size": 5})]
    # with no question open, the second ward of the list shown
    then = decide("the second", c, DialogueState(focus=seen,
                                                 last={"tool": "top_wards", "params": {"n": 3}}),
                  FACTS)
    assert [s.tool for s in then.steps] in (["explain_ward"], []) and \
        "plan_itn" not in [s.tool for s in then.steps]


@pytest.mark.parametrize("text,n", [("make it 20", 20), ("what about 7", 7), ("and 15?", 15)])
def test_a_bare_number_after_a_list_is_still_the_lists_length(text, n):
    d = _decide(text, last=LISTED)
    assert [(s.tool, s.params.get("n")) for s in d.steps] == [("top_wards", n)], d.text
