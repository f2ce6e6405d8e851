"""The default variables asked back after a change ("go back to the default variable set",
"undo that, back to the three defaults", "forget the EVI change, put back the default set"):
the default analysis, run; a question about it, another setting's defaults or a change besides
them is read otherwise. A variable corrected with "I meant X, not Y. swap them" replaces Y."""
from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, decide
from tests.unit.test_chat_dialogue import FACTS, USED, ctx

AFTER_MAP = DialogueState(last={"tool": "show_map", "params": {"what": "composite"}})
AFTER_RUN = DialogueState(last={"tool": "run_analysis", "params": {"variables": list(USED)}})


@pytest.mark.parametrize("state", [AFTER_MAP, AFTER_RUN])
@pytest.mark.parametrize("text", [
    "Please go back to the default variable set.",
    "forget the elevation change, put back the default set",
    "undo that, back to the three defaults",
    "back to the usual six variables",
    "revert to the default variables please",
    "ok switch back to the standard variable set",
])
def test_the_default_variables_back_run_the_default_analysis(text, state):
    d = decide(text, ctx(), state, FACTS)
    assert [(s.tool, s.params) for s in d.steps] == [("run_analysis", {})], (d.text, d.reading)


@pytest.mark.parametrize("text", [
    "did that go back to the usual six variables?",
    "what are the default variables?",
    "go back to the default threshold",
    "back to the default variables plus elevation",
    "put back the default set but keep elevation",
    "back to the default directions",
    "Put the default variables back, then list the bottom three again.",
])
def test_not_the_default_variables_back(text):
    d = decide(text, ctx(), AFTER_MAP, FACTS)
    assert not any(s.tool == "run_analysis" and s.params == {} and
                   (d.reading or {}).get("relative") == "variables" for s in d.steps)


@pytest.mark.parametrize("text", [
    "apologies, I meant elevation, not rainfall. swap them",
    "sorry I meant elevation not rainfall, swap it",
    "I meant elevation, not rainfall. please change it",
])
def test_a_variable_corrected_then_asked_swapped(text):
    d = decide(text, ctx(), AFTER_RUN, FACTS)
    assert [(s.tool, sorted(s.params["variables"])) for s in d.steps] == [
        ("run_analysis", sorted(["u5_tpr_rdt", "elevation", "housing_quality"]))]
