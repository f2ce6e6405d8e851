"""Beside clear orders: a place the data does not hold, named after a list of another LGA
("what about Ikeja? show me the wards there too"), lists nothing; a thing put off after the
request ("can I get the plan in excel? the map can wait") is not made; "wards fully covd?"
is the question it is."""

from __future__ import annotations

import pytest

from chatmrpt.chat import tables
from chatmrpt.chat.dialogue import DialogueState, decide
from chatmrpt.chat.normalize import plain_text
from chatmrpt.chat.reading import put_off_dropped
from chatmrpt.chat.state import Decision, Step
from tests.unit.test_dialogue_guards import FACTS, PLAN, ctx

AFTER_PLAN = DialogueState(last={"tool": "ask_results", "params": {"about": "plan_totals"}})


def listed(d) -> list:
    return [s for s in d.steps if s.tool in ("list_wards", "top_wards")]


def carried(text):
    """A ward list of Fagge, the LGA carried over from the last answer, for ``text``."""
    step = Step("list_wards", {"lga": "Fagge", "category": "High"}, source=text)
    return tables.unplaced_list(Decision([step]), text, ctx(), FACTS)


@pytest.mark.parametrize("text", [
    "Please what about Ikeja? show me the wards there too",
    "what about Surulere? list the wards there",
])
def test_an_unknown_place_beside_an_lga_carried_over_lists_nothing(text):
    d = carried(text)
    assert not listed(d), d.steps
    name = text.split("about ")[1].split("?")[0]
    assert name in d.text and "nothing was listed" in d.text


@pytest.mark.parametrize("text", ["and the bottom ones there?", "show me the wards there too",
                                  "what about the high ones in fagge?",
                                  "what about the medium ones? show me the wards there too"])
def test_the_lga_carried_over_is_kept_when_no_other_place_is_named(text):
    d = carried(text)
    assert [s.params.get("lga") for s in listed(d)] == ["Fagge"], d.text


@pytest.mark.parametrize(("text", "kept"), [
    ("can I get the plan in excel? the map can wait", "can I get the plan in excel?"),
    ("the plan in excel, the map can wait", "the plan in excel"),
    ("export the plan as excel; the map later", "export the plan as excel"),
    ("plan 400k hh 5, the report tomorrow", "plan 400k hh 5"),
])
def test_a_thing_put_off_at_the_end_is_left_out(text, kept):
    assert put_off_dropped(text) == kept


@pytest.mark.parametrize("text", ["the map can wait", "show the map", "wait, export the map"])
def test_nothing_is_left_out_when_nothing_else_is_asked(text):
    assert put_off_dropped(text) == text


def test_the_file_asked_for_is_made_and_not_the_one_put_off():
    d = decide("can I get the plan in excel? the map can wait", ctx(last_plan=PLAN), AFTER_PLAN,
               FACTS)
    assert [(s.tool, s.params) for s in d.steps] == [
        ("export_results", {"what": "itn_plan", "format": "xlsx"})], d.text


@pytest.mark.parametrize("text", ["wards fully covd?", "how many wards fully cvrd", "wards not covd"])
def test_covered_typed_short_asks_the_plan(text):
    assert "covered" in plain_text(text)
    d = decide(text, ctx(last_plan=PLAN), AFTER_PLAN, FACTS)
    assert [(s.tool, s.params) for s in d.steps] == [("ask_results", {"about": "plan_totals"})]
