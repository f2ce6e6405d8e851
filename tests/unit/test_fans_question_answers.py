"""Answers to the assistant's own questions, and messages that only look like answers: plan
values kept over a new plan request, the variable of a map asked for, a variable's addition
offered then confirmed, the value of a plan setting (bales, buffer) asked then given, a value
left to the assistant, and other requests that must not fill the question pending."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS
from tests.unit.test_dialogue_pending import converse as _converse

FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall", "housing_quality"),
              lgas=("Fagge", "Geidam", "Maiduguri"), ward_count=len(NORTH_WARDS))
PLAN = {"total_nets": 400_000, "household_size": 5, "urban_threshold": 60}
ASK_NETS = {"expects": "plan_numbers", "tool": "plan_itn", "params": {"household_size": 5},
            "missing": ["total_nets"]}
ASK_HH = {"expects": "plan_numbers", "tool": "plan_itn", "params": {"total_nets": 250_000},
          "missing": ["household_size"]}
TWO_VALUES = {**ASK_NETS, "alternatives": [{"total_nets": 300_000}, {"total_nets": 350_000}]}


def ctx(**kw) -> RouterContext:
    base = {"has_dataset": True, "variables": (*DEMO_VARIABLES, "ndvi"),
            "wards": NORTH_WARDS, "analysis_status": "succeeded"}
    base.update(kw)
    return RouterContext(**base)


def decided(text, pending=None, c=None, last=None):
    d = decide(text, c or ctx(), DialogueState(pending=pending, last=last), FACTS)
    return [(s.tool, dict(s.params)) for s in d.steps], d


def converse(turns, c=None):
    return _converse(turns, c or ctx(), facts=FACTS)


# --- a new plan request while the plan question is pending keeps the values given ----------


@pytest.mark.parametrize("text,pending,nets", [
    ("neither. the state just confirmed 420k", TWO_VALUES, 420_000),
    ("neither, 420k", TWO_VALUES, 420_000),
    ("nets = 600k", ASK_NETS, 600_000),
    ("two options from the director now: 450k or 500k. use the second one", ASK_NETS, 500_000),
])
def test_a_plan_request_completes_the_values_already_given(text, pending, nets):
    got, _ = decided(text, pending)
    assert got == [("plan_itn", {"total_nets": nets, "household_size": 5})]


@pytest.mark.parametrize("text,pending,kept", [
    ("same hh we always use na", ASK_HH, {"total_nets": 250_000}),
    ("we distribute on 12 March 2027", ASK_NETS, {"household_size": 5}),
    ("we have 300 wards in the state by the way", ASK_NETS, {"household_size": 5}),
])
def test_a_plan_request_without_the_missing_value_asks_again_keeping_the_others(text, pending,
                                                                                 kept):
    got, d = decided(text, pending)
    assert got == []
    assert d.keep_pending or (d.pending or {}).get("params") == kept


@pytest.mark.parametrize("text", [
    "would 420k be enough",
    "neither. is 420k enough",
    "maybe 420k, not sure yet",
    "they said 420k but let me check",
    "if the state confirms 420k",
    "two options: 450k or 500k",
])
def test_a_question_or_a_doubt_with_a_value_is_not_the_go_ahead(text):
    got, _ = decided(text, TWO_VALUES)
    assert got == []


def test_the_household_size_given_in_two_turns_plans_once_both_are_known():
    out, _ = converse(["pls do itn plan 250k", "d usual", "same hh we always use na", "ok 5"])
    assert [(s.tool, s.params) for s in out[-1].steps] == [
        ("plan_itn", {"total_nets": 250_000, "household_size": 5})]
    assert all(not d.steps for d in out[:-1])


# --- a map of "one of the variables": which one is asked --------------------------------------


@pytest.mark.parametrize("text", ["map one of the variables", "map a variable",
                                  "show me a map of one variable", "map one of the indicators"])
def test_a_map_of_an_unnamed_variable_asks_which(text):
    got, d = decided(text)
    assert got == []
    assert d.pending and d.pending.get("map_variable")
    assert {c["params"].get("variable") for c in d.pending["choices"] if not c.get("cancel")} == \
        set(FACTS.analysis_variables)


@pytest.mark.parametrize("text,tool,params", [
    ("map the composite score", "show_map", {"what": "composite"}),
    ("map rainfall", "show_map", {"what": "variable", "variable": "rainfall"}),
    ("map all the variables", None, None),
])
def test_a_map_that_names_its_kind_or_variable_is_not_asked_about(text, tool, params):
    got, d = decided(text)
    assert not (d.pending or {}).get("map_variable")
    if tool:
        assert got and got[-1][0] == tool and all(got[-1][1].get(k) == v
                                                   for k, v in params.items())


@pytest.mark.parametrize("answer,variable", [("rainfall", "rainfall"),
                                             ("test positivity", "u5_tpr_rdt"),
                                             ("the housing one", "housing_quality")])
def test_the_variable_named_answers_which_map(answer, variable):
    out, _ = converse(["map one of the variables", answer])
    assert [(s.tool, s.params) for s in out[-1].steps] == [
        ("show_map", {"what": "variable", "variable": variable})]


@pytest.mark.parametrize("other", ["top 5 wards", "why is rainfall used?"])
def test_another_request_does_not_answer_which_map(other):
    out, _ = converse(["map one of the variables", other])
    assert not any(s.tool == "show_map" for s in out[-1].steps)


# --- a question about adding a variable: offered, then run on a yes ---------------------------


@pytest.mark.parametrize("text", ["should I add ndvi to the analysis?",
                                  "what would happen to the ranking if I added ndvi?",
                                  "would including ndvi change the ranking?"])
def test_a_question_about_adding_a_variable_offers_it_and_a_yes_runs_it(text):
    out, _ = converse([text, "ok do am"])
    assert out[0].steps == []
    assert [(s.tool, s.params["variables"]) for s in out[1].steps] == [
        ("run_analysis", [*FACTS.analysis_variables, "ndvi"])]


@pytest.mark.parametrize("text", ["should I drop rainfall?", "is ndvi in the analysis?",
                                  "what is ndvi?"])
def test_other_questions_about_variables_offer_no_addition(text):
    got, d = decided(text)
    assert got == [] or all(s[0] != "run_analysis" for s in got)
    assert d.reading.get("variables") != "offered"


# --- the plan setting asked: the answer must read as that value -------------------------------

ASK_SETTING_HH = {"tool": "what_if_plan", "params": {}, "missing": [], "expects": "plan_numbers",
                  "setting": "household_size"}


def test_another_request_with_a_number_does_not_fill_the_setting_asked():
    got, d = decided("list the top 5 by pca", ASK_SETTING_HH, c=ctx(last_plan=PLAN))
    assert got == [("top_wards", {"n": 5, "method": "pca", "order": "top"})]
    assert d.keep_pending


@pytest.mark.parametrize("text", ["same as before", "keep it", "the same"])
def test_the_same_value_to_the_setting_asked_changes_nothing(text):
    got, d = decided(text, ASK_SETTING_HH, c=ctx(last_plan=PLAN))
    assert got == [] and d.pending is None and not d.keep_pending
    assert "stays 5" in d.text


def test_a_bare_number_still_fills_the_setting_asked():
    got, _ = decided("6", ASK_SETTING_HH, c=ctx(last_plan=PLAN))
    assert got == [("what_if_plan", {"household_size": 6})]


@pytest.mark.parametrize("ask,setting", [("pack the plan in bales", "bale_size"),
                                         ("put it in bales", "bale_size"),
                                         ("add a buffer too", "buffer"),
                                         ("include a wastage buffer", "buffer")])
def test_a_setting_put_in_without_its_value_is_asked(ask, setting):
    got, d = decided(ask, c=ctx(last_plan=PLAN), last={"tool": "what_if_plan", "params": {}})
    assert got == []
    assert (d.pending or {}).get("setting") == setting


@pytest.mark.parametrize("text", ["remove the buffer", "what is a buffer?", "no bales"])
def test_removing_or_asking_about_a_setting_is_not_asked_for_its_value(text):
    _, d = decided(text, c=ctx(last_plan=PLAN), last={"tool": "what_if_plan", "params": {}})
    assert d.reading.get("setting_asked") is None


@pytest.mark.parametrize("answer,buffer", [("10%", 1.1), ("10", 1.1), ("5 percent", 1.05),
                                           ("1.1", 1.1)])
def test_the_buffer_asked_is_answered_in_percent(answer, buffer):
    pending = {"tool": "what_if_plan", "params": {}, "missing": [], "expects": "plan_numbers",
               "setting": "buffer"}
    got, _ = decided(answer, pending, c=ctx(last_plan=PLAN))
    assert got == [("what_if_plan", {"buffer": buffer})]


def test_the_bale_size_asked_is_answered_by_a_bare_number():
    pending = {"tool": "what_if_plan", "params": {}, "missing": [], "expects": "plan_numbers",
               "setting": "bale_size"}
    got, _ = decided("50", pending, c=ctx(last_plan=PLAN))
    assert got == [("what_if_plan", {"bale_size": 50})]


# --- a value left to the assistant ------------------------------------------------------------


@pytest.mark.parametrize("text", ["you decide the household size", "you decide",
                                  "up to you", "your call"])
def test_the_household_size_left_to_the_assistant_is_asked_again(text):
    got, d = decided(text, ASK_HH)
    assert got == [] and d.keep_pending
    assert "I do not choose it for you" in d.text


def test_the_number_of_nets_left_to_the_assistant_is_asked_again():
    got, d = decided("you decide the number of nets", ASK_NETS)
    assert got == [] and d.keep_pending


@pytest.mark.parametrize("text", [
    "hmm change it again, leave the threshold to you, whatever the standard one is",
    "leave the urban threshold to you",
    "you choose the threshold",
])
def test_a_setting_with_a_documented_default_left_to_the_assistant_takes_it(text):
    got, _ = decided(text, c=ctx(last_plan=PLAN))
    assert got == [("what_if_plan", {"urban_threshold": 75})]


def test_the_setting_asked_then_left_to_the_assistant_takes_its_default():
    pending = {"tool": "what_if_plan", "params": {}, "missing": [], "expects": "plan_numbers",
               "setting": "urban_threshold"}
    got, _ = decided("you decide", pending, c=ctx(last_plan=PLAN))
    assert got == [("what_if_plan", {"urban_threshold": 75})]


@pytest.mark.parametrize("text", ["you decide which map", "should you decide the threshold?",
                                  "leave the threshold at 60 for you"])
def test_look_alikes_of_leaving_a_value_change_no_setting(text):
    got, _ = decided(text, c=ctx(last_plan=PLAN))
    assert ("what_if_plan", {"urban_threshold": 75}) not in got


# --- a question about the results is not one about the value asked ---------------------------


def test_a_results_question_while_the_household_size_is_asked_is_not_about_it():
    _, d = decided("which LGA code has the most High wards?", ASK_HH)
    assert not d.reading.get("about_pending")


def test_a_question_about_the_usual_household_size_is_answered():
    _, d = decided("what household size do people normally use?", ASK_HH)
    assert d.reading.get("about_pending") and d.keep_pending


# --- values offered and one picked in the same message, once a plan is made -------------------


def test_values_offered_and_one_picked_change_the_plan_to_it():
    got, _ = decided("two options from the director now: 450k or 500k. use the second one",
                     c=ctx(last_plan=PLAN))
    assert got == [("what_if_plan", {"total_nets": 500_000})]


@pytest.mark.parametrize("text", ["two options: 450k or 500k. which one?",
                                  "two options: 450k or 500k",
                                  "450k or 500k. should we use the second one?"])
def test_values_offered_with_no_pick_or_a_question_change_nothing(text):
    got, _ = decided(text, c=ctx(last_plan=PLAN))
    assert not any(s[0] in ("what_if_plan", "plan_itn") for s in got)


# --- a list by PCA after the plan's ranking was changed is a list ------------------------------


@pytest.mark.parametrize("text", ["list the top 5 by pca", "show me the top 10 by pca",
                                  "top 5 by pca"])
def test_a_list_by_pca_after_a_plan_is_a_list(text):
    plan = {**PLAN, "method": "pca"}
    got, _ = decided(text, c=ctx(last_plan=plan),
                     last={"tool": "what_if_plan", "params": {"method": "pca"}})
    assert got and got[0][0] == "top_wards" and got[0][1]["method"] == "pca"


def test_the_plan_ranking_changed_by_name_is_still_a_plan_change():
    got, _ = decided("use the PCA ranking instead", c=ctx(last_plan=PLAN),
                     last={"tool": "what_if_plan", "params": {}})
    assert got == [("what_if_plan", {"method": "pca"})]
