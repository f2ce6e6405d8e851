"""One reprioritisation threshold on its own ("try threshold 40 alone") after the urban map
of a reprioritisation, or with no plan it could be meant for: the reprioritisation again."""
from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts
from tests.unit.test_dialogue_guards import FACTS, PLAN, USED, acts, ctx, run

REPRI = Facts(analysis_variables=USED, lgas=FACTS.lgas, ward_count=FACTS.ward_count,
              last_repri={"thresholds": [20.0, 30.0, 50.0, 75.0], "target": 30.0})
AFTER_MAP = DialogueState(last={"tool": "show_map", "params": {"what": "urban", "threshold": 50}})


@pytest.mark.parametrize("text", ["try threshold 40 alone", "only the 40% threshold",
                                  "threshold 40 on its own", "just the 40 urban threshold"])
def test_one_threshold_after_the_urban_map(text):
    d = run(text, state=AFTER_MAP, facts=REPRI)
    assert [(s.tool, s.params.get("thresholds")) for s in d.steps] == [
        ("reprioritize_urban", [40])]


def test_with_no_plan_the_threshold_is_the_reprioritisation_s():
    state = DialogueState(last={"tool": "top_wards", "params": {"n": 5}})
    d = run("try threshold 40 alone", state=state, facts=REPRI)
    assert [s.tool for s in d.steps] == ["reprioritize_urban"]


@pytest.mark.parametrize("text", ["how many wards at threshold 40 only?",
                                  "show the urban map at 40 only", "try threshold 40"])
def test_questions_maps_and_plain_thresholds_are_not_read_so(text):
    d = run(text, state=AFTER_MAP, facts=REPRI)
    assert not any(s.tool == "reprioritize_urban" and s.params.get("thresholds") == [40]
                   and "only" in (s.echo or "") for s in d.steps) or not acts(d)


def test_with_a_plan_and_no_urban_map_the_plan_reading_stays():
    state = DialogueState(last={"tool": "plan_itn", "params": PLAN})
    d = run("try threshold 40 alone", ctx(last_plan=PLAN), state=state, facts=REPRI)
    assert all(s.tool != "reprioritize_urban" for s in d.steps)


ASKED_75 = DialogueState(last={"tool": "ask_results",
                               "params": {"about": "repri_count", "threshold": 75}})


@pytest.mark.parametrize("text", ["the population share for that one?",
                                  "and the share of people for that threshold?",
                                  "how many people there?"])
def test_that_one_is_the_threshold_just_asked_about(text):
    d = run(text, state=ASKED_75, facts=REPRI)
    assert [(s.tool, s.params) for s in d.steps] == [
        ("ask_results", {"about": "repri_count", "threshold": 75})]


def test_that_one_is_never_a_threshold_of_1():
    d = run("which wards for that one?", state=ASKED_75, facts=REPRI)
    assert all(1 not in (s.params.get("thresholds") or []) and s.params.get("threshold") != 1
               for s in d.steps)
