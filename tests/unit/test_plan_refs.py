"""An earlier plan named by its values is brought back; one named by its day, by values no
single earlier plan holds, or with a change on top is asked about; the current plan is never
taken for it."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, decide
from tests.unit.test_chat_dialogue import FACTS, ctx

FIRST = {"total_nets": 400_000, "household_size": 5}
BALES = {"total_nets": 450_000, "household_size": 5, "bale_size": 50}
BIG = {"total_nets": 600_000, "household_size": 5}
PLANS = {"ids": ["a", "b", "c"], "params": [FIRST, BALES, BIG], "at": 0}
STATE = DialogueState(last={"tool": "plan_itn", "params": FIRST}, plans=PLANS)


def _decide(text, state=STATE):
    return decide(text, ctx(last_plan=FIRST), state, FACTS)


@pytest.mark.parametrize("text, plan", [
    ("ok switch again to the 450k one with the bales", BALES),
    ("go back to the one with the bales", BALES),
    ("the 450k one please", BALES),
    ("use the 600k plan", BIG),
    ("bring back the 600,000 one", BIG),
])
def test_an_earlier_plan_named_by_its_values_comes_back(text, plan):
    d = _decide(text)
    assert [(s.tool, s.params) for s in d.steps] == [("plan_itn", plan)]


@pytest.mark.parametrize("text", [
    "the same as monday's plan but household size 6",
    "go back to yesterday's plan",
    "use the plan from last week",
    "switch to the 700k one",              # no earlier plan holds it
    "go back to the plan with the cap",    # no earlier plan holds it
    "use the 450k one but with household 6",
])
def test_a_plan_that_cannot_be_pinned_is_asked_about(text):
    d = _decide(text)
    assert d.steps == []
    labels = [c["label"] for c in d.choices]
    assert labels and all(lab.startswith("Plan ") for lab in labels)
    assert not any("400,000" in lab for lab in labels)  # the current plan is not offered


def test_a_choice_typed_again_plans_that_plan():
    d = _decide("go back to yesterday's plan")
    for choice in d.choices:
        again = decide(choice["label"], ctx(last_plan=FIRST),
                       DialogueState(last={"tool": "plan_itn", "params": FIRST}), FACTS)
        assert [(s.tool, s.params) for s in again.steps] == [("plan_itn", choice["params"])]


# plans as the store keeps them: every setting, defaults filled in
STORED = {"urban_threshold": 75.0, "method": "composite", "strategy": "stop",
          "people_per_net": 1.8, "buffer": 1.0, "bale_size": 1, "max_ward_share": None,
          "fill_population": None}
KINDS = [
    {"total_nets": 450_000, "household_size": 5, "bale_size": 50},
    {"total_nets": 520_000, "household_size": 4.5, "method": "pca", "strategy": "continue"},
    {"total_nets": 350_000, "household_size": 6, "urban_threshold": 60, "buffer": 1.1},
    {"total_nets": 610_000, "household_size": 5, "strategy": "capped", "max_ward_share": 3},
    {"total_nets": 275_000, "household_size": 5, "people_per_net": 2},
    {"total_nets": 300_000, "household_size": 5, "fill_population": "median"},
    {"total_nets": 320_000, "household_size": 6, "fill_population": 2500},
]


@pytest.mark.parametrize("kind", KINDS)
def test_an_earlier_plan_offered_is_labelled_like_any_plan_and_its_label_brings_it_back(kind):
    import chatmrpt.chat.dialogue as dm

    earlier = {**STORED, **kind}
    plans = {"ids": ["a", "b"], "params": [earlier, dict(STORED, **FIRST)], "at": 1}
    state = DialogueState(last={"tool": "plan_itn", "params": FIRST}, plans=plans)
    asked = _decide("go back to the plan from the other day", state)
    assert asked.steps == [] and [c["params"] for c in asked.choices] == [kind]
    choice = asked.choices[0]
    assert choice["label"] == dm.describe_choice("plan_itn", kind)
    assert "composite" not in choice["label"] and "1.8" not in choice["label"]
    # tapped as the answer to the question
    answered = decide(choice["label"], ctx(last_plan=FIRST),
                      DialogueState(last=state.last, plans=plans, pending=asked.pending), FACTS)
    assert [(s.tool, s.params) for s in answered.steps] == [("plan_itn", kind)]
    # typed again later, the question gone
    again = decide(choice["label"], ctx(last_plan=FIRST), state, FACTS)
    assert [(s.tool, s.params) for s in again.steps] == [("plan_itn", kind)]


def test_plans_that_read_the_same_are_offered_once():
    plans = {"ids": ["a", "b", "c", "d"], "params": [BIG, BALES, dict(STORED, **BIG), FIRST],
             "at": 3}
    state = DialogueState(last={"tool": "plan_itn", "params": FIRST}, plans=plans)
    labels = [c["label"] for c in _decide("use the plan from last week", state).choices]
    assert labels == ["Plan 600,000 nets, household size 5",
                      "Plan 450,000 nets, household size 5, bale size 50"]


@pytest.mark.parametrize("text", ["same but household 6", "make it 500k", "plan 300k nets hh 5"])
def test_other_plan_changes_are_untouched(text):
    d = _decide(text)
    assert d.steps and all(s.tool in ("plan_itn", "what_if_plan") for s in d.steps)
    assert not d.choices


def test_with_no_earlier_plan_the_plan_named_is_the_current_one():
    alone = DialogueState(last={"tool": "plan_itn", "params": FIRST},
                          plans={"ids": ["a"], "params": [FIRST], "at": 0})
    d = _decide("nets come in bales of 40. redo yesterday's plan with that", alone)
    assert [(s.tool, s.params) for s in d.steps] == [("what_if_plan", {"bale_size": 40})]
    assert _decide("show the plan with the most nets", alone).choices == []


def test_the_plan_with_an_amount_is_a_new_amount():
    d = _decide("ok redo the plan with 600k nets")
    assert [s.params.get("total_nets") for s in d.steps] == [600_000]


@pytest.mark.parametrize("fill", ["median", "mean", 2500, 1200.5])
def test_a_plan_label_with_a_population_fill_typed_in_a_new_conversation_makes_that_plan(fill):
    """ "Plan 300,000 nets, household size 5, fill population median" (a plan made with the
    missing populations filled, offered back) sent in a conversation with no plan yet makes
    exactly that plan, and the chat's plan tool takes the fill."""
    from chatmrpt.chat.describe import describe_choice
    from chatmrpt.chat.tools import tool_spec

    params = {"total_nets": 300_000, "household_size": 5, "fill_population": fill}
    label = describe_choice("plan_itn", params)
    assert "fill population" in label
    d = decide(label, ctx(), DialogueState(), FACTS)
    assert [(s.tool, s.params) for s in d.steps] == [("plan_itn", params)], d.text
    assert tool_spec("plan_itn").problems(params) == []


def test_a_step_back_to_a_plan_with_a_population_fill_keeps_the_fill():
    filled = {**STORED, "total_nets": 300_000, "household_size": 5, "fill_population": "median"}
    plans = {"ids": ["a", "b"], "params": [filled, dict(STORED, **FIRST)], "at": 1}
    state = DialogueState(last={"tool": "plan_itn", "params": FIRST}, plans=plans)
    d = _decide("go back to the first plan", state)
    from chatmrpt.chat.tools import tool_spec

    assert [s.params.get("fill_population") for s in d.steps] == ["median"]
    assert tool_spec(d.steps[0].tool).problems(d.steps[0].params) == []


@pytest.mark.parametrize("text,fill,allowed", [
    ("plan 300k nets hh 5, fill population median", "median", True),
    ("plan 300k nets hh 5, fill missing populations with 2500", 2500, True),
    ("plan 300k nets hh 5", "median", False),  # a fill nobody asked for is a guess
    ("plan 300k nets hh 5, fill population median", "mean", False),
])
def test_a_population_fill_proposed_by_the_model_must_have_been_said(text, fill, allowed):
    from chatmrpt.chat.dialogue import check_model_call

    params = {"total_nets": 300_000, "household_size": 5, "fill_population": fill}
    why = check_model_call("plan_itn", params, text, ctx(), DialogueState(), FACTS)
    assert (why is None) is allowed, why
