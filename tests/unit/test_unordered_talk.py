"""Messages that talk about a change without ordering it (a hedge, what someone else said, a
condition still to be checked, a sum about a setting) change nothing; the few-word TPR
settings and clear orders beside them still run."""

from __future__ import annotations

import pytest

from chatmrpt.chat import net_sums
from chatmrpt.chat.dialogue import DialogueState, Facts
from tests.unit.chat_corpus import NORTH_WARDS, decide_after_analysis

FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall", "housing_quality"),
              ward_count=len(NORTH_WARDS))
TPR_OFFERED = DialogueState(pending={
    "expects": "choice", "tool": "compute_tpr",
    "choices": [{"label": "Compute the TPR", "tool": "compute_tpr", "params": {}},
                {"label": "No, leave it", "tool": "", "params": {}, "cancel": True}]})


def run(text, state=None, facility=True, **ctx):
    return decide_after_analysis(text, FACTS, state or DialogueState(),
                                 has_facility_data=facility, **ctx)


# --- a sum about a setting is answered ---------------------------------------------------------

@pytest.mark.parametrize("text,value", [
    ("if a bale is 50 nets, how many bales make 800k?", 16000),
    ("one bale is 100 nets: how many bales for 1.2 million?", 12000),
    ("a bale holds 40 nets, how many bales do we need for 600k", 15000),
    ("how many bales do 800k nets make if a bale is 50?", 16000),
])
def test_bales_for_a_bare_amount_is_a_sum(text, value):
    d = net_sums.arithmetic_answer(text)
    assert d is not None and d.reading["value"] == value


@pytest.mark.parametrize("text", [
    "how many bales make 800k?",  # no bale size said
    "if a bale is 50 nets, how many bales for 20 wards?",  # no stock of nets
    "how many bales make 800k if a bale is 50 people?",  # not a bale size
])
def test_bales_without_every_factor_are_not_a_sum(text):
    assert net_sums.arithmetic_answer(text) is None


def test_a_bale_sum_after_a_plan_changes_nothing():
    plan = {"total_nets": 800000, "household_size": 5}
    steps, d = run("if a bale is 50 nets, how many bales make 800k?", last_plan=plan)
    assert steps == [] and "16,000" in (d.text or "")


# --- a TPR setting said in few words ------------------------------------------------------------

@pytest.mark.parametrize("text,params", [
    ("over 5s", {"age": "o5"}),
    ("rdt only", {"test": "rdt"}),
    ("primary facilities", {"facility_level": "primary"}),
])
def test_a_tpr_setting_after_a_tpr_offer_runs_it(text, params):
    steps, d = run(text, TPR_OFFERED)
    assert steps == [("compute_tpr", params)], d.text


def test_a_tpr_setting_first_thing_runs_it():
    steps, d = run("over 5s")
    assert steps == [("compute_tpr", {"age": "o5"})], d.text


@pytest.mark.parametrize("last", [
    {"tool": "explain_methodology", "params": {"topic": "tpr"}},
    {"tool": "top_wards", "params": {"n": 10}},
])
def test_back_to_an_age_runs_the_tpr_again(last):
    steps, d = run("back to under 5", DialogueState(last=last))
    assert steps == [("compute_tpr", {"age": "u5"})], d.text


@pytest.mark.parametrize("text,last,facility", [
    ("over 5s", {"tool": "top_wards", "params": {"n": 10}}, True),  # another subject last
    ("over 5s", None, False),  # no facility export
    ("back to under 5", None, False),
    ("back to household size 5", {"tool": "explain_methodology", "params": {"topic": "tpr"}}, True),
])
def test_a_tpr_setting_elsewhere_is_not_a_tpr_run(text, last, facility):
    steps, d = run(text, DialogueState(last=last), facility=facility)
    assert not any(t == "compute_tpr" for t, _ in steps), d.text


# --- a doubt, someone's words, a condition: nothing changes -------------------------------------

PLAN = {"total_nets": 450000, "household_size": 5}
AFTER_PLAN = DialogueState(last={"tool": "plan_itn", "params": PLAN})
AFTER_TPR = DialogueState(last={"tool": "compute_tpr", "params": {"age": "o5"}})


@pytest.mark.parametrize("text", [
    "hmm maybe 500k would be better... make I call oga first",
    "600k might be better, let me check with my director",
    "perhaps household size 6 would be safer? what do you think",
    "maybe 550k instead, I need to talk to my boss first",
])
def test_a_plan_change_said_with_a_doubt_is_offered(text):
    steps, d = run(text, AFTER_PLAN, last_plan=PLAN)
    assert not any(t in ("plan_itn", "what_if_plan") for t, _ in steps), d.text


@pytest.mark.parametrize("text", [
    "maybe rank with only rainfall and housing_quality? not sure, what do you think",
    "what do you think, should I rank with rainfall and housing_quality only?",
    "not sure whether to drop rainfall, your advice?",
])
def test_an_analysis_said_with_a_doubt_is_offered(text):
    steps, d = run(text)
    assert not any(t == "run_analysis" for t, _ in steps), d.text


@pytest.mark.parametrize("text", [
    "my supervisor said microscopy is more reliable than RDT",
    "our lab officer thinks RDT only is better",
    "the state team feels primary facilities give a truer picture",
    "according to the director, microscopy is the gold standard",
])
def test_what_someone_said_about_the_tpr_runs_nothing(text):
    steps, d = run(text, AFTER_TPR)
    assert steps == [] and d.choices, d.text


@pytest.mark.parametrize("text", [
    "if primary facilities are the majority I'd want primary only, but first tell me which "
    "facility levels the file has",
    "if most tests are rdt I would use rdt only",
    "if over fives are few, i'd rather keep under 5; first show me how many facilities there are",
])
def test_a_condition_still_to_check_runs_nothing(text):
    steps, d = run(text, AFTER_TPR)
    assert steps == [], d.text


@pytest.mark.parametrize("text,tool", [
    ("ok redo it with microscopy only, keep over fives", "compute_tpr"),
    ("run it for primary facilities only, same settings", "compute_tpr"),
    ("my supervisor prefers microscopy, so rerun it with microscopy", "compute_tpr"),
    ("my supervisor said microscopy is better, so redo it with microscopy only, keep over fives",
     "compute_tpr"),
    ("if possible run it for primary facilities only", "compute_tpr"),
])
def test_an_order_beside_the_talk_still_runs(text, tool):
    steps, d = run(text, AFTER_TPR)
    assert [t for t, _ in steps] == [tool], d.text


@pytest.mark.parametrize("text", [
    "oga don talk. make am 500k",
    "ok 500k nets. run am",
])
def test_a_plan_ordered_still_runs(text):
    steps, d = run(text, AFTER_PLAN, last_plan=PLAN)
    assert [t for t, _ in steps] and all(t in ("plan_itn", "what_if_plan") for t, _ in steps), \
        d.text


def test_a_doubt_that_turns_the_change_down_offers_nothing():
    plan = {**PLAN, "strategy": "stop"}
    steps, d = run("people per net 2? hmm not sure. leave it",
                   DialogueState(last={"tool": "what_if_plan", "params": {"strategy": "stop"}}),
                   last_plan=plan)
    assert steps == [] and not (d.pending or {}).get("offered"), d.text


# --- an order said last, after talk about later -------------------------------------------------

AFTER_MAP = DialogueState(last={"tool": "show_map",
                                "params": {"what": "variable", "variable": "rainfall"}},
                          shown={"kind": "map", "what": "variable", "variable": "rainfall"})


@pytest.mark.parametrize("text", [
    "can I get that as png? I was going to ask later... actually yes, make the png now",
    "I was going to ask for it tomorrow. ok export it as png now",
])
def test_a_file_ordered_last_is_made(text):
    steps, d = run(text, AFTER_MAP)
    assert [(t, p.get("format")) for t, p in steps] == [("export_view", "png")], d.text


@pytest.mark.parametrize("text", [
    "I will ask for the png next week",
    "we might want it as png later. make it then",
])
def test_a_file_asked_about_or_for_later_is_not_made(text):
    steps, d = run(text, AFTER_MAP)
    assert not any(t.startswith("export") for t, _ in steps), d.text


def test_was_going_to_is_not_a_plan_for_later():
    from chatmrpt.chat.guards import deferred

    assert not deferred("I was going to ask later... actually yes, make the png now")
    assert deferred("we might try a 20% target next month")


# --- a request ordered by its own name ------------------------------------------------------------

_REPRI_OFFER = {"label": "Reprioritise urban wards with a target of 20%",
                "tool": "reprioritize_urban", "params": {"target_share": 20},
                "steps": [{"tool": "reprioritize_urban", "params": {"target_share": 20}, "echo": ""}]}
REPRI_OFFERED = DialogueState(pending={
    "expects": "choice", "offered": True, "tool": "reprioritize_urban",
    "choices": [_REPRI_OFFER, {"label": "No, leave it", "tool": "", "params": {}, "cancel": True}]})


@pytest.mark.parametrize("text", [
    "ok run the reprioritisation with the default settings",
    "alright, run the urban reprioritization with default settings",
    "please perform the reprioritisation with the standard settings",
])
def test_a_reprioritisation_ordered_by_name_runs(text):
    steps, d = run(text, REPRI_OFFERED)
    assert [t for t, _ in steps] == ["reprioritize_urban"], d.text


@pytest.mark.parametrize("text", [
    "what would the reprioritisation do with the default settings?",
    "maybe run the reprioritisation with the default settings later",
    "don't run the reprioritisation with the default settings",
])
def test_a_reprioritisation_named_but_not_ordered_does_not_run(text):
    steps, d = run(text, REPRI_OFFERED)
    assert not any(t == "reprioritize_urban" for t, _ in steps), d.text


# --- a count of one LGA's wards said back -------------------------------------------------------

def _count_check(text):
    from chatmrpt.chat.counts import count_check
    from chatmrpt.chat.router import RouterContext

    lgas = tuple(dict.fromkeys(lga for _, lga in NORTH_WARDS))
    ctx = RouterContext(has_dataset=True, wards=NORTH_WARDS)
    return count_check(text, ctx, Facts(lgas=lgas, ward_count=len(NORTH_WARDS)))


@pytest.mark.parametrize("text,verdict", [
    ("we get 5 wards for Zaria abi? confirm am", "Yes: Zaria LGA has 5 wards"),
    ("Maiduguri has 3 wards, correct?", "No: Maiduguri LGA has 2 wards"),
])
def test_a_count_for_an_lga_said_back_is_that_lgas(text, verdict):
    d = _count_check(text)
    assert d is not None and d.text.startswith(verdict), d and d.text


def test_a_count_for_an_unknown_place_is_not_the_tables():
    d = _count_check("we get 21 wards for Rimai abi? confirm am")
    assert d is None or "14" not in (d.text or "")


def test_a_count_for_the_whole_table_is_still_the_tables():
    d = _count_check("14 wards in total, correct?")
    assert d is not None and d.text.startswith("Yes: your ward table has 14 wards")
