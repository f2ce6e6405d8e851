"""What was done before, told ahead of the order ("we ran the under-5 tpr for secondary
facilities this morning. now run it for pregnant women"), names the last run, not the one
asked for: its age group and its numbers are not read as the new run's. A TPR setting said
while a TPR run offered waits for an answer changes that offer, never the last run."""

from __future__ import annotations

import pytest

from chatmrpt.chat import extract as ex
from chatmrpt.chat.dialogue import DialogueState, Facts, Step
from chatmrpt.chat.state import steps_choice
from tests.unit.chat_corpus import NORTH_WARDS, decide_after_analysis

FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall", "housing_quality"),
              ward_count=len(NORTH_WARDS))
AFTER_TPR = DialogueState(last={"tool": "compute_tpr", "params": {"age": "u5"}})


def run(text, state=AFTER_TPR):
    return decide_after_analysis(text, FACTS, state, has_facility_data=True)


@pytest.mark.parametrize("text,kept", [
    ("we ran the under-5 tpr for secondary facilities this morning. now run it for pregnant "
     "women", "now run it for pregnant women"),
    ("we ran the under-5 tpr this morning, now run it for pregnant women",
     "now run it for pregnant women"),
    ("i did the map. export it", "export it"),
])
def test_what_was_done_before_is_taken_out(text, kept):
    out = ex.without_told_done(text)
    assert len(out) == len(text)
    assert out.strip(" ,.") == kept


@pytest.mark.parametrize("text", [
    "we ran the plan with 500k nets",
    "run it for under 5 now",
    "we ran the under-5 tpr this morning",
])
def test_nothing_is_taken_out_without_an_order_after_it(text):
    assert ex.without_told_done(text) == text


@pytest.mark.parametrize("text,age", [
    ("we ran the under-5 tpr for secondary facilities this morning. now run it for pregnant "
     "women", "pw"),
    ("we ran the pregnant women tpr yesterday. now run it for under 5s", "u5"),
    ("we did the tpr for pregnant women earlier, now do it for over fives", "o5"),
])
def test_the_new_run_takes_the_age_ordered(text, age):
    steps, d = run(text)
    assert [t for t, _ in steps] == ["compute_tpr"], d.text
    assert steps[0][1].get("age") == age


def _offer(params):
    choice = steps_choice("Compute the TPR", [Step("compute_tpr", params)])
    return DialogueState(last={"tool": "compute_tpr", "params": {"age": "u5"}},
                         pending={"expects": "choice", "choices": [choice],
                                  "tool": "compute_tpr"})


@pytest.mark.parametrize("text,params", [
    ("and only rdt", {"age": "pw", "test": "rdt"}),
    ("primary facilities only", {"age": "pw", "facility_level": "primary"}),
])
def test_a_setting_said_over_an_offer_changes_the_offer(text, params):
    steps, d = run(text, _offer({"age": "pw"}))
    assert steps == [("compute_tpr", params)], d.text


def test_without_an_offer_the_setting_changes_the_last_run():
    steps, d = run("and only rdt")
    assert steps == [("compute_tpr", {"test": "rdt"})], d.text
