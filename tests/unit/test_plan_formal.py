"""Plan changes and questions said in full, formal sentences: a household size chosen in a
sentence after a hedged request ("Let us take six persons per household."), a ranking change
that also states the ranking used now, the plan's coverage "at that threshold", a step back
to an earlier plan described by its values, and requests said in order ("First ... Then
...")."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.extract import WardRef
from chatmrpt.chat.reading import reads_as_number_answer, split_requests
from chatmrpt.chat.router import RouterContext
from chatmrpt.chat.sequenced import requests_in_order
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=("Kuran", "Rimai"),
              ward_count=len(NORTH_WARDS))


def ctx(last_plan=None, wards=NORTH_WARDS):
    return RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=wards,
                         analysis_status="succeeded", last_plan=last_plan)


def acts(d):
    return [(s.tool, s.params) for s in d.steps]


# --- a household size chosen in a sentence, after a hedged request ---------------------------

HEDGED = ("We would like a plan for four hundred and fifty thousand nets, household size of "
          "five or six, whichever you think.")


def after_hedge(text):
    offer = decide(HEDGED, ctx(), DialogueState(), FACTS)
    assert not offer.steps and offer.pending, (offer.text, offer.steps)
    return decide(text, ctx(), DialogueState(pending=offer.pending), FACTS)


@pytest.mark.parametrize("text,hh", [
    ("Let us take six persons per household.", 6),
    ("let us take 6 persons per household", 6),
    ("Let us go with six people per household.", 6),
    ("Let us take seven persons per household.", 7),
    ("seven per household then", 7),
])
def test_a_household_size_said_in_a_sentence_takes_the_offer(text, hh):
    d = after_hedge(text)
    assert acts(d) == [("plan_itn", {"total_nets": 450_000, "household_size": hh})], d.text


def test_a_bare_other_number_is_still_asked():
    assert not after_hedge("7 please").steps


def test_let_us_reads_as_an_answer():
    assert reads_as_number_answer("Let us take six persons per household.")
    assert not reads_as_number_answer("let us see the map for 2023")


# --- a ranking change that states the ranking used now ---------------------------------------

PLAN = {"total_nets": 500_000, "household_size": 5}


def plan_turn(text, last_plan=PLAN):
    return decide(text, ctx(last_plan), DialogueState(last={"tool": "plan_itn", "params": {}}),
                  FACTS)


@pytest.mark.parametrize("text,method,last_plan", [
    ("The stored plan allocates by the composite ranking. Could you redo it allocating by the "
     "PCA ranking instead, with all other settings unchanged?", "pca", PLAN),
    ("We used the composite ranking last time. Use the PCA ranking for this plan instead.",
     "pca", PLAN),
    ("The plan now goes by the PCA ranking. Please switch it to the composite ranking.",
     "composite", {**PLAN, "method": "pca"}),
    ("use the pca ranking instead", "pca", PLAN),
])
def test_the_ranking_asked_for_is_the_one_not_used_yet(text, method, last_plan):
    d = plan_turn(text, last_plan)
    assert acts(d) == [("what_if_plan", {"method": method})], (d.text, acts(d))


def test_both_rankings_without_a_change_asked_are_asked_about():
    d = plan_turn("Plan by the composite ranking and by the PCA ranking")
    assert not d.steps and d.choices


# --- the plan's coverage at the threshold just set -------------------------------------------

AT_60 = {"total_nets": 300_000, "household_size": 5, "urban_threshold": 60}


@pytest.mark.parametrize("text", [
    "How many wards are fully covered at that threshold?",
    "how many wards are not covered at this threshold",
    "How many wards are partly covered with the new threshold?",
])
def test_coverage_at_that_threshold_is_the_plans(text):
    d = plan_turn(text, AT_60)
    assert acts(d) == [("ask_results", {"about": "plan_totals"})], (d.text, acts(d))


@pytest.mark.parametrize("text", [
    "How many wards are selected at that threshold?",
    "how many wards are left out at that threshold?",
])
def test_the_reprioritisation_at_that_threshold_stays(text):
    d = plan_turn(text, AT_60)
    assert acts(d) == [("ask_results", {"about": "repri_count"})], (d.text, acts(d))


# --- a step back to an earlier plan described by its values ----------------------------------

PLANS = {"ids": ["a", "b", "c"], "at": 2,
         "params": [{"total_nets": 400_000, "household_size": 5},
                    {"total_nets": 500_000, "household_size": 5},
                    {"total_nets": 500_000, "household_size": 5, "bale_size": 100}]}


def back(text):
    state = DialogueState(last={"tool": "what_if_plan", "params": {}}, plans=PLANS)
    return decide(text, ctx(PLANS["params"][2]), state, FACTS)


@pytest.mark.parametrize("text,nets", [
    ("Go back to the first plan of 400,000 without bales.", 400_000),
    ("Return to the original plan, with 400k nets and household size 5", 400_000),
    ("back to the previous plan with 500,000 nets without bales", 500_000),
])
def test_a_described_step_back_that_fits(text, nets):
    d = back(text)
    assert acts(d) == [("plan_itn", {"total_nets": nets, "household_size": 5})], d.text


@pytest.mark.parametrize("text", [
    "go back to the first plan of 500,000",
    "back to the previous plan with 500,000 nets in bales",
    "go back to the first plan with 600,000 nets",
])
def test_a_described_step_back_that_does_not_fit_is_asked(text):
    d = back(text)
    assert not d.steps and d.choices, (d.text, acts(d))


# --- requests said in order -----------------------------------------------------------------

ORDERED = ("First, please tell me how many wards are in Kuran. Then prepare a plan of 600,000 "
           "nets with five persons per household.")


def test_then_starting_a_sentence_splits_the_requests():
    assert len(split_requests(ORDERED)) == 2
    assert len(split_requests("How many wards does Kuran have? After that, plan 600k nets, "
                              "household size 5.")) == 2


@pytest.mark.parametrize("text,parts", [
    (ORDERED, ["please tell me how many wards are in Kuran",
               "prepare a plan of 600,000 nets with five persons per household"]),
    ("Tell me how many wards are in Kuran, then plan 600,000 nets with household size 5.",
     ["Tell me how many wards are in Kuran", "plan 600,000 nets with household size 5"]),
])
def test_requests_in_order(text, parts):
    assert requests_in_order(text) == parts


@pytest.mark.parametrize("text", [
    "If Kuran has more than 15 wards, then plan 600,000 nets with household size 5.",
    "plan 500k, then 600k",
    "how many wards are in Kuran?",
    "Tell me the number of High wards in Lida, and then list them by name.",
])
def test_no_requests_in_order(text):
    assert requests_in_order(text) is None


@pytest.mark.parametrize("text", [
    ORDERED,
    "How many wards does Kuran have? After that, plan 600k nets, household size 5.",
])
def test_a_count_then_a_plan_does_both(text):
    wards = (WardRef("Malano", "Kuran"), WardRef("Danjalba", "Rimai"))
    d = decide(text, ctx(wards=wards), DialogueState(), FACTS)
    assert [s.tool for s in d.steps] == ["lga_summary", "plan_itn"], (d.text, acts(d))
    assert d.steps[1].params == {"total_nets": 600_000, "household_size": 5}
