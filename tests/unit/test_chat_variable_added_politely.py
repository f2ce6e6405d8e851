"""A variable said to be added to the analysis ("can you add ndmi to the variables"): the
analysis runs again with it beside the others; a question about adding it changes nothing,
and a variable named alone is still asked about."""

from __future__ import annotations

import pytest

from chatmrpt.chat import dialogue as dm
from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from tests.unit.chat_corpus import NORTH_WARDS
from tests.unit.test_dialogue_guards import ctx

USED = ("u5_tpr_rdt", "rainfall", "housing_quality")
FACTS = Facts(analysis_variables=USED, lgas=("Fagge",), ward_count=len(NORTH_WARDS))
AFTER = DialogueState(last={"tool": "ask_results", "params": {"about": "variables"}})


def run(text):
    return decide(text, ctx(), AFTER, FACTS)


@pytest.mark.parametrize("text", [
    "can you add ndmi to the variables",
    "could you please add ndmi to the analysis",
    "pls include ndmi in the variables",
    "add ndmi to the others",
])
def test_a_variable_said_to_be_added_is_added_and_run(text):
    d = run(text)
    assert [s.tool for s in d.steps] == ["run_analysis"], d.text
    assert sorted(d.steps[0].params["variables"]) == sorted([*USED, "ndmi"])


@pytest.mark.parametrize("text", [
    "should I add ndmi to the variables?",
    "would adding ndmi to the analysis change much?",
    "what if we add ndmi to the variables?",
])
def test_a_question_about_adding_it_runs_nothing(text):
    d = run(text)
    assert not any(s.tool in dm.GATE_FAMILY for s in d.steps), d.steps
