"""The reprioritisation's population target named with its value ("a 20% population target",
"a target of 20%", "20% of the population") is the target, never an urban threshold: a
request to repeat the reprioritisation with it re-runs it at that target with the thresholds
kept; a question about the stored one ("under that 20% target, how many wards at 30?") is
answered from it. The share asked on its own right after a reprioritisation ("what % of
population") is its population share."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.figures import _repri_threshold
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

AT_50 = {"thresholds": [50.0], "target": 30.0}
AT_20_TARGET = {"thresholds": [30.0, 50.0, 75.0], "target": 20.0}
AFTER_50 = {"tool": "reprioritize_urban", "params": {"thresholds": [50]}}
ASKED_40 = {"tool": "ask_results", "params": {"about": "repri_count", "threshold": 40}}


def run(text, repri=AT_50, last=AFTER_50):
    c = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=NORTH_WARDS,
                      analysis_status="succeeded")
    f = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=("Fagge", "Zaria"),
              ward_count=300, last_repri=repri)
    return decide(text, c, DialogueState(last=last), f)


def steps(d):
    return [(s.tool, s.params) for s in d.steps]


@pytest.mark.parametrize("text,thresholds", [
    ("could you repeat the reprioritisation with a 20% population target?", []),
    ("rerun it with a target of 20%", []),
    ("redo it so they hold 20% of the population", []),
    ("under that 20% target, how many wards at the 30% threshold?", [30]),
    ("the 30% threshold", [30]),
    ("at 20% urban", [20]),
])
def test_the_target_is_no_threshold(text, thresholds):
    assert _repri_threshold(text) == thresholds


@pytest.mark.parametrize("text", [
    "Could you repeat the reprioritisation with a 20% population target?",
    "Please redo the reprioritisation with a target of 20%.",
    "Run the reprioritisation again with a 20 percent population target",
])
def test_a_new_target_reruns_with_the_thresholds_kept(text):
    d = run(text)
    assert [s.tool for s in d.steps] == ["reprioritize_urban"]
    params = d.steps[0].params
    assert float(params["target_share"]) == 20
    assert [float(t) for t in params["thresholds"]] == [50.0]


def test_a_question_under_the_stored_target_is_answered_from_it():
    d = run("Under that 20% target, how many wards at the 30% threshold?", AT_20_TARGET,
            {"tool": "reprioritize_urban", "params": {"target_share": 20}})
    assert steps(d) == [("ask_results", {"about": "repri_count", "threshold": 30})]


def test_a_question_under_another_target_is_not_answered_from_the_stored_one():
    d = run("Under a 25% target, how many wards at the 30% threshold?", AT_20_TARGET,
            {"tool": "reprioritize_urban", "params": {"target_share": 20}})
    assert not any(s.tool == "ask_results" for s in d.steps)


@pytest.mark.parametrize("text", ["what % of population", "and the pop share?",
                                  "what percentage of the population"])
def test_the_share_alone_right_after_is_the_reprioritisations(text):
    d = run(text, {"thresholds": [40.0], "target": 30.0}, ASKED_40)
    assert steps(d) == [("ask_results", {"about": "repri_count", "threshold": 40})]


@pytest.mark.parametrize("text", ["what % of population is urban",
                                  "what is the share of wards"])
def test_other_shares_are_no_reprioritisation_figure(text):
    d = run(text, {"thresholds": [40.0], "target": 30.0}, ASKED_40)
    assert steps(d) != [("ask_results", {"about": "repri_count", "threshold": 40})]
