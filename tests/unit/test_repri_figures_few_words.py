"""Questions about the stored urban reprioritisation in few words: "reprio count at 30",
"deprio count at 50", "pop share for 40?" are answered from the stored figures; a threshold
the last reprioritisation did not compare, asked with its figures named, is computed with
the same target (the answer says so), never answered with the data description. Requests ("reprio at 40") and other counts ("pop share for 40
wards?") keep their own readings."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.normalize import plain_text
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

PLAN = {"total_nets": 400_000, "household_size": 5}
DEFAULT = {"thresholds": [30.0, 50.0, 75.0], "target": 30.0}
AT_40 = {"thresholds": [40.0], "target": 30.0}
AFTER_40 = {"tool": "reprioritize_urban", "params": {"thresholds": [40]}}


def run(text, repri=DEFAULT, last=None):
    c = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=NORTH_WARDS,
                      analysis_status="succeeded", last_plan=PLAN)
    f = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=("Fagge", "Zaria"),
              ward_count=300, last_repri=repri)
    return decide(text, c, DialogueState(last=last), f)


def steps(d):
    return [(s.tool, s.params) for s in d.steps]


@pytest.mark.parametrize("short,plain", [
    ("reprio count at 30", "reprioritisation count at 30"),
    ("deprio count at 50", "deprioritisation count at 50"),
    ("run the reprio again", "run the reprioritisation again"),
])
def test_the_short_name_is_read_in_full(short, plain):
    assert plain_text(short) == plain


@pytest.mark.parametrize("text,threshold", [
    ("reprio count at 30", 30),
    ("reprio count at 75?", 75),
    ("deprio count at 50", 50),
    ("the reprioritisation count at 30?", 30),
    ("reprioritisation share at 75", 75),
    ("urban deprioritisation count at 50 pls", 50),
])
def test_a_count_of_the_stored_reprioritisation_is_answered(text, threshold):
    assert steps(run(text)) == [("ask_results", {"about": "repri_count",
                                                 "threshold": threshold})]


@pytest.mark.parametrize("text", ["pop share for 40?", "population share for 40?",
                                  "what share for 40 then", "pop share for 40"])
def test_a_share_for_the_threshold_just_run_is_answered(text):
    d = run(text, AT_40, AFTER_40)
    assert steps(d) == [("ask_results", {"about": "repri_count", "threshold": 40})]


@pytest.mark.parametrize("text,threshold", [
    ("population share for 30?", 30),
    ("pop share for 50?", 50),
    ("reprio count at 60", 60),
])
def test_a_threshold_not_compared_is_computed_when_its_figures_are_named(text, threshold):
    # the answer computes it with the same target and says so
    d = run(text, AT_40, AFTER_40)
    assert steps(d) == [("ask_results", {"about": "repri_count", "threshold": threshold})]


@pytest.mark.parametrize("text", [
    "pop share for 40 wards?",
    "reprio at 40",
    "do the reprio for 40 percent urban",
    "nets for 40?",
])
def test_requests_and_other_counts_are_no_stored_figure(text):
    assert ("ask_results", {"about": "repri_count", "threshold": 40}) not in steps(run(text))


def test_reprio_at_a_threshold_is_a_request():
    assert [t for t, _ in steps(run("reprio at 40"))] == ["reprioritize_urban"]
