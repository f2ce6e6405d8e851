"""Answers about the data and results, and the one-tap choices offered with questions.

Every choice the assistant offers, sent back verbatim, does exactly what it says: tapped
while its question is pending (the steps kept with it run), and typed again once the question
is gone (another choice was tapped first, or the conversation moved on): the label alone
then asks for the same steps, or the refusal changes nothing. Checked for the choices of a
variable the table lacks, of a plan value that fits several settings and of a change put off.
"""

from __future__ import annotations

from typing import Any

import pytest

from chatmrpt.chat import tables
from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import (
    DEMO_VARIABLES,
    ILORIN_VARIABLES,
    ILORIN_WARDS,
    KANO_VARIABLES,
    KANO_WARDS,
    NORTH_WARDS,
)
from tests.unit.test_f_plans_settings import HISTORY, PLAN
from tests.unit.test_f_plans_settings import PUT_OFF as PLAN_PUT_OFF

DEMO_COLUMNS = ("Population", "urban_percentage", "u5_tpr_rdt", "rainfall", "ndvi", "evi", "ndwi",
                "ndmi", "soil_wetness", "elevation", "distance_to_waterbodies",
                "housing_quality", "nighttime_lights")  # fmt: skip


def _pairs(by_lga):
    return tuple((w, lga) for lga, wards in by_lga.items() for w in wards)


TABLES = {  # columns, wards, LGAs, the variables of a finished analysis
    "demo": (DEMO_COLUMNS, NORTH_WARDS, ("Fagge", "Zaria"), ("u5_tpr_rdt", "rainfall", "ndwi")),
    "kano": (KANO_VARIABLES, _pairs(KANO_WARDS), tuple(KANO_WARDS),
             ("test_positivity_rate", "rainfall", "housing_quality")),
    "ilorin": (ILORIN_VARIABLES, _pairs(ILORIN_WARDS), tuple(ILORIN_WARDS),
               ("tpr_u5_new", "meanEVI", "distance")),
}


def session(table: str, analysed: bool, plan: dict[str, Any] | None = None,
            last: dict[str, Any] | None = None) -> tuple[RouterContext, Facts, DialogueState]:
    columns, wards, lgas, used = TABLES[table]
    c = RouterContext(has_dataset=True, variables=columns, wards=wards,
                      analysis_status="succeeded" if analysed else None, last_plan=plan)
    f = Facts(analysis_variables=used if analysed else (), lgas=lgas, ward_count=len(wards),
              analysis_params={"variables": list(used)} if analysed else {})
    return c, f, DialogueState(last=last)


def _steps(d) -> list[tuple[str, dict[str, Any]]]:
    return [(s.tool, dict(s.params)) for s in d.steps]


def _meant(choice: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    if choice.get("cancel"):
        return []
    if choice.get("steps"):
        return [(s["tool"], dict(s["params"])) for s in choice["steps"]]
    return [(choice["tool"], dict(choice["params"]))]


def assert_round_trip(question, c: RouterContext, f: Facts, state: DialogueState) -> None:
    """Each choice of ``question``, tapped with the question pending and typed again without
    it, asks for exactly the steps it stands for."""
    assert question.choices, question.text
    for choice in question.choices:
        meant = _meant(choice)
        tapped = decide(choice["label"], c, DialogueState(
            pending=question.pending, last=state.last, plans=state.plans), f)
        assert _steps(tapped) == meant, (choice["label"], tapped.text)
        again = decide(choice["label"], c, DialogueState(last=state.last, plans=state.plans), f)
        assert _steps(again) == meant, (choice["label"], again.text)


# --- a variable the table lacks --------------------------------------------------------------


UNKNOWN = [
    "Run the analysis with tpr, rainfall and distance to health facility",
    "rank the wards using rainfall, tpr and distance to the nearest clinic",
    "run the analysis with distance to health facility",
    "rerun with TPR, rainfall and distance to roads",
    "run with tpr, rainfall inverse and distance to clinic",
    "run the analysis with reciprocal normalisation using tpr, rainfall and distance to market",
    "analysis: tpr, housing, distance from health centre",
]


@pytest.mark.parametrize("analysed", [False, True])
@pytest.mark.parametrize("table", ["demo", "kano", "ilorin"])
@pytest.mark.parametrize("text", UNKNOWN)
def test_the_choices_for_a_missing_variable_do_what_they_say(text, table, analysed):
    c, f, state = session(table, analysed, last={"tool": "run_analysis", "params": {}}
                          if analysed else None)
    d = decide(text, c, state, f)
    if not d.choices or (d.pending or {}).get("unknown_variable") is None:
        pytest.skip("no question about a missing variable on this table")
    assert d.steps == []
    assert_round_trip(d, c, f, state)


# --- a plan value that fits several settings; a change put off ------------------------------



def plan_session(last_tool: str = "what_if_plan", plan=PLAN):
    c = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=NORTH_WARDS,
                      analysis_status="succeeded", last_plan=plan)
    f = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=("Fagge", "Zaria"),
              ward_count=len(NORTH_WARDS))
    return c, f, DialogueState(last={"tool": last_tool, "params": {}}, plans=HISTORY)


@pytest.mark.parametrize("text,plan", [
    ("make it 2", PLAN), ("set it to 3", PLAN), ("make it 2.5 pls", PLAN),
    ("ok make it 2.5 then", PLAN), ("make it 100", {**PLAN, "bale_size": 50}),
    ("change it to 60", {**PLAN, "bale_size": 50}),
])
def test_the_choices_for_a_value_of_several_settings_do_what_they_say(text, plan):
    c, f, state = plan_session(plan=plan)
    d = decide(text, c, state, f)
    assert d.steps == [] and len(d.choices) >= 2
    assert_round_trip(d, c, f, state)


PUT_OFF = [
    *PLAN_PUT_OFF,
    "urban threshold 50, not yet",
    "people per net 1.5 not yet",
    "add 50,000 nets but hold off until the director confirms",
    "double it, not yet",
    "reprioritise urban wards at 60% but hold off until the director confirms",
    "reprioritise with a 30% target, not yet",
    "rerun the analysis with tpr, rainfall and elevation, not yet",
    "make it 5.5 per house, not yet",
    "back to the default threshold, not yet",
]


@pytest.mark.parametrize("last_tool", ["what_if_plan", "top_wards"])
@pytest.mark.parametrize("text", PUT_OFF)
def test_the_choices_for_a_change_put_off_do_what_they_say(text, last_tool):
    c, f, state = plan_session(last_tool)
    d = decide(text, c, state, f)
    assert d.steps == [], d.text
    if not (d.reading or {}).get("put_off"):
        assert last_tool == "top_wards", d.text  # asked or not understood: nothing done
        return
    assert_round_trip(d, c, f, state)


def test_a_value_one_setting_already_has_is_not_offered_for_it():
    c, f, state = plan_session()  # the plan counts 2 people per net
    d = decide("make it 2", c, state, f)
    offered = [ch["params"] for ch in d.choices if not ch.get("cancel")]
    assert d.steps == [] and offered == [{"household_size": 2}]


@pytest.mark.parametrize("answer", ["run without it", "ok run without it then", "ok leave it out and run",
                                    "skip it and run", "proceed without that one",
                                    "just run it without the missing one"])
def test_without_it_runs_the_request_without_the_missing_name(answer):
    c, f, state = session("demo", False)
    asked = decide("Run the analysis with tpr, rainfall and distance to health facility", c,
                   state, f)
    d = decide(answer, c, DialogueState(pending=asked.pending), f)
    assert _steps(d) == [("run_analysis", {"variables": ["u5_tpr_rdt", "rainfall"]})]


@pytest.mark.parametrize("answer", ["leave it", "no, leave it", "without it?",
                                    "run without rainfall"])
def test_other_answers_are_not_without_it(answer):
    c, f, state = session("demo", False)
    asked = decide("Run the analysis with tpr, rainfall and distance to health facility", c,
                   state, f)
    d = decide(answer, c, DialogueState(pending=asked.pending), f)
    assert ("run_analysis", {"variables": ["u5_tpr_rdt", "rainfall"]}) not in _steps(d)


# --- a TPR in a session without a facility export ------------------------------------------


def _no_number(text: str) -> bool:
    """No rate in the reply: the only figures allowed are the group words' own ("five")."""
    import re

    return not re.search(r"\d+(?:\.\d+)?\s*%|\b0\.\d+\b|\b\d{2,}\b", text)


@pytest.mark.parametrize("table", ["demo", "kano", "ilorin"])
@pytest.mark.parametrize("analysed", [False, True])
@pytest.mark.parametrize("text", [
    "what is the TPR for pregnant women in Zango?",
    "what's the microscopy TPR for Zango",
    "test positivity among pregnant women please",
    "tpr for primary facilities only",
    "what is the TPR among people five and over?",
    "map the tpr for pregnant women",
    "how do I get the TPR?",
    "where can I get test positivity for the general hospitals",
    "how can we add the TPR for pregnant women",
])
def test_a_tpr_the_table_cannot_give_needs_the_facility_export(text, table, analysed):
    c, f, state = session(table, analysed)
    d = decide(text, c, state, f)
    assert d.steps == [] and not d.choices
    assert d.reading.get("refused") == "tpr_needs_facility_export"
    assert "Compute TPR" in d.text and "DHIS2" in d.text  # the file and where it goes
    assert _no_number(d.text), d.text
    for column in tables.tpr_columns(c.variables):
        assert column in d.text  # the table's own rate is named, not given as the answer


@pytest.mark.parametrize("table,text,column", [
    ("demo", "what is the TPR for Zango", "u5_tpr_rdt"),
    ("demo", "what is the under five TPR of Zango", "u5_tpr_rdt"),
    ("demo", "rdt tpr for zango", "u5_tpr_rdt"),
    ("kano", "what is the test positivity rate of Zango?", "test_positivity_rate"),
    ("kano", "under 5 tpr for Zango", "test_positivity_rate"),
    ("ilorin", "wetin be the tpr for Apado?", "tpr_u5_new"),
])
def test_a_tpr_the_table_holds_is_looked_up(table, text, column):
    c, f, state = session(table, True)
    d = decide(text, c, state, f)
    assert [(t, p.get("variable")) for t, p in _steps(d)] == [("ward_value", column)]


@pytest.mark.parametrize("text", ["what is the TPR for pregnant women in Zango?",
                                  "how do I get the TPR?", "tpr for primary facilities only"])
def test_with_a_facility_export_the_tpr_is_not_refused(text):
    c, f, state = session("demo", True)
    c = RouterContext(**{**c.__dict__, "has_facility_data": True})
    d = decide(text, c, state, f)
    assert d.reading.get("refused") != "tpr_needs_facility_export"


@pytest.mark.parametrize("text,params", [
    ("run TPR for under-fives", {"age": "u5"}),
    ("calculate tpr for pregnant women", {"age": "pw"}),
    ("redo the TPR for primary facilities only", {"facility_level": "primary"}),
])
def test_a_tpr_run_without_the_export_runs_nothing_and_says_the_file(text, params):
    c, f, state = session("kano", True)
    d = decide(text, c, state, f)
    assert d.steps == [] and d.unmet == ["facility_data"]
    assert all(d.reading["params"].get(k) == v for k, v in params.items())
    said = tables.facility_export_needed(d.reading["params"], text,
                                         tables.tpr_columns(c.variables))
    assert "Compute TPR" in said and "test_positivity_rate" in said and _no_number(said)


def test_the_table_columns_groups_are_read_from_their_names():
    assert tables._column_group("u5_tpr_rdt") == ("u5", "rdt")
    assert tables._column_group("tpr_u5_new") == ("u5", None)
    assert tables._column_group("test_positivity_rate") == (None, None)
    assert tables._column_group("pw_tpr_microscopy") == ("pw", "microscopy")
    assert not tables._covered("u5_tpr_rdt", "pw", None, None)
    assert not tables._covered("u5_tpr_rdt", None, "microscopy", None)
    assert not tables._covered("test_positivity_rate", None, None, "primary")
    assert tables._covered("test_positivity_rate", "u5", None, "all")


@pytest.mark.parametrize("text", ["analysis: tpr, rainfall, distance from health centre",
                                  "what is the distance to the health centre for Zango",
                                  "map the tpr", "show tpr for Zango on the map"])
def test_a_facility_named_as_a_place_or_the_column_itself_is_no_refusal(text):
    c, f, state = session("demo", True)
    d = decide(text, c, state, f)
    assert d.reading.get("refused") != "tpr_needs_facility_export"


# --- a list item no column stands for -------------------------------------------------------


@pytest.mark.parametrize("analysed", [False, True])
@pytest.mark.parametrize("text,name", [
    ("run with tpr, rainfall and dumpsites", "dumpsites"),
    ("run the analysis with tpr, rainfall and poverty", "poverty"),
    ("use tpr, literacy and rainfall", "literacy"),
    ("rerun with rainfall, housing & road access", "road access"),
])
def test_a_list_item_no_column_stands_for_is_asked_not_dropped(text, name, analysed):
    c, f, state = session("demo", analysed, last={"tool": "run_analysis", "params": {}}
                          if analysed else None)
    d = decide(text, c, state, f)
    assert not any(s.tool == "run_analysis" for s in d.steps), d.text
    assert name in d.text and d.pending and d.pending["expects"] == "choice"
    assert_round_trip(d, c, f, state)


@pytest.mark.parametrize("text,variables", [
    ("run with tpr, rainfall and housing, reciprocal normalisation",
     ["u5_tpr_rdt", "rainfall", "housing_quality"]),
    ("run with tpr and rainfall only", ["u5_tpr_rdt", "rainfall"]),
    ("run with tpr, rainfall, and evi abeg", ["u5_tpr_rdt", "rainfall", "evi"]),
    ("run it again with tpr and rainfall, same as yesterday", ["u5_tpr_rdt", "rainfall"]),
    ("use tpr, rainfall and elevation as before", ["u5_tpr_rdt", "rainfall", "elevation"]),
    ("Run the analysis with u5_tpr_rdt, rainfall and ndwi, treating rainfall as inverse",
     ["u5_tpr_rdt", "rainfall", "ndwi"]),
])
def test_a_list_of_known_variables_runs(text, variables):
    c, f, state = session("demo", False)
    d = decide(text, c, state, f)
    assert [s.params.get("variables") for s in d.steps if s.tool == "run_analysis"][:1] == \
        [variables], d.text


# --- answers about the data, the plan and the files ----------------------------------------


def test_a_tpr_the_table_holds_is_looked_up_in_few_words():
    c, f, state = session("kano", True)
    d = decide("d tpr for Madigawa", c, state, f)
    assert _steps(d) == [("ward_value", {"ward": "Madigawa", "variable": "test_positivity_rate"})]


@pytest.mark.parametrize("text,count,verdict", [
    ("quick, 35 wards in total, correct?", 35, "Yes"), ("30 wards, right?", 35, "No"),
    ("so 3 lgas right", 3, "Yes"), ("we have 17 LGAs in this state abi?", 3, "No"),
])
def test_a_count_said_back_is_checked_against_the_table(text, count, verdict):
    c, f, state = session("ilorin", True)
    d = decide(text, c, state, f)
    assert d.steps == [] and d.text.startswith(verdict) and str(count) in d.text


@pytest.mark.parametrize("text", ["Ilorin West, how many wards does it have?",
                                  "how many wards does ilorin south have",
                                  "how many wards in Ilorin West?"])
def test_an_lga_name_counted_on_a_table_with_codes_asks_the_code_then_counts(text):
    from dataclasses import replace

    c, f, state = session("ilorin", True)
    f = replace(f, lgas=(), lga_codes=("24006", "24007", "24008"))
    asked = decide(text, c, state, f)
    assert asked.steps == [] and asked.pending["expects"] == "lga_code"
    d = decide("its code is 24008", c, DialogueState(pending=asked.pending), f)
    assert _steps(d) == [("ask_results", {"about": "ward_counts", "lga_code": "24008"})]


@pytest.mark.parametrize("text,params", [
    ("nw how many wards full", {"about": "plan_totals"}),
    ("which LGA has the most people covered?",
     {"about": "plan_lga", "order": "most", "measure": "population_covered"}),
    ("which lga has the fewest wards fully covered",
     {"about": "plan_lga", "order": "fewest", "measure": "wards_fully_covered"}),
    ("what LGA get the most wards not covered?",
     {"about": "plan_lga", "order": "most", "measure": "wards_not_covered"}),
])
def test_plan_figures_in_other_words(text, params):
    from dataclasses import replace

    c, f, state = plan_session("what_if_plan")
    d = decide(text, c, state, replace(f, lgas=("Fagge", "Zaria")))
    assert _steps(d) == [("ask_results", params)]


@pytest.mark.parametrize("table,text,params", [
    ("ilorin", "show the vegetation map", {"what": "variable", "variable": "meanEVI"}),
    ("ilorin", "map of the vegetation", {"what": "variable", "variable": "meanEVI"}),
    ("demo", "Show the coverage map.", {"what": "itn"}),
    ("demo", "map of net coverage", {"what": "itn"}),
])
def test_maps_named_by_what_they_show(table, text, params):
    c, f, state = session(table, True, plan=PLAN if table == "demo" else None)
    d = decide(text, c, state, f)
    assert _steps(d) == [("show_map", params)]


def test_a_kind_with_several_columns_is_no_variable_map():
    c, f, state = session("demo", True)  # ndvi and evi are both vegetation
    d = decide("show the vegetation map", c, state, f)
    assert not any(p.get("what") == "variable" for _, p in _steps(d))


@pytest.mark.parametrize("text,fmt", [("oops i wanted excel, not csv", "xlsx"),
                                      ("sorry, in excel instead", "xlsx"),
                                      ("i meant xlsx", "xlsx")])
def test_a_format_corrected_after_an_export_makes_the_same_file(text, fmt):
    c, f, _ = session("demo", True)
    state = DialogueState(last={"tool": "export_results",
                                "params": {"what": "rankings", "format": "csv"}})
    d = decide(text, c, state, f)
    assert _steps(d) == [("export_results", {"what": "rankings", "format": fmt})]


@pytest.mark.parametrize("text", ["is excel better than csv?", "i wanted the map, not a file"])
def test_other_format_talk_after_an_export_is_no_correction(text):
    c, f, _ = session("demo", True)
    state = DialogueState(last={"tool": "export_results",
                                "params": {"what": "rankings", "format": "csv"}})
    d = decide(text, c, state, f)
    assert ("export_results", {"what": "rankings", "format": "xlsx"}) not in _steps(d)


@pytest.mark.parametrize("text", ["what rank is it?", "and its score", "what rank is that ward"])
def test_the_rank_of_the_ward_just_talked_about(text):
    c, f, _ = session("demo", True)
    state = DialogueState(focus={"ward": "Zango"},
                          last={"tool": "ward_value", "params": {"ward": "Zango"}})
    assert _steps(decide(text, c, state, f)) == [("explain_ward", {"ward": "Zango"})]
    assert _steps(decide(text, c, DialogueState(), f)) == []  # no ward talked about: no guess


@pytest.mark.parametrize("text,kind", [
    ("Consensus map... never mind, the composite one.", "composite"),
    ("show the pca map, no wait, the category one", "category"),
    ("category map - actually the vulnerability map", "composite"),
])
def test_a_map_taken_back_for_another_shows_the_other(text, kind):
    c, f, state = session("kano", True)
    assert _steps(decide(text, c, state, f)) == [("show_map", {"what": kind})]


# --- a variable change offered as a choice; one variable alone ------------------------------


@pytest.mark.parametrize("text", ["what if we dropped rainfall?", "what if we add elevation?"])
def test_a_variable_change_offered_reads_as_a_choice_and_does_what_it_says(text):
    c, f, state = session("demo", True, last={"tool": "run_analysis", "params": {}})
    d = decide(text, c, state, f)
    assert d.steps == []
    runs = [ch["label"] for ch in d.choices if ch.get("tool") == "run_analysis"]
    assert runs and all(label.startswith("Re-run with ") for label in runs), runs
    assert not any("Re-running" in ch["label"] for ch in d.choices)
    assert_round_trip(d, c, f, state)


@pytest.mark.parametrize("text", ["what if we used rainfall only?", "what if it was just ndvi?",
                                  "what if we dropped everything except rainfall?",
                                  "remove all the others except rainfall",
                                  "drop all variables except ndvi"])
def test_one_variable_alone_is_never_offered_and_what_can_be_done_is(text):
    c, f, state = session("demo", True, last={"tool": "run_analysis", "params": {}})
    d = decide(text, c, state, f)
    assert d.steps == [] and "at least two variables" in d.text
    for choice in d.choices:
        for step in choice.get("steps") or [choice]:
            if step.get("tool") == "run_analysis":
                assert len(step["params"]["variables"]) >= 2, choice["label"]
    assert any(ch.get("tool") == "show_map" for ch in d.choices)
    assert_round_trip(d, c, f, state)


def test_a_one_variable_order_is_left_to_the_analysis_which_says_why():
    # an order is not second-guessed: it goes to the analysis, whose refusal ("needs at
    # least two variables") is shown as a failure; it never runs with other variables
    c, f, state = session("demo", True, last={"tool": "run_analysis", "params": {}})
    d = decide("run the analysis with rainfall only", c, state, f)
    assert [s.params.get("variables") for s in d.steps] == [["rainfall"]]


@pytest.mark.parametrize("text", ["rainfall only map", "use only rainfall and u5_tpr_rdt",
                                  "what if we add rainfall only to the plan?",
                                  "just flip rainfall to inverse and rerun",
                                  "only change the direction of housing quality, then run",
                                  "just rerun it with rainfall",
                                  "run it again with the defaults and rainfall only as direct",
                                  "use rainfall, only the rest stays"])
def test_one_variable_said_with_only_in_other_requests_is_not_refused(text):
    c, f, state = session("demo", True, last={"tool": "run_analysis", "params": {}})
    d = decide(text, c, state, f)
    assert (d.reading or {}).get("variables") != "one_alone", text


def test_dropping_all_but_one_never_offers_to_add_it_back():
    c, f, state = session("demo", True, last={"tool": "run_analysis", "params": {}})
    d = decide("drop all variables except ndvi", c, state, f)
    assert [ch.get("tool") for ch in d.choices if not ch.get("cancel")] == ["show_map"]
