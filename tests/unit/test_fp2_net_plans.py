"""Net plans talked about in every way: sums and defaults asked (answered, never planned),
"only tell me", amounts added or taken away in few words or pidgin, numbers said in words,
a net total too small to be a stock, going back, the reprioritisation target asked in two
turns, and an offer of the plan as it already is."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.guards import bare_yes_no
from chatmrpt.chat.normalize import plain_text
from chatmrpt.chat.relative import relative_plan_change
from chatmrpt.chat.router import RouterContext, route
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

PLAN = {"total_nets": 400_000, "household_size": 5}
FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=("Fagge", "Zaria"),
              ward_count=len(NORTH_WARDS))


def ctx(last_plan=PLAN):
    return RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=NORTH_WARDS,
                         analysis_status="succeeded", last_plan=last_plan)


def run(text, last=None, pending=None, plans=None, last_plan=PLAN, facts=FACTS):
    state = DialogueState(pending=pending, last=last or {"tool": "what_if_plan", "params": {}},
                          plans=plans)
    return decide(text, ctx(last_plan), state, facts)


def acts(d):
    return [(s.tool, s.params) for s in d.steps]


# --- sums and defaults: answered, nothing planned --------------------------------------------

@pytest.mark.parametrize("text,value", [
    ("Quick one: with 1.8 people per net, how many people can 400k nets cover? Just the "
     "arithmetic.", "720,000"),
    ("at 2 people per net, how many people do 300,000 nets cover?", "600,000"),
    ("One bale is 50 nets and one truck carries 400 bales. How many trucks do we need for 400k "
     "nets?", "20 trucks"),
    ("bales of 50 nets: how many bales for 1.2 million nets?", "24,000 bales"),
    ("how many nets for 900,000 people at 1.8 people per net?", "500,000 nets"),
])
def test_a_sum_given_in_full_is_answered(text, value):
    d = run(text)
    assert d.steps == [] and not d.choices
    assert value in d.text


@pytest.mark.parametrize("text", [
    "re-plan with 2 people per net, how many people covered?",
    "how many people does the plan cover?",
    "how many trucks do we need?",
    "what if we used 2 people per net, how many people would be covered?",
])
def test_no_sum_without_all_its_factors_or_with_an_order(text):
    d = run(text)
    assert "Nothing in the plan was changed" not in (d.text or "")


@pytest.mark.parametrize("text,said", [
    ("Page 12 of the guideline says 1.8 people per net. Is that what you use by default?",
     "Yes"),
    ("Is 2 people per net the default?", "No"),
    ("what's the default people per net", "1.8"),
    ("What is the default threshold?", "75%"),
])
def test_a_plan_default_asked_is_said(text, said):
    d = run(text)
    assert d.steps == [] and said in d.text


@pytest.mark.parametrize("text", [
    "use 2 people per net by default",
    "Set the threshold back to the default.",
])
def test_an_order_about_defaults_is_no_question(text):
    d = run(text)
    assert "By default a net plan uses" not in (d.text or "")


@pytest.mark.parametrize("text", [
    "What would happen if we had 20% fewer nets? Only tell me.",
    "What would happen with 600k nets? just tell me.",
    "what would 20% more nets give? only the maths please",
])
def test_only_tell_me_never_plans(text):
    d = run(text)
    assert d.steps == []


@pytest.mark.parametrize("text", ["plan 600k nets", "just show me the map"])
def test_just_and_only_alone_do_not_stop_a_request(text):
    assert run(text).steps


# --- amounts added or taken away ------------------------------------------------------------

@pytest.mark.parametrize("text,nets", [
    ("Ok donor confirmed, add the 100k.", 500_000),
    ("add the 100k", 500_000),
    ("add 50 thousand join am", 450_000),
    ("comot 20k", 380_000),
    ("comot the 20k nets", 380_000),
    ("remove the 20k", 380_000),
])
def test_an_amount_added_or_taken_away(text, nets):
    change = relative_plan_change(text, PLAN)
    assert change is not None and change.params == {"total_nets": nets}


@pytest.mark.parametrize("text", ["add the 2024 figures", "the 100k", "plan 500k"])
def test_no_amount_change_without_its_words(text):
    assert relative_plan_change(text, PLAN) is None


def test_add_the_amount_after_a_lead_in_is_planned():
    d = run("Ok donor confirmed, add the 100k.")
    assert acts(d) == [("what_if_plan", {"total_nets": 500_000})]


@pytest.mark.parametrize("text", ["ok triple it", "ok double it"])
def test_a_multiplier_is_no_bare_yes(text):
    assert not bare_yes_no(text)


@pytest.mark.parametrize("text", ["ok", "yes please", "ok go ahead"])
def test_a_bare_yes_stays_one(text):
    assert bare_yes_no(text)


def test_triple_it_while_a_change_is_asked_for():
    pending = {"tool": "what_if_plan", "params": {}, "missing": [], "expects": "plan_numbers"}
    d = run("ok triple it", pending=pending)
    assert acts(d) == [("what_if_plan", {"total_nets": 1_200_000})]


# --- numbers in words and pidgin --------------------------------------------------------------

@pytest.mark.parametrize("text,plain", [
    ("Three-fifty thousand then.", "350 thousand then."),
    ("two fifty k", "250k"),
    ("mutum biyar per household, five", "5 people per household, five"),
])
def test_numbers_said_out(text, plain):
    assert plain_text(text) == plain


@pytest.mark.parametrize("text", ["twenty-five thousand", "Tara ward", "three fifty"])
def test_other_words_are_kept(text):
    assert plain_text(text) == text


@pytest.mark.parametrize("text,hh", [
    ("abeg do plan wit 4 hundred thousand nets, 5 people for house", 5),
    ("plan 400k nets, 6 people for each house", 6),
])
def test_people_for_house_is_the_household_size(text, hh):
    d = run(text, last_plan=None, last={"tool": "top_wards", "params": {}})
    assert acts(d) == [("plan_itn", {"total_nets": 400_000, "household_size": hh})]


def test_people_for_something_else_is_no_household():
    d = run("plan 400k nets, 5 people for the house visits", last_plan=None,
            last={"tool": "top_wards", "params": {}})
    assert d.steps == []


@pytest.mark.parametrize("text", ["Make it sixty-five percent instead.", "Make it 65% instead.",
                                  "Make it sixty-five instead."])
def test_a_setting_said_in_words_right_after_it_changed(text):
    plan = {**PLAN, "urban_threshold": 70}
    d = run(text, last={"tool": "what_if_plan", "params": {"urban_threshold": 70}},
            last_plan=plan)
    assert acts(d) == [("what_if_plan", {"urban_threshold": 65})]


def test_a_percentage_after_another_change_is_not_the_threshold():
    d = run("Make it 65% instead.", last={"tool": "what_if_plan",
                                          "params": {"total_nets": 400_000}})
    assert not any(s.params.get("urban_threshold") == 65 for s in d.steps)


def test_make_it_with_other_words_is_no_setting():
    d = run("make it the top ten", last={"tool": "what_if_plan", "params": {"urban_threshold": 70}})
    assert not any(s.tool == "what_if_plan" for s in d.steps)


# --- a net total too small to be a stock --------------------------------------------------------

def test_a_tiny_total_answering_the_net_question_is_asked_about():
    pending = {"tool": "plan_itn", "params": {"household_size": 6}, "missing": ["total_nets"],
               "expects": "plan_numbers"}
    d = run("6 then.", pending=pending, last_plan=None)
    assert d.steps == []


def test_a_stock_answering_the_net_question_is_planned():
    pending = {"tool": "plan_itn", "params": {"household_size": 6}, "missing": ["total_nets"],
               "expects": "plan_numbers"}
    d = run("350k then.", pending=pending, last_plan=None)
    assert acts(d) == [("plan_itn", {"household_size": 6, "total_nets": 350_000})]


def _offer(params):
    choice = {"label": "Plan", "tool": "plan_itn", "params": params,
              "steps": [{"tool": "plan_itn", "params": params, "echo": ""}]}
    return {"expects": "choice", "choices": [choice, {"label": "No, leave it", "tool": "",
                                                      "params": {}, "cancel": True}],
            "offered": True, "strays": ["300"]}


def test_a_number_answering_an_offered_plan_changes_the_offer():
    pending = _offer({"total_nets": 400_000, "household_size": 5})
    d = run("Three-fifty thousand then.", pending=pending, last_plan=None)
    assert acts(d) == [("plan_itn", {"total_nets": 350_000, "household_size": 5})]


def test_a_tiny_number_answering_an_offered_plan_is_not_its_stock():
    pending = _offer({"total_nets": 400_000, "household_size": 5})
    d = run("300 then.", pending=pending, last_plan=None)
    assert not any(s.params.get("total_nets") == 300 for s in d.steps)


# --- going back -----------------------------------------------------------------------------------

HISTORY = {"ids": ["a", "b"], "params": [PLAN, {**PLAN, "total_nets": 1_500_000}], "at": 1}


@pytest.mark.parametrize("text", ["Too many. Go back to the first plan.",
                                  "That's too many! back to the first plan"])
def test_a_judgement_first_then_back_to_the_first_plan(text):
    d = run(text, plans=HISTORY, last_plan={**PLAN, "total_nets": 1_500_000},
            last={"tool": "what_if_plan", "params": {"total_nets": 1_500_000}})
    assert acts(d) == [("plan_itn", PLAN)]


def test_no_same_as_before_takes_the_last_change_back():
    history = {"ids": ["a", "b"], "params": [PLAN, {**PLAN, "household_size": 6}], "at": 1}
    d = run("hmm no, same as before", plans=history, last_plan={**PLAN, "household_size": 6},
            last={"tool": "what_if_plan", "params": {"household_size": 6}})
    assert [s.params.get("household_size") for s in d.steps] == [5]


def test_same_as_before_without_a_no_is_no_step_back():
    history = {"ids": ["a", "b"], "params": [PLAN, {**PLAN, "household_size": 6}], "at": 1}
    d = run("same as before for the map", plans=history, last_plan={**PLAN, "household_size": 6},
            last={"tool": "what_if_plan", "params": {"household_size": 6}})
    assert not any(s.params.get("household_size") == 5 for s in d.steps)


def test_the_other_one_composite_switches_the_ranking_back():
    d = run("no, do the other one, composite", last_plan={**PLAN, "method": "pca"},
            last={"tool": "what_if_plan", "params": {"method": "pca"}})
    assert [s.params.get("method") for s in d.steps] == ["composite"]


# --- the reprioritisation target in two turns ----------------------------------------------------

REPRI = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=("Fagge", "Zaria"),
              ward_count=len(NORTH_WARDS),
              last_repri={"thresholds": [20, 30, 50, 75], "target": 30})


def test_change_the_target_asks_for_its_value():
    d = run("I want to change the target", facts=REPRI,
            last={"tool": "reprioritize_urban", "params": {}})
    assert d.steps == [] and "30%" in d.text
    assert d.pending and d.pending["expects"] == "repri_target"


@pytest.mark.parametrize("text", ["change the target to 20%", "what is the target?",
                                  "change the plan's coverage target"])
def test_a_target_with_its_value_or_a_question_is_not_asked_again(text):
    d = run(text, facts=REPRI, last={"tool": "reprioritize_urban", "params": {}})
    assert not (d.pending and d.pending.get("expects") == "repri_target")


@pytest.mark.parametrize("text", ["twenty percent", "20", "make it 25%"])
def test_the_target_said_next_reruns_it(text):
    pending = {"expects": "repri_target", "tool": "reprioritize_urban",
               "params": {"thresholds": [20, 30, 50, 75]}}
    d = run(text, pending=pending, facts=REPRI, last={"tool": "reprioritize_urban", "params": {}})
    assert [s.tool for s in d.steps] == ["reprioritize_urban"]
    assert d.steps[0].params["target_share"] in (20, 25)
    assert d.steps[0].params["thresholds"] == [20, 30, 50, 75]


def test_a_request_while_the_target_is_asked_is_not_a_target():
    pending = {"expects": "repri_target", "tool": "reprioritize_urban", "params": {}}
    d = run("show the top 20 wards", pending=pending, facts=REPRI,
            last={"tool": "reprioritize_urban", "params": {}})
    assert not any(s.tool == "reprioritize_urban" for s in d.steps)


# --- maps and offers --------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["ok show me the net map", "show the net coverage map"])
def test_the_net_map_is_the_plan_map(text):
    assert route(text, ctx()).params.get("what") == "itn"


def test_the_map_alone_names_no_kind():
    assert "what" not in route("show the map", ctx()).params


def test_a_change_after_an_offer_of_the_plan_as_it_is_applies():
    plan = {**PLAN, "bale_size": 50, "buffer": 1.1}
    pending = _offer({"total_nets": 400_000, "bale_size": 50})
    pending["strays"] = []
    d = run("Remove the buffer, keep the bales.", pending=pending, last_plan=plan)
    assert [s.params.get("buffer") for s in d.steps] == [1.0] or \
        [s.params.get("buffer") for s in d.steps] == [1]


def test_a_setting_after_an_offer_kept_over_other_turns_changes_the_current_plan():
    pending = {**_offer({"total_nets": 1_200_000, "household_size": 5}), "kept": True}
    pending["strays"] = []
    d = run("hh size 6", pending=pending, last_plan={**PLAN, "total_nets": 450_000})
    assert not any(s.params.get("total_nets") == 1_200_000 for s in d.steps)


def test_the_offered_value_said_again_takes_the_offer():
    pending = _offer({"household_size": 6})
    pending["choices"][0]["tool"] = "what_if_plan"
    pending["choices"][0]["steps"][0]["tool"] = "what_if_plan"
    pending["strays"] = ["5"]
    d = run("6 then.", pending=pending)
    assert acts(d) == [("what_if_plan", {"household_size": 6})]
    d = run("7 then.", pending=pending)
    assert not any(s.params.get("total_nets") == 7 for s in d.steps)
