"""The dialogue manager: relative changes, pending questions, corrections, the intent model."""

from __future__ import annotations

import pytest

from chatmrpt.chat import dialogue as dm
from chatmrpt.chat import intents
from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

PLAN = {"total_nets": 200_000, "household_size": 5}
LAST_PLAN = {"tool": "plan_itn", "params": PLAN}
USED = ("u5_tpr_rdt", "rainfall", "housing_quality")


def ctx(**kw) -> RouterContext:
    base = {"has_dataset": True, "variables": DEMO_VARIABLES, "wards": NORTH_WARDS,
            "analysis_status": "succeeded"}
    base.update(kw)
    return RouterContext(**base)


FACTS = Facts(analysis_variables=USED, lgas=("Fagge", "Geidam", "Maiduguri", "Nguru", "Zaria"),
              ward_count=len(NORTH_WARDS))


def one_step(text, c=None, state=None, facts=FACTS):
    d = decide(text, c or ctx(), state or DialogueState(), facts)
    assert len(d.steps) == 1, (d.text, d.steps)
    return d.steps[0]


# --- relative changes of the last plan ----------------------------------------------------


@pytest.mark.parametrize("text,nets", [
    ("Plan with 20% more nets", 240_000),
    ("what if we had 20% more nets", 240_000),
    ("20 percent more", 240_000),
    ("10 percent fewer nets", 180_000),
    ("what if the stock drops by 10%", 180_000),
    ("increase the nets by 25 percent", 250_000),
    ("suppose the state gets another 150,000 nets", 350_000),
    ("another 150k", 350_000),
    ("add 50,000 more nets", 250_000),
    ("50k fewer nets", 150_000),
    ("we lost 20,000 nets", 180_000),
    ("double the nets", 400_000),
    ("half the nets", 100_000),
])
def test_relative_net_changes(text, nets):
    step = one_step(text, ctx(last_plan=PLAN), DialogueState(last=LAST_PLAN))
    assert step.tool == "what_if_plan"
    assert step.params == {"total_nets": nets}
    assert f"{nets:,}" in step.echo and "200,000" in step.echo


def test_an_absolute_number_is_no_relative_change():
    assert dm.relative_plan_change("what if we had 600k nets", PLAN) is None
    assert dm.relative_plan_change("urban threshold 20% more", PLAN) is None
    assert dm.relative_plan_change("20% nets", PLAN) is None  # no direction: not guessed


def test_same_but_household_changes_only_the_household():
    step = one_step("same but household 6", ctx(last_plan=PLAN), DialogueState(last=LAST_PLAN))
    assert (step.tool, step.params) == ("what_if_plan", {"household_size": 6})


def test_back_to_the_defaults_keeps_nets_and_household():
    plan = {**PLAN, "strategy": "capped", "max_ward_share": 10, "urban_threshold": 50}
    step = one_step("back to the defaults", ctx(last_plan=plan),
                    DialogueState(last={"tool": "what_if_plan", "params": {}}))
    assert (step.tool, step.params) == ("plan_itn", PLAN)


def test_back_to_the_default_threshold_resets_only_the_threshold():
    plan = {**PLAN, "strategy": "continue", "urban_threshold": 50}
    step = one_step("back to the default threshold", ctx(last_plan=plan),
                    DialogueState(last={"tool": "what_if_plan", "params": {}}))
    assert (step.tool, step.params) == ("what_if_plan", {"urban_threshold": 75})


def test_default_threshold_already_in_the_plan_is_not_a_full_reset():
    plan = {**PLAN, "strategy": "continue"}
    decision = decide("back to the default threshold", ctx(last_plan=plan),
                      DialogueState(last={"tool": "what_if_plan", "params": {}}), Facts())
    assert not any(s.tool == "plan_itn" for s in decision.steps)


def test_the_plans_threshold_back_to_default_after_another_tool():
    plan = {**PLAN, "urban_threshold": 30}
    step = one_step("ok put the plan's threshold back to the default", ctx(last_plan=plan),
                    DialogueState(last={"tool": "reprioritize_urban", "params": {}}))
    assert (step.tool, step.params) == ("what_if_plan", {"urban_threshold": 75})


def test_back_to_default_variables_reruns_the_default_analysis():
    step = one_step("ok go back to the default variables", ctx(),
                    DialogueState(last={"tool": "run_analysis", "params": {"variables": USED}}))
    assert (step.tool, step.params) == ("run_analysis", {})


def test_add_and_drop_a_variable():
    state = DialogueState(last={"tool": "run_analysis", "params": {}})
    add = one_step("also add soil wetness", ctx(), state)
    assert add.tool == "run_analysis" and add.params["variables"] == [*USED, "soil_wetness"]
    drop = one_step("drop rainfall", ctx(), state)
    assert drop.params["variables"] == ["u5_tpr_rdt", "housing_quality"]
    assert "dropped rainfall" in drop.echo


def test_all_of_them_lists_every_ward():
    state = DialogueState(last={"tool": "top_wards", "params": {"n": 5}})
    step = one_step("all of them", ctx(), state)
    assert (step.tool, step.params["n"]) == ("top_wards", len(NORTH_WARDS))


def test_pca_instead_after_a_plan_changes_the_plans_ranking():
    step = one_step("use the PCA ranking instead", ctx(last_plan=PLAN),
                    DialogueState(last=LAST_PLAN))
    assert (step.tool, step.params) == ("what_if_plan", {"method": "pca"})


@pytest.mark.parametrize("text,expected", [
    ("plan 500,000 nets household size 5... wait no make it 450,000",
     {"total_nets": 450_000, "household_size": 5}),
    ("plan 500k nets, household size 5, sorry I mean 300k",
     {"total_nets": 300_000, "household_size": 5}),
    ("plan 400,000 nets household size 6 actually make it 5",
     {"total_nets": 400_000, "household_size": 5}),
])
def test_self_corrections_inside_a_message(text, expected):
    d = decide(text, ctx(), DialogueState(), FACTS)
    assert [(s.tool, s.params) for s in d.steps] == [("plan_itn", expected)]
    assert d.notes and "correction" in d.notes[0]


# --- pending questions --------------------------------------------------------------------

ASK_NETS = {"expects": "plan_numbers", "tool": "plan_itn", "params": {"household_size": 5},
            "missing": ["total_nets"]}
ASK_BOTH = {"expects": "plan_numbers", "tool": "plan_itn", "params": {},
            "missing": ["total_nets", "household_size"]}


@pytest.mark.parametrize("text,nets", [("400000", 400_000), ("we have 400,000 nets", 400_000),
                                       ("about 1.2 million", 1_200_000),
                                       ("four hundred thousand", 400_000)])
def test_a_number_answer_fills_the_pending_question(text, nets):
    step = one_step(text, state=DialogueState(pending=ASK_NETS))
    assert (step.tool, step.params) == ("plan_itn", {"household_size": 5, "total_nets": nets})


@pytest.mark.parametrize("text", [
    "who won the 2023 governorship election?",
    "what is the population of Dambo?",
    "top 5 wards",
    "show the vulnerability map",
    "in 2023 we did a campaign",
])
def test_a_question_or_another_request_leaves_the_question_pending(text):
    d = decide(text, ctx(), DialogueState(pending=ASK_NETS), FACTS)
    assert not any(s.tool in ("plan_itn", "what_if_plan") for s in d.steps)
    assert d.keep_pending


def test_an_unrelated_year_is_not_a_net_count():
    assert not dm.reads_as_number_answer("in 2023")
    assert dm.reads_as_number_answer("2023 nets")


def test_both_numbers_answer_both_questions():
    step = one_step("500000 and 5", state=DialogueState(pending=ASK_BOTH))
    assert step.params == {"total_nets": 500_000, "household_size": 5}


def test_a_new_plan_request_replaces_the_pending_question():
    d = decide("plan 300k nets household size 6", ctx(), DialogueState(pending=ASK_NETS), FACTS)
    assert [(s.tool, s.params) for s in d.steps] == [
        ("plan_itn", {"total_nets": 300_000, "household_size": 6})]
    assert not d.keep_pending and d.pending is None


def test_no_cancels_the_pending_question():
    d = decide("no, leave it", ctx(), DialogueState(pending=ASK_NETS), FACTS)
    assert not d.steps and d.pending is None and not d.keep_pending


CHOICES = [{"label": "Top 5 wards", "tool": "top_wards", "params": {"n": 5}},
           {"label": "Show the vulnerability map", "tool": "show_map",
            "params": {"what": "composite"}}]


@pytest.mark.parametrize("text,index", [("Top 5 wards", 0), ("2", 1), ("the second one", 1),
                                        ("show the vulnerability map", 1)])
def test_a_choice_is_picked_by_label_or_number(text, index):
    step = one_step(text, state=DialogueState(pending={"expects": "choice", "choices": CHOICES}))
    assert (step.tool, step.params) == (CHOICES[index]["tool"], CHOICES[index]["params"])


def test_confirm_runs_the_prepared_action_and_only_then():
    pending = {"expects": "confirm", "tool": "run_analysis", "params": {}}
    for text in ("go ahead", "run it", "yes please", "oya run am"):
        assert one_step(text, state=DialogueState(pending=pending)).tool == "run_analysis"
    d = decide("what is the status?", ctx(), DialogueState(pending=pending), FACTS)
    assert d.keep_pending


def test_run_it_without_anything_waiting_runs_a_missing_analysis_or_asks():
    d = decide("run it", ctx(analysis_status=None), DialogueState(), FACTS)
    if not d.steps:  # "run it" alone is a weak cue: the analysis is offered, one tap away
        assert d.choices[0]["steps"] == [{"tool": "run_analysis", "params": {},
                                          "echo": d.choices[0]["steps"][0]["echo"]}]
        d = decide(d.choices[0]["label"], ctx(analysis_status=None),
                   DialogueState(pending=d.pending), FACTS)
    assert [s.tool for s in d.steps] == ["run_analysis"]
    d = decide("go ahead", ctx(), DialogueState(), FACTS)
    assert not d.steps and d.choices


def test_an_lga_the_data_lacks_is_asked_about_not_dropped():
    d = decide("top 5 in Likwa LGA", ctx(), DialogueState(), FACTS)
    assert not d.steps and "Likwa" in d.text
    assert d.pending["expects"] == "lga_choice"
    assert all(c["params"]["n"] == 5 and c["label"].startswith("Top 5 wards in ")
               for c in d.choices)
    step = one_step("Zaria", state=DialogueState(pending=d.pending))
    assert (step.tool, step.params) == ("list_wards", {"n": 5, "lga": "Zaria"})


def test_a_known_lga_filters_the_list():
    step = one_step("top 3 wards in Zaria LGA")
    assert (step.tool, step.params) == ("list_wards", {"lga": "Zaria", "n": 3})


def test_save_that_map_exports_the_map_shown():
    shown = {"kind": "map", "what": "urban", "variable": None, "threshold": 50}
    step = one_step("save that map as a picture", state=DialogueState(shown=shown))
    assert (step.tool, step.params) == ("export_view",
                                        {"what": "urban", "threshold": 50, "format": "png"})


def test_several_requests_run_in_order():
    d = decide("show the vulnerability map and then top 5 wards", ctx(), DialogueState(), FACTS)
    assert [s.tool for s in d.steps] == ["show_map", "top_wards"]


def test_an_out_of_scope_question_runs_nothing():
    d = decide("who won the 2023 governorship election?", ctx(), DialogueState(), FACTS)
    assert not d.steps and "outside" in d.text


def test_state_round_trips_through_a_plain_record():
    state = DialogueState(pending=ASK_NETS, last=LAST_PLAN, shown={"kind": "map"})
    assert DialogueState.of(state.to_dict()) == state


# --- the intent model ---------------------------------------------------------------------


def test_the_corpus_is_large_and_varied_enough():
    pairs = intents.load_corpus()
    assert len(pairs) >= 600
    labels = {label for label, _ in pairs}
    assert {"list_wards", "ask_results", "confirm", "cancel", "out_of_scope"} <= labels


def test_training_is_deterministic():
    pairs = intents.load_corpus()
    a, b = intents.IntentModel(pairs), intents.IntentModel(pairs)
    for text in ("abeg show me the top wards", "kmo value?", "wetin dey inside the data"):
        assert a.probabilities(text) == b.probabilities(text)


@pytest.mark.parametrize("text,label", [
    ("who won the 2023 governorship election?", "out_of_scope"),
    ("ok what is inside the data", "describe_data"),
    ("go ahead", "confirm"),
    ("save that map as a picture", "export_results"),
    ("how many wards get full coverage?", "ask_results"),
])
def test_the_model_reads_the_cases_that_went_wrong_before(text, label):
    assert intents.classify(text).label == label


def test_the_fast_reading_equals_the_fitted_pipeline():
    m = intents.model()
    for text in ("top 5 wards in Kwasha", "abeg plan 300k nets", "is the kmo ok?", "xyz"):
        fast = m.probabilities(text)
        slow = m.pipeline.predict_proba([intents.normalise(text)])[0]
        assert all(abs(fast[label] - float(p)) < 1e-9
                   for label, p in zip(m.labels, slow, strict=True))


@pytest.mark.parametrize("text,param,value", [
    ("reduce household size by 1", "household_size", 4),
    ("increase the household size by 0.5", "household_size", 5.5),
    ("raise the urban threshold by 10", "urban_threshold", 85),
    ("lower the urban threshold by 25", "urban_threshold", 50),
])
def test_relative_changes_of_other_plan_settings(text, param, value):
    step = one_step(text, ctx(last_plan=PLAN), DialogueState(last=LAST_PLAN))
    assert (step.tool, step.params) == ("what_if_plan", {param: value})


@pytest.mark.parametrize("text", ["export the report as pdf", "give me the map as a word document",
                                  "download the rankings as a jpg"])
def test_a_format_that_cannot_be_made_is_said_not_substituted(text):
    d = decide(text, ctx(), DialogueState(), FACTS)
    assert not d.steps and "cannot make" in d.text and d.choices


def test_a_choice_is_picked_by_the_word_that_sets_it_apart():
    choices = [{"label": "Explain Sabon Gari in Zaria", "tool": "explain_ward",
                "params": {"ward": "Sabon Gari", "lga": "Zaria"}},
               {"label": "Explain Sabon Gari in Fagge", "tool": "explain_ward",
                "params": {"ward": "Sabon Gari", "lga": "Fagge"}}]
    step = one_step("fagge", state=DialogueState(pending={"expects": "choice",
                                                          "choices": choices}))
    assert step.params == {"ward": "Sabon Gari", "lga": "Fagge"}


def test_that_map_with_no_map_shown_is_asked_about():
    d = decide("save that map as a picture", ctx(), DialogueState(), FACTS)
    assert not d.steps and d.choices
    assert all(c["tool"] == "export_view" and c["params"]["format"] == "png" for c in d.choices)
    # each offered label, sent on its own, exports that map
    for c in d.choices:
        step = one_step(c["label"])
        assert (step.tool, step.params) == ("export_view", c["params"])


def test_a_map_request_after_a_reprioritisation_answer_is_a_map():
    state = DialogueState(last={"tool": "ask_results",
                                "params": {"about": "repri_count", "threshold": 30}})
    step = one_step("show me the urban map at 50", state=state)
    assert (step.tool, step.params) == ("show_map", {"what": "urban", "threshold": 50})
    step = one_step("how many at 50", state=state)
    assert (step.tool, step.params) == ("ask_results", {"about": "repri_count", "threshold": 50})


@pytest.mark.parametrize("text,nets", [("abeg reduce am by 50k", 150_000),
                                       ("cut the stock by 30,000", 170_000),
                                       ("increase the total by 20000", 220_000)])
def test_changes_by_an_amount(text, nets):
    step = one_step(text, ctx(last_plan=PLAN), DialogueState(last=LAST_PLAN))
    assert (step.tool, step.params) == ("what_if_plan", {"total_nets": nets})


def test_settings_questions_after_a_plan_answer_from_the_plan():
    step = one_step("what is the bale size now", ctx(last_plan=PLAN),
                    DialogueState(last=LAST_PLAN))
    assert (step.tool, step.params) == ("ask_results", {"about": "plan_params"})


def test_wards_above_a_share_urban_on_a_map_is_the_urban_map():
    c = ctx(variables=(*DEMO_VARIABLES, "urban_percentage"))
    step = one_step("show me wards above 30 percent urban on the map", c)
    assert (step.tool, step.params) == ("show_map", {"what": "urban", "threshold": 30})


def test_proportional_strategy_and_median_rank_are_understood():
    step = one_step("share the nets in proportion to need", ctx(last_plan=PLAN),
                    DialogueState(last=LAST_PLAN))
    assert (step.tool, step.params) == ("what_if_plan", {"strategy": "proportional"})
    step = one_step("run the analysis with median rank aggregation")
    assert step.tool == "run_analysis" and step.params.get("aggregation") == "median-rank"


# --- amounts and directions left out, settings dropped, numbers that are no amounts --------


@pytest.mark.parametrize("text,sign", [("make it bigger", 1), ("make it smaller", -1),
                                       ("go higher", 1)])
def test_a_change_without_an_amount_asks_and_the_next_amount_fills_it(text, sign):
    c = ctx(last_plan=PLAN)
    d = decide(text, c, DialogueState(last=LAST_PLAN), FACTS)
    assert not d.steps and d.pending and d.pending["expects"] == "plan_delta"
    assert d.choices and all(ch["tool"] == "what_if_plan" for ch in d.choices)
    state = DialogueState(pending=d.pending, last=LAST_PLAN)
    step = one_step("by 50k", c, state)
    assert step.tool == "what_if_plan"
    assert step.params == {"total_nets": 200_000 + sign * 50_000}
    assert "200,000" in step.echo
    # a question is no amount: the question stays pending
    q = decide("how many wards are covered?", c, state, FACTS)
    assert not any(s.params.get("total_nets") for s in q.steps)


def test_an_amount_without_a_direction_offers_both_readings_that_round_trip():
    c = ctx(last_plan=PLAN)
    d = decide("by 50k", c, DialogueState(last=LAST_PLAN), FACTS)
    assert not d.steps
    assert [ch["params"]["total_nets"] for ch in d.choices] == [250_000, 150_000]
    for ch in d.choices:  # each choice, typed as a new message, does what it says
        step = one_step(ch["label"], c, DialogueState(last=LAST_PLAN))
        assert step.params == ch["params"]


@pytest.mark.parametrize("text,setting,param", [
    ("drop the bales, the nets are loose now", {"bale_size": 50}, "bale_size"),
    ("no bales any more", {"bale_size": 50}, "bale_size"),
    ("remove the buffer", {"buffer": 1.1}, "buffer"),
    ("i don't want any buffer", {"buffer": 1.1}, "buffer"),
])
def test_dropping_a_setting_puts_it_back_to_its_default(text, setting, param):
    plan = {**PLAN, **setting}
    step = one_step(text, ctx(last_plan=plan), DialogueState(last={"tool": "plan_itn",
                                                                   "params": plan}))
    assert step.tool == "what_if_plan" and step.params == {param: 1} and step.echo


@pytest.mark.parametrize("text", ["can you plan for the 2024 campaign",
                                  "plan nets, my number is 08031234567"])
def test_a_year_or_a_phone_number_is_never_a_net_count(text):
    d = decide(text, ctx(), DialogueState(), FACTS)
    assert not any("total_nets" in s.params for s in d.steps)


def test_a_bare_export_asks_what_to_export():
    state = DialogueState(last={"tool": "top_wards", "params": {"n": 5}})
    d = decide("export", ctx(), state, FACTS)
    assert not d.steps and d.choices
    step = one_step("export it as csv", ctx(), state)
    assert step.tool == "export_results" and step.params.get("what") == "rankings"


def test_export_the_map_with_a_plan_and_no_map_shown_asks_which_map():
    d = decide("export the map", ctx(last_plan=PLAN), DialogueState(last=LAST_PLAN), FACTS)
    assert not d.steps
    assert {ch["params"]["what"] for ch in d.choices} >= {"composite", "itn"}


def test_how_many_wards_an_lga_has_is_the_lga_summary():
    step = one_step("how many wards does Nguru have", ctx(), DialogueState())
    assert step.tool == "lga_summary" and step.params == {"lga": "Nguru"}
    assert one_step("how many LGAs are there", ctx(), DialogueState()).tool == "lga_summary"


# --- field data: environmental variables from the raster library ---------------------------


@pytest.mark.parametrize("text,names", [
    ("add rainfall and temperature from the raster library", ["rainfall", "temperature"]),
    ("abeg add night lights to my data", ["night lights"]),
    ("can we get ndvi for each ward", None),  # a question: not acted on here
])
def test_environmental_variables_the_table_lacks_come_from_the_library(text, names):
    c = ctx(variables=("u5_tpr_rdt", "housing_quality"))
    d = decide(text, c, DialogueState(), FACTS)
    if names is None:
        assert not any(s.tool == "add_covariates" for s in d.steps)
        return
    assert [s.tool for s in d.steps] == ["add_covariates"]
    assert d.steps[0].params == {"rasters": names}
    assert "raster library" in d.steps[0].echo


def test_a_variable_the_table_has_is_an_analysis_change_not_new_data():
    d = decide("also add rainfall", ctx(), DialogueState(last={"tool": "run_analysis",
                                                               "params": {}}), FACTS)
    # rainfall is already one of the analysis' variables: said, nothing fetched or re-run
    assert d.steps == [] and "already in the analysis" in d.text and "Nothing was run" in d.text
    d = decide("also add soil wetness", ctx(), DialogueState(last={"tool": "run_analysis",
                                                                   "params": {}}), FACTS)
    assert [s.tool for s in d.steps] == ["run_analysis"]
    assert "soil_wetness" in d.steps[0].params["variables"]


@pytest.mark.parametrize("text", ["add rainfall", "also add rainfall", "add housing quality too",
                                  "pls add rainfall and housing quality"])
def test_adding_a_variable_already_used_runs_nothing(text):
    d = decide(text, ctx(), DialogueState(last={"tool": "run_analysis", "params": {}}), FACTS)
    assert d.steps == [], text
    assert "already in the analysis" in d.text and "Nothing was run" in d.text, d.text


def test_library_names_match_names_titles_and_close_spellings_or_stop():
    from chatmrpt.chat.executors_more import library_names
    from chatmrpt.errors import InputError

    catalogue = [{"name": "rainfall", "title": "Annual rainfall"},
                 {"name": "evi", "title": "Enhanced vegetation index"}]
    assert library_names(catalogue, ["Rain fall", "EVI"]) == ["rainfall", "evi"]
    assert library_names(catalogue, ["rainfal"]) == ["rainfall"]
    with pytest.raises(InputError, match="Nothing was added.*temperature"):
        library_names(catalogue, ["rainfall", "temperature"])


# --- exports named the way users name them ------------------------------------------------


@pytest.mark.parametrize("text,fmt", [
    ("download the full dataset with scores as geojson", "geojson"),
    ("the whole table with scores, csv", "csv"),
    ("the entire data set with all the scores in excel", "xlsx"),
])
def test_the_whole_table_with_scores_is_the_unified_table(text, fmt):
    step = one_step(text)
    assert (step.tool, step.params) == ("export_results", {"what": "unified", "format": fmt})


def test_the_full_ranked_ward_table_is_the_rankings():
    step = one_step("Can I get the full ranked ward table as CSV?")
    assert (step.tool, step.params) == ("export_results", {"what": "rankings", "format": "csv"})


@pytest.mark.parametrize("text,shown,params", [
    ("send map png", {"kind": "map", "what": "category"}, {"what": "category", "format": "png"}),
    ("and the category map in html", None, {"what": "category", "format": "html"}),
    ("the vulnerability score one, png", None, {"what": "composite", "format": "png"}),
    ("map of the composite score, save it as html", {"kind": "map", "what": "urban"},
     {"what": "composite", "format": "html"}),
])
def test_a_map_with_a_file_format_is_exported(text, shown, params):
    step = one_step(text, state=DialogueState(shown=shown))
    assert (step.tool, step.params) == ("export_view", params)


def test_another_format_after_an_export_exports_the_same_result():
    last = {"tool": "export_results", "params": {"what": "rankings", "format": "xlsx"}}
    step = one_step("and in csv too", c=ctx(last_tool="export_results"),
                    state=DialogueState(last=last))
    assert (step.tool, step.params) == ("export_results", {"what": "rankings", "format": "csv"})
    step = one_step("and the report", c=ctx(last_tool="export_results"),
                    state=DialogueState(last=last))
    assert (step.tool, step.params) == ("export_results", {"what": "report", "format": "html"})


def test_send_me_the_map_with_no_map_shown_offers_the_composite_map():
    # no map shown, none named: the main map; no format said, so it is offered, not made
    d = decide("also send me the map", ctx(), DialogueState(), FACTS)
    assert not d.steps and d.choices
    assert d.choices[0]["params"] == {"what": "composite", "format": "png"}


def test_showing_a_map_is_not_an_export():
    step = one_step("show the category map")
    assert step.tool == "show_map"
