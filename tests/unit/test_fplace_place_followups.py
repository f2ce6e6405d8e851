"""Follow-ups that lean on the place or the list just talked about: "hw many wards dere" after
one LGA's list, "d 1st one pop?" (a listed ward by its place and a value said alone), "and the
other LGA, 24007" (the same list for another LGA), "which of them is ranked first overall?",
"back to the first LGA. bottom 3", "in 24008 only" after a ranked list, "which is the lowest
ranked there?" (one ward), "which of them are in Rimai?" (the listed wards of one LGA) and "and
the second one?" after the top ward was talked about. Messages that only look alike keep their
own reading."""

from __future__ import annotations

import pytest

from chatmrpt.chat import focus
from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.extract import WardRef
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import DEMO_VARIABLES, KANO_VARIABLES, KANO_WARDS, NORTH_WARDS

LGAS = ("Lida", "Jalsha", "Kuran", "Raubatsa", "Rimai", "Zaria")
CODES = ("20001", "20012", "20024", "20030", "20037", "20043")
RANKED = (("Danjalba", "Kuwe South"), ("Ransha I", "Rimai"), ("Malano", "Doragar"),
          ("Kawo", "Kuran"))


def demo(text, last=None, seen=None, pending=None):
    c = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=NORTH_WARDS,
                      analysis_status="succeeded")
    f = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=LGAS,
              ward_count=len(NORTH_WARDS), ranked=RANKED)
    d = decide(text, c, DialogueState(last=last, focus=seen, pending=pending), f)
    return [(s.tool, s.params) for s in d.steps], d


def kano(text, last=None, seen=None):
    wards = tuple(WardRef(n, None) for names in KANO_WARDS.values() for n in names)
    c = RouterContext(has_dataset=True, variables=KANO_VARIABLES, wards=wards,
                      analysis_status="succeeded")
    f = Facts(analysis_variables=KANO_VARIABLES[:3], lgas=(), ward_count=len(wards),
              lga_codes=CODES)
    d = decide(text, c, DialogueState(last=last, focus=seen), f)
    return [(s.tool, s.params) for s in d.steps], d


LIDA_LIST = {"tool": "list_wards", "params": {"lga": "Lida", "n": 3, "order": "bottom"}}
LIDA = {"lga": "Lida", "listed": ["Zunoko (Lida)", "Siru (Lida)", "Danbiga (Lida)"]}


# --- "hw many wards dere" ---------------------------------------------------------------------

@pytest.mark.parametrize("text", ["hw many wards dere", "how many wards there?",
                                  "hw many wards inside dere"])
def test_how_many_wards_there_counts_the_lga_just_listed(text):
    got, _ = demo(text, last=LIDA_LIST, seen=LIDA)
    assert got == [("lga_summary", {"lga": "Lida"})], text


@pytest.mark.parametrize("text", ["how many wards are there", "how many wards are there in total",
                                  "how many wards dey there"])
def test_how_many_wards_are_there_is_the_whole_table(text):
    got, d = demo(text, last=LIDA_LIST, seen=LIDA)
    assert not got and "Your ward table has" in d.text, text


def test_how_many_wards_there_with_no_place_talked_about_is_the_whole_table():
    got, d = demo("how many wards there")
    assert not any(p.get("lga") for _, p in got)


# --- a listed ward by its place, with a value said alone --------------------------------------

JALSHA_TOP = {"tool": "list_wards", "params": {"lga": "Jalsha", "n": 3}}
JALSHA = {"lga": "Jalsha", "listed": ["Nanira/Kiruri (Jalsha)", "Nidima (Jalsha)",
                                      "Gangare (Jalsha)"]}


@pytest.mark.parametrize("text,ward,variable", [
    ("d 1st one pop?", "Nanira/Kiruri", "Population"),
    ("the second one population", "Nidima", "Population"),
    ("d 3rd one tpr", "Gangare", "u5_tpr_rdt"),
    ("and the first one, rainfall?", "Nanira/Kiruri", "rainfall"),
])
def test_listed_ward_by_place_with_a_value_word(text, ward, variable):
    got, _ = demo(text, last=JALSHA_TOP, seen=JALSHA)
    assert got == [("ward_value", {"ward": ward, "lga": "Jalsha", "variable": variable})], text


def test_listed_ward_by_place_with_rank_word():
    got, _ = demo("the top one rank?", last=JALSHA_TOP, seen=JALSHA)
    assert got == [("explain_ward", {"ward": "Nanira/Kiruri", "lga": "Jalsha"})]


@pytest.mark.parametrize("text", ["the first one in Kuran pop", "d first one by pca",
                                  "the second one rainfall and tpr"])
def test_a_place_elsewhere_or_two_values_is_not_the_listed_ward(text):
    got, _ = demo(text, last=JALSHA_TOP, seen=JALSHA)
    assert ("ward_value", {"ward": "Nanira/Kiruri", "lga": "Jalsha", "variable": "Population"}) \
        not in got and not any(p.get("ward") == "Nidima" for _, p in got), text


def test_tpr_of_a_listed_ward_is_its_value_not_a_facility_rate():
    last = {"tool": "top_wards", "params": {"n": 3}}
    got, d = kano("d first one tpr?", last=last, seen={"listed": ["Zango", "Yakasai", "Dala"]})
    assert got == [("ward_value", {"ward": "Zango", "variable": "test_positivity_rate"})]
    assert "facility" not in (d.text or "")


# --- the same list for "the other LGA" --------------------------------------------------------

HIGH_24008 = {"tool": "list_wards", "params": {"lga_code": "20030", "category": "High"}}


@pytest.mark.parametrize("text", ["and the other LGA, 20043", "and for the other LGA, 20043?",
                                  "and the other one, 20043", "and the next lga 20043"])
def test_the_other_lga_by_code_keeps_the_list(text):
    got, _ = kano(text, last=HIGH_24008, seen={"lga_code": "20030"})
    assert got == [("list_wards", {"category": "High", "lga_code": "20043"})], text


def test_the_other_lga_by_name_keeps_the_list():
    last = {"tool": "list_wards", "params": {"lga": "Kuran", "category": "High"}}
    got, _ = demo("and for the other LGA, Raubatsa?", last=last, seen={"lga": "Kuran"})
    assert got == [("list_wards", {"lga": "Raubatsa", "category": "High"})]


def test_the_other_ones_without_a_place_is_not_another_lga():
    last = {"tool": "list_wards", "params": {"lga": "Kuran", "category": "High"}}
    got, _ = demo("and the other ones?", last=last, seen={"lga": "Kuran"})
    assert not any(p.get("lga") not in (None, "Kuran") for _, p in got)


# --- which of the listed wards is ranked first ------------------------------------------------

LISTED = {"lga_code": "20043", "listed": ["Zango", "zaitawai", "Yakasai"]}
HIGH_20043 = {"tool": "list_wards", "params": {"lga_code": "20043", "category": "High"}}


@pytest.mark.parametrize("text,order", [
    ("which of them is ranked first overall?", "most"),
    ("which of them is top-ranked", "most"),
    ("which of those comes last", "fewest"),
    ("which of them is ranked lowest?", "fewest"),
])
def test_which_of_them_is_ranked_first(text, order):
    got, _ = kano(text, last=HIGH_20043, seen=LISTED)
    assert got == [("ask_results", {"about": "ward_compare", "wards": LISTED["listed"],
                                    "order": order})], text


def test_which_of_them_has_the_highest_value_stays_a_value_question():
    got, _ = kano("which of them has the highest rainfall", last=HIGH_20043, seen=LISTED)
    assert got == [("ask_results", {"about": "ward_compare", "wards": LISTED["listed"],
                                    "variable": "rainfall", "order": "most"})]


def test_the_ward_picked_among_them_becomes_the_ward_talked_about():
    before = focus.Focus(listed=["Kofar Digar (Raubatsa)", "Jalgibi (Raubatsa)"])
    after = focus.after_answer(before, "which of them is ranked first?",
                               {"ward_compare": "Kofar Digar"})
    assert (after.ward, after.ward_lga) == ("Kofar Digar", "Raubatsa")


# --- "back to the first LGA" ------------------------------------------------------------------

def test_places_talked_about_are_kept_in_order():
    seen = focus.Focus()
    for lga in ("Kuran", "Raubatsa", "Kuran", "Lida"):
        seen = focus.after_answer(focus.Focus(**{**seen.to_dict(), "lga": lga}), "", None)
    assert seen.places == [{"lga": "Raubatsa"}, {"lga": "Kuran"}, {"lga": "Lida"}]
    assert seen.first_place == {"lga": "Kuran"}
    assert focus.Focus.of(seen.to_dict()) == seen


TWO = {"lga": "Raubatsa", "places": [{"lga": "Kuran"}, {"lga": "Raubatsa"}],
       "first_place": {"lga": "Kuran"},
       "request": {"tool": "list_wards", "params": {"lga": "Raubatsa", "category": "High"}}}
RAUBATSA_HIGH = {"tool": "list_wards", "params": {"lga": "Raubatsa", "category": "High"}}


@pytest.mark.parametrize("text", ["back to the first LGA. bottom 3",
                                  "go back to the previous lga, bottom 3",
                                  "bottom 3 for the other LGA"])
def test_back_to_an_earlier_lga_with_a_request(text):
    got, _ = demo(text, last=RAUBATSA_HIGH, seen=TWO)
    assert got == [("list_wards", {"lga": "Kuran", "n": 3, "order": "bottom"})], text


def test_back_to_the_first_lga_alone_repeats_the_last_request_there():
    got, _ = demo("ok back to the first LGA", last=RAUBATSA_HIGH, seen=TWO)
    assert got == [("list_wards", {"lga": "Kuran", "category": "High"})]


def test_back_to_the_first_lga_with_none_talked_about_asks():
    got, d = demo("back to the first LGA. bottom 3")
    assert not got and "Which LGA" in d.text


def test_the_other_lga_among_three_is_asked():
    seen = {**TWO, "places": [{"lga": "Lida"}, {"lga": "Kuran"}, {"lga": "Raubatsa"}]}
    got, d = demo("top 3 in the other LGA", last=RAUBATSA_HIGH, seen=seen)
    assert not got and "Which LGA" in d.text


# --- "in 24008 only" after a ranked list ------------------------------------------------------

BOTTOM5 = {"tool": "top_wards", "params": {"n": 5, "order": "bottom"}}


@pytest.mark.parametrize("text", ["in 24008 only", "only 24008", "just for 24008 pls",
                                  "restrict it to 24008"])
def test_a_place_only_after_a_ranked_list_keeps_the_list(text):
    from tests.unit.chat_corpus import ILORIN_VARIABLES, ILORIN_WARDS

    wards = tuple(WardRef(n, None) for names in ILORIN_WARDS.values() for n in names)
    c = RouterContext(has_dataset=True, variables=ILORIN_VARIABLES, wards=wards,
                      analysis_status="succeeded")
    f = Facts(analysis_variables=ILORIN_VARIABLES[:3], lgas=(), ward_count=len(wards),
              lga_codes=("24006", "24007", "24008"))
    d = decide(text, c, DialogueState(last=BOTTOM5), f)
    assert [(s.tool, s.params) for s in d.steps] == [
        ("list_wards", {"n": 5, "order": "bottom", "lga_code": "24008"})], text


@pytest.mark.parametrize("text", ["in Lida only", "only Kuran", "Lida only please",
                                  # the place alone, led by "in" or "for": the list's scope
                                  "in Lida", "and for Kuran?"])
def test_an_lga_name_only_after_a_ranked_list_keeps_the_list(text):
    got, _ = demo(text, last=BOTTOM5)
    assert len(got) == 1 and got[0][0] == "list_wards" and got[0][1]["n"] == 5 and \
        got[0][1]["order"] == "bottom", text


@pytest.mark.parametrize("text", ["only Lida and Kuran", "map of Lida only", "why only Lida",
                                  "in Lida and Kuran", "wards in Lida"])
def test_look_alikes_of_a_place_only_are_not_the_same_list(text):
    got, _ = demo(text, last=BOTTOM5)
    assert not any(p.get("n") == 5 for _, p in got), text


# --- "which is the lowest ranked there?" ------------------------------------------------------

ALL_20037 = {"tool": "list_wards", "params": {"lga_code": "20037"}}


@pytest.mark.parametrize("text,params", [
    ("which is the lowest ranked there?", {"n": 1, "order": "bottom", "lga_code": "20037"}),
    ("which is the highest ranked there?", {"n": 1, "lga_code": "20037"}),
    ("which are the lowest ranked there?", {"order": "bottom", "lga_code": "20037"}),
])
def test_which_is_the_lowest_ranked_is_one_ward(text, params):
    got, _ = kano(text, last=ALL_20037, seen={"lga_code": "20037"})
    assert got == [("list_wards", params)], text


# --- "which of them are in Rimai?" ------------------------------------------------------------

TOP5 = {"tool": "top_wards", "params": {"n": 5}}
TOP5_SEEN = {"listed": ["Danjalba (Kuwe South)", "Ransha I (Rimai)", "Malano (Doragar)",
                        "Kawo (Kuran)", "Ransha II (Rimai)"]}


@pytest.mark.parametrize("text", ["which of them are in Rimai?", "which ones are in Rimai",
                                  "any of those in Rimai?", "how many of them are in Rimai"])
def test_which_of_the_listed_wards_are_in_an_lga(text):
    got, _ = demo(text, last=TOP5, seen=TOP5_SEEN)
    assert got == [("ask_results", {"about": "ward_counts", "wards": TOP5_SEEN["listed"],
                                    "lga": "Rimai"})], text


def test_which_of_a_whole_group_are_in_an_lga_lists_that_group_there():
    last = {"tool": "list_wards", "params": {"category": "High"}}
    got, _ = kano("which of them are in 20043", last=last, seen={"listed": ["Zango", "Dala"]})
    assert got == [("list_wards", {"category": "High", "lga_code": "20043"})]


@pytest.mark.parametrize("text", ["which wards are in Rimai", "top 5 in Rimai"])
def test_wards_of_an_lga_said_fresh_are_not_a_filter_of_the_list(text):
    got, _ = demo(text, last=TOP5, seen=TOP5_SEEN)
    assert got and got[0][0] == "list_wards" and "wards" not in got[0][1], text


# --- "and the second one?" after the top ward was talked about --------------------------------

TOP1_SEEN = {"ward": "Danjalba", "ward_lga": "Kuwe South", "lga": "Kuwe South",
             "listed": ["Danjalba (Kuwe South)"]}
POPULATION = {"tool": "ward_value", "params": {"ward": "Danjalba", "variable": "Population"}}


@pytest.mark.parametrize("text,ward", [("and the second one?", "Ransha I"),
                                       ("the third one", "Malano"),
                                       ("and the next one?", "Ransha I")])
def test_a_place_in_the_ranking_after_the_top_ward(text, ward):
    got, d = demo(text, last=POPULATION, seen=TOP1_SEEN)
    assert got == [("ward_value", {"ward": ward, "variable": "Population"})], text
    assert ward in d.steps[0].echo


def test_the_second_one_after_an_explanation_explains_it():
    last = {"tool": "explain_ward", "params": {"ward": "Danjalba"}}
    got, _ = demo("and the second one?", last=last, seen=TOP1_SEEN)
    assert got == [("explain_ward", {"ward": "Ransha I"})]


def test_the_second_one_without_the_top_of_the_ranking_shown_is_not_rank_two():
    seen = {**TOP1_SEEN, "listed": ["Kawo (Kuran)"]}
    got, _ = demo("and the second one?", last=POPULATION, seen=seen)
    assert not any(p.get("ward") == "Ransha I" for _, p in got)


def test_the_second_one_right_after_a_list_is_the_second_row():
    seen = {"listed": ["Kawo (Kuran)", "Malano (Doragar)"]}
    last = {"tool": "list_wards", "params": {"lga": "Kuran", "n": 2}}
    got, _ = demo("and the second one?", last=last, seen=seen)
    assert got == [("explain_ward", {"ward": "Malano", "lga": "Doragar"})]


@pytest.mark.parametrize("text,last", [
    ("show the wards of the first LGA in that list", {"tool": "lga_summary", "params": {}}),
    ("top 3 in the first LGA", {"tool": "ask_results", "params": {"about": "lgas"}}),
])
def test_the_first_lga_of_a_list_of_lgas_is_not_the_first_talked_about(text, last):
    got, _ = demo(text, last=last, seen=TWO)
    assert not any(p.get("lga") == "Kuran" for _, p in got), text


def test_how_many_people_of_a_listed_ward_by_its_place():
    got, _ = demo("the second one, how many people live there?", last=JALSHA_TOP, seen=JALSHA)
    assert got == [("ward_value", {"ward": "Nidima", "lga": "Jalsha", "variable": "Population"})]


def test_which_of_dem_dey_an_lga():
    got, _ = demo("which of dem dey Rimai", last=TOP5, seen=TOP5_SEEN)
    assert got == [("ask_results", {"about": "ward_counts", "wards": TOP5_SEEN["listed"],
                                    "lga": "Rimai"})]
