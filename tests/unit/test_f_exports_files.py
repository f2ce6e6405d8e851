"""Maps shown and files exported, named the way people name them: the net plan on a map, a
format said right after a map, "put that on the screen", files by subject and format, the
report in the words that make one, e-mail, and a file refused before another request."""

from __future__ import annotations

import pytest

from chatmrpt.chat import exports
from chatmrpt.chat.dialogue import ANALYSE_FIRST, DialogueState, Facts, decide
from chatmrpt.chat.executors import export_words
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

PLAN = {"total_nets": 400_000, "household_size": 5}
FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall", "housing_quality"),
              lgas=("Fagge", "Geidam", "Maiduguri", "Nguru", "Zaria"),
              ward_count=len(NORTH_WARDS))
MAP_SHOWN = DialogueState(last={"tool": "show_map", "params": {"what": "category"}},
                          shown={"kind": "map", "what": "category", "variable": None,
                                 "threshold": None})
PLAN_ASKED = DialogueState(last={"tool": "ask_results", "params": {"about": "plan_totals"}})
LISTED = DialogueState(last={"tool": "top_wards", "params": {"n": 10}})


def ctx(**kw) -> RouterContext:
    base = {"has_dataset": True, "variables": DEMO_VARIABLES, "wards": NORTH_WARDS,
            "analysis_status": "succeeded", "last_plan": PLAN}
    base.update(kw)
    return RouterContext(**base)


def acts(text, state=None, c=None):
    d = decide(text, c or ctx(), state or DialogueState(), FACTS)
    return [(s.tool, s.params) for s in d.steps], d


# --- the net plan named on a map ----------------------------------------------------------


@pytest.mark.parametrize("text", [
    "map of the plan",
    "show me the plan on the map",
    "ok put the plan map on the screen",
    "itn map",
    "show d plan on map abeg",
    "can I see the net plan map",
    "display the current plan's map",
    "map showing the distribution plan",
])
def test_the_plan_named_on_a_map_is_the_net_plan_map(text):
    steps, _ = acts(text)
    assert steps == [("show_map", {"what": "itn"})]


@pytest.mark.parametrize("text,what", [
    ("composite map", "composite"),
    ("show the category map so we can plan", "category"),
    ("map the rainfall", "variable"),
    ("vulnerability map please", "composite"),
    ("pca map", "pca"),
    ("show the urban wards map", "urban"),
])
def test_other_maps_stay_what_they_name(text, what):
    steps, _ = acts(text)
    assert len(steps) == 1 and steps[0][0] == "show_map" and steps[0][1]["what"] == what


@pytest.mark.parametrize("low,named", [
    ("map of the plan", True), ("the plan's map", True), ("itn map", True),
    ("show the map so we can plan", False), ("we plan to use the map", False),
    ("plan for the map", False), ("the map we plan with", False),
])
def test_plan_on_map_words(low, named):
    assert exports.plan_on_map(low) is named


@pytest.mark.parametrize("text", ["show the urban percentage map", "urban share map pls",
                                  "display the urban % map", "show the urban share on the map",
                                  "put the urban percentage on a map"])
def test_the_urban_share_named_as_a_map_is_the_urban_map(text):
    steps, _ = acts(text)
    assert steps and steps[0][0] == "show_map" and steps[0][1]["what"] == "urban"


def test_mapping_the_urban_share_column_stays_a_variable_map():
    steps, _ = acts("map the urban percentage")
    assert steps and steps[0][1]["what"] == "variable"


# --- a format said right after a map ------------------------------------------------------


@pytest.mark.parametrize("text,fmt", [
    ("png", "png"),
    ("ok png", "png"),
    ("png of it", "png"),
    ("as html", "html"),
    ("save as png", "png"),
    ("save am as picture", "png"),
    ("ok send it as an image please", "png"),
    ("in html abeg", "html"),
    ("png for the slides", "png"),
    ("interactive version", "html"),
    ("export that as png", "png"),
])
def test_a_format_right_after_a_map_exports_that_map(text, fmt):
    steps, d = acts(text, MAP_SHOWN)
    assert steps == [("export_view", {"what": "category", "format": fmt})], d.text


def test_the_map_shown_keeps_its_variable_and_threshold():
    state = DialogueState(last={"tool": "show_map", "params": {}},
                          shown={"kind": "map", "what": "urban", "variable": None,
                                 "threshold": 50})
    steps, _ = acts("png", state)
    assert steps == [("export_view", {"what": "urban", "threshold": 50, "format": "png"})]


@pytest.mark.parametrize("text", [
    "png?",
    "what is a png",
    "no png",
    "png or html",
    "the png is blurry",
    "I prefer png next time",
    "don't save it as png",
    "is html better than png?",
])
def test_no_file_from_words_about_a_format(text):
    steps, _ = acts(text, MAP_SHOWN)
    assert not any(t in ("export_view", "export_results") for t, _ in steps)


def test_a_bare_format_with_no_map_on_screen_is_not_guessed():
    steps, _ = acts("png", LISTED)
    assert not steps
    assert exports.format_of_shown("png", "png", LISTED) is None


# --- "put that on the screen" -------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "put that on the screen",
    "put it on the big screen please",
    "ok show that on the projector",
    "abeg put am on screen",
    "can you put this up on the screen so everyone can see",
    "display them on the screen",
])
def test_put_that_on_the_screen_after_a_list_is_the_ranking_map(text):
    steps, _ = acts(text, LISTED)
    assert steps == [("show_map", {"what": "composite"})]


@pytest.mark.parametrize("state,params", [
    (DialogueState(last={"tool": "plan_itn", "params": PLAN}), {"what": "itn"}),
    (PLAN_ASKED, {"what": "itn"}),
    (DialogueState(last={"tool": "reprioritize_urban", "params": {"thresholds": [30]}}),
     {"what": "urban", "threshold": 30}),
    (DialogueState(last={"tool": "top_wards", "params": {"method": "pca"}}), {"what": "pca"}),
])
def test_put_that_on_the_screen_maps_the_last_result(state, params):
    steps, _ = acts("put that on the screen", state)
    assert steps == [("show_map", params)]


@pytest.mark.parametrize("text", [
    "put that on the screen?",
    "I will put that on the screen later",
    "don't put that on the screen",
    "put that in the report",
    "who put that on the screen",
    "put the plan's headline on screen: how many wards are fully covered?",
])
def test_no_map_from_other_talk_of_the_screen(text):
    steps, _ = acts(text, LISTED)
    assert not any(t == "show_map" for t, _ in steps)


# --- files named by subject and format ----------------------------------------------------


@pytest.mark.parametrize("text,what,fmt", [
    ("rankings xlsx pls", "rankings", "xlsx"),
    ("ranking csv", "rankings", "csv"),
    ("export the ward list as excel", "rankings", "xlsx"),
    ("send the plan to my email as excel, I'll share it at the meeting", "itn_plan", "xlsx"),
    ("send d plan excel to my mail", "itn_plan", "xlsx"),
    ("EXPORT THE PLAN EXCEL", "itn_plan", "xlsx"),
    ("forward the allocation plan as a spreadsheet to my email", "itn_plan", "xlsx"),
    ("the priority list in csv please", "rankings", "csv"),
    ("plan csv", "itn_plan", "csv"),
])
def test_a_file_named_by_subject_and_format_is_made(text, what, fmt):
    steps, d = acts(text, PLAN_ASKED)
    assert steps == [("export_results", {"what": what, "format": fmt})], d.text


@pytest.mark.parametrize("state,what", [(PLAN_ASKED, "itn_plan"), (LISTED, "rankings")])
@pytest.mark.parametrize("text", ["excel of that to my email", "mail me that as excel abeg",
                                  "csv of it", "send it as excel"])
def test_that_as_a_file_is_the_last_result(text, state, what):
    steps, _ = acts(text, state)
    assert len(steps) == 1 and steps[0][0] == "export_results"
    assert steps[0][1]["what"] == what


@pytest.mark.parametrize("text", [
    "did you send the plan as excel?",
    "I sent the plan as excel yesterday",
    "don't export the plan as csv",
    "the plan in excel looks wrong",
    "my boss said the rankings excel was empty",
    "if you export the rankings as csv will it have the scores",
    "what format is the plan export, csv or excel?",
    "we will send the rankings as excel to the LGAs ourselves",
])
def test_no_file_from_talk_about_files(text):
    steps, _ = acts(text, PLAN_ASKED)
    assert not any(t in ("export_results", "export_view") for t, _ in steps)
    assert exports.named_file(text, text.lower(), ctx(), PLAN_ASKED) is None


def test_that_as_a_file_with_nothing_before_is_not_guessed():
    assert exports.named_file("excel of that", "excel of that", ctx(), DialogueState()) is None


# --- the report ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "write up the report for the commissioner",
    "draft the report for the director",
    "prepare d report abeg",
    "put together a report for the meeting",
    "generate the summary report",
    "report html",
    "give me the report",
])
def test_words_that_make_a_report_make_it(text):
    steps, d = acts(text)
    assert steps == [("export_results", {"what": "report", "format": "html"})], d.text


@pytest.mark.parametrize("text", [
    "what will the report show?",
    "I will write up the report myself",
    "the report looks good",
    "report the problem to the admin",
    "who wrote the report",
    "we need to write the report for the commissioner ourselves",
    "export the report as pdf",
])
def test_no_report_from_talk_about_reports(text):
    steps, _ = acts(text)
    assert not any(p.get("what") == "report" and p.get("format") == "html"
                   for t, p in steps if t == "export_results")


# --- e-mail ---------------------------------------------------------------------------------


def test_a_file_asked_by_mail_says_no_mail_is_sent():
    _, d = acts("send the rankings to my email as excel", LISTED)
    assert d.steps and exports.NO_MAIL in d.not_done
    _, d = acts("export the rankings as excel", LISTED)
    assert exports.NO_MAIL not in d.not_done


# --- the analysis an export needs -------------------------------------------------------------


def test_a_map_file_before_any_analysis_runs_the_analysis_first():
    d = decide("The vulnerability map, as a PNG.", ctx(analysis_status=None, last_plan=None),
               DialogueState(), FACTS)
    assert [s.tool for s in d.steps] == ["run_analysis", "export_view"], d.text
    assert d.steps[0].echo == ANALYSE_FIRST
    assert d.steps[1].params == {"what": "composite", "format": "png"}


def test_a_plan_file_needs_no_analysis_first():
    d = exports.analyse_before_export(
        decide("plan csv", ctx(), PLAN_ASKED, FACTS), ctx(analysis_status=None))
    assert [s.tool for s in d.steps] == ["export_results"]


# --- a file refused, then another request -------------------------------------------------------


@pytest.mark.parametrize("text", [
    "don't export it, just show the top 5 wards",
    "no need to save it, show the top 5 wards",
    "dont export am. top 5 wards",
    "no, don't send the map, just the top 5 wards",
])
def test_a_refused_file_leaves_the_rest_of_the_message(text):
    steps, _ = acts(text, MAP_SHOWN)
    assert not any(t.startswith("export") for t, _ in steps)
    assert steps and steps[0][0] == "top_wards"


@pytest.mark.parametrize("low", ["don't export", "export it, not now", "don't know, export it",
                                 "do not export the map as png please"])
def test_a_refusal_alone_starts_nothing(low):
    assert exports.refused_file(low) is None or len(low[exports.refused_file(low):].split()) < 2


# --- replies say what was exported ----------------------------------------------------------


@pytest.mark.parametrize("what,name,words", [
    ("itn_plan", "itn_plan.xlsx", "net plan for every ward as an Excel workbook"),
    ("rankings", "rankings.csv", "ward ranking as a CSV table"),
    ("report", "report.html", "report as a web page"),
    ("unified", "unified_dataset.geojson", "full ward table with the scores as a GeoJSON"),
])
def test_export_replies_name_subject_and_format(what, name, words):
    assert words in export_words(what, name)


@pytest.mark.parametrize("text", ["send the ranking to my email", "email me the plan",
                                  "mail the plan to the director", "whatsapp me the rankings"])
def test_a_file_to_mail_without_a_format_offers_the_formats(text):
    steps, d = acts(text, PLAN_ASKED)
    assert not steps and "cannot send e-mail" in d.text
    assert {c["params"]["format"] for c in d.choices} == {"xlsx", "csv"}


@pytest.mark.parametrize("text", ["did you email me the plan?", "I emailed the plan to the director",
                                  "my email is down"])
def test_talk_of_mail_offers_no_file(text):
    assert exports.named_file(text, text.lower(), ctx(), PLAN_ASKED) is None


def test_a_format_said_again_over_an_offer_is_no_change_of_it():
    offer = {"label": "Export the map as PNG", "tool": "export_results",
             "params": {"what": "map", "format": "png"}}
    state = DialogueState(pending={"expects": "choice", "choices": [offer]},
                          last=MAP_SHOWN.last, shown=MAP_SHOWN.shown)
    steps, d = acts("ok as png then", state)
    assert steps and steps[-1][1].get("format") == "png"
    assert "what map" not in " ".join(s.echo for s in d.steps)


@pytest.mark.parametrize("text", [
    "my director likes the excel version of the rankings",
    "last time the rankings csv opened fine",
    "thanks for the rankings excel",
    "the commissioner got the report",
    "the report html opens in chrome",
    "we printed the ranking csv",
    "the plan csv has too many columns",
])
def test_a_sentence_about_a_file_makes_none(text):
    steps, d = acts(text, PLAN_ASKED)
    assert not any(t in ("export_results", "export_view") for t, _ in steps), d.text


@pytest.mark.parametrize("text", ["thanks, now export the plan as csv", "we need the plan in excel",
                                  "it is fine, send the rankings as excel",
                                  "the vulnerability map, as a PNG."])
def test_a_sentence_that_asks_for_the_file_still_makes_it(text):
    assert not exports.not_ordered(text)


# --- one file in each format named ------------------------------------------------------------


@pytest.mark.parametrize("text,what,formats", [
    ("export the rankings as excel and csv", "rankings", ["xlsx", "csv"]),
    ("export the rankings as csv and excel", "rankings", ["csv", "xlsx"]),
    ("send me the rankings in both csv and excel format", "rankings", ["csv", "xlsx"]),
    ("export the plan as excel & csv", "itn_plan", ["xlsx", "csv"]),
    ("download the full table with scores as geojson and csv", "unified", ["geojson", "csv"]),
])
def test_a_file_asked_in_two_formats_is_made_in_each(text, what, formats):
    steps, _ = acts(text)
    assert steps == [("export_results", {"what": what, "format": f}) for f in formats]


@pytest.mark.parametrize("text,fmt", [
    ("export the rankings as csv, not excel", "csv"),
    ("export the rankings as excel, i mean csv", "csv"),
    ("export the rankings as excel", "xlsx"),
])
def test_two_formats_said_in_other_words_make_the_one_meant(text, fmt):
    steps, _ = acts(text)
    assert steps == [("export_results", {"what": "rankings", "format": fmt})]


# --- a map saved without being shown ----------------------------------------------------------


@pytest.mark.parametrize("text,fmt", [
    ("save the urban map as html without showing it", "html"),
    ("export the urban map as png without displaying it", "png"),
])
def test_a_map_saved_without_showing_it_is_that_map_as_a_file(text, fmt):
    # the urban share is no variable of the analysis: "without" takes nothing out of it
    steps, _ = acts(text)
    assert steps == [("export_view", {"what": "urban", "format": fmt})]


@pytest.mark.parametrize("text,fmt", [
    ("the ward table with the scores as geojson", "geojson"),
    ("export the scores with the ward shapes as geoparquet", "geoparquet"),
    ("send the data with the rankings in geojson", "geojson"),
])
def test_the_ward_table_with_its_scores_in_a_map_format_is_the_whole_dataset(text, fmt):
    steps, _ = acts(text)
    assert steps == [("export_results", {"what": "unified", "format": fmt})]


def test_the_rankings_alone_in_a_map_format_still_asks():
    steps, reply = acts("the rankings as geojson")
    assert steps == [] and "which format" in (reply.text or "")


# --- "the map too" right after a file: the map of what was just saved ----------------------

@pytest.mark.parametrize("last,what", [
    ({"tool": "export_results", "params": {"what": "itn_plan", "format": "xlsx"}}, "itn"),
    ({"tool": "plan_itn", "params": PLAN}, "itn"),
    ({"tool": "export_results", "params": {"what": "rankings", "format": "csv"}}, "composite"),
])
def test_the_map_too_after_a_file_is_the_map_of_that_result(last, what):
    for text in ("the map too, png", "the map as well as png", "also the map, png"):
        steps, _ = acts(text, DialogueState(last=last), ctx(last_plan=PLAN))
        assert steps == [("export_view", {"what": what, "format": "png"})], text


def test_the_map_too_after_a_list_still_asks_which_map():
    steps, d = acts("the map too, png", LISTED, ctx(last_plan=PLAN))
    assert steps == [] and d.choices
