"""Ward lists and counts said on a phone: "rimai hi wards" (High, not a greeting), "bottom 3
der" (there), "how many high wards do we have" (the whole table when no LGA of the user's is
known), a request after "ok leave the plan for now." or "ok forget am.", "how many LGAs are
there?" after one LGA's list, "last ward on d list" (the list shown, or the ranking), "data as
xlsx" (the whole table), "rank ilorin wards pls" before any analysis (the table's own area),
and "24007 bottom 2" answering which code an LGA is (its own list, no category carried)."""

from __future__ import annotations

import pytest

from chatmrpt.chat import focus as fc
from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.extract import WardRef
from chatmrpt.chat.normalize import plain_text
from chatmrpt.chat.router import RouterContext
from chatmrpt.chat.run_request import plain_run
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

LGAS = ("Fagge", "Geidam", "Maiduguri", "Nguru", "Zaria", "Nassarawa", "Kano Municipal")
WARDS = tuple(WardRef(n, lga) for n, lga in NORTH_WARDS)
RANKED = tuple((w.name, w.lga) for w in WARDS)
CTX = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=WARDS,
                    analysis_status="succeeded")
FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=LGAS, ward_count=len(WARDS),
              ranked=RANKED)
CODES = ("24006", "24007", "24008")
CODE_WARDS = tuple(WardRef(n, None) for n, _ in NORTH_WARDS)
CODE_CTX = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=CODE_WARDS,
                         analysis_status="succeeded")
CODE_FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), ward_count=len(CODE_WARDS),
                   lga_codes=CODES, ranked=tuple((w.name, None) for w in CODE_WARDS),
                   area=("ilorin_wards.csv", "Kwara"))


def run(text, last=None, focus=None, pending=None, ctx=CTX, facts=FACTS):
    d = decide(text, ctx, DialogueState(last=last, focus=focus, pending=pending), facts)
    return [(s.tool, s.params) for s in d.steps], d


# --- phone words ---------------------------------------------------------------------------

@pytest.mark.parametrize("text,plain", [
    ("rimai hi wards", "rimai high wards"),
    ("how many hi wards", "how many high wards"),
    ("list the hi ones", "list the high ones"),
    ("Zaria hi wards pls", "Zaria high wards please"),
    ("bottom 3 der", "bottom 3 there"),
])
def test_phone_words_for_high_and_there(text, plain):
    assert plain_text(text) == plain


@pytest.mark.parametrize("text", ["hi wards in rimai", "ok hi wards in rimai", "hi there",
                                  "hello hi wards"])
def test_hi_opening_a_message_stays_a_greeting(text):
    assert "high" not in plain_text(text).lower()


def test_lga_hi_wards_lists_the_high_wards_of_that_lga():
    got, _ = run("zaria hi wards")
    assert got == [("list_wards", {"lga": "Zaria", "category": "High"})]


def test_bottom_n_der_keeps_the_lga_just_listed():
    last = {"tool": "list_wards", "params": {"lga": "Zaria"}}
    got, _ = run("bottom 3 der", last=last, focus=fc.Focus(lga="Zaria").to_dict())
    assert got == [("list_wards", {"lga": "Zaria", "n": 3, "order": "bottom"})]


# --- counts ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["how many high wards do we have", "how many high wards do we have?",
                                  "how many low wards have we got"])
def test_category_count_we_have_is_the_whole_table(text):
    got, _ = run(text, ctx=CODE_CTX, facts=CODE_FACTS)
    assert got and got[0][0] == "list_wards" and "lga_code" not in got[0][1], (text, got)
    assert got[0][1]["category"] in ("High", "Low")


def test_category_count_we_have_is_the_users_lga_when_known():
    got, _ = run("how many high wards do we have", focus=fc.Focus(own_lga="Zaria").to_dict())
    assert got == [("list_wards", {"category": "High", "lga": "Zaria"})]


def test_our_wards_without_a_known_lga_is_not_the_whole_table():
    got, _ = run("how many of our wards are high")
    assert ("list_wards", {"category": "High"}) not in got


def test_list_all_of_them_after_the_count_is_the_category():
    last = {"tool": "list_wards", "params": {"category": "High"}}
    got, _ = run("list all of them", last=last)
    assert got and got[0][0] == "list_wards" and got[0][1].get("category") == "High"


def test_how_many_lgas_after_one_lgas_list_counts_no_wards():
    last = {"tool": "list_wards", "params": {"lga": "Zaria", "category": "High"}}
    got, _ = run("how many LGAs are there?", last=last, focus=fc.Focus(lga="Zaria").to_dict())
    assert not any(p.get("about") == "ward_counts" for _, p in got), got


def test_how_many_are_there_after_one_lgas_list_still_counts_it():
    last = {"tool": "list_wards", "params": {"lga": "Zaria"}}
    got, _ = run("how many are there", last=last, focus=fc.Focus(lga="Zaria").to_dict())
    assert got == [("ask_results", {"about": "ward_counts", "lga": "Zaria"})]


# --- a request after something dropped -------------------------------------------------------

@pytest.mark.parametrize("text", ["ok forget am. top 3 in zaria",
                                  "ok leave the plan for now. top 3 in zaria",
                                  "skip the map for now, top 3 in zaria",
                                  "forget about it, top 3 in zaria"])
def test_request_after_dropping_something(text):
    got, _ = run(text, last={"tool": "plan_itn", "params": {}})
    assert got == [("list_wards", {"lga": "Zaria", "n": 3})], (text, got)


def test_lga_count_after_leaving_the_plan_is_no_data_description():
    got, d = run("ok leave the plan for now. how many LGAs are there?",
                 last={"tool": "plan_itn", "params": {}})
    assert "describe_data" not in [t for t, _ in got]


# --- a position in the list, or in the ranking ----------------------------------------------

@pytest.mark.parametrize("text", ["last ward on d list", "the last ward on the list",
                                  "last ward", "which is the last ward on the list"])
def test_last_ward_with_no_list_shown_is_the_last_ranked(text):
    got, _ = run(text, last={"tool": "show_map", "params": {"what": "variable"}})
    assert got and got[0][0] == "explain_ward" and got[0][1]["ward"] == RANKED[-1][0], (text, got)


def test_nth_ward_on_the_list_with_no_list_shown_is_that_rank():
    got, _ = run("the 2nd ward on the list", last={"tool": "show_map", "params": {}})
    assert got and got[0][0] == "explain_ward" and got[0][1]["ward"] == RANKED[1][0]


@pytest.mark.parametrize("text", ["last ward on d list", "the last ward on the list",
                                  "last ward"])
def test_last_ward_after_a_list_is_the_last_listed(text):
    listed = ["Dambo (Zaria)", "Hausari (Nguru)", "Bolori II (Maiduguri)"]
    got, _ = run(text, last={"tool": "top_wards", "params": {"n": 3, "order": "top"}},
                 focus=fc.Focus(listed=listed).to_dict())
    assert got and got[0] == ("explain_ward", {"ward": "Bolori II", "lga": "Maiduguri"}), got


@pytest.mark.parametrize("text", ["the last one", "last one"])
def test_last_one_after_a_map_is_no_ranked_ward(text):
    got, _ = run(text, last={"tool": "show_map", "params": {"what": "variable"}})
    assert not any(p.get("ward") == RANKED[-1][0] for _, p in got)


# --- exports ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,fmt", [("data as xlsx", "xlsx"), ("send the data in csv", "csv"),
                                      ("our data as excel pls", "xlsx")])
def test_data_as_a_format_is_the_whole_table(text, fmt):
    got, _ = run(text)
    assert got == [("export_results", {"what": "unified", "format": fmt})], (text, got)


@pytest.mark.parametrize("text,what", [("rankings as xlsx", "rankings"),
                                       ("plan data as csv", "itn_plan")])
def test_another_subject_with_data_keeps_its_subject(text, what):
    got, _ = run(text)
    assert not got or got[0][1].get("what") == what, (text, got)


# --- the analysis asked with the table's own area -----------------------------------------

@pytest.mark.parametrize("text", ["rank ilorin wards pls", "rank the wards in ilorin",
                                  "rank all wards for kwara state please"])
def test_rank_the_own_areas_wards_runs_the_analysis(text):
    ctx = RouterContext(has_dataset=True, variables=DEMO_VARIABLES)
    assert plain_run(text, ctx, CODE_FACTS.area)


@pytest.mark.parametrize("text", ["rank kano wards", "rank ilorin west wards",
                                  "rank wards in ilorin east", "rank the wards in 24007"])
def test_rank_wards_of_one_lga_or_another_area_is_no_plain_run(text):
    ctx = RouterContext(has_dataset=True, variables=DEMO_VARIABLES)
    assert not plain_run(text, ctx, CODE_FACTS.area)


# --- a code said with its own list ------------------------------------------------------------

PENDING = {"expects": "lga_code", "tool": "list_wards", "params": {"category": "High"},
           "name": "ilorin east"}


def test_code_with_its_own_slice_drops_the_carried_category():
    got, _ = run("24007 bottom 2", pending=PENDING, ctx=CODE_CTX, facts=CODE_FACTS)
    assert got == [("list_wards", {"n": 2, "order": "bottom", "lga_code": "24007"})], got


@pytest.mark.parametrize("text", ["24007", "it's 24007"])
def test_bare_code_answer_keeps_the_question_request(text):
    got, _ = run(text, pending=PENDING, ctx=CODE_CTX, facts=CODE_FACTS)
    assert got == [("list_wards", {"category": "High", "lga_code": "24007"})], got


def test_top_ward_with_no_list_shown_is_still_the_top_list_of_one():
    got, _ = run("top ward", last={"tool": "show_map", "params": {"what": "variable"}})
    assert got == [("top_wards", {"n": 1, "order": "top"})]


# --- "which one be d last ward for the whole table": the last ward of the ranking ----------

@pytest.mark.parametrize("text", ["which one be d last ward for the whole table",
                                  "which one is the last ward overall",
                                  "the last ward for the whole table"])
def test_the_last_ward_of_the_whole_table_is_the_ranking_s_last(text):
    from chatmrpt.chat import ordinal

    assert ordinal.ranking_position(text, None, None) == "which ward comes last?"
    listed = ["Zango (Kano Municipal)", "Dala (Dala)"]
    shown = {"tool": "list_wards", "params": {"lga": "Dala"}}
    assert ordinal.ranking_position(text, listed, shown) == "which ward comes last?"


@pytest.mark.parametrize("text", ["last ward for the whole year", "the last ward in Dala"])
def test_other_last_wards_are_not_the_ranking_s_last(text):
    from chatmrpt.chat import ordinal

    assert ordinal.ranking_position(text, None, None) is None
