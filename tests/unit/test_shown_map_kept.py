"""A map asked for as "that map", "the same map" or "show it again" while another map than
the vulnerability map is on the screen: that map, not the vulnerability map put in its place
(which a later "save it as html" would then export)."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, decide
from tests.unit.test_f_exports_shown import FACTS, ctx, shown

# the category map was shown with an explanation of the method after it
CATEGORY_EXPLAINED = DialogueState(last={"tool": "explain_methodology",
                                         "params": {"topic": "general"}},
                                   shown=shown("category"))
CATEGORY = DialogueState(last={"tool": "show_map", "params": {"what": "category"}},
                         shown=shown("category"))
RAIN = DialogueState(last={"tool": "show_map", "params": {"what": "variable",
                                                           "variable": "rainfall"}},
                     shown=shown("variable", "rainfall"))
# a ward list after the category map
LIST = DialogueState(last={"tool": "top_wards", "params": {"n": 10}}, shown=shown("category"))


def maps(text, state):
    d = decide(text, ctx(None), state, FACTS)
    return [s.params for s in d.steps if s.tool == "show_map"]


@pytest.mark.parametrize("state", [CATEGORY_EXPLAINED, CATEGORY, LIST])
@pytest.mark.parametrize("text", [
    "would the html version of that map open in QGIS?",
    "show that map again",
    "show me the same map",
    "can you show this map bigger",
    "put that map on the screen",
    "does that map work in arcgis?",
    "show the map again",
])
def test_that_map_is_the_one_on_the_screen(text, state):
    assert all(p == {"what": "category"} for p in maps(text, state)), maps(text, state)


@pytest.mark.parametrize("text", ["show the map again", "show that map again",
                                  "can you show this map bigger"])
def test_a_variable_map_shown_again_keeps_its_variable(text):
    assert maps(text, RAIN) == [{"what": "variable", "variable": "rainfall"}]


@pytest.mark.parametrize("text,want", [
    ("show the rainfall map", {"what": "variable", "variable": "rainfall"}),
    ("show the vulnerability map", {"what": "composite"}),
    ("map it", {}),
    ("show the map", {}),
])
def test_a_map_named_or_not_pointed_at_is_not_the_shown_one(text, want):
    for state in (CATEGORY, LIST):
        assert maps(text, state) in ([want], []), (text, maps(text, state))


def test_nothing_shown_leaves_the_map_alone():
    assert maps("show that map again", DialogueState()) in ([{}], [])
