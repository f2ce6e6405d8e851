"""A map saved with no format said is a picture (PNG), and the reply says so: "save that map"
or "save am" right after a map is shown saves that map; a question about saving it, a format
named, or more said than the order are not taken as that order."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, decide
from chatmrpt.chat.tool_slots import PICTURE_NOTE
from tests.unit.test_g_tools import session


def run(text, shown):
    c, f, st = session("demo", True, last={"tool": "show_map", "params": {"what": shown}})
    return decide(text, c, DialogueState(last=st.last, shown={"kind": "map", "what": shown}), f)


@pytest.mark.parametrize("shown", ["category", "composite"])
@pytest.mark.parametrize("text", ["save that map", "save am", "save that map pls",
                                  "download the map", "ok save this map for me"])
def test_the_map_shown_is_saved_as_a_picture(text, shown):
    d = run(text, shown)
    assert [(s.tool, s.params) for s in d.steps] == [("export_view",
                                                      {"what": shown, "format": "png"})]
    assert PICTURE_NOTE in d.notes and "PNG" in PICTURE_NOTE


def test_a_format_named_is_kept_and_not_noted():
    d = run("save that map as html", "category")
    assert [(s.tool, s.params) for s in d.steps] == [("export_view",
                                                      {"what": "category", "format": "html"})]
    assert PICTURE_NOTE not in d.notes


@pytest.mark.parametrize("text", ["should I save that map?", "save that map tomorrow",
                                  "maybe save that map later"])
def test_no_order_now_makes_no_file(text):
    d = run(text, "category")
    assert not any(s.tool == "export_view" for s in d.steps)
