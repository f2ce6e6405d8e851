"""The dialogue manager's guards: questions never act, every number of a message is used by
the action it causes, pending questions take only answers, and changes stated against the
last plan or analysis are applied to it and echoed."""

from __future__ import annotations

import pytest

from chatmrpt.chat import dialogue as dm
from chatmrpt.chat.dialogue import DialogueState, Facts, Step, decide
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

PLAN = {"total_nets": 800_000, "household_size": 5}
USED = ("u5_tpr_rdt", "rainfall", "housing_quality")
FACTS = Facts(analysis_variables=USED, lgas=("Fagge", "Geidam", "Maiduguri", "Nguru", "Zaria"),
              ward_count=len(NORTH_WARDS))
NO_LGA_NAMES = Facts(analysis_variables=USED, lgas=(), ward_count=len(NORTH_WARDS))


def ctx(**kw) -> RouterContext:
    base = {"has_dataset": True, "variables": DEMO_VARIABLES, "wards": NORTH_WARDS,
            "analysis_status": "succeeded"}
    base.update(kw)
    return RouterContext(**base)


def run(text, c=None, state=None, facts=FACTS):
    return decide(text, c or ctx(), state or DialogueState(), facts)


def one_step(text, c=None, state=None, facts=FACTS):
    d = run(text, c, state, facts)
    assert len(d.steps) == 1, (d.text, d.steps)
    return d.steps[0]


def acts(d) -> bool:
    return any(s.tool in dm.GATE_FAMILY for s in d.steps)


# --- questions ------------------------------------------------------------------------------


@pytest.mark.parametrize("text,question", [
    ("how many wards were flagged at the 30% urban threshold?", True),
    ("and how many wards are above 75% urban in total?", True),
    ("what is the total need for the state?", True),
    ("which urban wards fit for deprioritising? use 75% urban", False),
    ("which urban wards can we deprioritise at 50%?", False),
    ("what if we had 20% more nets?", False),
    ("what about 300k nets?", False),
    ("I have 750,000 nets, households of 5. How should we distribute?", False),
    ("cut the plan by 10%", False),
])
def test_reads_as_question(text, question):
    assert dm.reads_as_question(text) is question


def test_a_question_about_results_never_changes_anything():
    state = DialogueState(last={"tool": "reprioritize_urban", "params": {"target_share": 25}})
    d = run("how many wards selected at 30% urban with that target?", ctx(last_plan=PLAN), state)
    assert not acts(d)
    assert [(s.tool, s.params) for s in d.steps] == [
        ("ask_results", {"about": "repri_count", "threshold": 30})]


@pytest.mark.parametrize("text,params", [
    ("how many wards were flagged at the 30% urban threshold?",
     {"about": "repri_count", "threshold": 30}),
    ("how many wards are above 75% urban in total?", {"about": "ward_counts", "threshold": 75}),
    ("how many wards are more than 50% urban in Zaria?",
     {"about": "ward_counts", "threshold": 50, "lga": "Zaria"}),
    ("how many wards are in tier 2 now, the urban ones?", {"about": "plan_totals"}),
    ("what is the total need for the state?", {"about": "plan_totals"}),
])
def test_result_questions_are_answered_from_the_stored_results(text, params):
    step = one_step(text, ctx(last_plan=PLAN),
                    DialogueState(last={"tool": "plan_itn", "params": PLAN}))
    assert (step.tool, step.params) == ("ask_results", params)


def test_a_question_that_reads_as_a_change_is_asked_not_done():
    # the step is built, but the gate never runs an action for a question
    d = dm._gate(dm.Decision([Step("what_if_plan", {"total_nets": 720_000},
                                   echo="Plan for 720,000 nets = 800,000 - 10%",
                                   source="is the plan cut by 10% now?")],
                             reading={"relative": "plan"}),
                 "is the plan cut by 10% now?", DialogueState(), PLAN)
    assert not d.steps and d.choices and "question" in d.text


def test_a_planning_question_without_numbers_says_what_planning_needs():
    kano = ctx(variables=("total", "nets_per_capita", "housing_quality"))
    d = run("What do we need to add so we can plan?", kano, facts=NO_LGA_NAMES)
    # answered from the table itself (what it has and lacks for planning), never a plan
    assert [s.tool for s in d.steps] == ["planning_data"] and d.pending is None
    assert not acts(d)


# --- every number accounted for -------------------------------------------------------------


def test_a_number_the_action_does_not_use_is_asked_about():
    step = Step("plan_itn", {"total_nets": 24008}, source="and 24008 top 3")
    assert dm.stray_numbers(step, step.source) == ["3"]
    d = run("plan 200k nets household 5, 2023")
    assert not acts(d) and d.choices and "2023" in d.text
    # a year that names the campaign is no amount
    assert acts(run("plan 200k nets household 5 for the 2023 campaign"))


@pytest.mark.parametrize("step,text", [
    (Step("what_if_plan", {"buffer": 1.1}), "and add a 10% buffer"),
    (Step("what_if_plan", {"household_size": 4}), "wait, I mean 4 persons per household not 5"),
    (Step("what_if_plan", {"people_per_net": 2}), "use 2 people per net not 1.8"),
    (Step("what_if_plan", {"total_nets": 720_000}, echo="Plan for 720,000 nets = 800,000 - 10%"),
     "cut the plan by 10%"),
    (Step("what_if_plan", {"strategy": "continue"}),
     "use the continue strategy so smaller wards get nets when a big one doesn't fit"),
    (Step("export_results", {"what": "rankings"}), "export the top 10 as csv"),
])
def test_numbers_used_or_replaced_are_accounted_for(step, text):
    assert dm.stray_numbers(step, text) == []


def test_a_number_that_is_no_answer_does_not_become_a_pending_plan():
    # "and 24008 top 3" after a list by LGA code: the next LGA's list, not a 24,008-net plan
    state = DialogueState(last={"tool": "list_wards", "params": {"n": 3, "lga_code": "24007"}})
    d = run("and 24008 top 3", state=state, facts=NO_LGA_NAMES)
    assert [(s.tool, s.params) for s in d.steps] == [
        ("list_wards", {"n": 3, "lga_code": "24008"})]
    assert d.pending is None


# --- relative changes of the last plan --------------------------------------------------------


def test_cut_the_plan_by_a_percentage_after_another_request():
    d = run("cut the plan by 10%", ctx(last_plan=PLAN),
            DialogueState(last={"tool": "ask_results", "params": {"about": "plan_lga"}}))
    assert [(s.tool, s.params) for s in d.steps] == [("what_if_plan", {"total_nets": 720_000})]
    assert "720,000" in d.steps[0].echo and "800,000" in d.steps[0].echo


def test_remove_the_cap_plans_again_without_it():
    plan = {**PLAN, "method": "pca", "strategy": "capped", "max_ward_share": 10,
            "analysis_id": "a1"}
    d = run("remove the cap", ctx(last_plan=plan),
            DialogueState(last={"tool": "ask_results", "params": {"about": "plan_totals"}}))
    assert [(s.tool, s.params) for s in d.steps] == [
        ("plan_itn", {**PLAN, "method": "pca", "strategy": "stop"})]


def test_back_to_composite_ranking_is_done_without_asking():
    plan = {**PLAN, "method": "pca"}
    d = run("back to composite ranking", ctx(last_plan=plan),
            DialogueState(last={"tool": "what_if_plan", "params": {"strategy": "stop"}}))
    assert [(s.tool, s.params) for s in d.steps] == [("what_if_plan", {"method": "composite"})]


@pytest.mark.parametrize("text,params", [
    ("actually the figure is 260k, not 250", {"total_nets": 260_000}),
    ("the nets are 260,000 not 250,000", {"total_nets": 260_000}),
    ("not 5 but 6", {"household_size": 6}),
])
def test_a_value_replaced_by_another(text, params):
    plan = {"total_nets": 250_000, "household_size": 5, "people_per_net": 2}
    d = run(text, ctx(last_plan=plan), DialogueState(last={"tool": "plan_itn", "params": plan}))
    assert [(s.tool, s.params) for s in d.steps] == [("what_if_plan", params)]
    assert "instead of" in d.steps[0].echo


def test_an_old_value_the_plan_does_not_hold_is_no_replacement():
    assert dm.replace_plan_value("it is 260k, not 240", {"total_nets": 250_000}) is None


# --- the analysis -------------------------------------------------------------------------


def test_a_direction_change_reruns_the_same_variables_not_a_plan():
    pending = {"tool": "plan_itn", "params": {}, "missing": ["total_nets", "household_size"],
               "expects": "plan_numbers"}
    d = run("make housing quality direct, better housing means more risk", ctx(),
            DialogueState(pending=pending, last={"tool": "run_analysis", "params": {}}))
    assert len(d.steps) == 1 and d.steps[0].tool == "run_analysis"
    assert sorted(d.steps[0].params["variables"]) == sorted(USED)
    assert d.steps[0].params["directions"] == {"housing_quality": "direct"}


def test_add_it_adds_the_variable_the_previous_message_named():
    first = run("what is nighttime lights?")
    assert first.topic == "nighttime_lights" and not acts(first)
    d = run("add it to the analysis", state=DialogueState(
        last={"tool": "run_analysis", "params": {}}, topic=first.topic))
    assert [(s.tool, s.params) for s in d.steps] == [
        ("run_analysis", {"variables": [*USED, "nighttime_lights"]})]
    # with nothing named just before, "it" is not guessed
    d = run("add it to the analysis", state=DialogueState(
        last={"tool": "run_analysis", "params": {}}))
    assert not acts(d) or d.steps[0].params.get("variables") != [*USED, "nighttime_lights"]


def test_topic_round_trips_through_the_stored_record():
    state = DialogueState(last={"tool": "help", "params": {}}, topic="rainfall")
    assert DialogueState.of(state.to_dict()) == state


# --- LGAs -----------------------------------------------------------------------------------


def test_an_lga_name_on_a_table_without_lga_names_lists_no_wards():
    fagge = (("Fagge A", None), ("Fagge B", None), ("Fagge D2", None), ("Zango", None))
    d = run("what about Fagge LGA?", ctx(wards=fagge), facts=NO_LGA_NAMES)
    assert not d.steps and "no LGA names" in d.text
    assert "Fagge A" not in d.text


# --- reprioritisation ---------------------------------------------------------------------


def test_a_threshold_only_change_keeps_the_last_target():
    facts = Facts(analysis_variables=USED, lgas=FACTS.lgas, ward_count=FACTS.ward_count,
                  last_repri={"thresholds": [30.0, 50.0, 75.0], "target": 25.0})
    state = DialogueState(last={"tool": "ask_results",
                                "params": {"about": "repri_count", "threshold": 30}})
    d = run("only use the 75% threshold", state=state, facts=facts)
    assert [(s.tool, s.params) for s in d.steps] == [
        ("reprioritize_urban", {"thresholds": [75], "target_share": 25.0})]
    assert "25% of the population" in d.steps[0].echo
    # a target said in the message wins
    d = run("reprioritise urban wards at 50%, target 40% of the population", facts=facts)
    assert all(s.params.get("target_share") != 25.0 for s in d.steps)


@pytest.mark.parametrize("text", [
    "distance here - direct or inverse?",
    # taken back without saying what stands
    "set the urban threshold to 60%, no actually leave it at the default, bale size 100",
])
def test_either_or_questions_and_retractions_do_not_act(text):
    d = run(text, ctx(last_plan=PLAN), DialogueState(last={"tool": "plan_itn", "params": PLAN}))
    assert not acts(d)


def test_time_units_are_not_amounts():
    step = Step("plan_itn", {"total_nets": 450_000, "household_size": 5})
    assert dm.stray_numbers(step, "pls plan 450k nets, household size 5. meeting in 10 mins") == []


def test_halve_it_after_a_plan():
    d = run("hmm too much, halve it", ctx(last_plan=PLAN),
            DialogueState(last={"tool": "plan_itn", "params": PLAN}))
    assert [(s.tool, s.params) for s in d.steps] == [("what_if_plan", {"total_nets": 400_000})]


def test_a_new_target_is_no_kept_target():
    facts = Facts(analysis_variables=USED, lgas=FACTS.lgas, ward_count=FACTS.ward_count,
                  last_repri={"thresholds": [50.0], "target": 30.0})
    state = DialogueState(last={"tool": "reprioritize_urban", "params": {"thresholds": [50]}})
    d = run("redo it with a 20% population target instead", state=state, facts=facts)
    assert [s.params.get("target_share") for s in d.steps] == [20]


def test_a_leading_no_is_no_retraction():
    assert not dm._takes_back("no leave it. export the plan as xlsx")
    assert dm._takes_back("plan 300k nets, no wait, forget the nets, household 6")


@pytest.mark.parametrize("text", ["is elevation counted as direct or inverse here?",
                                  "is rainfall treated as direct?"])
def test_a_direction_question_is_answered_from_the_analysis(text):
    step = one_step(text)
    assert (step.tool, step.params) == ("ask_results", {"about": "variables"})
