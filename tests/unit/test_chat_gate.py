"""Acting only on evidence: the calibrated act/ask threshold, the gate on state-changing
steps, and the jargon check of replies."""

from __future__ import annotations

import pytest

from chatmrpt.chat import dialogue as dm
from chatmrpt.chat import intents
from chatmrpt.chat.dialogue import DialogueState, Facts, Step, decide
from chatmrpt.chat.router import RouterContext
from tests.eval.jargon import jargon
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

PLAN = {"total_nets": 200_000, "household_size": 5}
FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall", "housing_quality"),
              lgas=("Fagge", "Zaria"), ward_count=len(NORTH_WARDS))


def ctx(**kw) -> RouterContext:
    base = {"has_dataset": True, "variables": DEMO_VARIABLES, "wards": NORTH_WARDS,
            "analysis_status": "succeeded"}
    base.update(kw)
    return RouterContext(**base)


# --- the threshold --------------------------------------------------------------------------


def test_act_threshold_is_the_smallest_margin_with_the_required_precision():
    # 100 right state-changing predictions at margins 0.50..0.995, one wrong at 0.9025
    results = [("plan_itn", "plan_itn", 0.5 + i / 200, "") for i in range(100)]
    results.append(("ask_results", "plan_itn", 0.9025, "wrong"))
    results.append(("help", "help", 0.01, ""))  # not state-changing: ignored
    thr = intents.act_threshold(results, precision=0.99)
    above = [r for r in results if r[1] in intents.ACTION_LABELS and r[2] >= thr]
    assert sum(t == p for t, p, _, _ in above) >= 0.99 * len(above)
    assert thr == 0.5  # 100 of 101 right from the lowest margin on
    strict = intents.act_threshold(results, precision=1.0)
    assert strict > 0.9025  # only above the wrong one is everything right


def test_the_shipped_margin_is_the_cross_validated_one():
    res = intents.cross_validate()
    assert len(res) == len(intents.load_corpus())
    assert abs(intents.act_threshold(res) - intents.ACT_MARGIN) <= 0.03
    right = sum(t == p for t, p, _, _ in res) / len(res)
    assert right >= 0.8


# --- the gate -------------------------------------------------------------------------------


def test_a_clear_plan_request_acts():
    d = decide("plan 500,000 nets with household size 5", ctx(), DialogueState(), FACTS)
    assert [(s.tool, s.params) for s in d.steps] == [
        ("plan_itn", {"total_nets": 500_000, "household_size": 5})]


def test_a_weakly_supported_action_is_asked_and_the_tap_runs_exactly_it():
    d = dm.Decision([Step("plan_itn", {"total_nets": 2023, "household_size": 5},
                          source="2023 sounds good")])
    asked = dm._gate(d, "2023 sounds good", DialogueState())
    assert not asked.steps and "?" in asked.text
    assert asked.reading["gated"] == ["plan_itn"]
    label = asked.choices[0]["label"]
    assert "2,023 nets" in label and "household size 5" in label
    state = DialogueState(pending=asked.pending)
    tapped = decide(label, ctx(), state, FACTS)
    assert [(s.tool, s.params) for s in tapped.steps] == [
        ("plan_itn", {"total_nets": 2023, "household_size": 5})]
    yes = decide("yes go ahead", ctx(), state, FACTS)
    assert [s.tool for s in yes.steps] == ["plan_itn"]
    no = decide(asked.choices[1]["label"], ctx(), state, FACTS)
    assert not no.steps and no.pending is None


def test_a_change_of_the_last_plan_draws_its_evidence_from_the_conversation():
    state = DialogueState(last={"tool": "plan_itn", "params": PLAN})
    d = decide("20 percent more", ctx(last_plan=PLAN), state, FACTS)
    assert [(s.tool, s.params) for s in d.steps] == [("what_if_plan", {"total_nets": 240_000})]
    # words the model reads only weakly as a plan change ("ok 300k then sorry": a yes,
    # or a plan?) act right after a plan, and are asked about with no plan just made
    weak = dm.Decision([Step("what_if_plan", {"total_nets": 300_000},
                             source="ok 300k then sorry")])
    assert dm._gate(weak, "ok 300k then sorry", state).steps
    fresh = dm._gate(weak, "ok 300k then sorry", DialogueState())
    assert not fresh.steps and fresh.choices
    # right after a plan, words the model surely reads as something else change nothing
    odd = dm._gate(dm.Decision([Step("what_if_plan", {"total_nets": 2019},
                                     source="who won the 2019 senate election?")]),
                   "who won the 2019 senate election?", state)
    assert not odd.steps and odd.reading["gated"] == ["what_if_plan"]


def test_a_plan_with_a_number_not_in_the_message_is_asked():
    d = dm.Decision([Step("plan_itn", {"total_nets": 500_000, "household_size": 6},
                          source="plan 500,000 nets household size 5")])
    asked = dm._gate(d, "plan 500,000 nets household size 5", DialogueState())
    assert not asked.steps and "household size 6" in asked.choices[0]["label"]


@pytest.mark.parametrize("text", ["who won the 2019 senate election?",
                                  "my phone battery is 20 percent", "tell me a joke"])
def test_unrelated_messages_change_nothing(text):
    state = DialogueState(last={"tool": "plan_itn", "params": PLAN})
    d = decide(text, ctx(last_plan=PLAN), state, FACTS)
    assert not d.steps


# --- jargon ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text,kind", [
    ("run chatmrpt plan --nets 5", "flag"),
    ("Ranked by composite_rank.", "internal name"),
    ("pca_score is high here", "internal name"),
    ("urban wards (tier 2) come last", "rule name"),
    ("strategy stop was used", "rule name"),
    ("KMO is 0.71 (middling)", "raw KMO label"),
    ("value: None", "code"),
])
def test_jargon_is_found(text, kind):
    assert any(j.startswith(kind) for j in jargon(text))


def test_plain_words_are_not_jargon():
    assert jargon("Plan for 240,000 nets = 200,000 + 20%, households of 5 people. "
                  "The data suit PCA fairly well (KMO 0.71).") == []


# --- changes that name more than they change ------------------------------------------------


def test_a_variable_named_as_a_reason_is_not_dropped_too():
    c = ctx(variables=(*DEMO_VARIABLES, "ndvi"))
    facts = Facts(analysis_variables=("u5_tpr_rdt", "rainfall", "ndvi", "housing_quality"))
    state = DialogueState(last={"tool": "run_analysis", "params": {}})
    d = decide("hmm drop rainfall, it is too correlated with ndvi", c, state, facts)
    assert [s.params["variables"] for s in d.steps] == [["u5_tpr_rdt", "ndvi", "housing_quality"]]
    d = decide("drop rainfall and ndvi", c, state, facts)
    assert [s.params["variables"] for s in d.steps] == [["u5_tpr_rdt", "housing_quality"]]


def test_several_settings_dropped_at_once_and_a_reset_resets_all():
    plan = {**PLAN, "bale_size": 50, "buffer": 1.1}
    state = DialogueState(last={"tool": "plan_itn", "params": plan})
    d = decide("no bales and no buffer", ctx(last_plan=plan), state, FACTS)
    assert [(s.tool, s.params) for s in d.steps] == [
        ("what_if_plan", {"bale_size": 1, "buffer": 1})]
    d = decide("back to the default settings please, no bales no buffer", ctx(last_plan=plan),
               state, FACTS)
    assert [(s.tool, s.params) for s in d.steps] == [("plan_itn", PLAN)]


def test_an_export_without_a_format_is_asked():
    state = DialogueState(last={"tool": "show_map", "params": {"what": "composite"}},
                          shown={"what": "composite"})
    d = decide("export it", ctx(), state, FACTS)
    assert not d.steps and d.choices
    d = decide("download the rankings as excel", ctx(), DialogueState(), FACTS)
    assert [(s.tool, s.params) for s in d.steps] == [
        ("export_results", {"what": "rankings", "format": "xlsx"})]


def test_a_question_after_a_reprioritisation_recomputes_nothing_unasked():
    state = DialogueState(last={"tool": "reprioritize_urban", "params": {"target_share": 30}})
    d = dm._gate(dm.Decision([Step("reprioritize_urban", {"target_share": 30},
                                   source="how many wards are picked at 30% with that target?")]),
                 "how many wards are picked at 30% with that target?", state)
    assert not d.steps and d.choices
