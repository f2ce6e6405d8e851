"""Places, lists and the field tables: a list asked right after the user says where they work
("I be the focal person for Kuran. show me all the wards in Kuran", "ok sorry, I'm actually in
Gantsa. list all its wards"), look-alikes keep their reading."""

from __future__ import annotations

import pytest

from tests.unit.chat_corpus import NORTH_WARDS
from tests.unit.test_fplace_place_followups import demo, kano

# --- a list asked after the user says which LGA is theirs ---------------------------------------

@pytest.mark.parametrize("text,lga", [
    ("I be the focal person for Kuran. show me all the wards in Kuran", "Kuran"),
    ("I be the focal person for Rimai. list the wards", "Rimai"),
    ("ok sorry, I'm actually in Kuran. list all its wards", "Kuran"),
    ("sorry, I am actually in Rimai. show me its wards", "Rimai"),
    ("I dey for Kuran. list all the wards", "Kuran"),
    ("I'm now based in Jalsha. list all its wards", "Jalsha"),
    ("we be the team for Lida. list all the wards there", "Lida"),
])
def test_a_list_after_the_user_says_their_lga_lists_that_lga(text, lga):
    got, _ = demo(text)
    assert got and got[0][0] == "list_wards" and got[0][1].get("lga") == lga, (text, got)


@pytest.mark.parametrize("text", [
    "I be thinking the ranking is wrong. list the wards",
    "I am actually in a hurry. list the wards",
])
def test_an_introduction_naming_no_lga_limits_no_list(text):
    got, _ = demo(text)
    assert not any(p.get("lga") for _, p in got), (text, got)


# --- a bare LGA code answering "no LGA names ... or should I list the whole area?" ------------

def _kano_after_unknown_lga(text):
    from chatmrpt.chat.dialogue import DialogueState, decide

    _, asked = kano("and Gwale LGA?", last={"tool": "explain_ward", "params": {"ward": "Kawaji"}},
                    seen={"lga_code": "20037", "unresolved": "and Gwale LGA?",
                          "request": {"tool": "list_wards",
                                      "params": {"lga_code": "20037", "n": 3}}})
    assert asked.pending and not asked.steps
    c, f = kano_context()
    d = decide(text, c, DialogueState(last={"tool": "explain_ward", "params": {"ward": "Kawaji"}},
                                      focus={"lga_code": "20037", "unresolved": "and Gwale LGA?"},
                                      pending=asked.pending), f)
    return [(s.tool, s.params) for s in d.steps], d


def kano_context():
    from chatmrpt.chat.dialogue import Facts
    from chatmrpt.chat.extract import WardRef
    from chatmrpt.chat.router import RouterContext
    from tests.unit.chat_corpus import KANO_VARIABLES, KANO_WARDS
    from tests.unit.test_fplace_place_followups import CODES

    wards = tuple(WardRef(n, None) for names in KANO_WARDS.values() for n in names)
    c = RouterContext(has_dataset=True, variables=KANO_VARIABLES, wards=wards,
                      analysis_status="succeeded")
    return c, Facts(analysis_variables=KANO_VARIABLES[:3], lgas=(), ward_count=len(wards),
                    lga_codes=CODES)


@pytest.mark.parametrize("text,code", [("20012", "20012"), ("it's 20024", "20024"),
                                       ("use 20043", "20043"), ("code 20001", "20001")])
def test_a_code_answering_which_lga_lists_that_code(text, code):
    got, _ = _kano_after_unknown_lga(text)
    assert got and got[0][0] == "list_wards" and got[0][1].get("lga_code") == code, (text, got)


def test_another_request_after_the_question_is_read_on_its_own():
    got, _ = _kano_after_unknown_lga("top 5")
    assert got == [("top_wards", {"n": 5, "order": "top"})]


# --- "is there any ward called Gwarinpa in this data?" -----------------------------------------

@pytest.mark.parametrize("text", [
    "is there any ward called Gwarinpa in this data?",
    "is there a ward named Gwarinpa?",
    "do we have any ward called Wuse in the table",
    "does the data have a ward called Maitama",
    "any ward called Gwarinpa at all?",
])
def test_a_ward_the_table_lacks_is_said_missing_and_nothing_is_listed(text):
    got, d = demo(text)
    assert not got and d.text.startswith("No:"), (text, d.text)
    assert not any(w in d.text for w, _ in NORTH_WARDS), d.text


@pytest.mark.parametrize("text,ward", [
    ("is there any ward called Dambo in this data?", "Dambo"),
    ("do we have a ward named zango", "Zango"),
])
def test_a_ward_the_table_holds_is_said_with_its_lga(text, ward):
    got, d = demo(text)
    lga = dict(NORTH_WARDS)[ward]
    assert not got and d.text.startswith("Yes:") and ward in d.text and lga in d.text, d.text


def test_a_name_held_twice_names_both_lgas():
    got, d = demo("is there a ward called Sabon Gari?")
    assert not got and "Zaria" in d.text and "Fagge" in d.text


def test_its_rank_asked_with_the_question_is_explained():
    got, _ = demo("any ward called Dambo? what's its rank")
    assert got == [("explain_ward", {"ward": "Dambo"})]


@pytest.mark.parametrize("text", ["is there any ward with missing values?",
                                  "are there any wards called high priority?"])
def test_questions_about_the_table_keep_their_reading(text):
    _, d = demo(text)
    assert d.reading.get("stored") != "ward_in_data", text


# --- a plan or a reprioritisation said with another request, on a table without population --

def _kano_no_population(text):
    from chatmrpt.chat.dialogue import DialogueState, decide

    c, f = kano_context()
    d = decide(text, c, DialogueState(), f)
    return [(s.tool, s.params) for s in d.steps], d


@pytest.mark.parametrize("text,tool,params", [
    ("plan 50k nets and list the top 5 wards", "top_wards", {"n": 5, "order": "top"}),
    ("plan 200k nets, hh 5. show me the composite map", "show_map", {"what": "composite"}),
    ("reprioritise and export d rankings csv", "export_results",
     {"what": "rankings", "format": "csv"}),
    ("reprioritise urban wards then give me the bottom 3", "top_wards",
     {"n": 3, "order": "bottom"}),
    ("list the top 10 wards and plan 300k nets", "top_wards", {"n": 10, "order": "top"}),
])
def test_the_other_request_is_done_and_the_plan_is_said_not_done(text, tool, params):
    got, d = _kano_no_population(text)
    assert got == [(tool, params)], (text, got)
    assert d.not_done and "population" in d.not_done[0], d.not_done


@pytest.mark.parametrize("text", [
    "plan 50k nets and export the plan",
    "plan 100k nets for the top 5 wards",
    "plan nets for top 5 wards and list them",
    "plan 50k nets and plan 100k nets",
    "reprioritise and show the urban wards",
])
def test_a_request_leaning_on_the_plan_is_refused_whole(text):
    got, d = _kano_no_population(text)
    assert not got and "population" in (d.text or ""), (text, got)


# --- "lst dem" after a count of High wards --------------------------------------------------

HIGH_LIST = {"tool": "list_wards", "params": {"category": "High"}}
HIGH_SEEN = {"listed": ["Zango", "Fagg c", "Tudun Wada"], "listed_map": {"what": "category"}}


@pytest.mark.parametrize("text", ["lst dem", "lst them", "ok lst d wards", "lst all"])
def test_lst_them_after_a_count_lists_the_wards_counted(text):
    got, _ = kano(text, last=HIGH_LIST, seen=HIGH_SEEN)
    assert got and got[0][0] == "list_wards" and got[0][1].get("category") == "High", (text, got)


@pytest.mark.parametrize("text,plain", [
    ("lst dem", "list dem"), ("ok lst d wards", "ok list the wards"),
    ("lst map", "lst map"), ("add lst", "add lst"), ("lst", "lst"),
    ("lst of zango", "lst of zango"), ("show lst for the top wards", "show lst for the top wards"),
])
def test_lst_is_list_only_where_a_list_follows(text, plain):
    from chatmrpt.chat.normalize import plain_text

    assert plain_text(text) == plain


def test_lst_is_kept_on_a_table_with_an_lst_column():
    from chatmrpt.chat.normalize import plain_text

    assert plain_text("lst dem", names=("LST", "rainfall")) == "lst dem"


# --- a ward's urban share on a table without an urban column ---------------------------------

def _kano_urban(text, urban_share):
    from dataclasses import replace

    from chatmrpt.chat.dialogue import DialogueState, decide

    c, f = kano_context()
    d = decide(text, c, DialogueState(), replace(f, urban_share=urban_share))
    return [(s.tool, s.params) for s in d.steps], d


@pytest.mark.parametrize("text", ["what's the urban share of Zango?",
                                  "urban percentage of Zango", "wat be d % urban for Zango"])
def test_the_urban_share_the_analysis_holds_is_looked_up(text):
    got, _ = _kano_urban(text, True)
    assert got == [("ward_value", {"ward": "Zango", "variable": "urban_percentage"})], (text, got)


def test_without_an_urban_share_it_says_so_and_looks_nothing_up():
    got, d = _kano_urban("what's the urban share of Zango?", False)
    assert not got and "no urban share" in d.text


def test_a_table_with_an_urban_column_keeps_its_column():
    got, _ = demo("what's the urban share of Zango?")
    assert got == [("ward_value", {"ward": "Zango", "variable": "urbanPercentage"})]


def test_another_value_of_a_ward_keeps_its_reading():
    got, _ = _kano_urban("what's the rainfall of Zango?", True)
    assert got == [("ward_value", {"ward": "Zango", "variable": "rainfall"})]
