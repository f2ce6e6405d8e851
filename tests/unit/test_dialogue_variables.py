"""Variables named in plain words: a new list against the last analysis, a direction given
to "it", a kind of variable instead of a variable ("the water ones"), every variable of the
table, variables put back or taken out. What is sure runs and is echoed; what is not is
asked with one-tap choices; a variable taken out is never the one run."""

from __future__ import annotations

import pytest

from chatmrpt.chat import extract as ex
from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import ILORIN_VARIABLES, ILORIN_WARDS, KANO_VARIABLES, KANO_WARDS

DEMO_COLUMNS = ("Population", "urban_percentage", "u5_tpr_rdt", "rainfall", "ndvi", "evi", "ndwi",
                "ndmi", "soil_wetness", "elevation", "distance_to_waterbodies", "housing_quality",
                "nighttime_lights")  # fmt: skip
DEMO_DEFAULT = ("u5_tpr_rdt", "rainfall", "ndwi", "housing_quality", "elevation",
                "urban_percentage")
KANO_DEFAULT = ("test_positivity_rate", "rainfall", "housing_quality", "distance_to_water_bodies")
ILORIN_DEFAULT = ("tpr_u5_new", "val_housing_15", "distance")
AFTER_ANSWER = DialogueState(last={"tool": "ask_results", "params": {"about": "variables"}})


def _pairs(by_lga):
    return tuple((w, lga) for lga, wards in by_lga.items() for w in wards)


DATASETS = {
    "demo": (DEMO_COLUMNS, (("Danjalba", "Kuwe South"), ("Malano", "Rimai"))),
    "kano": (KANO_VARIABLES, _pairs(KANO_WARDS)),
    "ilorin": (ILORIN_VARIABLES, _pairs(ILORIN_WARDS)),
}


def run(text, dataset="demo", used=DEMO_DEFAULT, directions=None, state=None, extra=None):
    columns, wards = DATASETS[dataset]
    params = {"variables": list(used), **(extra or {})}
    if directions:
        params["directions"] = directions
    facts = Facts(analysis_variables=tuple(used), ward_count=len(wards), analysis_params=params)
    ctx = RouterContext(has_dataset=True, variables=columns, wards=wards,
                        analysis_status="succeeded" if used else None)
    return decide(text, ctx, state or AFTER_ANSWER, facts)


def analysis(d):
    runs = [s for s in d.steps if s.tool == "run_analysis"]
    return runs[0].params if runs else None


def answer_choice(asked, reply, **kw):
    state = DialogueState(last=AFTER_ANSWER.last, pending=asked.pending)
    return run(reply, state=state, **kw)


# --- a new list said against the last analysis --------------------------------------------


@pytest.mark.parametrize("text,dataset,used,variables,directions", [
    ("use test positivity, settlement type poor and nets per capita instead (more nets means "
     "less risk, so inverse)", "kano", KANO_DEFAULT,
     ["test_positivity_rate", "settlement_type_poor", "nets_per_capita"],
     {"nets_per_capita": "inverse"}),
    ("now a version with only tpr, rainfall and housing quality", "demo", DEMO_DEFAULT,
     ["u5_tpr_rdt", "rainfall", "housing_quality"], None),
    ("switch to rainfall, ndvi and elevation", "demo", DEMO_DEFAULT,
     ["rainfall", "ndvi", "elevation"], None),
    ("just tpr and housing please", "demo", DEMO_DEFAULT, ["u5_tpr_rdt", "housing_quality"], None),
    ("use tpr_u5_new, settlement_type and meanEVI instead; settlement_type is inverse here",
     "ilorin", ILORIN_DEFAULT, ["tpr_u5_new", "settlement_type", "meanEVI"],
     {"settlement_type": "inverse"}),
])
def test_a_new_list_runs_exactly_the_variables_named(text, dataset, used, variables, directions):
    d = run(text, dataset, used)
    p = analysis(d)
    assert p is not None and p["variables"] == variables
    assert (p.get("directions") or None) == directions
    assert "Re-running the analysis" in d.steps[0].echo


def test_a_new_list_keeps_the_normalisation_and_the_directions_of_kept_variables():
    d = run("use u5_tpr_rdt, rainfall and housing quality instead", extra={
        "normalization": "reciprocal"}, directions={"rainfall": "inverse", "ndwi": "inverse"})
    p = analysis(d)
    assert p["normalization"] == "reciprocal"
    assert p["directions"] == {"rainfall": "inverse"}


@pytest.mark.parametrize("text", [
    "is rainfall better than ndvi?",
    "which is more important, rainfall or ndwi",
    "map rainfall and ndwi",
    "use tpr and rainfall for the plan",
    "show me rainfall and elevation",
])
def test_variables_named_in_a_question_or_another_request_run_nothing(text):
    d = run(text)
    assert not [s for s in d.steps if s.tool == "run_analysis"]


# --- a direction for "it" -------------------------------------------------------------------


@pytest.mark.parametrize("text,column,direction", [
    ("settlement_type here is an index where higher means better blocks; treat it as inverse",
     "settlement_type", "inverse"),
    ("settlement type: higher is better here. make it inverse", "settlement_type", "inverse"),
    ("distance here: the wards far from water are the poor ones, so treat that as direct",
     "distance", "direct"),
])
def test_it_in_a_direction_is_the_one_variable_of_the_message(text, column, direction):
    d = run(text, "ilorin", ("tpr_u5_new", "settlement_type", "distance"))
    p = analysis(d)
    assert p is not None and p["directions"][column] == direction
    assert p["variables"] == ["tpr_u5_new", "settlement_type", "distance"]
    assert f"treating {column} as {direction}" in d.steps[0].echo


@pytest.mark.parametrize("text", ["treat it as direct", "make that one direct in the analysis",
                                  "then treat it as direct, low-lying land is not the issue"])
def test_it_in_a_direction_after_a_message_about_one_variable_is_that_variable(text):
    state = DialogueState(last=AFTER_ANSWER.last, topic="elevation")
    d = run(text, state=state)
    assert analysis(d)["directions"] == {"elevation": "direct"}


@pytest.mark.parametrize("text", [
    "treat it as inverse",  # nothing named, nothing talked about
    "ok make it inverse",
    "flip it",
])
def test_it_without_one_variable_to_stand_for_changes_no_direction(text):
    d = run(text)
    assert not any((s.params.get("directions") or {}) for s in d.steps
                   if s.tool == "run_analysis")


def test_find_directions_gives_it_to_the_only_variable_named():
    text = "settlement_type: higher means better blocks; treat it as inverse"
    mentions = ex.find_variables(text, ILORIN_VARIABLES)
    assert ex.find_directions(text, mentions) == {"settlement_type": "inverse"}
    text = "rainfall and housing; treat it as inverse"
    mentions = ex.find_variables(text, KANO_VARIABLES)
    assert ex.find_directions(text, mentions) == {}


# --- a kind of variable ------------------------------------------------------------------


def test_one_of_a_kind_is_asked_and_the_answer_by_name_runs_it():
    used = (*DEMO_DEFAULT, "soil_wetness")
    asked = run("hmm drop one of the water ones", used=used)
    assert not asked.steps and asked.pending and asked.pending["expects"] == "choice"
    labels = asked.suggestions
    assert any("ndwi" in label for label in labels)
    assert any("soil_wetness" in label for label in labels)
    for reply in ("the ndwi one", "ndwi", "the water index one", "drop ndwi"):
        d = answer_choice(asked, reply, used=used)
        p = analysis(d)
        assert p is not None, reply
        assert p["variables"] == [v for v in used if v != "ndwi"], reply
    d = answer_choice(asked, "the soil wetness one", used=used)
    assert "soil_wetness" not in analysis(d)["variables"]


@pytest.mark.parametrize("text", [
    "only the environmental ones",
    "just use the environmental variables",
    "remove the socio-economic variables",
    "drop the water ones",
    "add the vegetation ones",
])
def test_a_kind_of_variables_is_asked_never_run(text):
    d = run(text)
    assert not d.steps
    assert d.choices and d.pending and d.pending["expects"] == "choice"


def test_the_choice_for_a_kind_runs_the_variables_it_names():
    asked = run("only the environmental ones")
    d = answer_choice(asked, asked.suggestions[0])
    p = analysis(d)
    assert "u5_tpr_rdt" not in p["variables"]
    assert {"rainfall", "ndvi", "evi", "elevation"} <= set(p["variables"])


@pytest.mark.parametrize("text,dataset,used,added", [
    ("add the vegetation one", "ilorin", ILORIN_DEFAULT, "meanEVI"),
    ("add the vegetation index", "kano", KANO_DEFAULT, "enhanced_vegetation_index"),
])
def test_the_one_variable_of_a_kind_the_table_has_is_taken(text, dataset, used, added):
    p = analysis(run(text, dataset, used))
    assert p["variables"] == [*used, added]


def test_a_kind_the_analysis_does_not_use_changes_nothing():
    d = run("drop the vegetation ones")
    assert not d.steps and "no vegetation variable" in d.text


def test_a_variable_named_like_a_kind_is_that_variable():
    p = analysis(run("drop the water index"))
    assert p["variables"] == [v for v in DEMO_DEFAULT if v != "ndwi"]


def test_kinds_of_variables_in_words():
    assert ex.find_variable_group("drop one of the water ones").group.key == "water"
    assert ex.find_variable_group("drop one of the water ones").one
    assert not ex.find_variable_group("only the environmental variables").one
    assert ex.find_variable_group("the water index") is not None  # the caller checks names
    assert ex.find_variable_group("the water is high in Dala") is None
    assert ex.group_columns(ex.VARIABLE_GROUPS[1][1], KANO_VARIABLES) == [
        "enhanced_vegetation_index"]


# --- every variable of the table -------------------------------------------------------------


def test_all_the_variables_are_the_tables_not_the_defaults():
    p = analysis(run("use all the variables"))
    assert p["variables"] == [c for c in DEMO_COLUMNS if c != "Population"]


def test_everything_except_asks_which_everything_when_the_analysis_used_fewer():
    asked = run("everything except elevation")
    assert not asked.steps and len(asked.choices) == 3
    d = answer_choice(asked, asked.suggestions[1])
    assert analysis(d)["variables"] == [v for v in DEMO_DEFAULT if v != "elevation"]
    d = answer_choice(asked, asked.suggestions[0])
    assert "elevation" not in analysis(d)["variables"]
    assert "nighttime_lights" in analysis(d)["variables"]


def test_everything_except_runs_when_the_analysis_already_used_everything():
    every = tuple(c for c in ILORIN_VARIABLES)
    p = analysis(run("rerun with everything except distance", "ilorin", every))
    assert p["variables"] == [c for c in every if c != "distance"]


# --- put back, take out --------------------------------------------------------------------


@pytest.mark.parametrize("text", ["put back housing", "bring housing quality back",
                                  "restore housing", "put housing back in please"])
def test_a_variable_put_back_is_added(text):
    used = tuple(v for v in DEMO_DEFAULT if v != "housing_quality")
    p = analysis(run(text, used=used))
    assert p["variables"] == [*used, "housing_quality"]


@pytest.mark.parametrize("text,gone", [
    ("take out the rain", "rainfall"),
    ("take the rain out", "rainfall"),
    ("leave ndwi out", "ndwi"),
    ("get rid of elevation", "elevation"),
])
def test_a_variable_taken_out_is_dropped(text, gone):
    p = analysis(run(text))
    assert p["variables"] == [v for v in DEMO_DEFAULT if v != gone]


def test_put_back_with_a_direction_is_a_direction():
    p = analysis(run("put elevation back to inverse", directions={"elevation": "direct"}))
    assert p["directions"]["elevation"] == "inverse"
    assert p["variables"] == list(DEMO_DEFAULT)


# --- a variable taken out is never the one run ----------------------------------------------


@pytest.mark.parametrize("text,dataset,used", [
    ("without soil wetness", "demo", DEMO_DEFAULT),
    ("drop evi", "demo", DEMO_DEFAULT),
    ("drop distance", "ilorin", ("tpr_u5_new", "distance")),
    ("rerun without distance", "ilorin", ("tpr_u5_new", "distance")),
    ("remove tpr", "ilorin", ("tpr_u5_new", "distance")),
    ("exclude ndvi and evi", "demo", DEMO_DEFAULT),
])
def test_a_drop_that_cannot_be_done_runs_nothing_and_says_why(text, dataset, used):
    d = run(text, dataset, used)
    assert not [s for s in d.steps if s.tool == "run_analysis"]
    assert d.text and "nothing" in d.text.lower()


@pytest.mark.parametrize("text,variables", [
    ("rerun with tpr and rainfall but without elevation", ["u5_tpr_rdt", "rainfall"]),
    ("use tpr rainfall and housing, no elevation", ["u5_tpr_rdt", "rainfall", "housing_quality"]),
])
def test_a_list_with_a_variable_left_out_is_asked_with_the_list_said(text, variables):
    asked = run(text)
    assert not asked.steps and asked.choices
    p = analysis(answer_choice(asked, asked.suggestions[0]))
    assert p["variables"] == variables


@pytest.mark.parametrize("text,out", [
    ("rerun with tpr and rainfall but without elevation", {"elevation"}),
    ("everything except elevation and rain", {"elevation", "rainfall"}),
    ("drop rainfall, keep soil wetness", {"rainfall"}),
    ("take ndvi out", {"ndvi"}),
    ("leave housing and rainfall out", {"housing_quality", "rainfall"}),
    ("use tpr, rainfall and ndvi", set()),
    ("add ndvi and keep elevation", set()),
])
def test_excluded_variables(text, out):
    assert ex.excluded_variables(text, ex.find_variables(text, DEMO_COLUMNS)) == out


@pytest.mark.parametrize("text,dataset,column", [
    ("add nets per person", "kano", "nets_per_capita"),
    ("drop the water index", "demo", "ndwi"),
    ("use positivity and rain", "kano", "test_positivity_rate"),
    ("add the poor settlements", "ilorin", "settlement_type"),
])
def test_plain_names_of_variables(text, dataset, column):
    assert column in {m.column for m in ex.find_variables(text, DATASETS[dataset][0])}


# --- flipping a direction -----------------------------------------------------------------


@pytest.mark.parametrize("text,column,before,after", [
    ("flip the direction of elevation", "elevation", None, "direct"),
    ("reverse rainfall", "rainfall", None, "inverse"),
    ("switch the direction for housing quality", "housing_quality", None, "direct"),
    ("rainfall the other way round please", "rainfall", "inverse", "direct"),
])
def test_a_flipped_direction_is_the_opposite_of_the_one_used(text, column, before, after):
    d = run(text, directions={column: before} if before else None)
    p = analysis(d)
    assert p is not None and p["directions"][column] == after
    assert p["variables"] == list(DEMO_DEFAULT)


def test_a_direction_said_with_the_flip_is_the_one_taken():
    p = analysis(run("reverse elevation to direct"))
    assert p["directions"]["elevation"] == "direct"


def test_flipping_a_column_the_catalogue_does_not_know_is_asked():
    d = run("flip the direction of dumpsites", "kano", (*KANO_DEFAULT, "dumpsites"))
    assert not d.steps and len(d.choices) == 2


# --- a variable not named -------------------------------------------------------------------

LAST_RUN = DialogueState(last={"tool": "run_analysis", "params": {}})


@pytest.mark.parametrize("text,verb", [
    ("Add one more variable as well.", "Add"),
    ("add another variable", "Add"),
    ("Add one more variable.", "Add"),
    ("drop a variable", "Drop"),
    ("remove one of the variables", "Drop"),
    ("Change the direction of one more variable too.", "Make"),
    ("flip another variable", "Make"),
])
def test_a_variable_not_named_is_asked_with_the_candidates(text, verb):
    d = run(text, state=LAST_RUN)
    assert not d.steps and d.pending and d.pending["expects"] == "choice"
    assert d.suggestions[0].startswith(verb)


def test_the_added_variable_chosen_by_name_runs():
    asked = run("add one more variable", state=LAST_RUN)
    p = analysis(answer_choice(asked, "nighttime lights"))
    assert p["variables"] == [*DEMO_DEFAULT, "nighttime_lights"]


def test_the_direction_chosen_is_flipped_and_the_variables_kept():
    asked = run("change the direction of one more variable too", state=LAST_RUN,
                directions={"rainfall": "inverse"})
    p = analysis(answer_choice(asked, "Make elevation direct",
                               directions={"rainfall": "inverse"}))
    assert p["variables"] == list(DEMO_DEFAULT)
    assert p["directions"] == {"rainfall": "inverse", "elevation": "direct"}


@pytest.mark.parametrize("text", [
    "What would happen if I made elevation direct instead?",
    "what if we added another variable?",
    "add another 50k nets",
])
def test_hypotheticals_and_other_things_added_are_no_variable_question(text):
    d = run(text, state=LAST_RUN)
    assert not [s for s in d.steps if s.tool == "run_analysis"]
    assert not (d.pending and any("Add " in c.get("label", "") for c in d.pending.get(
        "choices") or []))


# --- "also X", "X too" ------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["and also housing_quality", "housing quality too",
                                  "also housing quality", "housing quality as well please"])
def test_also_a_variable_adds_it(text):
    used = tuple(v for v in DEMO_DEFAULT if v != "housing_quality")
    p = analysis(run(text, used=used, state=LAST_RUN))
    assert p["variables"] == [*used, "housing_quality"]
    after_list = DialogueState(last={"tool": "top_wards", "params": {"n": 10}})
    p = analysis(run(text, used=used, state=after_list))
    assert p["variables"] == [*used, "housing_quality"]


@pytest.mark.parametrize("text", ["map rainfall too", "show housing quality too",
                                  "what about housing quality too?"])
def test_also_with_another_request_adds_nothing(text):
    used = tuple(v for v in DEMO_DEFAULT if v not in ("housing_quality", "rainfall"))
    d = run(text, used=used, state=LAST_RUN)
    assert not [s for s in d.steps if s.tool == "run_analysis"]


# --- questions about directions, normalisation kept ---------------------------------------------


@pytest.mark.parametrize("text", ["ok. rainfall na direct or inverse for this analysis",
                                  "elevation direct or inverse here",
                                  "is distance inverse or direct"])
def test_direct_or_inverse_asks_and_runs_nothing(text):
    d = run(text, state=LAST_RUN)
    assert [s.tool for s in d.steps] == ["ask_results"]


@pytest.mark.parametrize("text,norm", [("hmm go back to normal linear", "linear"),
                                       ("back to the normal linear normalisation", "linear"),
                                       ("go back to the default, reciprocal", "reciprocal")])
def test_back_to_a_normalisation_keeps_the_chosen_variables(text, norm):
    used = ("u5_tpr_rdt", "rainfall", "soil_wetness")
    d = run(text, used=used, state=LAST_RUN,
            extra={"normalization": "reciprocal" if norm == "linear" else "linear"})
    p = analysis(d)
    assert p["variables"] == list(used) and p["normalization"] == norm


def test_keep_a_direction_and_add_a_variable():
    used = ("u5_tpr_rdt", "rainfall", "evi", "distance_to_waterbodies")
    p = analysis(run("Keep distance direct, and add housing quality to the set.", used=used,
                     directions={"distance_to_waterbodies": "direct"}, state=LAST_RUN))
    assert p["variables"] == [*used, "housing_quality"]
    assert p["directions"] == {"distance_to_waterbodies": "direct"}


# --- directions back to default, effects other than risk, a bare kind, the old normalisation ---

ILORIN_SET = ("tpr_u5_new", "val_housing_15", "distance", "meanEVI")
ILORIN_SET_DIRECTIONS = {"distance": "direct", "meanEVI": "inverse"}


@pytest.mark.parametrize("text,kept", [
    ("reset the directions", {}),
    ("put all directions back to default", {}),
    ("use the default directions", {}),
    ("reset the direction of distance", {"meanEVI": "inverse"}),
])
def test_directions_back_to_default_keep_the_variables(text, kept):
    p = analysis(run(text, "ilorin", ILORIN_SET, directions=ILORIN_SET_DIRECTIONS,
                     state=LAST_RUN))
    assert p["variables"] == list(ILORIN_SET)
    assert (p.get("directions") or {}) == kept


def test_default_directions_when_they_are_already_default_change_nothing():
    d = run("reset the directions", "ilorin", ILORIN_SET, state=LAST_RUN)
    assert not d.steps and "already" in d.text


@pytest.mark.parametrize("text", [
    "more nets means less malaria so treat nets per capita that way",
    "higher nets per capita means fewer cases",
    "more nets per capita leads to lower transmission",
])
def test_an_effect_on_malaria_or_cases_is_a_direction(text):
    p = analysis(run(text, "kano", KANO_DEFAULT, state=LAST_RUN))
    assert p["directions"] == {"nets_per_capita": "inverse"}
    assert p["variables"] == [*KANO_DEFAULT, "nets_per_capita"]


def test_a_bare_kind_after_drop_is_the_one_variable_of_that_kind():
    p = analysis(run("drop the vegetation", "ilorin", ILORIN_SET, state=LAST_RUN))
    assert p["variables"] == ["tpr_u5_new", "val_housing_15", "distance"]
    # rainfall and distance to water are both of the water kind, but only one is named water
    p = analysis(run("drop the water", "kano", KANO_DEFAULT, state=LAST_RUN))
    assert p["variables"] == ["test_positivity_rate", "rainfall", "housing_quality"]
    d = run("drop the water", "demo", (*DEMO_DEFAULT, "distance_to_waterbodies"), state=LAST_RUN)
    assert not d.steps and d.pending  # ndwi (water index) or distance to water: asked


@pytest.mark.parametrize("text", ["use the old normalisation", "rerun it with the old scaling",
                                  "use reciprocal normalization like the old tool"])
def test_the_old_normalisation_is_the_reciprocal_one_with_the_same_variables(text):
    d = run(text, "ilorin", ILORIN_SET, state=LAST_RUN)
    p = analysis(d)
    assert p["normalization"] == "reciprocal" and p["variables"] == list(ILORIN_SET)
    assert "Reciprocal normalisation" in d.steps[0].echo


def test_drop_too_drops():
    used = (*DEMO_DEFAULT, "soil_wetness")
    p = analysis(run("actually drop rainfall too", used=used, state=LAST_RUN))
    assert p["variables"] == [v for v in used if v != "rainfall"]


@pytest.mark.parametrize("text", ["compare tpr with rainfall", "rainfall with tpr looks correlated",
                                  "explain tpr and rainfall"])
def test_variables_named_with_with_are_no_new_list(text):
    d = run(text, state=LAST_RUN)
    assert not [s for s in d.steps if s.tool == "run_analysis" and s.echo.startswith("Re-running")]


def test_also_a_variable_after_something_else_than_an_analysis_change_adds_nothing():
    used = tuple(v for v in DEMO_DEFAULT if v != "housing_quality")
    state = DialogueState(last={"tool": "show_map", "params": {"what": "variable",
                                                               "variable": "rainfall"}})
    d = run("housing quality too", used=used, state=state)
    assert not any(s.tool == "run_analysis" and "housing_quality" in s.params.get("variables", [])
                   and "added" in s.echo for s in d.steps)


def test_everything_without_an_analysis_is_left_to_the_whole_analysis():
    from chatmrpt.chat import variable_talk

    columns, wards = DATASETS["demo"]
    ctx = RouterContext(has_dataset=True, variables=columns, wards=wards)
    assert variable_talk.all_variables("run everything", ctx, Facts()) is None
    d = variable_talk.all_variables("use all the variables", ctx, Facts())
    assert len(d.steps[0].params["variables"]) == len(columns) - 1


@pytest.mark.parametrize("text", ["run it with ndwi", "rerun with ndwi"])
def test_one_variable_alone_is_asked_as_an_addition(text):
    used = ("u5_tpr_rdt", "rainfall")
    d = run(text, used=used)
    assert not d.steps and d.choices
    assert analysis(answer_choice(d, d.suggestions[0], used=used))["variables"] == [*used, "ndwi"]
