"""The default variables with a change said with them ("back to the default variables plus
EVI"): the default selection and that change, never the defaults alone (the change dropped),
the current variables with it, or the named variable alone."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

DEFAULT = ["u5_tpr_rdt", "rainfall", "housing_quality"]
CURRENT = DEFAULT + ["soil_wetness", "elevation"]
FACTS = Facts(analysis_variables=tuple(CURRENT), analysis_params={"variables": CURRENT},
              lgas=("Zaria",), ward_count=len(NORTH_WARDS))
HISTORY = {"ids": ["a1", "a2"], "params": [{}, {"variables": CURRENT}],
           "used": [DEFAULT, CURRENT], "at": 1}


def run(text, history=HISTORY):
    ctx = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=NORTH_WARDS,
                        analysis_status="succeeded")
    d = decide(text, ctx, DialogueState(last={"tool": "run_analysis", "params": {}},
                                        analyses=history), FACTS)
    return [(s.tool, s.params) for s in d.steps], d


@pytest.mark.parametrize("text", [
    "back to the default variables plus elevation",
    "go back to the defaults plus elevation",
    "default variables plus elevation",
    "back to the default variables and add elevation",
    "the default set with elevation",
    "reset to the default variables but keep elevation",
    "default variables + elevation",
])
def test_the_defaults_with_the_variable_named(text):
    steps, d = run(text)
    assert steps == [("run_analysis", {"variables": DEFAULT + ["elevation"]})], (steps, d.text)


def test_several_named_and_one_taken_out():
    steps, _ = run("use the default variables plus elevation and ndmi")
    assert steps == [("run_analysis", {"variables": DEFAULT + ["elevation", "ndmi"]})]
    steps, _ = run("the default variables without rainfall")
    assert steps == [("run_analysis", {"variables": ["u5_tpr_rdt", "housing_quality"]})]


def test_without_a_default_analysis_it_asks():
    history = {"ids": ["a2"], "params": [{"variables": CURRENT}], "used": [CURRENT], "at": 0}
    steps, d = run("back to the default variables plus elevation", history)
    assert steps == [] and "default" in d.text


@pytest.mark.parametrize("text", [
    "back to the default variables",
    "what are the default variables plus elevation?",
    "back to the default variables and show the rainfall map",
    "back to the default plan with 200k nets",
])
def test_look_alikes(text):
    _, d = run(text)
    assert "default_plus" not in d.reading, d.reading
