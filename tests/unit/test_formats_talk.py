"""Questions about the file formats are answered; requests for a file are left to exports."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, decide
from chatmrpt.chat.formats_talk import format_question
from tests.unit.test_chat_dialogue import FACTS, ctx


@pytest.mark.parametrize("text,formats,says", [
    ("would the html version of that map open in QGIS?", ["html"], "not a GIS layer"),
    ("what's the difference between geojson and geoparquet?", ["geojson", "geoparquet"],
     "compact binary"),
    ("can I open the csv in excel?", ["csv"], "opens in Excel"),
    ("does the png work in qgis?", ["png"], "GeoJSON"),
    ("which is better for QGIS, geojson or geoparquet?", ["geojson", "geoparquet"], "QGIS"),
])
def test_format_questions_are_answered(text, formats, says):
    d = format_question(text)
    assert d is not None and d.steps == [], text
    assert d.reading["about_formats"] == formats
    assert says in d.text and "Nothing was exported" in d.text


@pytest.mark.parametrize("text", [
    "can you save it as geojson?", "export the map as html", "send me the csv please",
    "geojson of the unified dataset", "give me the plan in excel?", "top 10 wards",
    "what is the population of Kuran?",
])
def test_requests_and_other_questions_are_not_read_here(text):
    assert format_question(text) is None, text


def test_the_dialogue_answers_without_exporting():
    d = decide("would the html version of that map open in QGIS?", ctx(),
               DialogueState(last={"tool": "show_map", "params": {"what": "composite"}}), FACTS)
    assert d.steps == [] and "GeoJSON" in d.text
