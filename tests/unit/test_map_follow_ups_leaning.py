"""Maps asked for by leaning on the message before: "now ndwi" after a variable's map, "and at
30?" after the urban map, "the map of that" after a question about the net plan."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, decide
from tests.unit.test_chat_dialogue import FACTS, ctx

RAIN_MAP = {"kind": "map", "what": "variable", "variable": "rainfall", "threshold": None}
AFTER_RAIN_MAP = DialogueState(last={"tool": "show_map", "params": {"what": "variable",
                                                                    "variable": "rainfall"}},
                               shown=RAIN_MAP)
AFTER_RAIN_FILE = DialogueState(last={"tool": "export_view", "params": {"format": "png"}},
                                shown=RAIN_MAP)
ACTS = ("run_analysis", "plan_itn", "what_if_plan", "reprioritize_urban", "compute_tpr")


def _steps(text, state, c=None):
    d = decide(text, c or ctx(), state, FACTS)
    return [(s.tool, s.params) for s in d.steps]


@pytest.mark.parametrize("text,column", [
    ("now ndmi", "ndmi"), ("and elevation", "elevation"), ("now soil wetness", "soil_wetness"),
    ("what about elevation?", "elevation"), ("and the elevation please", "elevation"),
])
@pytest.mark.parametrize("state", [AFTER_RAIN_MAP, AFTER_RAIN_FILE])
def test_a_bare_variable_after_a_variable_map_is_its_map(text, column, state):
    assert _steps(text, state) == [("show_map", {"what": "variable", "variable": column})]


@pytest.mark.parametrize("text", ["now add elevation", "and drop elevation",
                                  "now rank with elevation", "and without elevation",
                                  "now elevation value of Zango", "and elevation top 5"])
def test_a_change_of_the_analysis_after_a_variable_map_is_no_map(text):
    steps = _steps(text, AFTER_RAIN_MAP)
    assert ("show_map", {"what": "variable", "variable": "elevation"}) not in steps, steps


def test_a_bare_variable_after_a_list_is_not_a_map():
    state = DialogueState(last={"tool": "top_wards", "params": {"n": 5}})
    steps = _steps("now elevation", state)
    assert not any(t == "show_map" for t, _ in steps), steps


URBAN_MAP = DialogueState(last={"tool": "show_map", "params": {"what": "urban", "threshold": 50}},
                          shown={"kind": "map", "what": "urban", "threshold": 50})


@pytest.mark.parametrize("text", ["and at 30?", "what about 30%?", "now at 30", "at 30?",
                                  "and 30 percent?"])
def test_another_value_after_the_urban_map_is_that_map_at_it(text):
    assert _steps(text, URBAN_MAP, ctx(last_plan={"total_nets": 600_000, "household_size": 5})) \
        == [("show_map", {"what": "urban", "threshold": 30})]


@pytest.mark.parametrize("text", ["30", "no 30", "and at 30?"])
def test_a_bare_value_elsewhere_is_no_urban_map(text):
    state = URBAN_MAP if text != "and at 30?" else DialogueState(
        last={"tool": "top_wards", "params": {"n": 5}})
    steps = _steps(text, state)
    assert ("show_map", {"what": "urban", "threshold": 30}) not in steps, (text, steps)
    assert not any(t in ACTS for t, _ in steps), (text, steps)


PLAN = {"total_nets": 600_000, "household_size": 5}


@pytest.mark.parametrize("text", ["the map of that", "map of that plan", "show me the map of it",
                                  "a map of that please"])
@pytest.mark.parametrize("last", [{"tool": "ask_results", "params": {"about": "plan_totals"}},
                                  {"tool": "ask_results", "params": {"about": "plan_lga"}},
                                  {"tool": "what_if_plan", "params": {"household_size": 6}}])
def test_the_map_of_that_after_the_plan_is_the_net_plan_map(text, last):
    steps = _steps(text, DialogueState(last=last), ctx(last_plan=PLAN))
    assert steps == [("show_map", {"what": "itn"})], steps


def test_the_map_of_that_after_a_ward_list_is_not_the_net_plan_map():
    steps = _steps("the map of that", DialogueState(last={"tool": "top_wards",
                                                          "params": {"n": 5}}),
                   ctx(last_plan=PLAN))
    assert steps and steps[0][0] == "show_map" and steps[0][1].get("what") != "itn", steps


@pytest.mark.parametrize("text", ["show the ranking map", "the rankings map please",
                                  "can I see the ranked map"])
def test_the_ranking_map_is_a_map(text):
    steps = _steps(text, DialogueState())
    assert [t for t, _ in steps] == ["show_map"] and steps[0][1].get("what") in (None,
                                                                                "composite")


@pytest.mark.parametrize("text", ["show me the rankings", "show the ranking"])
def test_the_ranking_without_a_map_is_the_list(text):
    assert [t for t, _ in _steps(text, DialogueState())] == ["top_wards"]
