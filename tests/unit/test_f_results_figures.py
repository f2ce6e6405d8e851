"""Questions about the stored plan's and reprioritisation's figures, in other words than the
figures' own names: answered from what is stored, with the numbers, never acted on."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.executors_more import enough_text, plan_first_text
from chatmrpt.chat.router import RouterContext
from tests.eval.jargon import jargon
from tests.unit.chat_corpus import DEMO_VARIABLES

WARDS = (("Danjalba", "Kuwe South"), ("Danjalba", "Zaga West"), ("Kanriya", "Kuwe South"),
         ("Kanriya", "Gakirau"), ("Malano", "Doragar"), ("Kakanji", "Jalsha"),
         ("Dutsen Kakanji", "Doragar"), ("Wegwata", "Kuwe South"), ("Ransha I", "Rimai"),
         ("Tudun Nawal", "Kuwe South"), ("Linasa Wada", "Raku"))
LGAS = ("Doragar", "Gakirau", "Jalsha", "Kuwe South", "Raku", "Rimai", "Zaga West")
PLAN = {"total_nets": 400_000, "household_size": 5, "urban_threshold": 50}
FACTS = Facts(lgas=LGAS, ward_count=len(WARDS))
REPRI = Facts(lgas=LGAS, ward_count=len(WARDS),
              last_repri={"target": 30, "thresholds": [20, 30, 50, 75]})


def ctx(plan=PLAN) -> RouterContext:
    return RouterContext(has_dataset=True, variables=(*DEMO_VARIABLES, "Population"),
                         wards=WARDS, analysis_status="succeeded", last_plan=plan)


def steps(text, facts=FACTS, state=None, plan=PLAN):
    d = decide(text, ctx(plan), state or DialogueState(), facts)
    return [(s.tool, s.params) for s in d.steps]


TOTALS = [("ask_results", {"about": "plan_totals"})]


@pytest.mark.parametrize("text", [
    "What share of the population does the plan reach?",
    "what percentage of the state do we cover with this?",
    "how many wards are left without any nets?",
    "how many wards get nothing under this plan",
    "how many wards end up not covered?",
    "how many urban wards were put at the back of the queue?",
    "number of wards served last as urban",
    "how many wards are in this plan?",
    "what proportion of people are covered?",
])
def test_plan_figures_in_other_words(text):
    assert steps(text) == TOTALS


@pytest.mark.parametrize("text,nets", [
    ("is 500k enough?", 500_000),
    ("would 600,000 nets cover everyone?", 600_000),
    ("Will a 2 million plan cover every ward?", 2_000_000),
    ("so is the 450k we have sufficient", 450_000),
    ("are our nets enough?", None),
    ("how big is the gap for full coverage, is the stock enough?", None),
])
def test_is_it_enough_is_the_total_need_and_the_gap_never_a_plan(text, nets):
    params = {"about": "plan_totals", **({"nets": nets} if nets else {})}
    assert steps(text) == [("ask_results", params)]


@pytest.mark.parametrize("text", [
    "plan 500k nets, that should be enough",
    "if 500k is not enough, plan 600k",
    "is the data enough to plan?",
    "would 500k with household size 6 be enough?",  # another setting: a hypothetical plan
    "use 500k nets instead",
    "could you re-plan with 500k so it is enough",
])
def test_requests_and_hypotheticals_are_not_the_enough_answer(text):
    assert not any(p.get("nets") for _, p in steps(text))


def test_covering_all_of_an_lga_is_that_lgas_need():
    assert steps("How many nets would it take to cover all of Doragar?") == [
        ("ask_results", {"about": "plan_lga", "lga": "Doragar"})]
    assert not any(p.get("nets") for _, p in steps("is 50k enough to cover all of Doragar?"))


@pytest.mark.parametrize("text", [
    "what household size is this plan using?",
    "which hh size we use",
    "what people-per-net assumption is in there?",
    "remind me the buffer in the plan",
    "what bale size did you use",
    "what strategy is it on?",
])
def test_a_plan_setting_asked(text):
    assert steps(text) == [("ask_results", {"about": "plan_params"})]


@pytest.mark.parametrize("text", [
    "what household size do you recommend?",
    "what does people per net mean?",
    "use household size 6",
    "what would household size 6 change?",
    "set the buffer to 10%",
    "why is the strategy stop?",
])
def test_setting_look_alikes_are_not_the_settings_answer(text):
    assert ("ask_results", {"about": "plan_params"}) not in steps(text)


@pytest.mark.parametrize("text", [
    "Which ward gets served first?",
    "which ward is served first in the plan",
    "what ward gets its nets first?",
    "which is the first ward served?",
    "which ward is first in line for nets",
    "what ward will be covered first",
    "na which ward go collect nets first",
])
def test_the_ward_served_first(text):
    assert steps(text) == [("ask_results", {"about": "plan_first"})]


@pytest.mark.parametrize("text", [
    "would the PCA ranking change which ward is served first?",
    "serve Malano first",
    "which ward is first in the ranking?",
    "make the urban wards come first",
    "which ward would be served first with 2 million nets",
    "which ward gets the most nets?",
])
def test_served_first_look_alikes(text):
    assert ("ask_results", {"about": "plan_first"}) not in steps(text)


@pytest.mark.parametrize("text,params", [
    ("how many nets in dorager", {"about": "plan_lga", "lga": "Doragar"}),
    ("how many nets go kuwe sout", {"about": "plan_lga", "lga": "Kuwe South"}),
    ("nets for zaga wets?", {"about": "plan_lga", "lga": "Zaga West"}),
    ("allocated for malano", {"about": "plan_ward", "ward": "Malano", "lga": "Doragar"}),
    ("nets for dutse kakanji", {"about": "plan_ward", "ward": "Dutsen Kakanji",
                                "lga": "Doragar"}),
    ("how many nets for Kakanji?", {"about": "plan_ward", "ward": "Kakanji", "lga": "Jalsha"}),
    ("how many nets 4 wegwata", {"about": "plan_ward", "ward": "Wegwata",
                                 "lga": "Kuwe South"}),
])
def test_nets_for_a_place_named_with_slips(text, params):
    assert steps(text) == [("ask_results", params)]


@pytest.mark.parametrize("text", [
    "give dorager 20k more nets",
    "move nets to kuwe south",
    "plan nets for malano",
    "nets for dorager map",
    "how many nets would dorager get with 600k?",
    "how many nets for the top 10 wards",
])
def test_nets_for_a_place_look_alikes(text):
    assert not any(t == "ask_results" and p.get("about") in ("plan_lga", "plan_ward")
                   for t, p in steps(text))


@pytest.mark.parametrize("text", ["how many nets does Kanriya get?", "nets for kanriya",
                                  "how many nets 4 kanriya"])
def test_a_shared_ward_name_is_asked_then_answered(text):
    d = decide(text, ctx(), DialogueState(), FACTS)
    assert not d.steps and d.pending and len(d.choices) == 2
    for reply in ("the one for kuwe south", "the one in Kuwe South", "kuwe south"):
        after = decide(reply, ctx(), DialogueState(pending=d.pending), FACTS)
        assert [(s.tool, s.params) for s in after.steps] == [
            ("ask_results", {"about": "plan_ward", "ward": "Kanriya", "lga": "Kuwe South"})]


def test_a_shared_ward_name_talked_about_is_that_one():
    seen = DialogueState(focus={"ward": "Danjalba", "ward_lga": "Kuwe South"})
    assert steps("how many nets does that Danjalba get in the plan?", state=seen) == [
        ("ask_results", {"about": "plan_ward", "ward": "Danjalba", "lga": "Kuwe South"})]
    other = DialogueState(focus={"ward": "Malano", "ward_lga": "Doragar"})
    assert steps("how many nets does Danjalba get?", state=other) == []


# --- the reprioritisation --------------------------------------------------------------------

@pytest.mark.parametrize("text,threshold", [
    ("Which urban thresholds were compared?", None),
    ("what thresholds did the reprioritisation use", None),
    ("What target was it aiming at, 30 percent?", None),
    ("what was the target?", None),
    ("how many wards at 50 now?", 50),
    ("At 20%, how many wards count as urban?", 20),
    ("at the 75% threshold how many urban wards are there?", 75),
    ("Did the 30% threshold reach the target?", 30),
    ("what share of the population do the wards at 50% urban hold", 50),
    ("at 30 how many wards them select", 30),
])
def test_reprioritisation_figures(text, threshold):
    params = {"about": "repri_count", **({"threshold": threshold} if threshold else {})}
    assert steps(text, REPRI) == [("ask_results", params)]


TALKED = DialogueState(last={"tool": "ask_results",
                             "params": {"about": "repri_count", "threshold": 50}})


@pytest.mark.parametrize("text", [
    "what population share do they hold",
    "and population share",
    "and how many were selected?",
    "what share of the people is that",
    "so wetin be the population share them hold",
    "and the share?",
])
def test_a_follow_up_keeps_the_threshold_talked_about(text):
    assert steps(text, REPRI, TALKED) == [("ask_results", {"about": "repri_count",
                                                           "threshold": 50})]


@pytest.mark.parametrize("text", [
    "Could you run it again aiming for 40% of the population",
    "run the reprioritisation with a 25% target",
    "what target should we aim for?",
    "reprioritise with a 40% target",
    "what population share does the plan cover?",
    "how many nets go to the urban wards?",
])
def test_reprioritisation_look_alikes_are_not_its_figures(text):
    assert not any(t == "ask_results" and p.get("about") == "repri_count"
                   for t, p in steps(text, REPRI, TALKED))


def test_a_threshold_not_compared_is_not_read_as_a_stored_figure():
    assert not any(p.get("threshold") == 40 for _, p in steps("how many wards at 40 now?",
                                                              REPRI))


def test_reprioritisation_questions_need_one():
    assert not any(p.get("about") == "repri_count"
                   for _, p in steps("how many wards at 50 now?"))


# --- the answers -----------------------------------------------------------------------------

T = {"total_need": 4_082_676, "wards": 300, "nets_allocated": 400_000}
P = {"total_nets": 400_000, "household_size": 5, "people_per_net": 1.8,
     "urban_threshold": 50, "method": "composite"}


def test_enough_gives_the_total_need_and_the_gap():
    text = enough_text(500_000, T, P)
    assert text.startswith("No") and "4,082,676" in text and "3,582,676" in text
    assert "No plan was changed" in text and "households of 5" in text
    more = enough_text(5_000_000, T, P)
    assert more.startswith("Yes") and "917,324" in more
    assert jargon(text) == [] and jargon(more) == []


def test_the_ward_served_first_is_the_first_in_the_order():
    rows = [{"WardName": "Danjalba", "LGA": "Kuwe South", "nets_allocated": 11_878},
            {"WardName": "Ransha I", "LGA": "Rimai", "nets_allocated": 9_000}]
    text = plan_first_text(rows, P)
    assert text.startswith("Danjalba (Kuwe South LGA) is served first") and "11,878" in text
    assert "Ransha I" in text and "50% urban" in text and jargon(text) == []


WARD_TOLD = DialogueState(last={"tool": "ask_results", "params": {
    "about": "plan_ward", "ward": "Kanriya", "lga": "Kuwe South"}})


@pytest.mark.parametrize("text", ["and its coverage %", "and its coverage?",
                                  "how many nets does it need", "what coverage does that ward get",
                                  "its need?", "and the nets for that ward"])
def test_the_ward_just_answered_keeps_its_lga(text):
    assert steps(text, state=WARD_TOLD) == [
        ("ask_results", {"about": "plan_ward", "ward": "Kanriya", "lga": "Kuwe South"})]


@pytest.mark.parametrize("text", ["and its rank?", "give it 5000 more nets", "it is too low, add nets",
                                  "and Malano's coverage", "show it on the map",
                                  "its pca rank"])
def test_the_ward_just_answered_look_alikes(text):
    assert ("ask_results", {"about": "plan_ward", "ward": "Kanriya", "lga": "Kuwe South"}) \
        not in steps(text, state=WARD_TOLD)
