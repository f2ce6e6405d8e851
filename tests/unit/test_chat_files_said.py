"""Files as people say them in chat messages: a ranking to be mailed and saved in a format
said after it, a table format asked right after a map (the table behind it), the program a
picture is for ("for the powerpoint"), a mail talked about (no sending asked)."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.export_subject import mailed_and_saved
from chatmrpt.chat.router import RouterContext
from chatmrpt.chat.tool_slots import UNSUPPORTED_FORMAT
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

PLAN = {"total_nets": 400_000, "household_size": 5}
FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall", "housing_quality"),
              lgas=("Fagge", "Geidam", "Maiduguri", "Nguru", "Zaria"),
              ward_count=len(NORTH_WARDS))


def ctx(**kw) -> RouterContext:
    base = {"has_dataset": True, "variables": DEMO_VARIABLES, "wards": NORTH_WARDS,
            "analysis_status": "succeeded", "last_plan": PLAN}
    base.update(kw)
    return RouterContext(**base)


def shown(what, variable=None):
    return DialogueState(last={"tool": "show_map", "params": {"what": what}},
                         shown={"kind": "map", "what": what, "variable": variable,
                                "threshold": None})


def acts(text, state=None, c=None, facts=FACTS):
    d = decide(text, c or ctx(), state or DialogueState(), facts)
    return [(s.tool, s.params) for s in d.steps], d


# --- mailed, and saved in a format said after it ----------------------------------------------


@pytest.mark.parametrize("text,what,fmt", [
    ("Hi, please email the rankings to dr.aminu@smoh.gov.ng and also save them as csv.",
     "rankings", "csv"),
    ("email the plan to my email and save it as excel", "itn_plan", "xlsx"),
    ("email the rankings to the director, and also save them as csv", "rankings", "csv"),
    ("pls send the ranking to my inbox and save a copy in excel", "rankings", "xlsx"),
])
def test_a_file_mailed_and_saved_in_a_format_is_made_in_that_format(text, what, fmt):
    steps, d = acts(text)
    assert steps == [("export_results", {"what": what, "format": fmt})]
    assert any("cannot send e-mail" in n for n in d.not_done)


@pytest.mark.parametrize("text", [
    "email the rankings to dr.aminu@smoh.gov.ng",
    "email the rankings to x@y.ng and also save the plan as csv",
    "email the rankings to x@y.ng and tell me the top 5",
    "save the rankings as csv",
    "send the rankings to the director, and also save them as csv",
])
def test_no_rewrite_without_a_saved_format_of_the_same_file(text):
    assert mailed_and_saved(text.lower()) is None


def test_a_file_only_mailed_is_still_asked_in_which_format():
    steps, d = acts("email the rankings to dr.aminu@smoh.gov.ng")
    assert steps == [] and "Which format" in d.text


# --- a mail talked about is no sending asked ---------------------------------------------------


@pytest.mark.parametrize("text", [
    "Good. The email also says 'nets to be allocated by PCA ranking as agreed with partners'. "
    "I had missed that line. Please follow it.",
    "his email said the ranking should use PCA",
])
def test_a_mail_talked_about_is_not_a_request_to_mail_the_file(text):
    _, d = acts(text, c=ctx(last_plan=None))
    assert "cannot send e-mail" not in (d.text or "")


@pytest.mark.parametrize("text", ["email the rankings to me", "send the ranking to my email"])
def test_a_mail_asked_for_is_still_offered_as_a_file(text):
    _, d = acts(text)
    assert "cannot send e-mail" in (d.text or "")


# --- a table format right after a map: the table behind it -------------------------------------


@pytest.mark.parametrize("text,fmt", [
    ("oya xport to xcel", "xlsx"),
    ("export to excel", "xlsx"),
    ("export it to excel", "xlsx"),
    ("save as csv pls", "csv"),
    ("download it as an excel file", "xlsx"),
])
def test_a_table_format_after_the_plan_map_is_the_net_plan(text, fmt):
    steps, d = acts(text, shown("itn"))
    assert steps == [("export_results", {"what": "itn_plan", "format": fmt})]
    assert any("table behind the map" in n for n in d.notes)


@pytest.mark.parametrize("what", ["composite", "category"])
def test_a_table_format_after_a_ranking_map_is_the_ranking(what):
    steps, _ = acts("export it to excel", shown(what))
    assert steps == [("export_results", {"what": "rankings", "format": "xlsx"})]


def test_a_table_format_after_a_variable_map_asks_which_table():
    steps, d = acts("save as csv", shown("variable", "rainfall"))
    assert steps == [] and d.choices
    assert {c["params"]["what"] for c in d.choices} == {"rankings", "unified"}


@pytest.mark.parametrize("text", ["export it as html", "save as png", "export the plan as excel"])
def test_picture_formats_and_named_files_are_left_alone(text):
    steps, _ = acts(text, shown("itn"))
    assert not any(s[0] == "export_results" and s[1].get("what") == "rankings" for s in steps)
    if "excel" in text:
        assert steps == [("export_results", {"what": "itn_plan", "format": "xlsx"})]
    else:
        assert steps and steps[0][0] == "export_view"


def test_a_table_format_with_no_map_just_shown_is_not_this_reading():
    steps, d = acts("export to excel", DialogueState(last={"tool": "plan_itn", "params": PLAN}))
    assert not d.reading.get("table_of_map")


# --- the program a file is for is no format asked -----------------------------------------------


@pytest.mark.parametrize("text", [
    "and a png of that same map for the powerpoint",
    "png for my word report",
    "the csv, to put in my word doc",
    "save it as a picture for the powerpoint slides",
])
def test_the_program_a_made_format_is_for_is_no_format(text):
    assert UNSUPPORTED_FORMAT.search(text) is None


@pytest.mark.parametrize("text", [
    "export the map as pdf", "save as png or pdf", "export it for the powerpoint",
    "save the map in word", "export as pptx", "png and pdf please",
])
def test_a_format_not_made_is_still_named(text):
    assert UNSUPPORTED_FORMAT.search(text) is not None


def test_a_png_of_the_map_shown_for_the_powerpoint_is_the_png():
    steps, _ = acts("and a png of that same map for the powerpoint", shown("category"))
    assert steps == [("export_view", {"what": "category", "format": "png"})]


