"""Operations on the current net plan: a step back to an earlier plan of the conversation
(the plan the user means, from the history of plans the session pointed at), the allocation
rule, the ranking method, one setting given a value, "run it with N", and the echo of every
re-plan; and the messages that look alike but must not change the plan."""

from __future__ import annotations

import pytest

from chatmrpt.chat import plan_ops
from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

BASE = {"total_nets": 200_000, "household_size": 5, "urban_threshold": 75,
        "method": "composite", "strategy": "stop", "people_per_net": 1.8, "buffer": 1.0,
        "bale_size": 1}
MORE = {**BASE, "total_nets": 240_000}
HALF = {**BASE, "total_nets": 120_000}
HISTORY = {"ids": ["a", "b", "c"], "params": [BASE, MORE, HALF], "at": 2}
FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=("Fagge", "Zaria"),
              ward_count=len(NORTH_WARDS))
AFTER_PLAN = DialogueState(last={"tool": "what_if_plan", "params": {"total_nets": 120_000}},
                           plans=HISTORY)


def ctx(plan=HALF, **kw) -> RouterContext:
    base = {"has_dataset": True, "variables": DEMO_VARIABLES, "wards": NORTH_WARDS,
            "analysis_status": "succeeded", "last_plan": plan}
    base.update(kw)
    return RouterContext(**base)


def run(text, c=None, state=AFTER_PLAN, facts=FACTS):
    d = decide(text, c or ctx(), state, facts)
    return [(s.tool, s.params) for s in d.steps], d


# --- the history of plans -------------------------------------------------------------------


def test_a_plan_made_outside_the_chat_joins_the_history():
    h = plan_ops.synced(None, "a", BASE)
    assert h == {"ids": ["a"], "params": [BASE], "at": 0}
    h = plan_ops.synced(h, "a", BASE)
    assert h["ids"] == ["a"]
    h = plan_ops.synced(h, "b", MORE)
    assert h["ids"] == ["a", "b"] and h["at"] == 1


def test_a_step_back_moves_the_place_and_a_new_plan_replaces_the_later_ones():
    h = plan_ops.after_turn(HISTORY, "b", MORE, restored=1)
    assert h["ids"] == ["a", "b", "c"] and h["at"] == 1
    h = plan_ops.after_turn(h, "d", {**MORE, "household_size": 6})
    assert h["ids"] == ["a", "b", "d"] and h["at"] == 2


def test_a_plan_made_again_with_earlier_values_is_a_new_entry():
    h = plan_ops.after_turn(HISTORY, "a", BASE)
    assert h["ids"] == ["a", "b", "c", "a"] and h["at"] == 3


def test_the_history_keeps_the_latest_plans_only():
    h = None
    for i in range(plan_ops.HISTORY_MAX + 5):
        h = plan_ops.after_turn(h, f"p{i}", {**BASE, "total_nets": 1000 + i})
    assert len(h["ids"]) == plan_ops.HISTORY_MAX
    assert h["ids"][-1] == f"p{plan_ops.HISTORY_MAX + 4}" and h["at"] == plan_ops.HISTORY_MAX - 1


# --- a step back --------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Undo that, please.",
    "Undo the last change.",
    "undo",
    "Go back to the previous plan.",
    "no, go back",
    "hmm revert to the earlier plan",
    "the one before",
    "previous plan please",
    "ok take me back to the last plan",
    "roll back that change",
])
def test_a_step_back_plans_the_previous_plan_again(text):
    done, d = run(text)
    assert done == [("plan_itn", MORE)]
    assert d.reading["plan_restore"] == 1
    assert "240,000 nets" in d.steps[0].echo and "120,000" in d.steps[0].echo


@pytest.mark.parametrize("text", ["go back to the first plan", "back to the original plan",
                                  "restore the initial plan"])
def test_the_first_plan_is_the_first_of_the_conversation(text):
    done, d = run(text)
    assert done == [("plan_itn", BASE)]
    assert d.reading["plan_restore"] == 0 and "first plan" in d.steps[0].echo


def test_after_a_step_back_the_one_before_goes_further_back():
    state = DialogueState(last={"tool": "plan_itn", "params": MORE},
                          plans={**HISTORY, "at": 1})
    done, d = run("the one before", ctx(MORE), state)
    assert done == [("plan_itn", BASE)] and d.reading["plan_restore"] == 0


def test_with_no_earlier_plan_nothing_is_planned_and_it_says_so():
    state = DialogueState(last={"tool": "plan_itn", "params": BASE},
                          plans={"ids": ["a"], "params": [BASE], "at": 0})
    done, d = run("undo that", ctx(BASE), state)
    assert done == [] and "no earlier plan" in d.text


@pytest.mark.parametrize("text,last", [
    ("undo that, rainfall direct again", "run_analysis"),  # an analysis change
    ("go back to the default variables", "run_analysis"),
    ("undo that", "run_analysis"),  # the last thing done was an analysis
    ("go back", "top_wards"),
    ("go back to the map", "what_if_plan"),
    ("hmm go back to 450k", "what_if_plan"),  # an amount: read elsewhere
    ("what was the previous plan?", "what_if_plan"),  # a question
    ("go back to the default threshold", "what_if_plan"),
    ("use that one", "what_if_plan"),
])
def test_look_alikes_are_no_step_back_to_a_plan(text, last):
    state = DialogueState(last={"tool": last, "params": {}}, plans=HISTORY)
    _, d = run(text, state=state)
    assert d.reading.get("plan_restore") is None


def test_a_step_back_is_read_against_the_plan_when_the_plan_was_asked_about():
    state = DialogueState(last={"tool": "ask_results", "params": {"about": "plan_totals"}},
                          plans=HISTORY)
    done, _ = run("no, go back", state=state)
    assert done == [("plan_itn", MORE)]


# --- the allocation rule, the ranking method, one setting --------------------------------


@pytest.mark.parametrize("text", ["use the P C A ranking instead", "switch to p.c.a ranking",
                                  "rank by pca for the plan"])
def test_the_ranking_method_of_the_plan_spoken_as_letters(text):
    done, d = run(text)
    assert done == [("what_if_plan", {"method": "pca"})]
    assert "PCA ranking" in d.steps[0].echo


def test_the_method_the_plan_already_uses_changes_nothing():
    done, d = run("no go back to composite")
    assert done == [] and "already uses the composite ranking" in d.text


@pytest.mark.parametrize("text", ["show the P C A map", "top 5 wards by pca",
                                  "why is pca different from composite?"])
def test_a_method_named_for_something_else_is_no_plan_change(text):
    done, _ = run(text)
    assert not any(tool == "what_if_plan" for tool, _ in done)


@pytest.mark.parametrize("text", ["stop at the first ward that does not fit",
                                  "go back to stopping at the first ward",
                                  "don't skip wards any more"])
def test_back_to_stopping_at_the_first_ward_that_does_not_fit(text):
    plan = {**HALF, "strategy": "continue"}
    state = DialogueState(last={"tool": "what_if_plan", "params": {}}, plans=HISTORY)
    done, d = run(text, ctx(plan), state)
    assert done == [("what_if_plan", {"strategy": "stop"})]
    assert "stopping at the first ward" in d.steps[0].echo


def test_spreading_the_rest_is_asked_with_both_readings():
    done, d = run("spread the rest")
    assert done == []
    assert [c["params"] for c in d.choices] == [{"strategy": "continue"},
                                                 {"strategy": "proportional"}]


EXPLAINED = DialogueState(last={"tool": "explain_methodology", "params": {"topic": "urban"}},
                          plans=HISTORY)


@pytest.mark.parametrize("text,params", [
    ("Please change the threshold to 50.", {"urban_threshold": 50}),
    ("ok set the urban threshold to 60", {"urban_threshold": 60}),
    ("use 6 per household", {"household_size": 6}),
    ("make the bale size 50", {"bale_size": 50}),
])
def test_one_setting_given_a_value_after_an_explanation(text, params):
    done, d = run(text, state=EXPLAINED)
    assert done == [("what_if_plan", params)]
    assert "instead of" in d.steps[0].echo


def test_a_threshold_after_a_reprioritisation_needs_the_plan_named():
    facts = Facts(analysis_variables=FACTS.analysis_variables, lgas=FACTS.lgas,
                  ward_count=FACTS.ward_count, last_repri={"target": 30})
    _, d = run("Please change the threshold to 50.", state=EXPLAINED, facts=facts)
    assert all(s.params != {"urban_threshold": 50} or s.tool != "what_if_plan"
               for s in d.steps) or d.reading.get("relative") != "plan_op"
    done, _ = run("change the threshold to 50 for the plan", state=EXPLAINED, facts=facts)
    assert done == [("what_if_plan", {"urban_threshold": 50})]


@pytest.mark.parametrize("text", ["What if the threshold were 50?",
                                  "what does a threshold of 50 mean?",
                                  "change the target to 50"])
def test_questions_and_other_settings_are_not_plan_settings(text):
    _, d = run(text, state=EXPLAINED)
    assert d.reading.get("relative") != "plan_op"


@pytest.mark.parametrize("text", ["Please go ahead and run it with 600,000.",
                                  "ok redo the plan with 600k nets", "try it with 600000"])
def test_run_it_with_an_amount_is_that_many_nets(text):
    done, d = run(text)
    assert done == [("what_if_plan", {"total_nets": 600_000})]
    assert "600,000 nets instead of 120,000" in d.steps[0].echo


@pytest.mark.parametrize("text", ["run it with rainfall", "run it with 6",
                                  "run it with 600,000 and household 6 and more"])
def test_run_it_with_something_else_is_not_an_amount_of_nets(text):
    done, d = run(text)
    assert d.reading.get("relative") != "plan_op" or done != [("what_if_plan",
                                                               {"total_nets": 600_000})]


# --- echoes -------------------------------------------------------------------------------


@pytest.mark.parametrize("text,echo", [
    ("same but hh 6", "household size 6 instead of 5"),
    ("add a 10% buffer", "buffer 10% instead of none"),
    ("Our nets come in bales of 50; please apply that to the plan.", "bale size 50 instead of 1"),
    ("urban threshold 30", "urban threshold 30% instead of 75%"),
])
def test_every_re_plan_says_what_it_changes(text, echo):
    done, d = run(text)
    assert done and done[0][0] == "what_if_plan"
    assert echo in d.steps[0].echo


def test_changes_text_names_old_and_new_values():
    text = plan_ops.changes_text(BASE, {**BASE, "total_nets": 240_000, "method": "pca",
                                        "buffer": 1.1})
    assert text == "nets 240,000 instead of 200,000, ranking PCA instead of composite, " \
                   "buffer 10% instead of none"


@pytest.mark.parametrize("text", ["the last one", "the other one", "last one", "the first one"])
def test_the_last_one_alone_is_no_step_back(text):
    _, d = run(text)
    assert d.reading.get("plan_restore") is None


def test_plans_stored_before_any_history_seed_it_oldest_first_current_last():
    records = [{"id": "a", "type": "itn", "params": BASE},
               {"id": "b", "type": "itn", "params": MORE},
               {"id": "c", "type": "itn", "params": HALF}]
    h = plan_ops.seeded(records, "b")
    assert h["ids"] == ["a", "c", "b"] and h["at"] == 2
    assert plan_ops.seeded(records, None) is None
    assert plan_ops.seeded(records, "zz") is None


def test_a_threshold_after_the_urban_map_is_not_taken_for_the_plan():
    state = DialogueState(last={"tool": "show_map", "params": {"what": "urban"}}, plans=HISTORY)
    _, d = run("change the threshold to 50", state=state)
    assert d.reading.get("relative") != "plan_op"


@pytest.mark.parametrize("text", ["back to the default threshold",
                                  "On second thought, go back to the default threshold.",
                                  "reset the ranking method to the default"])
def test_back_to_a_default_the_plan_already_uses_changes_nothing(text):
    done, d = run(text)
    assert done == [] and "already uses the default" in d.text


def test_back_to_a_default_the_plan_does_not_use_is_a_change():
    done, _ = run("back to the default threshold", ctx({**HALF, "urban_threshold": 50}))
    assert done == [("what_if_plan", {"urban_threshold": 75})]


def test_back_to_the_default_threshold_after_a_reprioritisation_is_not_about_the_plan():
    state = DialogueState(last={"tool": "reprioritize_urban", "params": {}}, plans=HISTORY)
    _, d = run("back to the default threshold", state=state)
    assert "already uses" not in (d.text or "")
