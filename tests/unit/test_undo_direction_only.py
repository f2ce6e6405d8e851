"""'undo the direction' after a change that also added a variable ("put distance back but
make it direct"): only the direction goes back (the variable stays, at its default or its
earlier direction); when directions were all that changed it is the plain step back, and
when the last change set no direction it asks. Other steps back keep their reading."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, decide
from tests.unit.test_chat_dialogue import FACTS, ctx

TWO = ["u5_tpr_rdt", "rainfall"]
THREE = ["u5_tpr_rdt", "rainfall", "elevation"]
ANALYSED = {"tool": "run_analysis", "params": {}}
LISTED = {"tool": "top_wards", "params": {"n": 5}}


def history(prev, cur, used_prev, used_cur):
    return {"ids": ["a0", "a1"], "params": [prev, cur], "used": [used_prev, used_cur], "at": 1}


ADDED_DIRECT = history({"variables": TWO}, {"variables": THREE,
                                            "directions": {"elevation": "direct"}}, TWO, THREE)


def run(text, analyses, last=LISTED):
    return decide(text, ctx(), DialogueState(last=last, analyses=analyses), FACTS)


@pytest.mark.parametrize("text", ["undo the direction", "undo the direction change",
                                  "put the direction back", "revert the directions",
                                  "ok undo the direction please"])
def test_only_the_direction_of_the_last_change_goes_back(text):
    for last in (LISTED, ANALYSED):
        d = run(text, ADDED_DIRECT, last)
        assert [(s.tool, s.params) for s in d.steps] == [("run_analysis", {"variables": THREE})]
        assert "elevation back to its default direction" in d.steps[0].echo


def test_a_direction_set_before_is_restored():
    h = history({"variables": THREE, "directions": {"elevation": "direct"}},
                {"variables": [*THREE, "ndwi"],
                 "directions": {"elevation": "inverse", "ndwi": "direct"}},
                THREE, [*THREE, "ndwi"])
    d = run("undo the direction", h)
    assert [(s.tool, s.params) for s in d.steps] == [
        ("run_analysis", {"variables": [*THREE, "ndwi"], "directions": {"elevation": "direct"}})]


def test_when_directions_were_all_that_changed_it_is_the_plain_step_back():
    h = history({"variables": TWO}, {"variables": TWO, "directions": {"rainfall": "inverse"}},
                TWO, TWO)
    d = run("undo the direction", h)
    assert [(s.tool, s.params) for s in d.steps] == [("run_analysis", {"variables": TWO})]
    assert d.reading["analysis_restore"] == 0


def test_no_direction_changed_is_asked():
    h = history({"variables": TWO}, {"variables": THREE}, TWO, THREE)
    d = run("undo the direction", h)
    assert not d.steps and "no direction to undo" in d.text


@pytest.mark.parametrize("text", ["undo that", "flip it back", "go back to the previous analysis",
                                  "restore the previous variables"])
def test_other_steps_back_bring_back_the_previous_analysis(text):
    d = run(text, ADDED_DIRECT)
    assert [(s.tool, s.params) for s in d.steps] == [("run_analysis", {"variables": TWO})]
    assert d.reading["analysis_restore"] == 0
