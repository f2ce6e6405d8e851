"""A reprioritisation asked again with another target keeps the urban thresholds of the last
one (and a number said as the value replaced, "instead of 30", is no threshold); asking for
the default thresholds, or naming one, sets them."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import NORTH_WARDS

COLUMNS = ("Population", "urban_percentage", "u5_tpr_rdt", "rainfall", "ndwi",
           "housing_quality")
LAST = {"thresholds": [50.0], "target": 30.0, "method": "composite"}


def repri(text, last=LAST):
    c = RouterContext(has_dataset=True, variables=COLUMNS, wards=NORTH_WARDS,
                      analysis_status="succeeded", last_tool="reprioritize_urban")
    st = DialogueState(last={"tool": "reprioritize_urban",
                             "params": {"thresholds": last["thresholds"]}})
    f = Facts(analysis_variables=("u5_tpr_rdt", "rainfall", "ndwi"), lgas=("Fagge",),
              ward_count=300, last_repri=last)
    d = decide(text, c, st, f)
    return [dict(s.params) for s in d.steps if s.tool == "reprioritize_urban"], d


@pytest.mark.parametrize("text,target", [
    ("Do it again with a target of 20 percent of the population instead of 30", 20),
    ("redo with 25% target", 25),
    ("rerun it targeting 15% of the population rather than 30", 15),
    ("same again but target 40 percent of people", 40),
    ("pls redo am wit target 35%", 35),
    ("back to the usual target of 30%", 30),
])
def test_another_target_keeps_the_last_thresholds(text, target):
    done, d = repri(text)
    assert len(done) == 1, d.text
    assert float(done[0]["target_share"]) == target
    assert [float(t) for t in done[0]["thresholds"]] == [50.0]
    assert "50%" in " ".join(s.echo for s in d.steps)


def test_two_thresholds_are_both_kept():
    done, _ = repri("redo with 25% target", {"thresholds": [40.0, 60.0], "target": 30.0})
    assert [float(t) for t in done[0]["thresholds"]] == [40.0, 60.0]


@pytest.mark.parametrize("text,thresholds", [
    ("now at 60% urban", [60]),
    ("use a 40 percent urban threshold instead", [40]),
    ("only use the 70% threshold", [70]),
])
def test_a_threshold_named_replaces_the_last(text, thresholds):
    done, _ = repri(text)
    assert [float(t) for t in done[0]["thresholds"]] == thresholds


@pytest.mark.parametrize("text", [
    "what was the target last time?",
    "how many wards are selected at 50?",
    "the target of 30 came from the state team",
    "thanks, that is all",
    "don't rerun it with 20%, I was only asking",
    "we might try a 20% target next month",
])
def test_look_alikes_change_nothing(text):
    done, _ = repri(text)
    for p in done:  # anything run keeps the last thresholds and target
        assert [float(t) for t in p.get("thresholds") or [50.0]] == [50.0]
        assert float(p.get("target_share") or 30.0) == 30.0
