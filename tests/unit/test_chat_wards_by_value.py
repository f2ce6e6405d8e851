"""Wards ordered by one variable's own values ("which ward has the highest rainfall?") are
listed by that variable, never answered with the vulnerability ranking; comparing two
variables or TPR groups is not the comparison of the two ranking methods."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, decide
from tests.unit.test_chat_answers import FACTS, ctx


def _steps(text, **kw):
    d = decide(text, ctx(**kw), DialogueState(), FACTS)
    return [(s.tool, s.params) for s in d.steps], d


@pytest.mark.parametrize(("text", "params"), [
    ("which ward has the highest rainfall?", {"variable": "rainfall", "order": "highest", "n": 1}),
    ("which ward has the highest tpr?", {"variable": "u5_tpr_rdt", "order": "highest", "n": 1}),
    ("top 5 wards by rainfall", {"variable": "rainfall", "order": "highest", "n": 5}),
    ("which wards have the lowest housing quality",
     {"variable": "housing_quality", "order": "lowest"}),
    ("where is rainfall highest?", {"variable": "rainfall", "order": "highest", "n": 1}),
    ("which wards have the highest tpr from the last run?",
     {"variable": "u5_tpr_rdt", "order": "highest"}),
    ("the 3 wards with the least nighttime lights in Zaria",
     {"variable": "nighttime_lights", "order": "lowest", "n": 3, "lga": "Zaria"}),
    ("top 3 wards by rainfall in LGA 20024",
     {"variable": "rainfall", "order": "highest", "n": 3, "lga_code": "20024"}),
])
def test_wards_by_one_variable_are_ordered_by_its_values(text, params):
    steps, d = _steps(text)
    assert steps == [("wards_by_value", params)], d.text


@pytest.mark.parametrize("text", [
    "top 5 wards",
    "which wards are most vulnerable?",
    "which ward has the highest risk?",
    "top 5 wards by pca",
    "rank the wards by rainfall and tpr",
    "what if we used rainfall only?",
    "which ward gets the most nets?",
    "show the rainfall map",
    "what is the rainfall in Zango?",
    "which wards have no values for rainfall?",
])
def test_the_ranking_the_plan_maps_and_analysis_changes_keep_their_readings(text):
    steps, _ = _steps(text)
    assert all(tool != "wards_by_value" for tool, _ in steps), steps


@pytest.mark.parametrize(("text", "named"), [
    ("compare rainfall and tpr", "rainfall and u5_tpr_rdt"),
    ("compare u5 and pregnant women", "TPR groups"),
])
def test_comparing_variables_or_groups_is_not_the_method_comparison(text, named):
    steps, d = _steps(text)
    assert steps == [], steps
    assert named in d.text and "nothing was run" in d.text


@pytest.mark.parametrize("text", ["compare the two methods", "compare composite and pca",
                                  "how different are the two rankings?"])
def test_the_method_comparison_is_still_made(text):
    steps, _ = _steps(text)
    assert [t for t, _ in steps] == ["compare_methods"]


@pytest.mark.parametrize(("text", "params"), [
    ("how many wards have rainfall above 1000?", {"variable": "rainfall", "above": 1000}),
    ("how many wards have tpr above 50%?", {"variable": "u5_tpr_rdt", "above": 50,
                                             "percent": True}),
    ("wards with tpr over 70", {"variable": "u5_tpr_rdt", "above": 70}),
    ("wards in Zaria with rainfall below 800", {"variable": "rainfall", "below": 800,
                                                "lga": "Zaria"}),
    ("which wards have elevation of less than 300", {"variable": "elevation", "below": 300}),
])
def test_wards_above_or_below_a_value_are_counted_by_that_value(text, params):
    steps, d = _steps(text)
    assert steps == [("wards_by_value", params)], d.text


@pytest.mark.parametrize("text", [
    "how many wards are more than 50% urban?",
    "plan 400k nets for wards with tpr above 50",
    "run the analysis with rainfall above 1000",
])
def test_counts_of_urban_wards_and_orders_keep_their_readings(text):
    steps, _ = _steps(text)
    assert all(tool != "wards_by_value" for tool, _ in steps), steps


@pytest.mark.parametrize(("text", "step"), [
    ("which LGA has the highest tpr?", ("lga_averages", {"variable": "u5_tpr_rdt",
                                                          "order": "highest"})),
    ("which lga has the lowest rainfall", ("lga_averages", {"variable": "rainfall",
                                                             "order": "lowest"})),
    ("what is the average rainfall in Zaria?", ("lga_averages", {"variable": "rainfall",
                                                                  "lga": "Zaria"})),
    ("rainfall by LGA", ("lga_averages", {"variable": "rainfall"})),
    ("average rainfall in LGA 20024", ("lga_averages", {"variable": "rainfall",
                                                         "lga": "20024"})),
    ("how many high risk wards are in each LGA?", ("lga_summary", {})),
])
def test_lga_figures_of_a_variable_or_of_the_categories(text, step):
    steps, d = _steps(text)
    assert steps == [step], d.text


@pytest.mark.parametrize("text", ["which LGA is most vulnerable?", "which LGA gets the most nets?",
                                  "what is the rainfall in Zango?"])
def test_lga_ranking_and_plan_questions_are_not_averages(text):
    steps, _ = _steps(text)
    assert all(tool != "lga_averages" for tool, _ in steps), steps


@pytest.mark.parametrize(("text", "params"), [
    ("which LGA has the most high risk wards?", {"most": "High"}),
    ("which lga has the fewest low priority wards", {"most": "Low", "order": "fewest"}),
    ("the LGA with the most medium wards", {"most": "Medium"}),
])
def test_the_lga_with_the_most_wards_of_a_category(text, params):
    steps, d = _steps(text)
    assert steps == [("lga_summary", params)], d.text



@pytest.mark.parametrize(("text", "step"), [
    ("what was the tpr in Zaria?", ("lga_averages", {"variable": "u5_tpr_rdt", "lga": "Zaria"})),
    ("what's the rainfall in Fagge", ("lga_averages", {"variable": "rainfall", "lga": "Fagge"})),
])
def test_an_lgas_figure_of_a_ward_variable_is_its_wards_average(text, step):
    steps, d = _steps(text)
    assert steps == [step], d.text


def test_a_wards_figure_stays_the_wards_value():
    from tests.unit.chat_corpus import NORTH_WARDS

    names = [name for name, _ in NORTH_WARDS]
    ward = next(n for n in names if names.count(n) == 1)
    steps, d = _steps(f"what is the rainfall in {ward}?")
    assert steps and steps[0][0] == "ward_value", (ward, d.text)
    assert all(tool != "lga_averages" for tool, _ in steps), steps
