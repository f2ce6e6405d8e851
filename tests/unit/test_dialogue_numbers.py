"""Numbers inside a message: settings named after their value ("70 as the urban threshold"),
several settings changed at once, amounts in words, parts of a message taken back, and the
TPR age groups written in words."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chatmrpt.chat import dialogue as dm
from chatmrpt.chat import extract as ex
from chatmrpt.chat import intents, retraction
from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

PLAN = {"total_nets": 360_000, "household_size": 6}
USED = ("u5_tpr_rdt", "rainfall", "housing_quality")
FACTS = Facts(analysis_variables=USED, lgas=("Fagge", "Geidam", "Maiduguri", "Nguru", "Zaria"),
              ward_count=len(NORTH_WARDS))


def ctx(**kw) -> RouterContext:
    base = {"has_dataset": True, "variables": DEMO_VARIABLES, "wards": NORTH_WARDS,
            "analysis_status": "succeeded", "has_facility_data": True}
    base.update(kw)
    return RouterContext(**base)


def after_plan(text, plan=PLAN, tool="what_if_plan"):
    return decide(text, ctx(last_plan=plan), DialogueState(last={"tool": tool, "params": plan}),
                  FACTS)


def acted(d):
    return [(s.tool, s.params) for s in d.steps if s.tool in dm.GATE_FAMILY]


# --- a value followed by the setting it is used as ---------------------------------------


@pytest.mark.parametrize("text,param,value", [
    ("use 70 as the urban threshold", "urban_threshold", 70),
    ("take 6 as the household size", "household_size", 6),
    ("use 100 as bale size", "bale_size", 100),
    ("60% for the urban cutoff", "urban_threshold", 60),
    ("with 2 as people per net", "people_per_net", 2),
    ("10% as the buffer", "buffer", 10),
    ("400k as our stock", "total_nets", 400_000),
])
def test_a_value_named_after_it_goes_to_that_setting(text, param, value):
    assigned, _ = ex.assign_numbers(text, ex.PLAN_CUES)
    assert param in assigned and assigned[param].value == value


@pytest.mark.parametrize("text", ["use 150 as the minimum", "take 100 as the limit",
                                  "use 500 as a start"])
def test_a_value_named_as_something_unknown_is_no_net_count(text):
    assigned, free = ex.assign_numbers(text, ex.PLAN_CUES)
    assert not assigned and not free
    assert not acted(after_plan(text))  # never a plan of 100 nets


@pytest.mark.parametrize("text,params", [
    ("no wait, back to 5 per household and use 70 as the urban threshold",
     {"household_size": 5, "urban_threshold": 70}),
    ("household 5 and 60 for the urban cutoff", {"household_size": 5, "urban_threshold": 60}),
    ("take 100 as the bale size", {"bale_size": 100}),
    ("use 2 as people per net and 4 per household", {"people_per_net": 2, "household_size": 4}),
])
def test_several_settings_changed_in_one_message(text, params):
    assert acted(after_plan(text)) == [("what_if_plan", params)]


# --- a ranking method and other values in one message ------------------------------------


@pytest.mark.parametrize("text,params", [
    ("switch back to composite and make it one point eight million",
     {"method": "composite", "total_nets": 1_800_000}),
    ("switch back to composite and make it 1.8m", {"method": "composite", "total_nets": 1_800_000}),
    ("use pca and half a million nets", {"method": "pca", "total_nets": 500_000}),
    ("pca instead, household 6 and threshold 60",
     {"method": "pca", "household_size": 6, "urban_threshold": 60}),
    ("use the pca ranking with two hundred and fifty thousand nets",
     {"method": "pca", "total_nets": 250_000}),
])
def test_a_method_switch_keeps_the_other_values_of_the_message(text, params):
    plan = {**PLAN, "method": "pca" if params["method"] == "composite" else "composite"}
    d = after_plan(text, plan)
    assert acted(d) == [("what_if_plan", params)]
    echo = d.steps[0].echo
    assert ("PCA" if params["method"] == "pca" else "composite") in echo
    if "total_nets" in params:
        assert f"{params['total_nets']:,}" in echo


def test_a_method_switch_with_a_number_it_cannot_place_asks():
    d = after_plan("switch back to composite for the 3 LGAs", {**PLAN, "method": "pca"})
    assert not acted(d) and d.choices


# --- parts of a message taken back -------------------------------------------------------


@pytest.mark.parametrize("text,params", [
    ("set the urban threshold to 60%, no actually leave it at the default, just change bale "
     "size to 100", {"bale_size": 100}),
    ("set threshold 60%, no actually leave it as it is, just change bale size to 100",
     {"bale_size": 100}),
    ("household size 6, actually scratch that, use 300k nets instead", {"total_nets": 300_000}),
    ("change household to 4. actually forget that, only the bale size to 50", {"bale_size": 50}),
    ("threshold 50 - no wait, ignore that, but make the bale size 20", {"bale_size": 20}),
])
def test_a_retraction_that_says_what_stands_applies_only_that(text, params):
    d = after_plan(text)
    assert acted(d) == [("what_if_plan", params)]
    assert any("took it back" in n for n in d.notes)


@pytest.mark.parametrize("text", [
    # what stands is not said plainly
    "set threshold 60%, no actually leave it as it is, bale size 100",
    "set threshold 60%, no actually leave it, just make it 100",
    # keep which value?
    "threshold 60, no wait keep it",
])
def test_a_retraction_that_does_not_say_what_stands_asks(text):
    d = after_plan(text)
    assert not acted(d)
    assert d.choices or "?" in (d.text or "")


@pytest.mark.parametrize("text", [
    "add rainfall, actually no leave it",
    "set threshold 60% and bale 100, no wait forget it",
    "plan 800k nets with hh 6, actually never mind that",
    "plan 800k nets with hh 6 - sorry no, forget it",
])
def test_a_message_taken_back_entirely_changes_nothing(text):
    d = after_plan(text)
    assert not d.steps and "left" in d.text


def test_leaving_a_setting_at_the_default_it_does_not_have_asks():
    # the plan's threshold is 60: "leave it at the default" may mean 60 or 75
    plan = {**PLAN, "urban_threshold": 60}
    text = "set the urban threshold to 50%, no actually leave it at the default, just change " \
           "bale size to 100"
    assert retraction.find_retraction(text, plan) is None
    assert not acted(after_plan(text, plan))


def test_a_reply_that_only_says_no_is_not_a_retraction():
    assert retraction.find_retraction("no, leave it") is None
    assert retraction.find_retraction("no leave it. export the plan as xlsx") is None


# --- TPR age groups ----------------------------------------------------------------------


@pytest.mark.parametrize("text,age", [
    ("everyone five and above", "o5"), ("everyone over 5", "o5"), ("5 and up", "o5"),
    ("all patients over five", "o5"), ("5yrs and above", "o5"), ("older than five", "o5"),
    ("everyone except the under fives", "o5"), ("tpr for 5 year olds and above", "o5"),
    ("under 5s", "u5"), ("children 0-4 years", "u5"), ("less than 5 years", "u5"),
    ("all ages", "all"), ("everybody", "all"), ("regardless of age", "all"),
    ("pregnant women", "pw"), ("women at antenatal clinics", "pw"),
    ("adults and children", None), ("primary facilities", None),
])
def test_tpr_age_groups_in_words(text, age):
    assert ex.find_choice("age", text) == age


@pytest.mark.parametrize("text,params", [
    ("now for everyone five and above, both tests, primary facilities only",
     {"age": "o5", "test": "both", "facility_level": "primary"}),
    ("compute TPR for children 0-4 years, rdt", {"age": "u5", "test": "rdt"}),
])
def test_the_five_of_an_age_group_is_used_by_the_tpr_run(text, params):
    d = decide(text, ctx(), DialogueState(), FACTS)
    assert acted(d) == [("compute_tpr", params)]


def test_a_tpr_request_with_a_number_it_cannot_place_asks():
    d = decide("compute the tpr for the over 5s and the 3 hospitals", ctx(), DialogueState(),
               FACTS)
    assert not acted(d) and d.reading.get("stray_numbers") == ["3"]


# --- "default settings" said as a clause -------------------------------------------------


@pytest.mark.parametrize("text,rest", [
    ("rank wards, default settings, quick", "rank wards"),
    ("urban wards to drop, default settings", "urban wards to drop"),
    ("run the analysis - standard options please", "run the analysis"),
])
def test_a_default_settings_clause_does_not_sway_the_intent(text, rest):
    assert intents.normalise(text).startswith(rest) and "default" not in intents.normalise(text)
    assert "standard" not in intents.normalise(text)
    assert intents.classify(text).label == intents.classify(rest).label


@pytest.mark.parametrize("text", ["back to the default settings", "default settings",
                                  "reset to the default values"])
def test_default_settings_asked_for_are_kept(text):
    assert "default" in intents.normalise(text)


def test_rank_wards_with_default_settings_runs_the_analysis():
    d = decide("rank wards, default settings, quick", ctx(analysis_status=None),
               DialogueState(), Facts())
    assert acted(d) == [("run_analysis", {})]


# --- amounts in words and multiples of the last plan --------------------------------------


@pytest.mark.parametrize("text,value", [
    ("three quarters of a million", 750_000), ("3 quarters of a million", 750_000),
    ("one quarter of a million", 250_000), ("one point eight million", 1_800_000),
    ("two hundred and fifty thousand", 250_000), ("quarter million", 250_000),
    ("half a million", 500_000), ("1.2m", 1_200_000), ("250k", 250_000),
    ("250 thousand", 250_000),
])
def test_amounts_in_words(text, value):
    found = ex.extract_numbers(ex.canonical_text(text))
    assert [n.value for n in found] == [value]


def test_three_quarters_of_the_wards_is_no_amount_of_nets():
    assert [n.value for n in ex.extract_numbers("three quarters of the wards")] == [3]


@pytest.mark.parametrize("text,value", [
    ("nets x2", 720_000), ("2x the nets", 720_000), ("make it 1.5 times the nets", 540_000),
    ("triple the nets", 1_080_000), ("three times as many nets", 1_080_000),
    ("double the nets", 720_000), ("half a million nets", 500_000),
])
def test_multiples_of_the_last_plan(text, value):
    d = after_plan(text)
    assert acted(d) == [("what_if_plan", {"total_nets": value})]


@pytest.mark.parametrize("text", ["3 times more nets", "x2", "5 x 100,000 nets"])
def test_unclear_multiples_do_not_act(text):
    assert not acted(after_plan(text))


@pytest.mark.parametrize("text,acts", [
    ("plan 2 million nets hh five for the 2nd round", True),
    ("plan 1.2m nets for the 3rd campaign, hh 5", True),
    ("plan 1.2m nets for the 3rd LGA, hh 5", False),  # which LGA? not placed: asked
    ("plan 1.2m nets, hh 5, the 2nd plan", False),
])
def test_ordinals_that_name_a_round_are_no_amounts(text, acts):
    d = decide(text, ctx(), DialogueState(), FACTS)
    assert bool(acted(d)) is acts


@pytest.mark.parametrize("text", ["urban wards to drop, default settings",
                                  "urban wards to remove", "drop urban wards"])
def test_terse_reprioritisation_requests_run_it(text):
    d = decide(text, ctx(), DialogueState(), FACTS)
    assert acted(d) == [("reprioritize_urban", {})]


def test_a_question_about_reprioritisation_does_not_run_it():
    d = decide("why are urban wards deprioritised?", ctx(), DialogueState(), FACTS)
    assert not acted(d)


# --- amounts read out with a typed suffix ------------------------------------------------


@pytest.mark.parametrize("text,value", [
    ("two hundred k", 200_000), ("fifty k", 50_000), ("one point five m", 1_500_000),
    ("three hundred and fifty k", 350_000), ("two mil", 2_000_000), ("a hundred k", 100_000),
])
def test_number_words_with_a_typed_suffix(text, value):
    assert [n.value for n in ex.extract_numbers(ex.canonical_text(text))] == [value]


def test_a_suffixed_amount_does_not_swallow_the_next_number():
    found = ex.extract_numbers("fifty k and five per household")
    assert [n.value for n in found] == [50_000, 5]


def test_a_plan_read_out_by_voice():
    d = decide("I T N plan for two hundred k nets house hold size five", ctx(),
               DialogueState(), FACTS)
    assert acted(d) == [("plan_itn", {"total_nets": 200_000, "household_size": 5})]


# --- an amount said as a change is never the new total ------------------------------------


def first_message(text, plan=None):
    plan = plan or {"total_nets": 300_000, "household_size": 5}
    return decide(text, ctx(last_plan=plan), DialogueState(), FACTS)


@pytest.mark.parametrize("text,nets", [
    ("another 150k", 450_000), ("remove quarter million from that", 50_000),
    ("add 100k", 400_000), ("150k more", 450_000), ("minus 20k", 280_000),
    ("plus 50k please", 350_000),
])
def test_a_change_of_the_stored_plan_said_first_is_applied_to_it(text, nets):
    assert acted(first_message(text)) == [("what_if_plan", {"total_nets": nets})]


@pytest.mark.parametrize("text", ["cut 50,000", "take away 20k", "reduce by 100k nets please"])
def test_a_change_read_as_a_total_asks(text):
    d = first_message(text)
    assert not any(s.params.get("total_nets") in (50_000, 20_000, 100_000) for s in d.steps)


def test_amounts_read_as_totals_names_the_amount():
    step = dm.Step("what_if_plan", {"total_nets": 50_000}, source="cut 50,000")
    assert dm.amounts_read_as_totals(step, "cut 50,000") == ["50,000"]
    step = dm.Step("what_if_plan", {"total_nets": 250_000}, source="cut it to 250k")
    assert dm.amounts_read_as_totals(step, "cut it to 250k") == []


@pytest.mark.parametrize("text,nets", [("cut it to 250k", 250_000), ("make it 400k", 400_000),
                                       ("more like 400k", 400_000)])
def test_a_new_total_is_a_total(text, nets):
    assert acted(first_message(text)) == [("what_if_plan", {"total_nets": nets})]


def test_a_short_correction_of_a_large_amount_asks():
    d = decide("plan 300k nets hh 5, no wait 350", ctx(), DialogueState(), FACTS)
    assert not acted(d) and d.choices
    d = decide("plan 300k nets hh 5, no wait 350k", ctx(), DialogueState(), FACTS)
    assert acted(d) == [("plan_itn", {"total_nets": 350_000, "household_size": 5})]


# --- questions about what a change would do -----------------------------------------------


@pytest.mark.parametrize("text,hypothetical", [
    ("What if we used 6 people per household?", True),
    ("What if the target were 20% instead?", True),
    ("Would a 500k plan cover everyone?", True),
    ("Should we cut it back to 250k, in your view?", True),
    ("can the excel export include lga totals?", True),
    ("If we dropped rainfall from the analysis, would the plan change?", True),
    ("will the plan change if I add rainfall?", True),
    ("can you export the plan as excel?", False),
    ("could we get the plan as csv?", False),
    ("shall we run it?", False),
    ("what if 600k", False),
    ("wat if 2 people per net", False),
    ("Plan with 20% more nets", False),
])
def test_hypothetical_questions(text, hypothetical):
    assert dm.hypothetical_question(text) is hypothetical


@pytest.mark.parametrize("text", ["What if we used 6 people per household?",
                                  "Should we cut it back to 250k, in your view?",
                                  "Would a 500k plan cover everyone?",
                                  "What if we had 20% more nets and households of 6?"])
def test_a_hypothetical_question_offers_the_change_and_changes_nothing(text):
    d = after_plan(text, {"total_nets": 300_000, "household_size": 5})
    assert not acted(d)
    if d.choices:  # the change is one tap away
        assert d.choices[0]["steps"][0]["tool"] in ("what_if_plan", "plan_itn")


@pytest.mark.parametrize("text", ["what if we had 20% more nets", "Plan with 20% more nets",
                                  "What if we had 20% more nets?",
                                  "what if the state gets 360k nets instead?"])
def test_a_what_if_order_still_acts(text):
    d = after_plan(text, {"total_nets": 300_000, "household_size": 5})
    assert acted(d) == [("what_if_plan", {"total_nets": 360_000})]



# --- years that name a campaign ------------------------------------------------------------


@pytest.mark.parametrize("text,acts", [
    ("For the 2026 mass campaign, please prepare a plan with 200,000 nets and an average "
     "household size of 5.", True),
    ("plan 2026 campaign 400k nets hh 5", True),
    ("plan 400k nets hh 5 as in 2024", True),
    ("plan 400k nets hh 5 2026", False),  # 2026 what? asked
])
def test_a_year_naming_a_campaign_is_no_amount(text, acts):
    d = decide(text, ctx(), DialogueState(), FACTS)
    assert bool(acted(d)) is acts
    if acts:
        assert acted(d)[0][1]["total_nets"] in (200_000, 400_000)


# --- the change just offered, asked for in words ---------------------------------------------


def offered(question, last):
    c = ctx(last_plan={"total_nets": 300_000, "household_size": 5})
    facts = Facts(analysis_variables=USED, lgas=FACTS.lgas, ward_count=FACTS.ward_count,
                  last_repri={"target": 30})
    state = DialogueState(last=last)
    d = decide(question, c, state, facts)
    assert not acted(d) and d.pending
    return c, facts, DialogueState(last=last, pending=d.pending)


@pytest.mark.parametrize("question,reply,params", [
    ("What if the target were 20% instead?", "Yes, please rerun it with a 20% target.",
     {"target_share": 20}),
    ("What would 600,000 nets change?", "Please go ahead and run it with 600,000.",
     {"total_nets": 600_000}),
    ("What if we used 6 people per household?", "yes do that", {"household_size": 6}),
])
def test_the_change_offered_after_a_question_is_made_when_asked_for(question, reply, params):
    c, facts, state = offered(question, {"tool": "ask_results", "params": {"about": "plan_lga"}})
    d = decide(reply, c, state, facts)
    assert [p for _, p in acted(d)] == [params]


def test_a_yes_with_another_number_is_not_the_offer():
    c, facts, state = offered("What would 600,000 nets change?",
                              {"tool": "ask_results", "params": {"about": "plan_lga"}})
    assert dm._confirms_offer("go ahead with 650,000", state.pending["choices"]) is None
    assert dm._confirms_offer("is 600,000 enough?", state.pending["choices"]) is None


@pytest.mark.parametrize("question,change", [
    ("What if we used 6 people per household?", "same but 360,000 nets"),
    ("What would 600,000 nets change?", "and use 70 as the urban threshold"),
])
def test_a_change_right_after_an_offer_asks_which_plan_it_is_for(question, change):
    c, facts, state = offered(question, {"tool": "what_if_plan", "params": {}})
    d = decide(change, c, state, facts)
    assert not acted(d)
    kinds = [ch.get("steps", [{}])[0].get("params") for ch in d.choices if not ch.get("cancel")]
    assert len(kinds) == 2 and kinds[0] != kinds[1]
    # either reading is one tap away
    picked = decide("2", c, replace(state, pending=d.pending), facts)
    assert acted(picked) == [("what_if_plan", kinds[1])]


def test_a_change_after_an_order_is_applied_to_the_current_plan():
    d = after_plan("same but household size 6", {"total_nets": 300_000, "household_size": 5})
    assert acted(d) == [("what_if_plan", {"household_size": 6})]


@pytest.mark.parametrize("text,either", [
    ("ok. rainfall na direct or inverse for this analysis", True),
    ("export the plan as csv or excel", True),
    ("use pca or composite, whichever", True),
    ("treat rainfall as direct, not inverse", False),
    ("use pca instead of composite", False),
    ("export the plan as csv", False),
])
def test_two_values_given_as_alternatives(text, either):
    assert dm.either_or_question(text) is either


def test_an_either_or_message_never_acts():
    d = after_plan("ok. rainfall na direct or inverse for this analysis")
    assert not acted(d)


def test_an_offer_is_dropped_once_another_change_of_that_kind_is_made():
    c, facts, state = offered("What would 600,000 nets change?",
                              {"tool": "what_if_plan", "params": {}})
    d = decide("hmm go back to 450k", c, state, facts)
    assert acted(d) and not d.keep_pending and d.pending is None


# --- how many wards to list ---------------------------------------------------------------


@pytest.mark.parametrize("text,n", [
    ("Before anything else, our 2024 campaign in Kano metro covered 66 wards. Could you show "
     "me the 10 most vulnerable wards on the composite ranking?", 10),
    ("our state has 300 wards, give me the top 5", 5),
    ("show 5 wards", 5),
    ("bottom 3", 3),
])
def test_the_number_tied_to_the_ranking_words_is_the_list_length(text, n):
    d = decide(text, ctx(), DialogueState(), FACTS)
    assert [s.params.get("n") for s in d.steps if s.tool == "top_wards"] == [n]
