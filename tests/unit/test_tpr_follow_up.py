"""A TPR setting said in few words right after a TPR run (or with "run it") runs the TPR
again with that setting, the others kept; anything more than a setting is left to the other
readers, and nothing happens without a facility export."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts
from tests.unit.chat_corpus import NORTH_WARDS, decide_after_analysis

FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall", "housing_quality"),
              ward_count=len(NORTH_WARDS))
AFTER_TPR = DialogueState(last={"tool": "compute_tpr", "params": {"age": "u5"}})


def run(text, state=AFTER_TPR, facility=True):
    return decide_after_analysis(text, FACTS, state, has_facility_data=facility)


@pytest.mark.parametrize("text,params", [
    ("now rdt only", {"test": "rdt"}),
    ("primary facilities only", {"facility_level": "primary"}),
    ("ok now for pregnant women", {"age": "pw"}),
    ("same but microscopy", {"test": "microscopy"}),
    # the choice's own words, as the TPR request reads them, are what is taken out
    ("both tests", {"test": "both"}),
    ("now for everybody", {"age": "all"}),
    ("five and above", {"age": "o5"}),
    ("all facilities", {"facility_level": "all"}),
])
def test_a_setting_after_a_tpr_run_runs_it_again(text, params):
    steps, d = run(text)
    assert steps == [("compute_tpr", params)], d.text


@pytest.mark.parametrize("text", ["run am for over 5s", "rerun it for over fives"])
def test_run_it_with_an_age_is_a_tpr_run_after_other_talk(text):
    steps, d = run(text, DialogueState(last={"tool": "top_wards", "params": {}}))
    assert steps == [("compute_tpr", {"age": "o5"})], d.text


@pytest.mark.parametrize("text", [
    "show the map for over 5s",
    "top 10 wards for under fives",
    "why is the rdt rate so high in primary facilities?",
    "now rdt only, and explain what microscopy changes",
])
def test_more_than_a_setting_is_not_a_tpr_run(text):
    steps, d = run(text)
    assert not any(t == "compute_tpr" for t, _ in steps), d.text


def test_nothing_without_a_facility_export():
    steps, d = run("now rdt only", facility=False)
    assert not any(t == "compute_tpr" for t, _ in steps), d.text


@pytest.mark.parametrize("text,params", [
    ("and for over 5?", {"age": "o5"}),
    ("what about pregnant women?", {"age": "pw"}),
    ("and rdt only?", {"test": "rdt"}),
    ("how about primary facilities?", {"facility_level": "primary"}),
])
def test_and_for_a_setting_right_after_a_tpr_run_runs_it(text, params):
    steps, d = run(text)
    assert steps == [("compute_tpr", params)], d.text


@pytest.mark.parametrize("text,state", [
    ("and for over 5?", DialogueState(last={"tool": "top_wards", "params": {}})),
    ("what about over 5s? is it higher?", AFTER_TPR),
    ("what about under 5s, is the rate high?", AFTER_TPR),
    ("is it higher for over 5?", AFTER_TPR),
])
def test_questions_about_a_setting_run_nothing(text, state):
    steps, _ = run(text, state)
    assert ("compute_tpr", {"age": "o5"}) not in steps and \
        ("compute_tpr", {"age": "u5"}) not in steps, (text, steps)


def test_and_for_a_setting_needs_the_facility_export():
    steps, _ = run("and for over 5?", facility=False)
    assert not any(tool == "compute_tpr" for tool, _ in steps)


EXPLAINED = DialogueState(last={"tool": "explain_methodology", "params": {"topic": "general"}})


@pytest.mark.parametrize("text,params", [
    ("now pregnant women, all tests and levels", {"age": "pw", "test": "both",
                                                  "facility_level": "all"}),
    ("ok now under fives", {"age": "u5"}),
    ("now pregnant women, rdt only", {"age": "pw", "test": "rdt"}),
])
def test_now_a_group_after_other_talk_is_the_next_tpr_run(text, params):
    steps, d = run(text, EXPLAINED)
    assert steps == [("compute_tpr", params)], d.text


def test_all_tests_and_levels_after_a_tpr_run():
    steps, d = run("all tests and levels")
    assert steps == [("compute_tpr", {"test": "both", "facility_level": "all"})], d.text


@pytest.mark.parametrize("text", ["now pregnant women, how many are there?",
                                  "now the map for pregnant women", "now rdt only"])
def test_now_without_a_group_or_with_more_after_other_talk_runs_nothing(text):
    steps, _ = run(text, EXPLAINED)
    assert ("compute_tpr" not in [t for t, _ in steps]), text


def test_now_a_group_without_a_facility_export_runs_nothing():
    steps, _ = run("now pregnant women, all tests and levels", EXPLAINED, facility=False)
    assert "compute_tpr" not in [t for t, _ in steps]
