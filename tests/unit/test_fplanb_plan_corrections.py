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


# --- a setting named with its plan; a value typed by mistake ---------------------------------

from chatmrpt.chat import extract as ex  # noqa: E402
from chatmrpt.chat import last_change, plan_ops  # noqa: E402
from chatmrpt.chat.relative import replace_plan_value  # noqa: E402


@pytest.mark.parametrize("text,values", [
    ("change the urban threshold of the plan to 60", {"urban_threshold": 60}),
    ("set the threshold for the current plan to 50", {"urban_threshold": 50}),
    ("change household size in the plan to 6", {"household_size": 6}),
    ("change the urban threshold to 60", {"urban_threshold": 60}),
])
def test_a_setting_named_with_its_plan(text, values):
    assert plan_ops.setting_values(ex.canonical_text(text), P300) == values


def test_a_threshold_of_something_else_is_not_the_plans():
    assert plan_ops.setting_values("change the threshold of the map to 60", P300) is None


@pytest.mark.parametrize("text,params", [
    ("hmm I typed 300 but it's three hundred and fifty thousand. fix it",
     {"total_nets": 350_000}),
    ("I typed 300k but it should be 350k", {"total_nets": 350_000}),
    ("I put 5 but it should be 6", {"household_size": 6}),
    ("i wrote 5 people but i meant 6", {"household_size": 6}),
])
def test_a_value_typed_by_mistake_is_replaced(text, params):
    change = replace_plan_value(ex.canonical_text(text), P300)
    assert change is not None and change.params == params


@pytest.mark.parametrize("text", [
    "I typed 400 but it is 450",  # 400 is no value of the plan
    "I typed 300 and it worked",
    "I said 300k but my boss says 400k",
])
def test_no_replacement_without_the_old_value_and_the_new(text):
    assert replace_plan_value(ex.canonical_text(text), P300) is None


def test_a_value_typed_by_mistake_is_planned_without_asking():
    state = DialogueState(last={"tool": "plan_itn", "params": P300})
    d = decide("hmm I typed 300 but it's three hundred and fifty thousand. fix it", ctx(P300),
               state, FACTS)
    assert nets(d) == [350_000]


# --- an earlier plan named by its values, with a step back -----------------------------------

H6 = {"total_nets": 400_000, "household_size": 6}
H5 = {"total_nets": 400_000, "household_size": 5}
P480 = {"total_nets": 480_000, "household_size": 5}


def with_history(text, plans, at=None):
    record = {"ids": [str(i) for i in range(len(plans))], "params": plans,
              "at": len(plans) - 1 if at is None else at}
    state = DialogueState(last={"tool": "what_if_plan", "params": {}}, plans=record)
    return decide(text, ctx(plans[record["at"]]), state, FACTS)


def test_undo_to_the_plan_named_takes_the_one_just_before():
    d = with_history("no no, undo that. go back to the 400k one", [H6, H5, P480])
    assert [(s.params.get("total_nets"), s.params.get("household_size")) for s in d.steps] == \
        [(400_000, 5)]


def test_the_plan_named_without_a_step_back_is_asked_about_when_several_hold_it():
    d = with_history("go back to the 400k one", [H6, H5, P480])
    assert d.steps == [] and d.choices


# --- the last change, the plan now, the figure -----------------------------------------------

@pytest.mark.parametrize("text", ["what did you just change?", "what changed?",
                                  "so what was the last change", "what did you do there?"])
def test_the_last_change_is_said(text):
    record = {"ids": ["a", "b"], "params": [P300, {**P300, "total_nets": 350_000}], "at": 1}
    d = last_change.last_change_question(
        text, DialogueState(last={"tool": "what_if_plan", "params": {}}, plans=record))
    assert d is not None and not d.steps and "350,000 instead of 300,000" in d.text


@pytest.mark.parametrize("text", ["what did you just change?"])
def test_the_last_change_is_not_said_after_something_else(text):
    record = {"ids": ["a", "b"], "params": [P300, {**P300, "total_nets": 350_000}], "at": 1}
    state = DialogueState(last={"tool": "top_wards", "params": {}}, plans=record)
    assert last_change.last_change_question(text, state) is None


@pytest.mark.parametrize("text", ["what did you change in the variables and why?",
                                  "what changed in the ranking since last week?"])
def test_other_change_questions_are_left(text):
    record = {"ids": ["a", "b"], "params": [P300, {**P300, "total_nets": 350_000}], "at": 1}
    state = DialogueState(last={"tool": "what_if_plan", "params": {}}, plans=record)
    assert last_change.last_change_question(text, state) is None


@pytest.mark.parametrize("text", ["what plan do we have now? total nets?",
                                  "what plan do we have now?", "what's the current plan?",
                                  "which plan is active now?"])
def test_the_plan_now_is_answered(text):
    d = last_change.current_plan_question(text, P300)
    assert d is not None and [s.params for s in d.steps] == [{"about": "plan_totals"}]


@pytest.mark.parametrize("text", ["what plan do we have now? and which wards get nets?",
                                  "what plan should we make?"])
def test_other_plan_questions_are_left(text):
    assert last_change.current_plan_question(text, P300) is None


@pytest.mark.parametrize("text", ["and what is the figure?", "so what's the number?"])
def test_the_figure_of_the_last_answer(text):
    state = DialogueState(last={"tool": "ask_results", "params": {"about": "plan_totals"}})
    d = last_change.figure_again(text, state)
    assert d is not None and [s.params for s in d.steps] == [{"about": "plan_totals"}]


def test_the_figure_needs_an_answer_before_it():
    state = DialogueState(last={"tool": "top_wards", "params": {}})
    assert last_change.figure_again("what is the figure?", state) is None
