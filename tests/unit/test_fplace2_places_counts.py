"""Places, lists and counts: "how many are medium there" counts in the LGA just talked about
(by name or by code), never in the whole area; look-alikes ("how many high wards are there")
keep their reading."""

from __future__ import annotations

import pytest

from tests.unit.test_fplace_place_followups import demo, kano

CODE_LIST = {"tool": "list_wards", "params": {"lga_code": "20030", "category": "Medium"}}
LIDA_LIST = {"tool": "list_wards", "params": {"lga": "Lida", "category": "High"}}


# --- "how many are medium there" ---------------------------------------------------------------

@pytest.mark.parametrize("text,category", [
    ("how many are medium there", "Medium"),
    ("how many low there", "Low"),
    ("how many are high there?", "High"),
    ("hw many low dere", "Low"),
    ("and how many medium ones there", "Medium"),
])
def test_how_many_of_a_group_there_counts_in_the_lga_code_just_listed(text, category):
    got, _ = kano(text, last=CODE_LIST, seen={"lga_code": "20030"})
    assert got == [("ask_results", {"about": "ward_counts", "lga_code": "20030",
                                    "category": category})], text


@pytest.mark.parametrize("text", ["how many are medium there", "how many low there?"])
def test_how_many_of_a_group_there_counts_in_the_lga_just_listed(text):
    got, _ = demo(text, last=LIDA_LIST, seen={"lga": "Lida"})
    assert len(got) == 1 and got[0][0] == "ask_results" and got[0][1]["lga"] == "Lida", text


@pytest.mark.parametrize("text", ["how many high wards are there",
                                  "how many high wards are there in total"])
def test_how_many_of_a_group_are_there_is_the_whole_area(text):
    got, _ = kano(text, last=CODE_LIST, seen={"lga_code": "20030"})
    assert got and not any(p.get("lga_code") or p.get("lga") for _, p in got), text


def test_there_with_no_place_talked_about_is_the_whole_area():
    got, _ = kano("how many are medium there")
    assert got and not any(p.get("lga_code") or p.get("lga") for _, p in got)


# --- "list the wards in LGA 20099" after a count: the place said, never the one counted -----

COUNTED_CODE = {"tool": "ask_results", "params": {"about": "ward_counts", "lga_code": "20012"}}
COUNTED_SEEN = {"lga_code": "20012", "listed": ["Gyaranya", "Sani Mai Nagge", "Goron Dutse"]}


@pytest.mark.parametrize("text,code", [
    ("list the wards in LGA 20099", "20099"),
    ("show the wards in lga 20099 please", "20099"),
    ("list the wards in 20043", "20043"),
])
def test_list_the_wards_of_another_code_after_a_count_is_that_code(text, code):
    got, _ = kano(text, last=COUNTED_CODE, seen=COUNTED_SEEN)
    assert got == [("list_wards", {"lga_code": code})], text


def test_list_the_wards_of_another_lga_after_a_count_is_that_lga():
    last = {"tool": "ask_results", "params": {"about": "ward_counts", "lga": "Lida"}}
    got, d = demo("list the wards in Ikeja", last=last,
                  seen={"lga": "Lida", "listed": ["Zunoko", "Siru", "Danbiga"]})
    assert not any(p.get("lga") == "Lida" for _, p in got)


@pytest.mark.parametrize("text", ["list the wards", "list them", "show me those wards",
                                  "list the wards there", "list the wards in that lga"])
def test_list_them_after_a_count_is_the_wards_counted(text):
    got, _ = kano(text, last=COUNTED_CODE, seen=COUNTED_SEEN)
    assert got == [("list_wards", {"lga_code": "20012"})], text


# --- "is Ikeja GRA ward in 24008? what's its rank" ---------------------------------------------

from chatmrpt.chat.dialogue import DialogueState, Facts, decide  # noqa: E402
from chatmrpt.chat.extract import WardRef  # noqa: E402
from chatmrpt.chat.router import RouterContext  # noqa: E402
from tests.unit.chat_corpus import DEMO_VARIABLES  # noqa: E402

NAMED = (WardRef("Raumirau", "Gakirau"), WardRef("Sabon Gari", "Gakirau"),
         WardRef("Sabon Gari", "Kuwe South"), WardRef("Faku", "Kuwe South"),
         WardRef("Gali", "Kwasha"), WardRef("Rimwalja", "Kwasha"))
CODED = {"Oloje": "24008", "Adewole": "24008", "Ibagun": "24006", "Akanbi 1": "24007"}


def named(text, seen=None):
    c = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=NAMED,
                      analysis_status="succeeded")
    f = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), ward_count=len(NAMED),
              lgas=("Gakirau", "Kuwe South", "Kwasha"))
    d = decide(text, c, DialogueState(focus=seen), f)
    return [(s.tool, s.params) for s in d.steps], d


def coded(text, seen=None, last=None):
    wards = tuple(WardRef(n, None) for n in CODED)
    c = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=wards,
                      analysis_status="succeeded")
    f = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), ward_count=len(wards),
              lga_codes=("24006", "24007", "24008"), ward_lga_codes=tuple(CODED.items()))
    d = decide(text, c, DialogueState(focus=seen, last=last), f)
    return [(s.tool, s.params) for s in d.steps], d


def _said(d):
    return " ".join([d.text or ""] + [s.echo for s in d.steps]).strip()


@pytest.mark.parametrize("text", ["is Ikeja GRA ward in 24008? what's its rank",
                                  "is Ikeja GRA in 24008?", "Is Ikeja GRA part of LGA 24008",
                                  "does 24008 have a ward called Ikeja GRA?"])
def test_a_ward_the_table_lacks_is_said_missing_and_nothing_is_listed(text):
    got, d = coded(text, last={"tool": "list_wards", "params": {"lga_code": "24008",
                                                                "category": "Low"}})
    assert got == [] and "Ikeja GRA" in d.text and "no ward" in d.text, text
    assert not any(w in d.text for w in CODED), text


def test_a_ward_the_table_lacks_in_a_named_lga():
    got, d = named("is Ikeja GRA in Kwasha? and its rank")
    assert got == [] and "no ward" in d.text and "Gali" not in d.text


@pytest.mark.parametrize("text,yes", [("is Oloje ward in 24008? what's its rank", True),
                                      ("is Oloje in 24006? whats its position", False)])
def test_a_ward_in_an_lga_code_with_its_rank(text, yes):
    got, d = coded(text)
    assert got == [("explain_ward", {"ward": "Oloje"})], text
    assert _said(d).startswith("Yes" if yes else "No") and "24008" in _said(d), text


@pytest.mark.parametrize("text", ["is Oloje in 24006?", "is Oloje ward in LGA 24006",
                                  "does 24006 contain Oloje?"])
def test_a_ward_in_another_lga_code_is_no_with_its_code(text):
    got, d = coded(text)
    assert got == [] and d.text.startswith("No") and "24008" in d.text, text


def test_a_code_the_table_lacks_is_said():
    got, d = coded("is Oloje in 20099?")
    assert got == [] and "20099" in d.text and "24008" in d.text


def test_is_it_in_a_code_is_the_ward_talked_about():
    got, d = coded("is it in 24008?", seen={"ward": "Adewole"})
    assert got == [] and d.text.startswith("Yes") and "Adewole" in d.text


@pytest.mark.parametrize("text,lga", [("is Sabon Gari in Kuwe South? what's its rank", "Kuwe South"),
                                      ("is Sabon Gari ward in Gakirau LGA? its rank?", "Gakirau")])
def test_a_ward_name_of_several_lgas_is_the_one_in_the_lga_said(text, lga):
    got, d = named(text)
    assert got == [("explain_ward", {"ward": "Sabon Gari", "lga": lga})], text


def test_a_ward_name_of_several_lgas_not_in_the_lga_said_is_no_rank():
    got, d = named("is Sabon Gari in Kwasha? and its rank")
    assert got == [] and d.text.startswith("No") and "Gakirau" in d.text


@pytest.mark.parametrize("text", ["is Raumirau in Gakirau?", "does Kwasha have a ward called Gali?",
                                  "is Faku ward part of Kuwe South LGA"])
def test_a_ward_in_its_lga_is_yes(text):
    got, d = named(text)
    assert got == [] and d.text.startswith("Yes"), text


@pytest.mark.parametrize("text", ["is the top ward in 24008?", "is rainfall in the data?",
                                  "is Oloje in 24008? and show the category map",
                                  "is there any high ward in 24008"])
def test_look_alikes_are_not_a_ward_in_an_lga(text):
    _, d = coded(text)
    assert d.reading.get("stored") != "ward_in_place", text


# --- list words typed with a slip: "bottm 5 darandan", "top5 kuran" ----------------------------

@pytest.mark.parametrize("text,n,order", [
    ("bottm 5 kuran", 5, "bottom"), ("botom 3 in Kuran", 3, "bottom"),
    ("buttom 10 in kuran", 10, "bottom"), ("lsit the bottm 5 in Kuran", 5, "bottom"),
    ("top5 kuran", 5, None), ("bottom5 kuran", 5, "bottom"), ("bottm10 in Kuran", 10, "bottom"),
])
def test_list_words_typed_with_a_slip_keep_the_lga(text, n, order):
    got, _ = demo(text)
    want = {"lga": "Kuran", "n": n, **({"order": order} if order else {})}
    assert got == [("list_wards", want)], text


def test_list_word_slip_is_kept_inside_a_ward_name():
    from chatmrpt.chat.normalize import plain_text

    assert plain_text("rank of Botom Gari", ["Botom Gari"]) == "rank of Botom Gari"
    assert plain_text("botom 5 wards", ["Botom Gari"]) == "bottom 5 wards"


# --- a place corrected inside the message: "top 5 in Kuwe South, no sorry, Kwasha" -------------

@pytest.mark.parametrize("text,want", [
    ("top 5 in Kuwe South, no sorry, Kwasha", {"lga": "Kwasha", "n": 5}),
    ("top 5 in Kuwe South... wait, Kwasha", {"lga": "Kwasha", "n": 5}),
    ("bottom 3 in Gakirau sorry Kwasha", {"lga": "Kwasha", "n": 3, "order": "bottom"}),
    ("high wards in Kuwe South, I mean Kwasha", {"lga": "Kwasha", "category": "High"}),
    ("top 5 in Kuwe South, no, Kwasha LGA", {"lga": "Kwasha", "n": 5}),
])
def test_a_place_corrected_in_the_message_is_the_place_meant(text, want):
    got, d = named(text)
    assert got == [("list_wards", want)], text
    assert any("instead of" in n for n in d.notes), text


def test_a_ward_corrected_in_the_message_is_the_ward_meant():
    got, _ = named("rank of Faku, sorry, Raumirau")
    assert got and got[0][1].get("ward") == "Raumirau"


def test_an_lga_code_corrected_in_the_message_is_the_code_meant():
    got, _ = coded("top 5 in 24006, I mean 24008")
    assert got == [("list_wards", {"n": 5, "lga_code": "24008"})]


@pytest.mark.parametrize("text", ["top 5 in Kuwe South and Kwasha",
                                  "top 5 in Kuwe South. actually also Kwasha",
                                  "top 5 in Kuwe South, sorry to bother you"])
def test_two_places_or_an_apology_are_no_correction(text):
    got, d = named(text)
    assert not any("instead of" in n for n in d.notes), text
    assert got != [("list_wards", {"lga": "Kwasha", "n": 5})], text


# --- "how many people are in Raumirau": the ward's population ----------------------------------

POP_NAMED = NAMED + (WardRef("Kagu", "Kwasha"), WardRef("Kagu", "Kuwe South"),
                     WardRef("Kwasha", "Kwasha"))


def with_population(text):
    c = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=POP_NAMED,
                      analysis_status="succeeded")
    f = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), ward_count=len(POP_NAMED),
              lgas=("Gakirau", "Kuwe South", "Kwasha"), population=True)
    d = decide(text, c, DialogueState(last={"tool": "list_wards", "params": {
        "lga": "Gakirau", "n": 5, "order": "bottom"}}, focus={"lga": "Gakirau"}), f)
    return [(s.tool, s.params) for s in d.steps], d


@pytest.mark.parametrize("text", ["how many people are in Raumirau",
                                  "how many persons live in Raumirau ward?",
                                  "how many people dey for Raumirau",
                                  "and how many residents are there in Raumirau"])
def test_how_many_people_in_a_ward_is_its_population(text):
    got, _ = with_population(text)
    assert got == [("ward_value", {"ward": "Raumirau", "variable": "Population"})], text


def test_how_many_people_in_a_ward_of_two_lgas_asks_which():
    got, d = with_population("how many people are in Kagu")
    assert got == [] and "Which one" in d.text and len(d.choices) == 2


def test_how_many_people_in_a_ward_with_its_lga():
    got, _ = with_population("how many people are in Kagu in Kwasha")
    assert got == [("ward_value", {"ward": "Kagu", "variable": "Population", "lga": "Kwasha"})]


@pytest.mark.parametrize("text", ["how many people are in Kwasha", "how many people in Gakirau LGA",
                                  "how many people are in Raumirau and Kagu"])
def test_how_many_people_in_an_lga_or_two_wards_is_not_one_ward(text):
    got, _ = with_population(text)
    assert not (len(got) == 1 and got[0][0] == "ward_value" and "lga" not in got[0][1]
                and got[0][1]["ward"] in ("Raumirau", "Kwasha")), text


# --- one LGA's figures in the plan, asked short: "how many for Kuran", "and ganja wards fully
# covered?" ----------------------------------------------------------------------------------------

PLAN_WARDS = (WardRef("Ganje", "Lida"), WardRef("Ganla", "Lida"), WardRef("Kofar", "Kuran"),
              WardRef("Malano", "Doragar"), WardRef("Kuran", "Kuran"))
PLAN_LGAS = ("Doragar", "Ganja", "Kuran", "Lida")


def after_plan(text, last):
    c = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=PLAN_WARDS,
                      analysis_status="succeeded",
                      last_plan={"total_nets": 400_000, "household_size": 5})
    f = Facts(lgas=PLAN_LGAS, ward_count=len(PLAN_WARDS), population=True)
    d = decide(text, c, DialogueState(last=last), f)
    return [(s.tool, s.params) for s in d.steps]


MOST = {"tool": "ask_results", "params": {"about": "plan_lga", "order": "most"}}
GANJA = {"tool": "ask_results", "params": {"about": "plan_lga", "lga": "Ganja"}}
TOTALS_ASKED = {"tool": "ask_results", "params": {"about": "plan_totals"}}


@pytest.mark.parametrize("text,last,lga", [
    ("how many for Kuran", MOST, "Kuran"),
    ("and how many for doragar?", MOST, "Doragar"),
    ("and ganja wards fully covered?", GANJA, "Ganja"),
    ("Doragar wards fully covered?", GANJA, "Doragar"),
    ("how many nets dem get for Kuran", TOTALS_ASKED, "Kuran"),
])
def test_one_lgas_figure_asked_short_after_plan_talk_is_that_lgas_figures(text, last, lga):
    assert after_plan(text, last) == [("ask_results", {"about": "plan_lga", "lga": lga})], text


@pytest.mark.parametrize("text", ["how many wards for Kuran", "top 5 in Kuran",
                                  "how many people are in Malano"])
def test_other_questions_about_an_lga_after_plan_talk_are_not_its_plan_figures(text):
    got = after_plan(text, MOST)
    assert ("ask_results", {"about": "plan_lga", "lga": "Kuran"}) not in got, text


def test_how_many_for_an_lga_after_a_list_is_not_the_plan():
    got = after_plan("how many for Kuran", {"tool": "list_wards", "params": {"lga": "Kuran"}})
    assert ("ask_results", {"about": "plan_lga", "lga": "Kuran"}) not in got


# --- a list and the LGA's ward count in one message ----------------------------------------------

@pytest.mark.parametrize("text,want", [
    ("List the top 3 wards in 20012 and tell me how many wards that LGA has.",
     {"lga_code": "20012", "n": 3}),
    ("show me the bottom 2 wards in 20043 and tell me how many wards it has",
     {"lga_code": "20043", "n": 2, "order": "bottom"}),
])
def test_a_list_and_the_lgas_ward_count_is_the_list_whose_first_line_counts(text, want):
    got, d = kano(text)
    assert got == [("list_wards", want)], text
    assert "how many wards" in d.steps[0].echo, text


def test_a_list_and_its_count_by_lga_name():
    got, d = demo("top 5 wards in Kuran and tell me how many wards that LGA has")
    assert got == [("list_wards", {"lga": "Kuran", "n": 5})]


@pytest.mark.parametrize("text", ["list the top 3 wards in 20012 and tell me how many are high",
                                  "list the high wards in 20012 and tell me how many wards it has"])
def test_a_list_and_another_count_is_not_read_as_the_lgas_count(text):
    _, d = kano(text)
    assert "list_and_count" not in d.reading, text


@pytest.mark.parametrize("text,place,group", [
    ("list the top 3 wards in 20012 and tell me how many are high", {"lga_code": "20012"}, "High"),
    ("show me the top 5 wards in 20043 and tell me how many of them are medium",
     {"lga_code": "20043"}, "Medium"),
])
def test_a_list_and_a_risk_group_count_count_in_the_same_lga(text, place, group):
    got, d = kano(text)
    assert got[0][0] == "list_wards" and got[0][1]["lga_code"] == place["lga_code"], got
    assert got[1] == ("ask_results", {"about": "ward_counts", **place, "category": group}), got
    assert d.reading.get("list_and_group_count") == place["lga_code"]


def test_a_list_and_a_risk_group_count_by_lga_name():
    got, _ = demo("list the top 3 wards in Kuran and tell me how many are high")
    assert got == [("list_wards", {"lga": "Kuran", "n": 3}),
                   ("ask_results", {"about": "ward_counts", "lga": "Kuran", "category": "High"})]


def test_a_risk_group_count_without_a_place_is_not_this_reading():
    _, d = demo("list the top 3 wards and tell me how many are high")
    assert "list_and_group_count" not in d.reading
