"""References into what was just shown: a ward of the last list by its position, the last
ward after a rank question, a category filter of the last LGA list, "show me it" after a
question about a map, misspelt LGA names and the whole area named by its city."""

from __future__ import annotations

import pytest

from chatmrpt.chat import ordinal
from chatmrpt.chat.results import whole_area_name
from chatmrpt.chat.slots import find_lga

LISTED = ["Alpha (Kuran)", "Beta (Rimai)", "Gamma (Doragar)", "Delta (Lida)", "Omega (Raku)"]
COLUMNS = ["Population", "u5_tpr_rdt", "rainfall", "distance_to_waterbodies", "elevation"]


def _ask(text: str):
    return ordinal.listed_ward(text, text.lower(), LISTED, COLUMNS)


@pytest.mark.parametrize("text, ward, lga, tool", [
    ("the 2nd one - how many people live there, its population?", "Beta", "Rimai", "ward_value"),
    ("d third one, wetin be im rainfall", "Gamma", "Doragar", "ward_value"),
    ("that first ward: what is its elevation", "Alpha", "Kuran", "ward_value"),
    ("the fourth one on the list, what rank did it get?", "Delta", "Lida", "explain_ward"),
    ("and the last one there, its tpr?", "Omega", "Raku", "ward_value"),
    ("di top one, wat be im score", "Alpha", "Kuran", "explain_ward"),
    ("the 5th ward - what's its population", "Omega", "Raku", "ward_value"),
])
def test_a_ward_of_the_last_list_by_position(text, ward, lga, tool):
    step, note = _ask(text)
    assert step["tool"] == tool
    assert step["params"]["ward"] == ward and step["params"]["lga"] == lga
    assert ward in note


@pytest.mark.parametrize("text", [
    "the second one there",  # nothing asked about it
    "the 9th one, its population?",  # not in the list of five
    "the second one, plan 500k nets for it",  # a plan, not a figure
    "if the third one had more rain, would its rank change?",  # hypothetical
    "the first ones, their rainfall",  # several wards
    "map the second one",  # a map
    "what is the population of the second ward in Lida",  # no reference to the list
])
def test_look_alikes_are_not_read_as_a_listed_ward(text):
    assert _ask(text) is None


def test_no_list_shown_no_reading():
    assert ordinal.listed_ward("the second one, its population?", "the second one, its "
                               "population?", [], COLUMNS) is None


@pytest.mark.parametrize("text", ["and the last one?", "and d last one", "the bottom one",
                                  "what about the last one?", "ok, the very last ward",
                                  "and dat last one nko"])
def test_the_last_one_after_a_rank_answer(text):
    assert ordinal.last_after_rank(text, {"tool": "explain_ward", "params": {"ward": "X"}}) \
        == "which ward comes last?"


@pytest.mark.parametrize("text, last", [
    ("and the last one?", {"tool": "top_wards", "params": {"n": 20}}),  # last of a list: no
    ("and the last one?", None),
    ("the last one, its population?", {"tool": "explain_ward", "params": {}}),
    ("the last plan", {"tool": "explain_ward", "params": {}}),
    ("export the last one", {"tool": "explain_ward", "params": {}}),
    ("last one is wrong", {"tool": "explain_ward", "params": {}}),
])
def test_look_alikes_of_the_last_one(text, last):
    assert ordinal.last_after_rank(text, last) is None


@pytest.mark.parametrize("text, n", [("which ward is number one?", 1), ("wat ward be no. 2", 2),
                                     ("number 3 ward", 3), ("#4 which?", 4),
                                     ("who is number five", 5), ("which ward is number 12", 12)])
def test_rank_said_in_words_or_digits(text, n):
    assert ordinal.rank_word(text) == n


LIDA = {"tool": "list_wards", "params": {"lga": "Lida"}}
CODE = {"tool": "list_wards", "params": {"lga_code": "24008"}}


@pytest.mark.parametrize("text, last, expected", [
    ("out of those ones, which ones are in the high category?", LIDA,
     {"lga": "Lida", "category": "High"}),
    ("High only", CODE, {"lga_code": "24008", "category": "High"}),
    ("only the low ones", LIDA, {"lga": "Lida", "category": "Low"}),
    ("just medium", CODE, {"lga_code": "24008", "category": "Medium"}),
    ("among them which are low risk", LIDA, {"lga": "Lida", "category": "Low"}),
    ("ok, the high wards only", CODE, {"lga_code": "24008", "category": "High"}),
    ("of dem, which be high priority", LIDA, {"lga": "Lida", "category": "High"}),
])
def test_category_filter_of_the_lga_list_shown(text, last, expected):
    assert ordinal.category_of_shown(text.lower(), last) == expected


@pytest.mark.parametrize("text, last", [
    ("how many of those are high?", LIDA),  # a count, answered elsewhere
    ("High only", {"tool": "top_wards", "params": {"n": 10}}),  # no LGA in the last list
    ("High only", {"tool": "plan_itn", "params": {"lga": "Lida"}}),
    ("map the high ones of those", LIDA),
    ("why is the high one of those first?", LIDA),
    ("which of those has the highest rainfall", LIDA),
    ("plan nets for the high ones only", CODE),
])
def test_look_alikes_of_a_category_filter(text, last):
    assert ordinal.category_of_shown(text.lower(), last) is None


@pytest.mark.parametrize("text", ["can you show me it?", "show am", "pls show me that map",
                                  "u fit show me am", "ok show it", "could you display it please"])
def test_show_it(text):
    assert ordinal.SHOW_IT.match(text.lower())


@pytest.mark.parametrize("text", ["show me the top 10", "can you show me how to read it?",
                                  "show it to my boss tomorrow?", "don't show it",
                                  "show the rainfall map", "it shows what?"])
def test_show_it_look_alikes(text):
    assert not ordinal.SHOW_IT.match(text.lower())


@pytest.mark.parametrize("text, what", [
    ("how do i read the category map?", "category"), ("what does the vulnerability map show",
                                                      "composite"),
    ("the composite score map colours mean what", "composite"), ("explain the pca map", "pca"),
    ("is the map of categories by rank?", "category"), ("wetin be risk map", "composite")])
def test_map_talked_about(text, what):
    assert ordinal.map_talked_about(text) == what


@pytest.mark.parametrize("text", ["how do i read the maps?", "category map or pca map?",
                                  "what is pca", "rainfall map", "map", "top 10 wards"])
def test_no_one_map_talked_about(text):
    assert ordinal.map_talked_about(text) is None


LGAS = ["Raubatsa", "Kano Municipal", "Rimai", "Raku", "Doragar", "Kuran", "Lida"]


@pytest.mark.parametrize("text, lga", [
    ("top 3 for raubasta", "Raubatsa"), ("pls wat wards dey kano munincipal", "Kano Municipal"),
    ("wards in dorgar", "Doragar"), ("list the wards of kuraan", "Kuran"),
    ("top 5 wards inside rimmai", "Rimai"), ("show wards for raubatsaa", "Raubatsa")])
def test_misspelt_lga(text, lga):
    assert find_lga(text, LGAS)[0] == lga


@pytest.mark.parametrize("text", ["top 3 for the meeting", "wards in rk", "top 3 for ra",
                                  "wards dey high", "list the wards", "top 3 in kano"])
def test_not_a_misspelt_lga(text):
    assert find_lga(text, LGAS)[0] is None


@pytest.mark.parametrize("name", ["Ilorin", "kano", "the state", "Kwara", "Kano State",
                                  "the whole of ilorin"])
def test_whole_area_names(name):
    assert whole_area_name(name)


@pytest.mark.parametrize("name", ["Ilorin West", "Fagge", "Kano Municipal", "Lida",
                                  "Ilorin South", "Nassarawa"])
def test_lga_names_are_not_the_whole_area(name):
    assert not whole_area_name(name)
