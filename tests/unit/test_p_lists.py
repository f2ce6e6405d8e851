"""Ward lists with the place or the group named loosely: an LGA typed with one slip ("zaira",
"fage"), two or more LGAs or risk groups named for one list (asked about, one tap each, never
one of them shown as the whole answer)."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.list_scope import categories_named, lgas_joined
from chatmrpt.chat.router import RouterContext
from chatmrpt.chat.slots import find_lga
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

LGAS = ("Fagge", "Geidam", "Maiduguri", "Nguru", "Zaria", "Nassarawa", "Kano Municipal",
        "Ilorin West")
FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall", "housing_quality"), lgas=LGAS,
              ward_count=len(NORTH_WARDS))
ANALYSED = DialogueState(last={"tool": "run_analysis", "params": {}},
                         shown={"kind": "map", "what": "composite"})


def ctx() -> RouterContext:
    return RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=NORTH_WARDS,
                         analysis_status="succeeded")


def run(text):
    d = decide(text, ctx(), ANALYSED, FACTS)
    return [(s.tool, s.params) for s in d.steps], d


@pytest.mark.parametrize("text,lga", [
    ("list wards in zaira", "Zaria"),
    ("top wards in fage", "Fagge"),
    ("top 5 wards in zaira", "Zaria"),
    ("bottom 3 in fage", "Fagge"),
    ("how many wards in nguuru", "Nguru"),
    ("wards in maidugri", "Maiduguri"),
])
def test_an_lga_typed_with_one_slip_is_that_lga(text, lga):
    steps, _ = run(text)
    assert len(steps) == 1 and steps[0][1].get("lga") == lga, steps


@pytest.mark.parametrize("text", ["list wards in rain", "top wards in total",
                                  "wards in the state"])
def test_a_word_far_from_every_lga_is_no_lga(text):
    assert find_lga(text, LGAS)[0] is None


def test_a_slip_as_close_to_two_lgas_is_neither():
    assert find_lga("wards in zarie", ("Zaria", "Zarit"))[0] is None


@pytest.mark.parametrize("text,lgas", [
    ("wards in Zarai and Fagge", ["Zaria", "Fagge"]),
    ("top 5 wards in zaria and nguru", ["Zaria", "Nguru"]),
    ("list wards for Geidam, Nguru and Maiduguri LGAs", ["Geidam", "Nguru", "Maiduguri"]),
    ("show me the bottom wards in fage or zaria", ["Fagge", "Zaria"]),
])
def test_two_or_more_lgas_for_one_list_are_asked_about(text, lgas):
    steps, d = run(text)
    assert steps == [] and not d.pending
    assert [c["params"]["lga"] for c in d.choices] == lgas
    assert all(c["tool"] == "list_wards" for c in d.choices)
    assert lgas_joined(text, LGAS) == lgas


def test_the_choices_keep_the_count_and_the_order():
    _, d = run("bottom 3 wards in zaria and nguru")
    assert [c["params"] for c in d.choices] == [
        {"n": 3, "order": "bottom", "lga": "Zaria"}, {"n": 3, "order": "bottom", "lga": "Nguru"}]


@pytest.mark.parametrize("text,cats", [
    ("medium and low wards in zaria", ["Medium", "Low"]),
    ("list the high and medium wards", ["High", "Medium"]),
    ("how many high and medium wards are there", ["High", "Medium"]),
])
def test_two_risk_groups_for_one_list_are_asked_about(text, cats):
    steps, d = run(text)
    assert steps == []
    assert [c["params"]["category"] for c in d.choices] == cats
    assert categories_named(text) == cats


@pytest.mark.parametrize("text,params", [
    ("wards in Zaria", {"lga": "Zaria"}),
    ("the high wards", {"category": "High"}),
])
def test_one_lga_or_one_group_is_listed_as_before(text, params):
    steps, _ = run(text)
    assert steps == [("list_wards", params)]


def test_a_list_with_a_question_about_groups_is_not_held():
    steps, _ = run("list the top 10 wards and explain high vs low")
    assert steps and steps[0][0] in ("top_wards", "list_wards")
    assert not steps[0][1].get("category")


@pytest.mark.parametrize("text,last,order", [
    ("show wards ranked 10 to 20", 20, "top"),
    ("bottom wards from 5 to 10", 10, "bottom"),
])
def test_a_rank_span_not_from_the_first_is_asked_about(text, last, order):
    steps, d = run(text)
    assert steps == []
    assert [c["params"] for c in d.choices] == [{"n": last, "order": order}]


@pytest.mark.parametrize("text,span", [
    ("wards ranked 10 to 20", (10, 20)),
    ("positions 11-20", (11, 20)),
    ("wards ranked 1 to 10", None),
    ("wards with 10 to 20 percent urban", None),
    ("wards 10 to 20%", None),
])
def test_rank_span(text, span):
    from chatmrpt.chat.list_scope import rank_span

    assert rank_span(text) == span


@pytest.mark.parametrize("text", ["the shapefile pls", "shapefile", "pdf version please"])
def test_a_file_format_we_cannot_make_said_alone_is_answered_not_acted_on(text):
    steps, d = run(text)
    assert steps == [] and d.choices
    assert all(c["tool"] == "export_results" for c in d.choices)


MAP_SHOWN = DialogueState(last={"tool": "show_map", "params": {"what": "category"}},
                          shown={"kind": "map", "what": "category", "variable": None,
                                 "threshold": None})


@pytest.mark.parametrize("text", ["list the ones in red", "show me the wards in green"])
def test_a_group_named_by_its_colour_is_asked_about(text):
    d = decide(text, ctx(), MAP_SHOWN, FACTS)
    assert d.steps == []
    assert [c["params"].get("category") for c in d.choices] == ["High", "Medium", "Low"]


def test_a_group_named_by_its_name_and_colour_is_listed():
    d = decide("list the high wards (the red ones)", ctx(), MAP_SHOWN, FACTS)
    assert [(s.tool, s.params.get("category")) for s in d.steps] == [("list_wards", "High")]


def test_a_colour_in_a_ward_name_is_no_group():
    wards = (*NORTH_WARDS, ("Red Hill", "Zaria"))
    c = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=wards,
                      analysis_status="succeeded")
    d = decide("list wards near red hill", c, MAP_SHOWN, FACTS)
    assert d.reading.get("asked") != "colour_group"


@pytest.mark.parametrize("text,noted", [
    ("send me the bottom 10 as csv", True),
    ("export the very high wards to excel", True),
    ("export the rankings to excel", False),
])
def test_a_ranking_file_for_part_of_the_wards_says_it_holds_every_ward(text, noted):
    steps, d = run(text)
    assert [s[0] for s in steps] == ["export_results"]
    assert any("every ward" in n for n in d.notes) is noted


@pytest.mark.parametrize("text", [
    "can you send me the bottom 10 as csv?",
    "email the high wards as csv",
    "send me the top 5 wards as excel",
])
def test_a_ranking_file_for_part_of_the_wards_is_made_without_asking_again(text):
    steps, d = run(text)
    assert [s[0] for s in steps] == ["export_results"], d.text
    assert steps[0][1]["what"] == "rankings"
    assert any("every ward" in n for n in d.notes)


@pytest.mark.parametrize("text", [
    "did you send the bottom 10 as csv?",
    "we will send the bottom 10 as csv to the director next week",
])
def test_a_ranking_file_for_part_of_the_wards_talked_about_is_not_made(text):
    steps, d = run(text)
    assert steps == [], steps
    assert d.choices
