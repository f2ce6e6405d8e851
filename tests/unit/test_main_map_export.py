"""A map asked for as a file with no map shown yet and none named ("just give me the map as
png", "download the map"): the composite ranking map, the main map of the analysis, and the
reply says which one it is. A map shown before is the one exported, as before; "that map"
with none shown is still asked about."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, decide
from chatmrpt.chat.tool_slots import MAIN_MAP_NOTE
from tests.unit.test_g_tools import session


def run(text, table="demo", shown=None):
    c, f, st = session(table, True, last={"tool": "run_analysis", "params": {}})
    return decide(text, c, DialogueState(last=st.last, shown=shown), f)


@pytest.mark.parametrize("table", ["demo", "kano", "ilorin"])
@pytest.mark.parametrize("text,fmt", [
    ("just give me the map as png", "png"),
    ("save the map as a picture", "png"),
    ("map as png please", "png"),
    ("export the map as html", "html"),
    ("can I have the map as an image", "png"),
])
def test_the_map_with_none_shown_is_the_composite_map_and_the_reply_says_so(text, fmt, table):
    d = run(text, table)
    assert [(s.tool, s.params) for s in d.steps] == [("export_view",
                                                      {"what": "composite", "format": fmt})]
    assert MAIN_MAP_NOTE in d.notes and "composite ranking map" in MAIN_MAP_NOTE


@pytest.mark.parametrize("text", ["download the map", "export the map", "send me the map"])
def test_the_map_with_no_format_is_offered_as_the_composite_map(text):
    d = run(text)
    assert not d.steps
    assert d.choices[0]["params"] == {"what": "composite", "format": "png"}


@pytest.mark.parametrize("what", ["category", "pca", "urban"])
def test_a_map_shown_before_is_the_one_exported(what):
    d = run("just give me the map as png", shown={"kind": "map", "what": what})
    assert [(s.tool, s.params["what"]) for s in d.steps] == [("export_view", what)]
    assert MAIN_MAP_NOTE not in d.notes


def test_that_map_with_none_shown_is_asked_about():
    d = run("export that map")
    assert not d.steps and len(d.choices) >= 2
