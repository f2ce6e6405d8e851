"""A question about how the last TPR was computed ("what age group was the TPR run for?",
"tpr settings?") is answered from the stored run: never a new TPR run, never a plan
question; a request to compute it again, or a ward's rate, is no such question."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts
from tests.unit.chat_corpus import decide_after_analysis

FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall", "housing_quality"), ward_count=8)


def run(text, facility=True, state=None):
    return decide_after_analysis(text, FACTS, state, has_facility_data=facility)


@pytest.mark.parametrize("text", [
    "what age group was the TPR run for?",
    "which test did the tpr use",
    "what were the settings of the last TPR?",
    "tpr settings?",
    "which facility level was used for the tpr",
    "how was the tpr computed?",
    "what file was the test positivity rate computed from?",
])
def test_a_question_about_the_last_tpr_run_is_answered_from_it(text):
    steps, d = run(text)
    assert steps == [("ask_results", {"about": "tpr_run"})], d.text


@pytest.mark.parametrize("text", [
    "can you rerun the tpr with the same settings?",
    "now compute the tpr for pregnant women",
    "what is the tpr of Malano?",
    "show the map of u5_tpr_rdt",
])
def test_requests_and_ward_rates_are_no_question_about_the_run(text):
    steps, d = run(text)
    assert ("ask_results", {"about": "tpr_run"}) not in steps, d.text


def test_without_a_tpr_run_there_is_nothing_to_answer_from():
    steps, d = run("what age group was the TPR run for?", facility=False)
    assert ("ask_results", {"about": "tpr_run"}) not in steps
    assert not any(t == "compute_tpr" for t, _ in steps), d.text
    # said plainly, not as a TPR request read back ("I read this as: the TPR for ...")
    from chatmrpt.chat.tables import facility_export_needed

    said = facility_export_needed({}, "what age group was the TPR run for?")
    assert said.startswith("No test positivity rate (TPR) has been computed"), said
    asked = facility_export_needed({}, "compute the tpr for under fives")
    assert asked.startswith("I read this as"), asked


def test_after_a_tpr_run_the_settings_question_does_not_run_it_again():
    after = DialogueState(last={"tool": "compute_tpr", "params": {"age": "o5"}})
    steps, d = run("tpr settings?", state=after)
    assert steps == [("ask_results", {"about": "tpr_run"})], d.text
