"""Plan corrections and what-ifs: a net change said in place of the last one applies to the
plan before it, a change "more than the 450k" is of the total named, a what-if put off ("no
running yet", "dont touch the plan yet") changes nothing and is kept as an offer that "ok now
do it" takes, and an order passed on from whoever decides ("facilitator says use 6") is that
order."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.normalize import plain_text
from chatmrpt.chat.plan_settings import put_off
from chatmrpt.chat.reading import CONFIRM
from chatmrpt.chat.relative import relative_plan_change
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=("Fagge", "Zaria"),
              ward_count=len(NORTH_WARDS))


def ctx(last_plan):
    return RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=NORTH_WARDS,
                         analysis_status="succeeded", last_plan=last_plan)


def after_change(text, before, now):
    """The decision for ``text`` after the plan went from ``before`` to ``now`` by a change
    of its net total."""
    plans = {"ids": ["a", "b"], "params": [before, now], "at": 1}
    state = DialogueState(last={"tool": "what_if_plan",
                                "params": {"total_nets": now["total_nets"]}}, plans=plans)
    return decide(text, ctx(now), state, FACTS)


def nets(d):
    return [s.params.get("total_nets") for s in d.steps]


P300 = {"total_nets": 300_000, "household_size": 5}
P600 = {"total_nets": 600_000, "household_size": 5}
P450 = {"total_nets": 450_000, "household_size": 5}
P405 = {"total_nets": 405_000, "household_size": 5}


@pytest.mark.parametrize("text,before,now,expected", [
    ("I said double? sorry I meant add 100k only", P300, P600, 400_000),
    ("sorry I meant add another 100k, not double", P300, P600, 400_000),
    ("oops I meant 20% more", P300, P600, 360_000),
    ("no I said less? I meant more. 10% more than the 450k", P450, P405, 495_000),
    ("I should have said 10% more", P450, P405, 495_000),
])
def test_a_net_change_said_instead_of_the_last_one(text, before, now, expected):
    assert nets(after_change(text, before, now)) == [expected]


@pytest.mark.parametrize("text,before,now,expected", [
    ("add 100k", P300, P600, 700_000),  # no correction: on top of the current plan
    ("and another 100k", P300, P600, 700_000),
    ("I meant 350,000", P300, P600, 350_000),  # an absolute total stays what it says
])
def test_a_change_without_correction_builds_on_the_current_plan(text, before, now, expected):
    assert nets(after_change(text, before, now)) == [expected]


def test_a_correction_after_a_change_of_something_else_is_not_moved():
    before = {**P300, "strategy": "continue"}
    d = after_change("sorry I meant add 100k", before, P600)
    assert nets(d) != [400_000]


@pytest.mark.parametrize("text,expected", [
    ("10% more than the 450k", 495_000),
    ("give me 10% more than 450,000 nets", 495_000),
    ("20% fewer than the 500k plan", 400_000),
    ("100k more than the 300k", 400_000),
    ("10% more", 445_500),
    ("100k more nets", 505_000),
])
def test_a_change_of_a_named_total(text, expected):
    change = relative_plan_change(text, P405)
    assert change is not None and change.params == {"total_nets": expected}


@pytest.mark.parametrize("text", [
    "Exercise: if we capped each ward at 2% of the nets, what would change? No running yet o",
    "what if we had 100k fewer nets? dont touch the plan yet",
    "use 6 per household but don't update the plan yet",
    "no changes yet, what would 500k give?",
    "no action for now, I'm only looking",
])
def test_put_off(text):
    assert put_off(text)


@pytest.mark.parametrize("text", [
    "run it now",
    "no, run it with 500k",
    "touch up the map colours",
    "no change in the ward list?",
])
def test_not_put_off(text):
    assert not put_off(text)


@pytest.mark.parametrize("text", [
    "what if we had 100k fewer nets? dont touch the plan yet",
    "Exercise: if we capped each ward at 2% of the nets, what would change? No running yet o",
])
def test_a_what_if_put_off_changes_nothing_and_is_offered(text):
    d = decide(text, ctx({**P600}), DialogueState(last={"tool": "plan_itn", "params": P600}),
               FACTS)
    assert d.steps == [] and d.pending and d.pending.get("offered")


@pytest.mark.parametrize("text", ["ok now do it", "now do it", "so go ahead", "ok then run it"])
def test_yes_with_now(text):
    assert CONFIRM.match(text)


@pytest.mark.parametrize("text,plain", [
    ("ok facilitator says use 6", "ok use 6"),
    ("facilitator says do it now", "do it now"),
    ("my boss said to go ahead", "go ahead"),
    ("the director wants us to use 5 per household", "use 5 per household"),
    ("oga says we should plan 300k nets", "plan 300k nets"),
])
def test_an_order_passed_on_is_that_order(text, plain):
    assert plain_text(text) == plain


@pytest.mark.parametrize("text", [
    "One trainee says household size should be 5 or 6, whichever is better",
    "the facilitator says the plan looks fine",
    "my partner says use 6",
])
def test_views_are_not_orders(text):
    assert plain_text(text) == text
