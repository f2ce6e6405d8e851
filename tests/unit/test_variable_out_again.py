"""The variable the last change added, taken out again in few words ("drop it again",
"remove it again", "take that one out again") after other requests in between: that
variable comes out, nothing else changes."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

DEFAULT = ["u5_tpr_rdt", "rainfall", "housing_quality"]
ADDED = DEFAULT + ["ndvi"]
FACTS = Facts(analysis_variables=tuple(ADDED), lgas=("Zaria", "Fagge"),
              ward_count=len(NORTH_WARDS))
# the default analysis, then ndvi added, then a ward list
HISTORY = {"ids": ["a1", "a2"], "params": [{}, {"variables": ADDED}],
           "used": [DEFAULT, ADDED], "at": 1}


def state(history=HISTORY, topic=None, last=None) -> DialogueState:
    return DialogueState(last=last or {"tool": "top_wards", "params": {"n": 5}},
                         topic=topic, analyses=history)


def ctx() -> RouterContext:
    return RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=NORTH_WARDS,
                         analysis_status="succeeded")


def run(text, st=None):
    d = decide(text, ctx(), st or state(), FACTS)
    return [(s.tool, s.params) for s in d.steps], d


@pytest.mark.parametrize("text", ["drop it again", "remove it again", "ok take that one out again",
                                  "remove the new one again please", "drop that again",
                                  "exclude it again"])
def test_the_added_variable_comes_out_again(text):
    steps, d = run(text)
    assert [t for t, _ in steps] == ["run_analysis"], (steps, d.text)
    assert sorted(steps[0][1]["variables"]) == sorted(DEFAULT)


@pytest.mark.parametrize("text", ["drop it", "remove that one"])
def test_without_again_it_is_offered(text):
    steps, d = run(text)
    assert steps == [] and d.choices, (steps, d.text)
    assert sorted(d.choices[0]["params"]["variables"]) == sorted(DEFAULT)


@pytest.mark.parametrize("text,st", [
    # nothing was added by the last change: two variables, or one taken out
    ("drop it again", state({"ids": ["a1", "a2"], "params": [{}, {"variables": ADDED}],
                             "used": [DEFAULT[:2], ADDED], "at": 1})),
    ("drop it again", state({"ids": ["a1", "a2"], "params": [{}, {"variables": DEFAULT[:2]}],
                             "used": [DEFAULT, DEFAULT[:2]], "at": 1})),
    # no earlier analysis
    ("drop it again", state({"ids": ["a1"], "params": [{}], "used": [DEFAULT], "at": 0})),
    # another variable talked about just now
    ("drop it again", state(topic="rainfall")),
    # not about a variable
    ("drop it again and show the map", state()),
    ("drop the plan again", state()),
])
def test_look_alikes_do_not_take_the_added_variable_out(text, st):
    _, d = run(text, st)
    assert "variable_out" not in d.reading, d.reading
