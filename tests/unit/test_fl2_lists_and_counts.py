"""Lists and counts asked in other words: a request after a clause that only sets the scene
("meeting in 20 mins. top 3 wards and their LGA"), "and the first one?" after the least
vulnerable wards were listed, wards High "on both methods" (counted where both rankings
agree), and "the same ten on composite" after a PCA list."""

from __future__ import annotations

import pytest

from chatmrpt.chat import focus as fc
from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.extract import WardRef
from chatmrpt.chat.reading import scene_only
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

LGAS = ("Fagge", "Geidam", "Maiduguri", "Nguru", "Zaria", "Nassarawa", "Kano Municipal")
WARDS = tuple(WardRef(n, lga) for n, lga in NORTH_WARDS)
CTX = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=WARDS,
                    analysis_status="succeeded")
FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=LGAS, ward_count=len(WARDS))


def steps(text, last=None, focus=None):
    d = decide(text, CTX, DialogueState(last=last, focus=focus), FACTS)
    return [(s.tool, s.params) for s in d.steps], d


@pytest.mark.parametrize("text", ["meeting in 20 mins. top 3 wards and their LGA",
                                  "I have a meeting with the commissioner at 11. top 3 wards",
                                  "presentation in 10 minutes, top 3 wards"])
def test_a_scene_setting_clause_leaves_the_request(text):
    got, _ = steps(text)
    assert got == [("top_wards", {"n": 3, "order": "top"})], text


@pytest.mark.parametrize("low,scene", [
    ("meeting in 20 mins", True), ("i have a briefing with the director at 11am", True),
    ("meeting notes", False), ("meeting in 20 mins, list the high wards", False),
    ("top 3 wards", False),
])
def test_scene_only(low, scene):
    assert scene_only(low) is scene


BOTTOM_LIST = ["Bolori II (Maiduguri)", "Hausari (Nguru)", "Dambo (Zaria)"]


def test_first_one_after_asking_for_the_last_ward_is_rank_one():
    focus = fc.Focus(listed=BOTTOM_LIST).to_dict()
    got, _ = steps("and the first one?", last={"tool": "top_wards", "params": {"order": "bottom"}},
                   focus=focus)
    assert got == [("top_wards", {"n": 1, "order": "top"})]


def test_first_one_after_a_bottom_list_of_ten_is_asked():
    focus = fc.Focus(listed=BOTTOM_LIST).to_dict()
    got, d = steps("and the first one?",
                   last={"tool": "top_wards", "params": {"order": "bottom", "n": 3}}, focus=focus)
    assert not got and len(d.choices) == 2 and d.pending["expects"] == "choice"
    assert {c["tool"] for c in d.choices} == {"explain_ward", "top_wards"}


def test_first_one_after_a_top_list_is_its_first_row():
    focus = fc.Focus(listed=BOTTOM_LIST).to_dict()
    got, _ = steps("and the first one?", last={"tool": "top_wards", "params": {"n": 3}},
                   focus=focus)
    assert got == [("explain_ward", {"ward": "Bolori II", "lga": "Maiduguri"})]


@pytest.mark.parametrize("text", ["how many wards are High on both methods",
                                  "how many wards are high in both rankings",
                                  "how many high wards do composite and pca both agree on"])
def test_high_on_both_methods_is_counted_where_they_agree(text):
    got, _ = steps(text)
    assert got == [("ask_results", {"about": "ward_counts", "category": "High",
                                    "agree": True})], text


@pytest.mark.parametrize("text", ["how many wards are high", "how many high wards in Zaria"])
def test_a_plain_category_count_is_unchanged(text):
    got, _ = steps(text)
    assert got and got[0][0] == "list_wards" and "agree" not in got[0][1], text


def test_both_lgas_is_not_both_methods():
    got, _ = steps("how many wards are high in both Zaria and Fagge")
    assert not any(p.get("agree") for _, p in got)


@pytest.mark.parametrize("text", ["and the same ten on composite, to compare",
                                  "the same 10 by composite", "same list on composite"])
def test_the_same_list_on_the_other_method(text):
    last = {"tool": "top_wards", "params": {"n": 10, "method": "pca", "order": "top"}}
    got, _ = steps(text, last=last)
    assert got == [("top_wards", {"n": 10, "method": "composite", "order": "top"})], text


def test_the_same_five_after_ten_is_not_the_same_list():
    last = {"tool": "top_wards", "params": {"n": 10, "method": "pca", "order": "top"}}
    got, _ = steps("the same five on composite", last=last)
    assert got != [("top_wards", {"n": 10, "method": "composite", "order": "top"})]


@pytest.mark.parametrize("text", ["how many wards in Zaria and Fagge together",
                                  "how many wards do Zaria and Fagge have combined?",
                                  "number of wards in Zaria & Fagge in total"])
def test_wards_of_two_lgas_counted_together(text):
    got, d = steps(text)
    assert not got and "6 wards" in d.text and "Zaria: 5" in d.text and "Fagge: 1" in d.text


@pytest.mark.parametrize("text", ["how many wards in 24006 and 24008 together",
                                  "how many wards in 24006 and 24008.",
                                  "how many wards in 24006, 24008?"])
def test_wards_of_two_codes_counted_together(text):
    from chatmrpt.chat.place_counts import wards_together

    wards = (WardRef("A", None), WardRef("B", None), WardRef("C", None))
    c = RouterContext(has_dataset=True, variables=("x",), wards=wards,
                      analysis_status="succeeded")
    f = Facts(lga_codes=("24006", "24008", "24007"),
              ward_lga_codes=(("A", "24006"), ("B", "24008"), ("C", "24008")))
    d = wards_together(text, c, f)
    assert d is not None and d.text.startswith("3 wards") and "LGA 24008: 2" in d.text


@pytest.mark.parametrize("text", ["how many high wards in Zaria and Fagge",
                                  "how many wards in Zaria",
                                  "how many wards in Zaria and Fagge need nets"])
def test_other_counts_are_not_counted_together(text):
    _, d = steps(text)
    assert d.reading.get("stored") != "wards_together", text


@pytest.mark.parametrize("text", ["sabon gari rank pls", "Sabon Gari rank please"])
def test_a_ward_rank_said_with_please_is_looked_up(text):
    got, d = steps(text)
    assert not got and len(d.choices) == 2  # a name two LGAs share: asked which
    got, _ = steps("Dambo rank please")
    assert got == [("explain_ward", {"ward": "Dambo"})]
