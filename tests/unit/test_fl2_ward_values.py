"""One ward's values in follow-ups: "whats its tpr value" after a ward's rank, pidgin "de
housing value for am?", "e get elevation?", and another ward said short after a value
("What's the population of Dambo?" -> "and Zango?") give that ward's value, never its
explanation; a map, a "why", a change or a method question is left to the other readers."""

from __future__ import annotations

import pytest

from chatmrpt.chat import focus as fc
from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.extract import WardRef
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

LGAS = ("Fagge", "Geidam", "Maiduguri", "Nguru", "Zaria", "Nassarawa", "Kano Municipal")
WARDS = tuple(WardRef(n, lga) for n, lga in NORTH_WARDS)
CTX = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=WARDS,
                    analysis_status="succeeded")
FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=LGAS, ward_count=len(WARDS))


def after(first: str, text: str):
    """``text`` read right after ``first`` was answered."""
    d = decide(first, CTX, DialogueState(), FACTS)
    focus = fc.update(fc.Focus(), first, d.steps, LGAS, WARDS).to_dict()
    last = {"tool": d.steps[-1].tool, "params": d.steps[-1].params} if d.steps else None
    d2 = decide(text, CTX, DialogueState(last=last, focus=focus), FACTS)
    return [(s.tool, s.params) for s in d2.steps], d2


@pytest.mark.parametrize("text,column", [
    ("whats its tpr value", "u5_tpr_rdt"),
    ("what is its housing quality?", "housing_quality"),
    ("de housing value for am?", "housing_quality"),
    ("e get elevation?", "elevation"),
    ("and its rainfall?", "rainfall"),
    ("wetin be the rainfall for am", "rainfall"),
    ("that ward's elevation?", "elevation"),
])
def test_a_value_of_the_ward_just_answered(text, column):
    for first in ("Dambo is number what on the composite?", "abeg wetin be Dambo rank"):
        got, _ = after(first, text)
        assert got == [("ward_value", {"ward": "Dambo", "variable": column})], (first, text)


@pytest.mark.parametrize("text", [
    "show its elevation map",          # a map
    "why is its tpr so high",          # an explanation
    "what is tpr?",                    # a word explained, no ward referred to
    "remove its housing value",        # a change
    "its rank?",                       # the rank, read elsewhere
])
def test_other_questions_about_the_ward_are_not_values(text):
    got, _ = after("abeg wetin be Dambo rank", text)
    assert not any(t == "ward_value" for t, _ in got), text


@pytest.mark.parametrize("text", ["and Zango?", "what about Zango", "Zango nko",
                                  "and Zango in Kano Municipal?"])
def test_another_ward_after_a_value_gets_the_same_value(text):
    got, _ = after("What's the population of Dambo?", text)
    assert [t for t, _ in got] == ["ward_value"], text
    assert got[0][1]["ward"] == "Zango" and got[0][1]["variable"] == "Population", text


def test_another_ward_of_a_shared_name_is_asked_about():
    got, d = after("What's the population of Dambo?", "and Sabon Gari?")
    assert not got and d.choices and len(d.choices) == 2


def test_another_ward_after_a_rank_is_not_a_value():
    got, _ = after("abeg wetin be Dambo rank", "and Zango?")
    assert not any(t == "ward_value" for t, _ in got)


def test_other_follow_ups_after_a_value_are_not_a_ward():
    for text in ("and top 5?", "and Zaria?", "and Zango map?"):
        got, _ = after("What's the population of Dambo?", text)
        assert not any(t == "ward_value" for t, _ in got), text


def test_a_question_about_the_analysis_with_it_is_not_a_value():
    for text in ("does it use elevation?", "is elevation in it?"):
        got, _ = after("abeg wetin be Dambo rank", text)
        assert not any(t == "ward_value" for t, _ in got), text


def test_a_ward_name_with_a_number_after_a_value():
    got, _ = after("What's the population of Bolori I?", "and Bolori II?")
    assert got == [("ward_value", {"ward": "Bolori II", "variable": "Population"})]
    got, _ = after("What's the population of Dambo?", "and Zango 20 times?")
    assert not any(t == "ward_value" for t, _ in got)
    got, _ = after("abeg wetin be Dambo rank", "its u5 tpr value?")
    assert got == [("ward_value", {"ward": "Dambo", "variable": "u5_tpr_rdt"})]
