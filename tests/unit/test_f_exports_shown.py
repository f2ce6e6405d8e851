"""Figures exported as the conversation shows them: the figure on the screen named as such,
a map named for a file without being shown, the net plan's distribution map, and a file
asked for then taken back in the same message."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.router import RouterContext, _format_meant
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

PLAN = {"total_nets": 300_000, "household_size": 6}
FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall", "housing_quality"),
              lgas=("Fagge", "Geidam", "Maiduguri", "Nguru", "Zaria"),
              ward_count=len(NORTH_WARDS))


def shown(what, variable=None, threshold=None):
    return {"kind": "map", "what": what, "variable": variable, "threshold": threshold}


def ctx(plan=PLAN) -> RouterContext:
    return RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=NORTH_WARDS,
                         analysis_status="succeeded", last_plan=plan)


def run(text, state=None, plan=PLAN):
    d = decide(text, ctx(plan), state or DialogueState(), FACTS)
    return [(s.tool, s.params) for s in d.steps], d


def exports_of(steps):
    return [p for t, p in steps if t in ("export_view", "export_results")]


# --- the figure on the screen, named as such ---------------------------------------------------

RAIN_SHOWN = DialogueState(last={"tool": "show_map", "params": {"what": "variable",
                                                                 "variable": "rainfall"}},
                           shown=shown("variable", "rainfall"))
# the net plan map was shown, then a question about the plan was answered
ITN_THEN_ASKED = DialogueState(last={"tool": "ask_results", "params": {"about": "plan_totals"}},
                               shown=shown("itn"))


@pytest.mark.parametrize("text,fmt", [
    ("png of the map on the screen", "png"),
    ("save what you just showed as an image", "png"),
    ("the one on screen as png please", "png"),
    ("export the map shown as html", "html"),
    ("ok picture of the one displayed, for my boss", "png"),
])
def test_the_figure_named_as_shown_is_exported(text, fmt):
    steps, d = run(text, RAIN_SHOWN)
    assert steps == [("export_view", {"what": "variable", "variable": "rainfall",
                                      "format": fmt})], d.text


@pytest.mark.parametrize("text", ["png of the one shown", "png", "image of that for the minister",
                                  "save the map on screen as a picture"])
def test_the_map_shown_before_a_question_is_the_one_exported(text):
    steps, d = run(text, ITN_THEN_ASKED)
    assert steps == [("export_view", {"what": "itn", "format": "png"})], d.text


def test_another_figure_shown_earlier_than_the_last_result_is_asked_about():
    # the vulnerability map was shown, then a plan made: "png" is either; ask, never guess
    state = DialogueState(last={"tool": "plan_itn", "params": dict(PLAN)},
                          shown=shown("composite"))
    steps, d = run("png of that", state)
    assert not steps and d.pending
    assert [c["params"] for c in d.choices] == [{"what": "itn", "format": "png"},
                                                {"what": "composite", "format": "png"}]


@pytest.mark.parametrize("text", ["png", "export that as png", "png of it for the report"])
def test_a_ward_list_after_a_map_leaves_the_map_the_one_exported(text):
    state = DialogueState(last={"tool": "list_wards", "params": {"sort_by": "rainfall"}},
                          shown=shown("variable", "rainfall"))
    steps, d = run(text, state)
    assert steps == [("export_view", {"what": "variable", "variable": "rainfall",
                                      "format": "png"})], d.text


@pytest.mark.parametrize("text,fmt", [("save that map html", "html"), ("that map as png", "png")])
def test_that_map_after_a_chart_is_the_map_shown_before_it(text, fmt):
    state = DialogueState(last={"tool": "compare_methods", "params": {}},
                          shown={"kind": "chart", "what": "rank_comparison",
                                 "map": shown("consensus")})
    steps, d = run(text, state)
    assert steps == [("export_view", {"what": "consensus", "format": fmt})], d.text


@pytest.mark.parametrize("text", ["png", "png of that for the director", "as a picture"])
def test_nothing_shown_after_a_plan_asks_with_the_plan_map_first(text):
    state = DialogueState(last={"tool": "plan_itn", "params": dict(PLAN)})
    steps, d = run(text, state)
    assert not exports_of(steps), steps
    assert d.choices and d.choices[0]["params"] == {"what": "itn", "format": "png"}


def test_a_chart_asked_as_a_web_page_is_offered_as_a_picture():
    state = DialogueState(last={"tool": "compare_methods", "params": {}},
                          shown={"kind": "chart", "what": "rank_comparison"})
    steps, d = run("as html", state)
    assert not steps
    assert [c["params"] for c in d.choices] == [{"what": "rank_comparison", "format": "png"}]


@pytest.mark.parametrize("state", [
    DialogueState(last={"tool": "plan_itn", "params": dict(PLAN)},
                  shown=shown("variable", "rainfall")),
    DialogueState(last={"tool": "compare_methods", "params": {}},
                  shown={"kind": "chart", "what": "rank_comparison"}),
    DialogueState(last={"tool": "top_wards", "params": {"n": 10}}),
])
def test_every_figure_offered_does_what_its_label_says(state):
    for fmt in ("png", "as html"):
        _, d = run(fmt, state)
        for choice in d.choices:
            tapped = DialogueState(last=state.last, shown=state.shown, pending=d.pending)
            for before in (tapped, DialogueState()):
                steps, _ = run(choice["label"], before)
                assert steps == [(choice["tool"], choice["params"])], choice["label"]


# --- a map named for a file, not shown --------------------------------------------------------


@pytest.mark.parametrize("text,params", [
    ("just send me the vulnerability map in png, no need to display it",
     {"what": "composite", "format": "png"}),
    ("the category map as a picture please, don't show it", {"what": "category", "format": "png"}),
    ("export the rainfall map as png", {"what": "variable", "variable": "rainfall",
                                        "format": "png"}),
    ("png of the urban map, no need to show it here", {"what": "urban", "format": "png"}),
])
def test_a_map_named_for_a_file_is_that_map(text, params):
    steps, d = run(text)
    assert steps == [("export_view", params)], d.text


@pytest.mark.parametrize("text", ["download the map as png", "save the map as an image pls",
                                  "send me the map as html", "the map as png"])
def test_a_map_neither_named_nor_shown_is_the_ranking_map_said_so(text):
    steps, d = run(text, plan=None)
    assert len(steps) == 1 and steps[0][0] == "export_view"
    assert steps[0][1]["what"] == "composite"
    assert any("composite ranking map" in n for n in d.notes)


def test_a_map_neither_named_nor_shown_with_a_plan_made_is_asked_about():
    steps, d = run("download the map as png")
    assert not steps
    assert {"what": "itn", "format": "png"} in [c["params"] for c in d.choices]


# --- the distribution map ---------------------------------------------------------------------


@pytest.mark.parametrize("text", ["show the distribution map", "the allocation map pls",
                                  "map of the net distribution", "put the distribution map up"])
def test_the_distribution_map_is_the_net_plan_map(text):
    state = DialogueState(last={"tool": "ask_results", "params": {"about": "plan_lga"}})
    steps, _ = run(text, state)
    assert steps == [("show_map", {"what": "itn"})]


@pytest.mark.parametrize("text", ["show the rainfall distribution map",
                                  "distribution map of rainfall please"])
def test_a_variable_distribution_map_stays_that_variable(text):
    steps, _ = run(text)
    assert steps == [("show_map", {"what": "variable", "variable": "rainfall"})]


# --- a file taken back in the message, a format somebody lacks ---------------------------------


@pytest.mark.parametrize("text", [
    "send me the rankings in excel, actually forget it, not needed",
    "export the plan as csv... no wait scratch that, we don't need it",
    "download the category map as png - never mind that",
    "the report please, no forget it",
])
def test_a_file_taken_back_in_the_message_is_not_made(text):
    steps, d = run(text)
    assert not steps
    assert "no file" in (d.text or "").lower()


def test_what_stands_after_a_file_taken_back_still_runs():
    steps, _ = run("export the rankings as csv, no forget it, just the top 5 wards")
    assert steps == [("top_wards", {"n": 5, "order": "top"})]


@pytest.mark.parametrize("text,state,what", [
    ("rankings as csv too, some of the LGAs don't have excel",
     DialogueState(last={"tool": "export_results", "params": {"what": "report",
                                                               "format": "html"}}), "rankings"),
    ("the plan in csv as well, not everyone here has excel", None, "itn_plan"),
    ("ward rankings in csv please, most partners can't open xlsx", None, "rankings"),
])
def test_a_format_somebody_lacks_is_not_the_one_made(text, state, what):
    steps, d = run(text, state)
    assert steps == [("export_results", {"what": what, "format": "csv"})], d.text


@pytest.mark.parametrize("text,fmt", [
    ("rankings in excel, i mean csv", "csv"),
    ("the plan in csv not excel", "csv"),
    ("not csv but excel for the rankings", "xlsx"),
    ("rankings in csv, our staff do not use excel", "csv"),
    ("rankings as excel", "xlsx"),
    ("rankings in csv, no excel", "csv"),
    ("rankings in excel, no, csv", "csv"),
])
def test_of_two_formats_the_one_meant(text, fmt):
    assert _format_meant(text) == fmt
