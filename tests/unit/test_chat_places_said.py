"""Places as people say them in chat messages: "the one in <LGA>" before a corrected count
is a ward, no number; an LGA code passed on from someone ("he say na 20030") answers the
question for the code."""

from __future__ import annotations

import pytest

from chatmrpt.chat.reading import apply_correction

# the session of the file tests: a plan of 400,000 nets, three variables analysed
from tests.unit.test_chat_files_said import ctx

# --- "the one in <LGA>" is no number ------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "The one in Kuwe South. Actually, just list the top five in Kuwe South",
    "that one in Zaria, sorry, the top 5 there",
])
def test_the_one_is_not_corrected_to_a_number(text):
    fixed, note = apply_correction(text)
    assert note is None and fixed == text


def test_a_number_said_as_one_is_still_corrected():
    fixed, note = apply_correction("top one ward, actually top 5")
    assert note is not None and "5" in fixed


# --- an LGA code passed on from someone ---------------------------------------------------------


@pytest.mark.parametrize("text", ["he say na 20030", "my oga said it is 20030",
                                  "she told me 20030", "20030"])
def test_an_lga_code_passed_on_answers_the_code_question(text):
    from chatmrpt.chat.pending import _lga_code_answer

    d = _lga_code_answer(text, text.lower(), {"lga_code_for": {}})
    assert d is not None and d.steps[0].params["lga_code"] == "20030"


@pytest.mark.parametrize("text", ["he say na 20030 nets", "plan 20030 nets for my lga today"])
def test_other_messages_with_a_number_are_not_a_code(text):
    from chatmrpt.chat.pending import _lga_code_answer

    assert _lga_code_answer(text, text.lower(), {"lga_code_for": {}}) is None


# --- a closing quote is no part of a place's name -----------------------------------------------


@pytest.mark.parametrize("text", ["he wrote 'top 5 wards in Zaria'", "'the ones in zaria'. can you?"])
def test_a_place_in_quotes_is_named_without_the_quote(text):
    from chatmrpt.chat.tables import place_named

    assert place_named(text, ctx(), weak=True) == "zaria"
