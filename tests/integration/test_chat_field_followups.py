"""Follow-ups in analysts' own words, through the real app: each conversation is sent
message by message over the HTTP API (tests.eval.harness), and the last message's tool
calls, parameters and reply are checked. Every case here was read otherwise before: a yes
said with the offer named back, an old offer changed by a later setting, a remark after a
question, a place or a setting said alone, a TPR setting after a stored run, a plan named
by what it does not have."""

from __future__ import annotations

import pytest

from tests.eval.harness import App, run_setup

ANALYSED = [{"analysis": {}}]
PLANNED = [{"analysis": {}}, {"plan": {"total_nets": 400000, "household_size": 5}}]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = App(home=tmp_path_factory.mktemp("followups"))
    yield app
    app.close()


def talk(app, dataset, setup, *messages):
    """Every reply of the conversation, in order."""
    s, files = app.open_dataset(dataset)
    run_setup(s, files, setup)
    replies = []
    for m in messages:
        replies.append(s.send(m))
        s.wait_jobs()
    return replies


def calls(reply):
    return [(c["tool"], c["params"]) for c in reply.get("tool_calls") or []
            if c.get("status") == "ok"]


def test_a_yes_with_the_offer_named_back_makes_the_offered_plan(app):
    r = talk(app, "demo", ANALYSED,
             "Suppose we had 700k nets and households of 5, how many wards would be fully "
             "covered?", "Ok, go ahead and make that plan")
    assert calls(r[0]) == []
    assert calls(r[1]) == [("plan_itn", {"total_nets": 700000, "household_size": 5})]


def test_an_offer_made_before_other_questions_is_not_what_a_setting_changes(app):
    r = talk(app, "demo", ANALYSED, "We have 17 trucks and 350k nets. Plan it.",
             "5 per household", "the store in Kano Municipal holds 40,000. can we put that in?",
             "how many bales of 50 would the whole 350k be?", "ok, do the plan in bales of 50")
    assert calls(r[-1]) == [("what_if_plan", {"bale_size": 50})]
    assert "350,000 nets" in r[-1]["text"] and "40,000 nets" not in r[-1]["text"]


def test_a_variable_pointed_at_by_one_word_of_its_name_is_dropped(app):
    r = talk(app, "demo", ANALYSED, "Add night time lights and soil wetness to it",
             "Actually remove the soil one, keep the lights")
    (tool, params), = calls(r[-1])
    assert tool == "run_analysis"
    assert "soil_wetness" not in params["variables"]
    assert "nighttime_lights" in params["variables"]


def test_no_new_plan_said_keeps_the_plan(app):
    r = talk(app, "demo", PLANNED, "and 600k? just compare for me, no new plan")
    assert calls(r[0]) == []
    assert "600,000" in r[0]["text"] and "nothing is changed" in r[0]["text"].lower()


def test_a_plan_named_by_its_own_stock_is_no_stray_number(app):
    r = talk(app, "demo", [*ANALYSED, {"plan": {"total_nets": 400000, "household_size": 5,
                                                "bale_size": 50, "buffer": 1.1}}],
             "go back to the plain 400k one, no bales no buffer")
    assert calls(r[0]) == [("what_if_plan", {"bale_size": 1, "buffer": 1})]


def test_the_next_map_after_a_map_was_saved(app):
    r = talk(app, "demo", ANALYSED, "composite map pls", "the map above as picture",
             "now the category one", "html of that for the projector")
    assert calls(r[2]) == [("show_map", {"what": "category"})]
    assert "Show the categories map" not in (r[2].get("suggestions") or [])
    assert calls(r[3]) == [("export_view", {"what": "category", "format": "html"})]


def test_a_tpr_setting_after_a_stored_run_is_asked_about_in_pidgin(app):
    r = talk(app, "demo", [{"tpr": {}}],
             "good morning ma. the tpr wey dem run, which age group?", "do it for o5",
             "now pw", "back to u5, everything else same")
    assert calls(r[0]) == [("ask_results", {"about": "tpr_run"})]
    assert calls(r[1]) == [("compute_tpr", {"age": "o5"})]
    assert calls(r[2]) == [("compute_tpr", {"age": "pw"})]
    assert calls(r[3]) == [("compute_tpr", {"age": "u5"})]


def test_a_tpr_asked_for_as_a_question_and_the_test_set_back(app):
    r = talk(app, "demo", [{"tpr": {}}], "can we do it for pregnant women instead?",
             "what does 'both' mean for the test?", "set test back to both")
    assert calls(r[0]) == [("compute_tpr", {"age": "pw"})]
    assert calls(r[1]) == [("explain_methodology", {"topic": "tpr"})]
    assert calls(r[2]) == [("compute_tpr", {"test": "both"})]


def test_a_setting_said_alone_right_after_a_plan(app):
    r = talk(app, "demo", ANALYSED, "plan 400k nets, hh 5", "urban 60", "put it back to 75")
    assert calls(r[1]) == [("what_if_plan", {"urban_threshold": 60})]
    assert calls(r[2]) == [("what_if_plan", {"urban_threshold": 75})]


def test_an_earlier_plan_named_by_what_it_does_not_have(app):
    r = talk(app, "demo", [*ANALYSED, {"plan": {"total_nets": 600000, "household_size": 5}}],
             "ok apply bales of 100", "cap each ward at 2%", "remove the cap",
             "go back to the 600k one without bales")
    (tool, params), = calls(r[-1])
    assert tool == "plan_itn" and params["total_nets"] == 600000 and params["bale_size"] == 1
    assert "strategy" not in r[-1]["text"].lower().split("back to the earlier plan")[1][:200]


def test_the_same_list_by_pca_and_a_place_said_alone(app):
    r = talk(app, "demo", ANALYSED, "top 5 in 20014", "and pca for same", "top 3 wards",
             "in 20014")
    assert calls(r[1]) == [("list_wards", {"lga_code": "20014", "n": 5, "method": "pca"})]
    assert calls(r[3]) == [("list_wards", {"n": 3, "lga_code": "20014"})]


def test_an_lga_typed_one_letter_off_is_read_and_said(app):
    r = talk(app, "demo", ANALYSED, "hi risk wards in dorager pls, d chair wan see am")
    assert calls(r[0]) == [("list_wards", {"category": "High", "lga": "Doragar"})]
    assert "Doragar" in r[0]["text"] and "dorager" in r[0]["text"]


def test_reprioritisation_said_short_on_a_table_without_population(app):
    r = talk(app, "ilorin", ANALYSED, "repri at 50%")
    assert calls(r[0]) == [] and "population" in r[0]["text"].lower()
    assert not r[0].get("suggestions") or all("eprioritise" not in s
                                              for s in r[0]["suggestions"])


def test_a_map_said_by_what_it_shows_and_the_two_methods_agreeing(app):
    r = talk(app, "demo", ANALYSED, "I need the map that colours the wards high, medium and low",
             "also the one showing which wards are more than 50 percent urban",
             "Map where the two methods agree or disagree")
    assert calls(r[1]) == [("show_map", {"what": "urban", "threshold": 50.0})]
    assert calls(r[2]) == [("show_map", {"what": "consensus"})]


def test_another_value_of_the_ward_with_a_remark_after_the_question(app):
    r = talk(app, "ilorin", ANALYSED, "what's the under-5 TPR of Ajikobi?",
             "and the housing value there? I heard it was missing")
    assert calls(r[1]) == [("ward_value", {"ward": "Ajikobi", "variable": "val_housing_15"})]
    assert "filled" in r[1]["text"]


def test_all_the_wards_of_a_code_altogether(app):
    r = talk(app, "kano", ANALYSED, "which wards in 20037 are high risk?",
             "how many wards are in that code altogether?")
    assert calls(r[1]) == [("ask_results", {"about": "ward_counts", "lga_code": "20037"})]


def test_the_least_at_risk_of_the_wards_selected_at_a_threshold(app):
    r = talk(app, "demo", [*ANALYSED, {"reprioritization": {}}],
             "Among the wards selected at 75 percent, which one is the least at risk?")
    assert calls(r[0]) == [("ask_results", {"about": "repri_names", "threshold": 75})]


def test_the_urban_threshold_said_by_what_it_does(app):
    r = talk(app, "demo", ANALYSED, "Let's use 550k, households of five",
             "For the urban wards, the commissioner wants anything at 60 percent urban or more "
             "to be served last.")
    assert calls(r[1]) == [("what_if_plan", {"urban_threshold": 60})]


def test_an_lga_average_asked_again_and_an_lga_asked_why(app):
    r = talk(app, "demo", ANALYSED, "Which LGA has the highest average rainfall?",
             "what is Doragar's average exactly?", "why is Kuwe South nearly all red?",
             "which wards there are medium then?")
    assert calls(r[1]) == [("lga_averages", {"variable": "rainfall", "lga": "Doragar"})]
    assert calls(r[2]) == [("lga_summary", {"lga": "Kuwe South"})]
    assert calls(r[3]) == [("list_wards", {"lga": "Kuwe South", "category": "Medium"})]


def test_the_ward_talked_about_and_the_height_above_sea_level(app):
    r = talk(app, "demo", ANALYSED, "What is the urban percentage of Tudun Wada?",
             "How many ITNs were distributed there in 2021?", "what is the elevation there?",
             "Which ward sits highest above sea level?")
    assert calls(r[2]) == [("ward_value", {"ward": "Tudun Wada", "variable": "elevation"})]
    assert calls(r[3]) == [("wards_by_value", {"variable": "elevation", "order": "highest",
                                               "n": 1})]


def test_the_worst_wards_in_pidgin_before_any_analysis(app):
    r = talk(app, "demo", [], "abeg show me the 10 wards wey malaria worse pass for dis state",
             "d last 5 nko")
    assert [t for t, _ in calls(r[0])] == ["run_analysis", "top_wards"]
    assert calls(r[0])[1][1]["n"] == 10
    assert calls(r[1]) == [("top_wards", {"n": 5, "order": "bottom"})]


def test_a_range_of_nets_is_asked_about_never_taken_at_one_end(app):
    r = talk(app, "demo", ANALYSED,
             "We expect between 500k and 600k nets from the partners. Can you plan with that?",
             "the second one", "5")
    assert calls(r[0]) == [] and "500,000 or 600,000" in r[0]["text"]
    assert calls(r[1]) == [] and "household size" in r[1]["text"]
    assert calls(r[2]) == [("plan_itn", {"total_nets": 600000, "household_size": 5})]
    r = talk(app, "demo", ANALYSED, "plan between 500k and 600k nets, hh 5")
    assert calls(r[0]) == [] and "500,000" in r[0]["text"] and "600,000" in r[0]["text"]


def test_maps_asked_for_by_what_they_show(app):
    r = talk(app, "demo", ANALYSED, "Map where the two methods agree or disagree",
             "give me the map of under five tpr", "compare the two methods")
    assert calls(r[0]) == [("show_map", {"what": "consensus"})]
    assert calls(r[1]) == [("show_map", {"what": "variable", "variable": "u5_tpr_rdt"})]
    assert calls(r[2]) == [("compare_methods", {})]


def test_the_very_last_ward(app):
    r = talk(app, "demo", ANALYSED, "what's the very last ward in the ranking?")
    (tool, params), = calls(r[0])
    assert tool == "top_wards" and params.get("order") == "bottom" and params.get("n") == 1


def test_the_analysis_variables_counted_not_the_tables(app):
    r = talk(app, "ilorin", ANALYSED, "how many variables are in this analysis?",
             "how many variables are in the table?")
    assert calls(r[0]) == [("ask_results", {"about": "variables"})]
    assert calls(r[1]) == [("describe_data", {})]


def test_a_setting_after_an_offer_never_taken_asks_which_settings_go_with_it(app):
    r = talk(app, "demo", [{"tpr": {"age": "u5", "test": "rdt", "facility_level": "all"}}],
             "what's the TPR for pregnant women in Ghana?", "primary facilities only",
             "Compute the TPR with primary facilities only, the rest as in the last run")
    assert calls(r[1]) == [] and "pregnant women" in r[1]["text"]
    assert len(r[1]["suggestions"]) == 3
    assert calls(r[2]) == [("compute_tpr", {"facility_level": "primary"})]
    # an offer put off by the user is taken with the setting said
    r = talk(app, "demo", [{"tpr": {"age": "pw", "test": "microscopy", "facility_level": "all"}}],
             "would primary facilities only change am much? dont run yet", "ok run primary")
    (tool, params), = calls(r[1])
    assert tool == "compute_tpr" and params["facility_level"] == "primary"


def test_the_report_ordered_by_name_is_made(app):
    r = talk(app, "demo", ANALYSED,
             "I'll share the full report with the commissioner, please generate it.")
    assert calls(r[0]) == [("export_results", {"what": "report"})]


def test_the_lga_with_the_most_nets_asked_in_pidgin(app):
    r = talk(app, "demo", ANALYSED, "plan 300k nets, 5 per house", "wich LGA collect d highest nets",
             "which lga gets the fewest nets?")
    assert calls(r[1]) == [("ask_results", {"about": "plan_lga", "order": "most"})]
    assert calls(r[2]) == [("ask_results", {"about": "plan_lga", "order": "fewest"})]


def test_which_are_of_a_category_lists_the_category(app):
    r = talk(app, "ilorin", ANALYSED, "how many wards in total?", "which are low risk?",
             "top 3 in 24006", "which are high risk?")
    assert calls(r[1]) == [("list_wards", {"category": "Low"})]
    assert calls(r[3]) == [("list_wards", {"category": "High", "lga_code": "24006"})]


def test_urban_and_a_number_away_from_the_plan_asks_which_is_meant(app):
    r = talk(app, "demo", PLANNED, "urban 60", "Reprioritise urban wards at a 60% urban threshold")
    assert calls(r[0]) == [] and len(r[0]["suggestions"]) == 3
    assert calls(r[1]) == [("reprioritize_urban", {"thresholds": [60]})]
