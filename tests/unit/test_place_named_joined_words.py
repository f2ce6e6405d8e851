"""Words of a request joined by a hyphen ("highest-ranked", "low-risk") are no place name:
"list the ten highest-ranked wards under PCA" lists ten wards, no place is asked about."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.tables import place_named
from tests.unit.test_chat_dialogue import ctx

LGAS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=("Fagge", "Zaria"),
             ward_count=14)


@pytest.mark.parametrize("text", ["Please list the ten highest-ranked wards under PCA.",
                                  "show me the low-risk wards", "list the top-ranked wards"])
def test_joined_request_words_are_no_place(text):
    assert place_named(text, ctx(), weak=True) is None


@pytest.mark.parametrize("text,name", [("top 5 wards in Likwa-Dala", "likwa-dala"),
                                       ("list the wards in Kano-Municipal", "kano-municipal")])
def test_a_hyphenated_place_is_still_a_place(text, name):
    assert place_named(text, ctx(), weak=True) == name


def test_the_ten_highest_ranked_wards_under_pca_are_listed():
    d = decide("Please list the ten highest-ranked wards under PCA.", ctx(), DialogueState(),
               LGAS)
    assert [(s.tool, s.params) for s in d.steps] == [
        ("top_wards", {"n": 10, "method": "pca", "order": "top"})]


@pytest.mark.parametrize("text", ["bottom 5 on the same method", "bottom 5, same ranking"])
def test_the_same_method_is_the_method_of_the_list_just_shown(text):
    c = ctx(last_tool="top_wards", last_params={"n": 5, "method": "pca", "order": "top"})
    d = decide(text, c, DialogueState(last={"tool": "top_wards", "params": {"n": 5,
                                                                           "method": "pca"}}),
               LGAS)
    assert [(s.tool, s.params) for s in d.steps] == [
        ("top_wards", {"n": 5, "method": "pca", "order": "bottom"})]


def test_the_same_method_after_a_composite_list_stays_composite():
    c = ctx(last_tool="top_wards", last_params={"n": 5, "order": "top"})
    d = decide("bottom 5 on the same method", c, DialogueState(), LGAS)
    assert [(s.tool, s.params.get("method")) for s in d.steps] == [("top_wards", None)]


AFTER_BOTTOM5 = DialogueState(last={"tool": "top_wards", "params": {"n": 5, "order": "bottom"}})


@pytest.mark.parametrize("text", ["d least one?", "the least one", "and the least of all?"])
def test_the_least_one_is_one_ward(text):
    c = ctx(last_tool="top_wards", last_params={"n": 5, "order": "bottom"})
    d = decide(text, c, AFTER_BOTTOM5, LGAS)
    assert [(s.tool, s.params) for s in d.steps] == [("top_wards", {"n": 1, "order": "bottom"})]


@pytest.mark.parametrize("text", ["the least ones", "the bottom 3"])
def test_several_least_are_not_one_ward(text):
    c = ctx(last_tool="top_wards", last_params={"n": 5, "order": "bottom"})
    d = decide(text, c, AFTER_BOTTOM5, LGAS)
    assert all(s.params.get("n") != 1 for s in d.steps), d.steps
