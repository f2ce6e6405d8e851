"""Follow-ups that lean on the last result: "the next five" after a list of the whole area
(the places after it, same order and method), "and the least?" after "which LGA gets the
most nets?" (the other end of the same question)."""

from __future__ import annotations

import pytest

from chatmrpt.chat import explain, ordinal, place_follow
from chatmrpt.chat import focus as fc
from chatmrpt.chat.dialogue import DialogueState, decide
from chatmrpt.chat.extract import lower_text
from tests.unit.test_chat_dialogue import FACTS, ctx

TOP5 = {"tool": "top_wards", "params": {"n": 5, "order": "top"}}
BOTTOM5 = {"tool": "top_wards", "params": {"n": 5, "order": "bottom"}}
TOP3_PCA = {"tool": "top_wards", "params": {"n": 3, "method": "pca"}}


def steps(text, last):
    d = decide(text, ctx(), DialogueState(last=last), FACTS)
    return [(s.tool, s.params) for s in d.steps]


@pytest.mark.parametrize("text,n", [
    ("the next five", 5), ("and the next 5?", 5), ("next 5 wards pls", 5),
    ("show me 5 more", 5), ("ok the next ones", 5), ("the following five wards", 5),
    ("and the next one?", 1), ("the next ward", 1), ("next 10", 10),
])
def test_the_next_places_after_a_top_list(text, n):
    assert steps(text, TOP5) == [("top_wards", {"n": n, "order": "top", "start": 6})]


def test_from_the_bottom_after_a_bottom_list_and_on_from_there():
    assert steps("the next five", BOTTOM5) == [("top_wards", {"n": 5, "order": "bottom",
                                                              "start": 6})]
    after = {"tool": "top_wards", "params": {"n": 5, "order": "top", "start": 6}}
    assert steps("the next five", after) == [("top_wards", {"n": 5, "order": "top",
                                                            "start": 11})]
    assert steps("and the next one?", TOP3_PCA) == [("top_wards", {"n": 1, "method": "pca",
                                                                   "start": 4})]


@pytest.mark.parametrize("text", [
    "what's next?", "next steps?", "plan for next year", "the next five years",
    "5 more nets", "next week we get 5 more bales", "the next LGA",
])
def test_other_next_words_are_not_the_next_places(text):
    assert ordinal.next_places(text, TOP5) is None


def test_nothing_listed_before_means_no_next_places():
    for last in (None, {"tool": "show_map", "params": {"what": "composite"}},
                 {"tool": "plan_itn", "params": {"total_nets": 1000, "household_size": 5}}):
        assert ordinal.next_places("the next five", last) is None


def test_the_text_of_the_next_places_numbers_them_from_where_they_start():
    rows = [{"WardName": f"W{i}", "composite_rank": i, "composite_score": 1 - i / 100,
             "composite_category": "High"} for i in range(1, 13)]
    text = explain.describe_top_wards(rows, 5, "composite", "top", start=6)
    assert text.splitlines()[0].startswith("Places 6 to 10 from the top")
    assert [ln.split(" - ")[0] for ln in text.splitlines()[1:]] == [
        "6. W6", "7. W7", "8. W8", "9. W9", "10. W10"]
    bottom = explain.describe_top_wards(rows, 5, "composite", "bottom", start=6)
    assert bottom.splitlines()[1].startswith("6. W7")
    assert "none is left" in explain.describe_top_wards(rows, 5, "composite", "top", start=20)


def test_a_new_list_after_the_next_places_starts_from_the_top_again():
    after = {"tool": "top_wards", "params": {"n": 5, "order": "top", "start": 6}}
    for text in ("ok and the top 5 by PCA?", "top 5 by pca", "bottom 3"):
        got = steps(text, after)
        assert len(got) == 1 and got[0][0] == "top_wards" and "start" not in got[0][1], (text,
                                                                                        got)


PLAN = {"total_nets": 750_000, "household_size": 5}
MOST_NETS = {"tool": "ask_results", "params": {"about": "plan_lga", "order": "most"}}


def _after_most(text, last=MOST_NETS):
    c = ctx(last_plan=PLAN, variables=("u5_tpr_rdt", "rainfall", "Population"))
    return decide(text, c, DialogueState(last=last), FACTS)


@pytest.mark.parametrize("text", ["and the least?", "the fewest?", "what about the lowest one",
                                  "and which LGA gets the least?"])
def test_the_other_end_of_the_last_lga_question(text):
    d = _after_most(text)
    assert [(s.tool, s.params) for s in d.steps] == [
        ("ask_results", {"about": "plan_lga", "order": "fewest"})]
    fewest = {"tool": "ask_results", "params": {"about": "plan_lga", "order": "fewest",
                                                "measure": "coverage_percent"}}
    d = _after_most("and the highest?", fewest)
    assert [(s.tool, s.params) for s in d.steps] == [
        ("ask_results", {"about": "plan_lga", "order": "most", "measure": "coverage_percent"})]


@pytest.mark.parametrize("text,last", [
    ("and the least?", {"tool": "ask_results", "params": {"about": "plan_totals"}}),
    ("and the least?", None),
    ("and the least vulnerable wards?", MOST_NETS),
    ("the least in Rimai?", MOST_NETS),
])
def test_the_other_end_needs_a_most_or_fewest_question_and_nothing_else(text, last):
    assert fc._other_extreme(lower_text(text), last) is None


KURAN5 = {"tool": "list_wards", "params": {"lga": "Kuran", "n": 5}}


@pytest.mark.parametrize("text", ["the next five", "and the next five?", "next 5 pls"])
def test_the_next_places_after_one_lgas_list_stay_in_that_lga(text):
    assert steps(text, KURAN5) == [("list_wards", {"lga": "Kuran", "n": 5, "start": 6})]
    high = {"tool": "list_wards", "params": {"lga_code": "20037", "category": "High", "n": 3}}
    assert ordinal.next_places(text, high)["params"] == {"lga_code": "20037",
                                                         "category": "High", "n": 5,
                                                         "start": 4}


def test_no_next_places_after_a_whole_list_of_one_lga():
    assert ordinal.next_places("the next five", {"tool": "list_wards",
                                                 "params": {"lga": "Kuran"}}) is None
    for text in ("the next five years", "5 more nets", "the next LGA"):
        assert ordinal.next_places(text, KURAN5) is None


@pytest.mark.parametrize("text", ["and Zaria?", "what about Zaria", "Zaria nko", "and for Zaria?"])
def test_an_lga_said_alone_after_the_lga_with_the_most_nets_is_its_nets(text):
    d = _after_most(text)
    assert [(s.tool, s.params) for s in d.steps] == [
        ("ask_results", {"about": "plan_lga", "lga": "Zaria"})]
    one = {"tool": "ask_results", "params": {"about": "plan_lga", "lga": "Fagge"}}
    d = _after_most(text, one)
    assert [(s.tool, s.params) for s in d.steps] == [
        ("ask_results", {"about": "plan_lga", "lga": "Zaria"})]


@pytest.mark.parametrize("text,last", [
    ("and Zaria?", {"tool": "ask_results", "params": {"about": "plan_totals"}}),
    ("plan 400k nets for Zaria", MOST_NETS),
    ("and Lagos?", MOST_NETS),
])
def test_an_lga_after_other_answers_or_with_more_words_is_not_its_nets(text, last):
    assert place_follow.plan_lga_again(text, last, FACTS.lgas) is None
