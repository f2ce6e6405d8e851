"""Corrections and repeats of a list or a file: "top 5, not bottom" takes the bottom back;
"send the bottom 3 again" is the list, not a file; "as csv so we can open it in excel" is a
CSV file (Excel is the program); "rank the wards for Lagos" on a table of another state runs
nothing."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.extract import WardRef
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import DEMO_VARIABLES

BOTTOM5 = {"tool": "top_wards", "params": {"n": 5, "order": "bottom"}}


def run(text, ready=True, last=None, area=("kano_demo.csv",)):
    c = RouterContext(has_dataset=True, variables=DEMO_VARIABLES,
                      wards=(WardRef("Danjalba", None), WardRef("Malano", None)),
                      analysis_status="succeeded" if ready else None)
    f = Facts(analysis_variables=DEMO_VARIABLES[:3] if ready else (),
              lgas=("Rimai", "Ganja", "Doragar"), ward_count=300, area=area)
    return decide(text, c, DialogueState(None, last), f)


def steps(d):
    return [(s.tool, dict(s.params)) for s in d.steps]


@pytest.mark.parametrize("text,n", [
    ("top 5 i mean not bottom", 5),
    ("sorry I meant the 5 highest, not lowest", 5),
    ("top 5 instead of the bottom ones", 5),
    ("the top 3, not the bottom 3", 3),
])
def test_bottom_taken_back_is_the_top(text, n):
    d = run(text, last=BOTTOM5)
    assert steps(d) and steps(d)[0][0] == "top_wards", (d.text, d.steps)
    assert steps(d)[0][1].get("order", "top") == "top"
    assert steps(d)[0][1].get("n") == n


@pytest.mark.parametrize("text,n", [
    ("bottom 5 not top 5", 5),
    ("the 3 lowest, not the highest", 3),
    ("i want the bottom 5 wards", 5),
])
def test_bottom_asked_for_stays_bottom(text, n):
    d = run(text, last=BOTTOM5)
    assert steps(d) and steps(d)[0][1].get("order") == "bottom", (d.text, d.steps)
    assert steps(d)[0][1].get("n") == n


@pytest.mark.parametrize("text,n,order", [
    ("can you send the bottom 3 again? I missed it", 3, "bottom"),
    ("send the bottom 10 again", 10, "bottom"),
    ("pls send the top 5 again, my network dropped", 5, "top"),
])
def test_list_sent_again_is_the_list(text, n, order):
    d = run(text, last={"tool": "top_wards", "params": {"n": n, "order": order}})
    assert steps(d) and steps(d)[0][0] == "top_wards", (d.text, d.steps)
    assert steps(d)[0][1].get("n") == n
    assert steps(d)[0][1].get("order", "top") == order


def test_list_again_as_a_file_is_still_a_file():
    d = run("send the rankings again as csv")
    assert steps(d) == [("export_results", {"what": "rankings", "format": "csv"})]


@pytest.mark.parametrize("text", [
    "Export the rankings as csv so we can open it in excel later",
    "export the rankings as csv, we will open it in excel",
    "Export the rankings as CSV so that we can open it in Excel",
    "csv of the rankings pls, to view with Excel",
])
def test_csv_opened_in_excel_is_csv(text):
    d = run(text)
    assert steps(d) == [("export_results", {"what": "rankings", "format": "csv"})], \
        (d.text, d.steps)


@pytest.mark.parametrize("text", [
    "export the rankings as csv, i mean excel",
    "export the rankings so we can open it in excel",
    "export the rankings as excel",
])
def test_excel_asked_for_is_excel(text):
    d = run(text)
    assert steps(d) == [("export_results", {"what": "rankings", "format": "xlsx"})], \
        (d.text, d.steps)


@pytest.mark.parametrize("text", [
    "good morning. can you rank the wards for Lagos state?",
    "rank the wards of Oyo state",
    "please run the analysis for Lagos",
])
def test_ranking_another_state_runs_nothing(text):
    d = run(text, ready=False)
    assert not d.steps, d.steps
    assert "Lagos" in d.text or "Oyo" in d.text
    assert d.pending and d.pending["choices"][0]["tool"] == "run_analysis"


@pytest.mark.parametrize("text", [
    "rank the wards for Kano state",
    "rank the wards of this state",
    "run the analysis",
])
def test_ranking_own_state_runs(text):
    d = run(text, ready=False)
    assert [s.tool for s in d.steps] == ["run_analysis"], (d.text, d.steps)


@pytest.mark.parametrize("text", [
    "ok this state then, the one I uploaded. rank them",
    "ok, the one I uploaded then, rank it",
])
def test_own_table_after_another_state_runs(text):
    d = run(text, ready=False)
    assert [s.tool for s in d.steps] == ["run_analysis"], (d.text, d.steps)


# --- an LGA code put right --------------------------------------------------------------------

def run_codes(text, last, pending=None):
    c = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=(),
                      analysis_status="succeeded")
    f = Facts(analysis_variables=DEMO_VARIABLES[:3], ward_count=35,
              lga_codes=("24006", "24007", "24008"))
    return decide(text, c, DialogueState(pending, last), f)


HIGH_24007 = {"tool": "list_wards", "params": {"category": "High", "lga_code": "24007"}}
COUNT_24007 = {"tool": "ask_results", "params": {"about": "ward_counts", "lga_code": "24007"}}
ALL_24006 = {"tool": "list_wards", "params": {"lga_code": "24006"}}


@pytest.mark.parametrize("text,last,tool,params", [
    ("wrong code, 24006", HIGH_24007, "list_wards", {"category": "High", "lga_code": "24006"}),
    ("sorry 24008 not 24007", HIGH_24007, "list_wards",
     {"category": "High", "lga_code": "24008"}),
    ("sorry 24006", COUNT_24007, "ask_results", {"about": "ward_counts", "lga_code": "24006"}),
    ("no not that one, I meant 24008", ALL_24006, "list_wards", {"lga_code": "24008"}),
    ("I said 24006? wrong code, it's 24008", ALL_24006, "list_wards", {"lga_code": "24008"}),
    ("oops, should be 24007", ALL_24006, "list_wards", {"lga_code": "24007"}),
    ("my bad, LGA 24008 instead", {"tool": "top_wards", "params": {"n": 3,
                                                                    "lga_code": "24006"}},
     "top_wards", {"n": 3, "lga_code": "24008"}),
])
def test_code_put_right_repeats_the_last_request(text, last, tool, params):
    d = run_codes(text, last)
    assert steps(d) == [(tool, params)], (d.text, d.steps)


@pytest.mark.parametrize("text,last", [
    ("sorry 24006", None),  # nothing asked by code before
    ("no, not 24006", ALL_24006),  # only a code taken back
    ("24007 was wrong", HIGH_24007),
    ("sorry, top 3 in 24008", ALL_24006),  # a request of its own
    ("no, how many high wards in 24008?", ALL_24006),
    ("sorry plan 24008 nets", ALL_24006),
    ("sorry 12345", ALL_24006),  # not one of the table's codes
])
def test_code_correction_look_alikes(text, last):
    from chatmrpt.chat.code_fix import code_corrected
    from chatmrpt.chat.extract import lower_text

    f = Facts(analysis_variables=DEMO_VARIABLES[:3], ward_count=35,
              lga_codes=("24006", "24007", "24008"))
    assert code_corrected(text, lower_text(text), DialogueState(None, last), f) is None


# --- a risk group put right -------------------------------------------------------------------

HIGH_DORAGAR = {"tool": "list_wards", "params": {"category": "High", "lga": "Doragar"}}


@pytest.mark.parametrize("text,cat", [
    ("sorry, medium ones not high", "Medium"),
    ("not high, medium", "Medium"),
    ("low instead of high please", "Low"),
    ("sorry I meant the medium risk wards", "Medium"),
])
def test_group_put_right_keeps_the_place(text, cat):
    d = run(text, last=HIGH_DORAGAR)
    assert steps(d) == [("list_wards", {"category": cat, "lga": "Doragar"})], (d.text, d.steps)


@pytest.mark.parametrize("text", ["medium and high", "sorry, high and low"])
def test_two_groups_are_still_asked(text):
    d = run(text, last=HIGH_DORAGAR)
    assert not d.steps and d.choices


def test_group_in_a_new_request_is_read_on_its_own():
    d = run("sorry, how many medium wards in Rimai", last=HIGH_DORAGAR)
    assert all(s.params.get("lga") == "Rimai" for s in d.steps), d.steps


# --- a named map for the wards just listed ----------------------------------------------------

LISTED = {"listed": ["Danjalba", "Malano"]}
HIGH_LIST = {"tool": "list_wards", "params": {"category": "High", "lga": "Rimai"}}


@pytest.mark.parametrize("text,params", [
    ("Show the category map so that I can see where these sit.", {"what": "category"}),
    ("show the rainfall map so I can see where those are",
     {"what": "variable", "variable": "rainfall"}),
])
def test_named_map_for_listed_wards_is_that_map(text, params):
    c = RouterContext(has_dataset=True, variables=DEMO_VARIABLES,
                      wards=(WardRef("Danjalba", None), WardRef("Malano", None)),
                      analysis_status="succeeded")
    f = Facts(analysis_variables=DEMO_VARIABLES[:3], lgas=("Rimai", "Ganja"), ward_count=300)
    d = decide(text, c, DialogueState(None, HIGH_LIST, focus=LISTED), f)
    assert steps(d) == [("show_map", params)], (d.text, d.steps)


def test_unnamed_map_for_listed_wards_is_the_score_map():
    c = RouterContext(has_dataset=True, variables=DEMO_VARIABLES,
                      wards=(WardRef("Danjalba", None), WardRef("Malano", None)),
                      analysis_status="succeeded")
    f = Facts(analysis_variables=DEMO_VARIABLES[:3], lgas=("Rimai", "Ganja"), ward_count=300)
    d = decide("show these on a map", c, DialogueState(None, HIGH_LIST, focus=LISTED), f)
    assert steps(d) == [("show_map", {"what": "composite"})], (d.text, d.steps)


# --- a map file's format put right ------------------------------------------------------------

MAP_PNG = {"tool": "export_view", "params": {"what": "composite", "format": "png"}}


@pytest.mark.parametrize("text", [
    "sorry, I wanted it as html not png, so I can zoom",
    "html not png",
    "oops, make it html instead",
    "sorry, I wanted that map as html",
])
def test_map_file_format_put_right(text):
    d = run(text, last=MAP_PNG)
    assert steps(d) == [("export_view", {"what": "composite", "format": "html"})], \
        (d.text, d.steps)


def test_another_map_in_the_other_format_is_that_map():
    d = run("sorry html of the pca map", last=MAP_PNG)
    assert steps(d) == [("export_view", {"what": "pca", "format": "html"})], (d.text, d.steps)


def test_table_file_after_a_map_file_is_the_table():
    d = run("not png, rankings as excel", last=MAP_PNG)
    assert steps(d) == [("export_results", {"what": "rankings", "format": "xlsx"})]
