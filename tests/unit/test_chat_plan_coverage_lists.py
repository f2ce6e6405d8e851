"""The wards of the stored plan by coverage are named ("which wards in Kuran get no
nets?"); counts, what-ifs and orders keep their readings."""

from __future__ import annotations

import pandas as pd
import pytest

from chatmrpt.chat.dialogue import DialogueState, decide
from chatmrpt.chat.executors_more import _plan_coverage_answer
from tests.unit.test_chat_answers import FACTS, ctx


@pytest.mark.parametrize(("text", "params"), [
    ("which wards in Zaria get no nets?", {"coverage": "none", "lga": "Zaria"}),
    ("which wards get full coverage?", {"coverage": "full"}),
    ("list the wards that get nets in Fagge", {"coverage": "any", "lga": "Fagge"}),
    ("which wards are partly covered?", {"coverage": "partial"}),
    ("what wards don't get any nets", {"coverage": "none"}),
])
def test_the_wards_of_the_plan_by_coverage_are_named(text, params):
    d = decide(text, ctx(), DialogueState(), FACTS)
    assert [(s.tool, s.params) for s in d.steps] == [
        ("ask_results", {"about": "plan_coverage", **params})], d.text


@pytest.mark.parametrize("text", [
    "how many wards get no nets?",
    "what if the wards that get no nets got 10k more?",
    "which wards get no nets? plan 500k instead",
])
def test_counts_what_ifs_and_orders_are_not_the_list(text):
    d = decide(text, ctx(), DialogueState(), FACTS)
    assert not any(s.params.get("about") == "plan_coverage" for s in d.steps), d.steps


def test_no_plan_no_list():
    d = decide("which wards get full coverage?", ctx(last_plan=None), DialogueState(), FACTS)
    assert not any(s.params.get("about") == "plan_coverage" for s in d.steps)


ROWS = pd.DataFrame({"WardName": ["A", "B", "C", "D"], "LGA": ["X", "X", "Y", "Y"],
                     "nets_needed": [10, 20, 30, 40], "nets_allocated": [10, 5, 0, 40]})


@pytest.mark.parametrize(("params", "names"), [
    ({"coverage": "full"}, ["A", "D"]), ({"coverage": "partial"}, ["B"]),
    ({"coverage": "none"}, ["C"]), ({"coverage": "any"}, ["A", "B", "D"]),
    ({"coverage": "any", "lga": "y"}, ["D"]), ({"coverage": "none", "lga": "X"}, []),
])
def test_the_coverage_of_each_ward_is_read_from_its_need_and_nets(params, names):
    result = _plan_coverage_answer(ROWS, params, "head")
    assert result.data["wards"] == names and result.data["count"] == len(names)
