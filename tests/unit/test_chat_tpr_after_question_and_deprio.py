"""A TPR setting said with "instead" after a question about the TPR ("now microscopy
instead"), the age group asked of the run as it stands ("what age group is the TPR run on
now?"), and "de-prioritisation" typed in two."""
from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, decide
from chatmrpt.chat.normalize import plain_text
from tests.unit.test_dialogue_numbers import FACTS, ctx

AFTER_QUESTION = DialogueState(last={"tool": "explain_methodology", "params": {}})
AFTER_TPR = DialogueState(last={"tool": "compute_tpr", "params": {"test": "rdt"}})


@pytest.mark.parametrize("text,param,value", [
    ("now microscopy instead", "test", "microscopy"),
    ("microscopy instead pls", "test", "microscopy"),
    ("under fives instead", "age", "u5"),
])
def test_a_tpr_setting_said_instead_after_a_question_reruns_it(text, param, value):
    d = decide(text, ctx(), AFTER_QUESTION, FACTS)
    assert [(s.tool, s.params.get(param)) for s in d.steps] == [("compute_tpr", value)]


@pytest.mark.parametrize("text", ["what about microscopy?",
                                  "is microscopy better than rdt?"])
def test_a_tpr_word_alone_after_a_question_runs_nothing(text):
    d = decide(text, ctx(), AFTER_QUESTION, FACTS)
    assert not any(s.tool == "compute_tpr" for s in d.steps)


def test_no_facility_export_no_tpr_rerun():
    d = decide("now microscopy instead", ctx(has_facility_data=False), AFTER_QUESTION, FACTS)
    assert not any(s.tool == "compute_tpr" for s in d.steps)


@pytest.mark.parametrize("text", ["what age group is the TPR run on now?",
                                  "which test was it run with?",
                                  "what age group is this computed for?"])
def test_the_run_s_setting_asked_is_answered(text):
    d = decide(text, ctx(), AFTER_TPR, FACTS)
    assert [(s.tool, s.params) for s in d.steps] == [("ask_results", {"about": "tpr_run"})]


@pytest.mark.parametrize("text", ["what age group? run it for over fives",
                                  "which test, run it again with microscopy"])
def test_a_rerun_with_the_question_is_not_only_answered(text):
    d = decide(text, ctx(), AFTER_TPR, FACTS)
    assert [(s.tool, s.params) for s in d.steps] != [("ask_results", {"about": "tpr_run"})]


@pytest.mark.parametrize("typed,plain", [
    ("run the urban de-prioritisation", "run the urban deprioritisation"),
    ("urban re-prioritization at 50%", "urban reprioritization at 50%"),
    ("de prioritise the urban wards", "deprioritise the urban wards"),
])
def test_prioritisation_typed_in_two_is_one_word(typed, plain):
    assert plain_text(typed) == plain


def test_de_prioritisation_with_defaults_runs():
    d = decide("ok, run the urban de-prioritisation with the default settings", ctx(),
               DialogueState(), FACTS)
    assert [(s.tool, s.params) for s in d.steps] == [("reprioritize_urban", {})]
