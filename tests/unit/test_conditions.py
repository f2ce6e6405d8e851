"""Requests under a condition the ward data settles ("if 24006 has more than 15 wards, its top
4; otherwise list all of them"): the count is checked first and said, only the branch it
selects is read, and anything that changes results is offered, never run on the "then" part
blindly."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

# Zaria has 5 wards, Maiduguri 2
NAMED = Facts(analysis_variables=("u5_tpr_rdt", "rainfall", "housing_quality"),
              lgas=("Fagge", "Geidam", "Maiduguri", "Nguru", "Zaria", "Nassarawa"),
              ward_count=len(NORTH_WARDS))
# a table with LGA codes only: 24006 has 3 wards, 24007 has 6
CODED_WARDS = tuple((f"Ward {i}", None) for i in range(9))
CODED = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), ward_count=9,
              lga_codes=("24006", "24007"),
              ward_lga_codes=tuple((f"Ward {i}", "24006" if i < 3 else "24007")
                                   for i in range(9)))


def ctx(wards=NORTH_WARDS) -> RouterContext:
    return RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=wards,
                         analysis_status="succeeded")


def run(text, facts=NAMED, wards=NORTH_WARDS):
    d = decide(text, ctx(wards), DialogueState(), facts)
    return [(s.tool, s.params) for s in d.steps], d


@pytest.mark.parametrize("text", [
    "if Zaria has more than 10 wards, list its top 3, otherwise all of them",
    "if Zaria has more than 10 wards, its top 3; otherwise list all of them",
    "If Zaria has over ten wards, list only its top three; if not, every ward in Zaria",
    "if Zaria has at least 8 wards show me the top 2, else list them all",
    "if Zaria has more than 10 wards then its top 3, otherwise the full list",
])
def test_a_condition_that_fails_lists_the_otherwise_part(text):
    steps, d = run(text)
    assert steps == [("list_wards", {"lga": "Zaria"})], (steps, d.text)
    assert "5 wards" in " ".join(d.notes)


@pytest.mark.parametrize("text,n", [
    ("if Zaria has more than 3 wards, list its top 2, otherwise all of them", 2),
    ("if Zaria has fewer than 10 wards, its top 4; otherwise list all of them", 4),
    ("if Zaria has 5 or more wards, the top 3 only, otherwise every ward", 3),
])
def test_a_condition_that_holds_lists_the_then_part(text, n):
    steps, d = run(text)
    assert steps == [("list_wards", {"lga": "Zaria", "n": n})], (steps, d.text)


def test_lga_codes_are_counted_on_a_table_without_names():
    steps, d = run("if 24006 has more than 15 wards, its top 4; otherwise list all of them",
                   CODED, CODED_WARDS)
    assert steps == [("list_wards", {"lga_code": "24006"})], (steps, d.text)
    steps, _ = run("if 24007 has more than 5 wards, list its top 4, otherwise all of them",
                   CODED, CODED_WARDS)
    assert steps == [("list_wards", {"lga_code": "24007", "n": 4})]


def test_the_bottom_of_the_list_and_pca_are_kept():
    steps, _ = run("if Zaria has more than 2 wards, list its bottom 2 on pca, otherwise all")
    assert steps == [("list_wards", {"lga": "Zaria", "method": "pca", "n": 2,
                                     "order": "bottom"})]


def test_the_same_rule_for_another_place_uses_that_place():
    steps, _ = run("Apply the same rule to Maiduguri: if it has more than fifteen wards, the "
                   "top five only; if not, every ward in Maiduguri in rank order.")
    assert steps == [("list_wards", {"lga": "Maiduguri"})]


@pytest.mark.parametrize("text", [
    "if Zaria has more than 15 wards, plan 600k nets for the state",
    "if Zaria has more than 15 wards then rerun the analysis with rainfall",
    "if Zaria has more than 15 wards, export the rankings as csv",
])
def test_a_change_under_a_failed_condition_is_not_made(text):
    steps, d = run(text)
    assert steps == [] and "does not hold" in d.text and not d.choices, (steps, d.text)


@pytest.mark.parametrize("text", [
    "if Zaria has more than 3 wards, plan 600k nets for the state, household size 5",
    "if Zaria has more than 3 wards, export the rankings as csv",
])
def test_a_change_under_a_condition_that_holds_is_offered_with_the_count(text):
    steps, d = run(text)
    assert steps == [] and "5 wards" in d.text and d.choices, (steps, d.text)


def test_an_unknown_place_is_asked_about():
    steps, d = run("if Kaduna North has more than 3 wards, list its top 2, otherwise all")
    assert steps == [] and "Which LGA" in d.text


@pytest.mark.parametrize("text", [
    # own plans and questions are not requests under a condition
    "if Zaria has more than 3 wards we will plan 600k nets",
    "if Zaria has more than 3 wards, should I list its top 2?",
    # no condition on a number of wards
    "if the plan covers less than half the wards we will add 100k later",
    "list the top 3 wards in Zaria",
])
def test_look_alikes_are_not_read_as_conditions(text):
    _, d = run(text)
    assert "condition" not in d.reading, d.reading


def test_it_is_the_lga_talked_about_before():
    state = DialogueState(focus={"lga": "Maiduguri"})
    d = decide("if it has more than 10 wards, list its top 3, otherwise all of them", ctx(),
               state, NAMED)
    assert [(s.tool, s.params) for s in d.steps] == [("list_wards", {"lga": "Maiduguri"})]


@pytest.mark.parametrize("text,n", [
    ("If more than three hundred wards are in this table, list the top twenty; otherwise "
     "list only the top ten on the composite ranking.", 10),
    ("if there are more than 10 wards in the state, list the top 5, otherwise all of them", 5),
    ("if there are fewer than 10 wards in the data, list the top 3; otherwise the top 6", 6),
])
def test_the_number_of_wards_of_the_whole_table(text, n):
    steps, d = run(text)
    assert [t for t, _ in steps] == ["list_wards"] and steps[0][1]["n"] == n, (steps, d.text)
    assert "lga" not in steps[0][1]


def test_wards_in_a_place_said_the_other_way_round():
    steps, _ = run("if more than 10 wards are in Zaria, its top 3, otherwise all of them")
    assert steps == [("list_wards", {"lga": "Zaria"})]
