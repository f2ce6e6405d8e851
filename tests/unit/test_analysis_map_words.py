"""Analysis and map requests in everyday words: "our ward file" names the uploaded table, not
the user's own LGA; a leading aside ("let me try.", "i see.") asks for nothing and leaves the
request after it to be read on its own."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.extract import WardRef
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import DEMO_VARIABLES


def run(text, ready=True, state=None):
    wards = (WardRef("Danjalba", None), WardRef("Malano", None))
    c = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=wards,
                      analysis_status="succeeded" if ready else None)
    f = Facts(analysis_variables=DEMO_VARIABLES[:3] if ready else (), lgas=("Rimai", "Ganja"),
              ward_count=300)
    return decide(text, c, state or DialogueState(), f)


def tools(d):
    return [s.tool for s in d.steps]


@pytest.mark.parametrize("text", [
    "i just uploaded our ward file, pls run the analysis with the normal variables",
    "we uploaded our ward table. run the analysis",
    "my ward data is in, run the analysis with the default variables",
    "here is our ward level spreadsheet, please run the analysis",
])
def test_our_ward_file_is_the_table(text):
    d = run(text, ready=False)
    assert "run_analysis" in tools(d), (d.text, d.steps)
    assert "LGA is yours" not in (d.text or "")


@pytest.mark.parametrize("text", [
    "which are our worst wards",
    "list our wards",
])
def test_our_wards_still_asks_for_the_lga(text):
    d = run(text)
    assert not d.steps
    assert "LGA" in (d.text or "")


@pytest.mark.parametrize("text,tool", [
    ("ok let me try. show me the vulnerability map", "show_map"),
    ("i see. show me the vulnerability map", "show_map"),
    ("let me try. list the top 5 wards", "top_wards"),
    ("got it, now the top 5 wards", "top_wards"),
    ("alright, let me see. map of the composite score", "show_map"),
])
def test_aside_before_a_request(text, tool):
    d = run(text)
    assert tools(d) and tools(d)[0] in (tool, "list_wards", "show_map"), (d.text, d.steps)
    assert "Goodbye" not in (d.text or "")


def test_aside_alone_runs_nothing():
    assert not run("let me try").steps


def after_map(text, what="composite", variable=None):
    params = {"what": what, **({"variable": variable} if variable else {})}
    return run(text, state=DialogueState(last={"tool": "show_map", "params": params},
                                         shown={"kind": "map", **params}))


@pytest.mark.parametrize("text,what,variable", [
    ("and the consensus one my supervisor talked about", "consensus", None),
    ("now the category one please", "category", None),
    ("ok the pca version", "pca", None),
    ("and the urban map", "urban", None),
    ("sorry I meant test positivity, the under five one", "variable", "u5_tpr_rdt"),
    ("no, i meant rainfall", "variable", "rainfall"),
    ("what about the rainfall one", "variable", "rainfall"),
])
def test_another_map_after_a_map(text, what, variable):
    d = after_map(text, what="variable", variable="housing_quality")
    assert tools(d) == ["show_map"], (d.text, d.steps)
    assert d.steps[0].params.get("what") == what
    assert d.steps[0].params.get("variable") == variable


@pytest.mark.parametrize("text", [
    "why is the category one different?",
    "is the pca one better?",
    "export the consensus one as png",
    "and the top 10 wards",
    "i meant the ranking list",
])
def test_not_another_map(text):
    d = after_map(text)
    assert not (tools(d) == ["show_map"] and d.steps[0].params.get("what") in (
        "category", "pca")), (d.text, d.steps)


def test_another_map_needs_a_map_shown():
    d = run("sorry I meant test positivity, the under five one",
            state=DialogueState(last={"tool": "top_wards", "params": {}}))
    assert "show_map" not in tools(d)


@pytest.mark.parametrize("text,fmt", [
    ("Export the consensus map as html.", "html"),
    ("save the consensus map as png", "png"),
])
def test_consensus_map_export(text, fmt):
    d = run(text)
    assert tools(d) == ["export_view"], (d.text, d.steps)
    assert d.steps[0].params == {"what": "consensus", "format": fmt}


@pytest.mark.parametrize("text", ["ok give me the map", "give me the vulnerability map",
                                  "can you give me the map"])
def test_give_me_the_map_shows_it(text):
    d = run(text)
    assert tools(d) == ["show_map"], (d.text, d.steps)


@pytest.mark.parametrize("text", ["give me the map as png", "give me the vulnerability map in html",
                                  "download the map"])
def test_map_file_still_a_file(text):
    d = run(text)
    assert "show_map" not in tools(d), (d.text, d.steps)


@pytest.mark.parametrize("text", [
    "why only those? the table has rainfall, housing and elevation",
    "why not rainfall and elevation?",
    "why didn't you use elevation",
    "but why were elevation and rainfall left out?",
    "why just 3 variables?",
])
def test_why_those_variables_is_answered(text):
    d = run(text)
    assert "run_analysis" not in tools(d), (d.text, d.steps)
    assert tools(d) and tools(d)[-1] == "data_quality", (d.text, d.steps)


@pytest.mark.parametrize("text", [
    "why is rainfall direct?",
    "why is Danjalba ranked first?",
    "run it with rainfall and elevation",
])
def test_other_why_questions_untouched(text):
    d = run(text)
    assert "data_quality" not in tools(d), (d.text, d.steps)


def after_analysis(text, used):
    wards = (WardRef("Danjalba", None), WardRef("Malano", None))
    c = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=wards,
                      analysis_status="succeeded")
    f = Facts(analysis_variables=tuple(used), lgas=("Rimai", "Ganja"), ward_count=300)
    return decide(text, c, DialogueState(last={"tool": "run_analysis", "params": {}}), f)


@pytest.mark.parametrize("text", [
    "swap elevation for housing quality",
    "replace elevation with housing quality",
    "use housing quality instead of elevation",
])
def test_swap_of_a_variable_not_in_the_analysis_runs_nothing(text):
    d = after_analysis(text, ["u5_tpr_rdt", "rainfall", "nighttime_lights"])
    assert not d.steps, d.steps
    assert "not in the current analysis" in (d.text or "")


def test_swap_into_a_variable_already_used_runs_nothing():
    d = after_analysis("swap rainfall for nighttime lights", ["u5_tpr_rdt", "rainfall",
                                                              "nighttime_lights"])
    assert not d.steps and "already in" in (d.text or "")


def test_swap_still_swaps():
    d = after_analysis("swap rainfall for elevation", ["u5_tpr_rdt", "rainfall",
                                                       "nighttime_lights"])
    assert tools(d) == ["run_analysis"]
    assert d.steps[0].params["variables"] == ["u5_tpr_rdt", "elevation", "nighttime_lights"]


@pytest.mark.parametrize("text", [
    "the default only uses 2 variables, that's thin. run it with test positivity, rainfall "
    "and elevation",
    "the default analysis is too thin. run it with test positivity, rainfall and elevation",
])
def test_remark_on_the_default_then_variables(text):
    d = run(text, ready=False)
    runs = [s for s in d.steps if s.tool == "run_analysis"]
    assert len(runs) == 1, (d.text, d.steps)
    assert set(runs[0].params["variables"]) == {"u5_tpr_rdt", "rainfall", "elevation"}


@pytest.mark.parametrize("text", [
    "drop elevation and add nighttime lights instead",
    "remove elevation, put in nighttime lights",
    "take out elevation and use nighttime lights",
    "add nighttime lights instead of elevation",
    "drop elevation and rerun with nighttime lights",
    "remove elevation then run it again with nighttime lights",
])
def test_drop_one_add_another_is_a_swap(text):
    d = after_analysis(text, ["u5_tpr_rdt", "rainfall", "elevation"])
    assert tools(d) == ["run_analysis"], (d.text, d.steps)
    assert d.steps[0].params["variables"] == ["u5_tpr_rdt", "rainfall", "nighttime_lights"]


def test_drop_then_rerun_with_two_names_runs_with_those_two():
    d = after_analysis("drop elevation and rerun with nighttime lights and rainfall",
                       ["u5_tpr_rdt", "rainfall", "elevation"])
    assert tools(d) == ["run_analysis"], (d.text, d.steps)
    assert d.steps[0].params["variables"] == ["nighttime_lights", "rainfall"]


def test_drop_then_add_of_a_variable_not_in_the_table_is_not_a_swap():
    d = after_analysis("drop elevation and add evi instead", ["u5_tpr_rdt", "rainfall",
                                                              "elevation"])
    assert not (tools(d) == ["run_analysis"] and "elevation" not in
                d.steps[0].params.get("variables", ["elevation"]))


@pytest.mark.parametrize("text", [
    "ok give me the full cleaned dataset as csv for our archive",
    "export the cleaned data as csv",
    "the whole merged table as excel please",
])
def test_cleaned_dataset_is_the_unified_table(text):
    d = run(text)
    assert tools(d) == ["export_results"], (d.text, d.steps)
    assert d.steps[0].params.get("what") == "unified"


@pytest.mark.parametrize("params", [{}, {"directions": {"u5_tpr_rdt": "direct", "rainfall": "direct",
                                                        "housing_quality": "inverse"}}])
@pytest.mark.parametrize("text,column,direction", [
    ("why is housing quality inverse? then make it direct", "housing_quality", "direct"),
    ("why is housing quality inverse? make it direct", "housing_quality", "direct"),
    ("why is housing quality inverse? ok change rainfall to inverse", "rainfall", "inverse"),
])
def test_a_direction_is_read_from_the_order_after_a_question(text, column, direction, params):
    wards = (WardRef("Danjalba", None),)
    c = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=wards,
                      analysis_status="succeeded")
    f = Facts(analysis_variables=("u5_tpr_rdt", "rainfall", "housing_quality"),
              analysis_params=params, lgas=("Rimai",), ward_count=300)
    d = decide(text, c, DialogueState(last={"tool": "run_analysis", "params": {}}), f)
    assert tools(d) == ["run_analysis"], (d.text, d.steps)
    assert d.steps[0].params["directions"][column] == direction


@pytest.mark.parametrize("text", [
    "what would happen if I added nighttime lights? I don't want to run it now",
    "what would happen if I added nighttime lights? just curious, we decide tomorrow",
    "what if we removed rainfall? the director will decide",
])
def test_a_what_if_about_the_variables_is_offered_never_run(text):
    d = after_analysis(text, ["u5_tpr_rdt", "rainfall", "elevation"])
    assert not d.steps, (d.text, d.steps)


@pytest.mark.parametrize("text", [
    "what would happen if I added nighttime lights? I don't want to run it now",
    "what if we removed rainfall? the director will decide",
    "what would happen if I added nighttime lights?",
])
def test_a_what_if_held_back_says_so_without_a_file(text):
    d = after_analysis(text, ["u5_tpr_rdt", "rainfall", "elevation"])
    assert not d.steps, (d.text, d.steps)
    assert "file" not in (d.text or "").lower(), d.text
    assert "asks what the change would do" in (d.text or ""), d.text


def test_a_what_if_about_the_plan_held_back_says_so_without_a_file():
    plan = {"total_nets": 500000, "household_size": 5, "people_per_net": 1.8}
    c = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, analysis_status="succeeded",
                      wards=(WardRef("Danjalba", None), WardRef("Malano", None)), last_plan=plan)
    f = Facts(analysis_variables=DEMO_VARIABLES[:3], lgas=("Rimai", "Ganja"), ward_count=300)
    d = decide("what if we used 6 per household?", c,
               DialogueState(last={"tool": "plan_itn", "params": plan}), f)
    assert not d.steps, (d.text, d.steps)
    assert "file" not in (d.text or "").lower(), d.text
    assert "asks what the change would do" in (d.text or ""), d.text
