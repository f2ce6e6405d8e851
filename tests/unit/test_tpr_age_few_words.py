"""TPR age groups said in few words: pidgin "ova 5" / "unda 5", and a group left out
("the over-fives, no pregnant women") which is not the group asked for. A group left out
with no other group named is no choice (asked back), never "everyone"."""

from __future__ import annotations

import pytest

from chatmrpt.chat import extract as ex
from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.normalize import plain_text
from chatmrpt.chat.router import RouterContext


def age(text):
    return ex.find_choice("age", plain_text(text))


@pytest.mark.parametrize("text,group", [
    ("tpr for ova 5 only", "o5"),
    ("tpr ova five", "o5"),
    ("do tpr for pipo ova 5", "o5"),
    ("tpr unda 5", "u5"),
    ("tpr for pikin unda five", "u5"),
    ("Redo it for the over-fives, 5 years and above, no pregnant women", "o5"),
    ("over fives excluding pregnant women", "o5"),
    ("tpr for the older ones without pregnant women", "o5"),
    ("TPR for non-pregnant adults", "o5"),
    ("5 and above but not the pregnant women", "o5"),
    ("under fives, no pregnant women", "u5"),
    ("tpr excluding pregnant women, under fives only", "u5"),
    ("everyone 5 years and above apart from anc clients", "o5"),
])
def test_the_group_asked_for_is_read(text, group):
    assert age(text) == group


@pytest.mark.parametrize("text,group", [
    ("tpr for pregnant women", "pw"),
    ("pregnant women only", "pw"),
    ("tpr for anc clients", "pw"),
    ("pregnant women, not the under fives", "pw"),
    ("tpr for all ages", "all"),
    ("tpr for everyone", "all"),
])
def test_a_group_named_plainly_is_kept(text, group):
    assert age(text) == group


@pytest.mark.parametrize("text", [
    "tpr for everyone except pregnant women",
    "redo tpr for everyone, no pregnant women",
    "not pregnant women",
    "tpr without pregnant women",
    "tpr for all ages excluding pw",
])
def test_a_group_left_out_alone_is_no_choice(text):
    assert age(text) is None


VARIABLES = ("u5_tpr_rdt", "Population")
WARDS = (("Zango", None), ("Dala", None))


def decide_tpr(text, last_age="u5"):
    c = RouterContext(has_dataset=True, variables=VARIABLES, wards=WARDS,
                      analysis_status="succeeded", has_facility_data=True)
    state = DialogueState(last={"tool": "compute_tpr", "params": {"age": last_age}})
    return decide(text, c, state, Facts(population=True))


@pytest.mark.parametrize("text,params", [
    ("tpr for ova 5 only", {"age": "o5"}),
    ("I see the TPR don run already. Redo it for the over-fives, 5 years and above, no "
     "pregnant women", {"age": "o5"}),
    ("run tpr unda 5, rdt only", {"age": "u5", "test": "rdt"}),
])
def test_the_tpr_runs_for_the_group_asked(text, params):
    d = decide_tpr(text)
    assert [(s.tool, s.params) for s in d.steps] == [("compute_tpr", params)]


@pytest.mark.parametrize("text", [
    "redo the tpr for everyone except pregnant women",
    "tpr without pregnant women",
    "run tpr for all ages excluding pw",
])
def test_a_group_left_out_alone_is_asked_back(text):
    d = decide_tpr(text)
    assert d.steps == [] and "Which one" in d.text and "five and over" in d.text


@pytest.mark.parametrize("text", ["wat age group dis one", "which test is this?",
                                  "what age group is this one", "na which facility level be this",
                                  "remind me the settings"])
def test_the_settings_of_the_run_just_made_are_answered(text):
    d = decide_tpr(text)
    assert [(s.tool, s.params) for s in d.steps] == [("ask_results", {"about": "tpr_run"})]


@pytest.mark.parametrize("text", ["what about rdt only", "which wards are high?",
                                  "what age groups can I choose?", "what does age group mean"])
def test_other_questions_after_a_run_keep_their_reading(text):
    d = decide_tpr(text)
    assert ("ask_results", {"about": "tpr_run"}) not in [(s.tool, s.params) for s in d.steps]


def test_the_settings_question_needs_a_run_just_made():
    c = RouterContext(has_dataset=True, variables=VARIABLES, wards=WARDS,
                      analysis_status="succeeded", has_facility_data=True)
    d = decide("wat age group dis one", c, DialogueState(last={"tool": "top_wards",
                                                                "params": {}}),
               Facts(population=True))
    assert ("ask_results", {"about": "tpr_run"}) not in [(s.tool, s.params) for s in d.steps]
