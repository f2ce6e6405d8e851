"""Two files in one message, each with its subject and format, are both made, in the order
said (the first was dropped before)."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, decide
from chatmrpt.chat.export_subject import two_files
from tests.unit.test_chat_answers import FACTS, ctx


@pytest.mark.parametrize(("text", "files"), [
    ("export the rankings as csv and the plan as excel", [("rankings", "csv"), ("itn_plan", "xlsx")]),
    ("can I get the rankings in csv and the plan in excel",
     [("rankings", "csv"), ("itn_plan", "xlsx")]),
    ("give me the ranking csv and the plan excel", [("rankings", "csv"), ("itn_plan", "xlsx")]),
    ("send the plan as excel and the ranking as csv", [("itn_plan", "xlsx"), ("rankings", "csv")]),
])
def test_both_files_are_made_in_the_order_said(text, files):
    d = decide(text, ctx(), DialogueState(), FACTS)
    assert [(s.params.get("what"), s.params.get("format")) for s in d.steps] == files, d.text
    assert all(s.tool == "export_results" for s in d.steps)


@pytest.mark.parametrize("text", [
    "export the plan as csv",
    "the rankings as csv and excel",  # one subject, two formats
    "send the plan as excel and show the map",
    "list top 5 wards and export csv",
])
def test_one_file_or_a_file_beside_something_else_is_not_two_files(text):
    assert two_files(text) is None


@pytest.mark.parametrize(("text", "export"), [
    ("map the categories and export it as png", {"what": "category", "format": "png"}),
    ("show the rainfall map and save it as html",
     {"what": "variable", "variable": "rainfall", "format": "html"}),
])
def test_a_map_asked_for_and_saved_in_one_message_saves_that_map(text, export):
    d = decide(text, ctx(), DialogueState(), FACTS)
    assert [s.tool for s in d.steps] == ["show_map", "export_view"], (d.text, d.not_done)
    assert d.steps[1].params == export
