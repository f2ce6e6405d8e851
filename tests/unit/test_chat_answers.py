"""Answers from stored results: every figure in plain words, and the questions that reach them.

The texts are pure functions of stored records (plan totals, an LGA's or a ward's row, plan
settings); the routing tests check that a question about a stored figure is answered, never
taken as a request to act.
"""

from __future__ import annotations

import re

import pytest

from chatmrpt.chat import explain
from chatmrpt.chat.dialogue import DialogueState, Facts, decide, stored_result_question
from chatmrpt.chat.executors_more import (
    kmo_words,
    lga_plan_text,
    plan_settings_text,
    plan_totals_text,
    plan_ward_text,
)
from chatmrpt.chat.router import RouterContext
from tests.eval.jargon import jargon
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

TOTALS = {
    "total_nets": 500_000, "nets_allocated": 499_950, "nets_remaining": 50,
    "total_need": 4_082_676, "population": 7_348_564.0, "population_covered": 899_957.6,
    "population_covered_percent": 12.2467, "wards": 300, "wards_fully_covered": 53,
    "wards_partly_covered": 1, "wards_not_covered": 246, "tier1_wards": 268,
    "tier2_wards": 32, "tier1_nets_allocated": 480_000, "tier2_nets_allocated": 19_950,
}  # fmt: skip
PARAMS = {"total_nets": 500_000, "household_size": 5, "urban_threshold": 50,
          "method": "composite", "strategy": "stop", "people_per_net": 1.8, "buffer": 1.1,
          "bale_size": 50, "max_ward_share": None}  # fmt: skip


def test_plan_totals_name_every_total():
    text = plan_totals_text(TOTALS, PARAMS)
    for figure in ("500,000", "499,950", "50", "4,082,676", "53 fully", "1 partly",
                   "246 not", "899,958", "7,348,564", "12.2%", "32", "19,950", "268",
                   "480,000", "at least 50% urban"):
        assert figure in text, figure
    assert jargon(text) == []


def test_a_small_coverage_keeps_its_digits():
    text = plan_totals_text({**TOTALS, "population_covered_percent": 0.347}, PARAMS)
    assert "0.35%" in text


def test_plan_settings_name_every_setting():
    text = plan_settings_text(PARAMS)
    for figure in ("500,000", "5 people", "50%", "composite", "1.8 people", "1.1", "10% extra",
                   "bales of 50", "no cap"):
        assert figure in text, figure
    capped = plan_settings_text({**PARAMS, "strategy": "capped", "max_ward_share": 10,
                                 "buffer": 1, "bale_size": 1})
    assert "10% of all nets at most per ward" in capped and "no cap" not in capped
    assert "buffer: none" in capped and "bale size: 1" in capped
    assert jargon(text) == [] and jargon(capped) == []


def test_an_lga_row_gives_every_figure():
    row = {"LGA": "Kuwe South", "wards": 23, "population": 412_206.0, "nets_needed": 229_013,
           "nets_allocated": 211_077, "coverage_percent": 92.17, "population_covered": 380_000.2,
           "wards_fully_covered": 21, "wards_partly_covered": 1, "wards_not_covered": 1}
    text = lga_plan_text(row, "Kuwe South LGA")
    for figure in ("211,077", "23 wards", "229,013", "92.2%", "21 fully", "1 partly",
                   "1 not covered", "380,000", "412,206"):
        assert figure in text, figure
    assert jargon(text) == []


@pytest.mark.parametrize("tier,allocated,state,group", [
    (1, 9_518, "fully covered", "first round"),
    (1, 4_000, "partly covered", "first round"),
    (2, 0, "not covered", "urban ward"),
])
def test_a_ward_row_says_its_coverage_and_group(tier, allocated, state, group):
    row = {"WardName": "Malano", "LGA": "Doragar", "nets_needed": 9_518,
           "nets_allocated": allocated, "coverage_percent": 100 * allocated / 9_518,
           "population": 17_132.0, "population_covered": min(17_132, allocated * 1.8),
           "priority_tier": tier, "allocation_phase": "tier 1" if tier == 1 else "not covered",
           "urban_share": 80.0 if tier == 2 else 0.6, "rank": 3, "allocation_order": 3}
    text = plan_ward_text(row, PARAMS)
    assert "Malano (Doragar LGA)" in text and "9,518" in text and f"{allocated:,}" in text
    assert state in text and group in text and "priority rank 3" in text
    assert jargon(text) == []


@pytest.mark.parametrize("value", [0.95, 0.85, 0.75, 0.65, 0.55, 0.45, 0.1])
def test_kmo_in_plain_words(value):
    words = kmo_words(value)
    assert words and jargon(words) == []
    assert ("too low" in words) == (value < 0.5)


def test_variables_are_named_as_columns_and_in_plain_words():
    assert explain.variable_words("housing_quality") == (
        "housing_quality (share of improved housing)")
    assert explain.variable_words("u5_tpr_rdt").startswith("u5_tpr_rdt (test positivity")
    assert explain.variable_words("rainfall") == "rainfall"
    assert explain.variable_words("my_index") == "my_index"


def test_every_direction_has_a_reason():
    assert "housing" in explain.direction_reason("housing_quality", "inverse", "catalogue")
    assert "rain" in explain.direction_reason("rainfall", "direct", "catalogue")
    assert explain.direction_reason("rainfall", "inverse", "user") == "you chose this direction"
    assert "name" in explain.direction_reason("access_index", "inverse", "name")
    assert "more risk" in explain.direction_reason("my_index", "direct", "default")
    assert "inverse" in explain.direction_words("inverse")
    assert "direct" in explain.direction_words("direct")


# --- questions about stored figures reach the answers --------------------------------------

PLAN = {"total_nets": 450_000, "household_size": 5, "urban_threshold": 50}
FACTS = Facts(lgas=("Fagge", "Geidam", "Maiduguri", "Nguru", "Zaria"),
              ward_count=len(NORTH_WARDS))


def ctx(**kw) -> RouterContext:
    base = {"has_dataset": True, "variables": DEMO_VARIABLES, "wards": NORTH_WARDS,
            "analysis_status": "succeeded", "last_plan": PLAN}
    base.update(kw)
    return RouterContext(**base)


def _steps(text, c=None, state=None):
    d = decide(text, c or ctx(), state or DialogueState(), FACTS)
    return [(s.tool, s.params) for s in d.steps]


@pytest.mark.parametrize("text,tool,params", [
    ("what is the total need for the state?", "ask_results", {"about": "plan_totals"}),
    ("whats the total net requirement on this plan", "ask_results", {"about": "plan_totals"}),
    ("how many wards are in tier 2 now, the urban ones?", "ask_results",
     {"about": "plan_totals"}),
    ("how many nets go to the urban wards?", "ask_results", {"about": "plan_totals"}),
    ("how many wards were flagged at the 30% urban threshold?", "ask_results",
     {"about": "repri_count", "threshold": 30}),
    ("how many wards selected at 50% urban with that target?", "ask_results",
     {"about": "repri_count", "threshold": 50}),
    ("how many at 20% urban?", "ask_results", {"about": "repri_count", "threshold": 20}),
    ("what target did the reprioritisation use?", "ask_results", {"about": "repri_count"}),
    ("how many wards are above 75% urban in total?", "ask_results",
     {"about": "ward_counts", "threshold": 75}),
    ("how many high priority wards are more than 40% urban?", "ask_results",
     {"about": "ward_counts", "threshold": 40, "category": "High"}),
    ("how many wards at the 50% threshold?", "ask_results",
     {"about": "repri_count", "threshold": 50}),
    ("how is distance treated, direct or inverse?", "ask_results", {"about": "variables"}),
    ("which LGA has the lowest coverage", "ask_results",
     {"about": "plan_lga", "measure": "coverage_percent", "order": "fewest"}),
    ("which lga has the biggest need?", "ask_results",
     {"about": "plan_lga", "measure": "nets_needed", "order": "most"}),
    ("What do we need to add so we can plan?", "planning_data", {}),
    ("can we plan nets with this data?", "planning_data", {}),
    ("is my table ready for the net campaign?", "planning_data", {}),
])
def test_questions_about_stored_figures(text, tool, params):
    assert _steps(text) == [(tool, params)]


@pytest.mark.parametrize("text", [
    "plan 200k nets household size 5",
    "which urban wards fit for deprioritising? use 75% urban",
    "show the urban map at 50",
    "how many nets does Zaria ward get?",
    "reprioritise urban wards with a 25% target",
    "what is PCA?",
    "make nets per capita inverse, more nets means less risk",
    "can you set distance to direct?",
])
def test_requests_and_other_questions_are_left_to_the_other_readings(text):
    low = text.lower()
    assert stored_result_question(text, low, ctx(), FACTS) is None


def test_plan_questions_need_a_plan_and_answers_need_an_analysis():
    no_plan = ctx(last_plan=None)
    assert stored_result_question("what is the total need for the state?",
                                  "what is the total need for the state?", no_plan, FACTS) is None
    not_ready = ctx(analysis_status=None, last_plan=None)
    text = "how many wards are above 75% urban in total?"
    assert stored_result_question(text, text, not_ready, FACTS) is None
    # what the data lacks for planning needs no analysis
    text = "What do we need to add so we can plan?"
    assert stored_result_question(text, text.lower(), not_ready, FACTS).steps[0].tool == \
        "planning_data"


def test_a_question_keeps_a_pending_question():
    pending = {"expects": "plan_numbers", "tool": "plan_itn", "params": {}}
    d = decide("what is the total need for the state?", ctx(),
               DialogueState(pending=pending), FACTS)
    assert [s.tool for s in d.steps] == ["ask_results"] and d.keep_pending


LAST_PLAN = {"tool": "plan_itn", "params": {**PLAN, "people_per_net": 2}}


def test_back_to_the_defaults_resets_every_setting():
    c = ctx(last_plan={**PLAN, "people_per_net": 2})
    assert _steps("back to the defaults", c, DialogueState(last=LAST_PLAN)) == [
        ("plan_itn", {"total_nets": 450_000, "household_size": 5})]


@pytest.mark.parametrize("text", [
    "back to the normal allocation rule but keep 2 per net",
    "reset to the defaults, keep the people per net",
])
def test_a_reset_that_keeps_a_setting_is_no_full_reset(text):
    c = ctx(last_plan={**PLAN, "people_per_net": 2})
    for tool, params in _steps(text, c, DialogueState(last=LAST_PLAN)):
        # no plan that drops the 2 people per net the message keeps
        assert not (tool == "plan_itn" and "people_per_net" not in params)


# --- short questions leaning on the last result ---------------------------------------------

REPRI_FACTS = Facts(lgas=FACTS.lgas, ward_count=FACTS.ward_count,
                    last_repri={"target": 40, "thresholds": [60]})


@pytest.mark.parametrize("text,params", [
    ("nets for zaria?", {"about": "plan_lga", "lga": "Zaria"}),
    ("nets in geidam", {"about": "plan_lga", "lga": "Geidam"}),
    ("coverage % for Nguru LGA", {"about": "plan_lga", "lga": "Nguru"}),
    ("how much coverage does maiduguri have", {"about": "plan_lga", "lga": "Maiduguri"}),
    ("the nets for fagge lga?", {"about": "plan_lga", "lga": "Fagge"}),
    ("remind me wetin be the household size for this plan", {"about": "plan_params"}),
    ("what buffer did you use?", {"about": "plan_params"}),
    ("remind me the urban threshold of the current plan", {"about": "plan_params"}),
    ("tier 2 wards how many", {"about": "plan_totals"}),
])
def test_terse_questions_on_the_plan_are_answered(text, params):
    assert _steps(text) == [("ask_results", params)]


@pytest.mark.parametrize("text", [
    "give zaria 20k more nets",
    "plan 300k nets for zaria",
    "nets for zaria map",
    "show the nets for zaria",
    "use household size 6 for this plan",
    "move nets to fagge",
])
def test_requests_naming_an_lga_and_nets_are_not_answers(text):
    assert ("ask_results", {"about": "plan_lga", "lga": "Zaria"}) not in _steps(text)
    assert not any(t == "ask_results" and p.get("about") in ("plan_lga", "plan_params")
                   for t, p in _steps(text))


@pytest.mark.parametrize("text,params", [
    ("how many selected", {"about": "repri_count", "threshold": 60}),
    ("How many wards are selected at 50% now?", {"about": "repri_count", "threshold": 50}),
    ("wat share of population is that at 50", {"about": "repri_count", "threshold": 50}),
    ("how many got picked?", {"about": "repri_count", "threshold": 60}),
])
def test_questions_on_the_last_reprioritisation(text, params):
    d = decide(text, ctx(), DialogueState(), REPRI_FACTS)
    assert [(s.tool, s.params) for s in d.steps] == [("ask_results", params)]


@pytest.mark.parametrize("text,params", [
    ("which wards are deprioritised at 50%?", {"about": "repri_names", "threshold": 50}),
    ("list the wards removed at the 75% threshold", {"about": "repri_names", "threshold": 75}),
    ("kindly share the list of deprioritised wards", {"about": "repri_names"}),
])
def test_the_names_of_the_wards_a_reprioritisation_selects_are_listed(text, params):
    d = decide(text, ctx(), DialogueState(), REPRI_FACTS)
    steps = [(s.tool, s.params) for s in d.steps]
    assert steps == [("ask_results", params)] or (
        params.get("threshold") is None and steps == [("ask_results", {**params,
                                                                        "threshold": 60})])


@pytest.mark.parametrize("text", ["how many wards are removed at 50%?",
                                  "how many of the listed wards are deprioritised at 50%?"])
def test_how_many_stays_a_count(text):
    d = decide(text, ctx(), DialogueState(), REPRI_FACTS)
    assert [s.params.get("about") for s in d.steps] == ["repri_count"], d.text


def test_a_reprioritisation_question_needs_a_reprioritisation():
    assert ("ask_results", {"about": "repri_count", "threshold": 60}) not in _steps(
        "how many selected")


LISTED = {"tool": "list_wards", "params": {"lga": "Zaria", "category": "High"}}


@pytest.mark.parametrize("text,params", [
    ("how many is that", {"about": "ward_counts", "lga": "Zaria", "category": "High"}),
    ("how many are there?", {"about": "ward_counts", "lga": "Zaria", "category": "High"}),
    ("how many medium in there", {"about": "ward_counts", "lga": "Zaria",
                                  "category": "Medium"}),
])
def test_a_count_of_the_list_just_shown(text, params):
    assert _steps(text, state=DialogueState(last=LISTED)) == [("ask_results", params)]


@pytest.mark.parametrize("text", ["how many is that", "how many high in there"])
def test_a_count_after_a_top_n_list_is_not_read_as_the_lga_count(text):
    top = {"tool": "list_wards", "params": {"lga": "Zaria", "n": 5}}
    assert ("ask_results", {"about": "ward_counts", "lga": "Zaria"}) not in _steps(
        text, state=DialogueState(last=top))


WARD_ASKED = {"tool": "ask_results", "params": {"about": "plan_ward", "ward": "Dambo"}}


@pytest.mark.parametrize("text,params", [
    ("And how many does it need?", {"about": "plan_ward", "ward": "Dambo"}),
    ("what coverage does that ward get?", {"about": "plan_ward", "ward": "Dambo"}),
    ("and zaria lga altogether", {"about": "plan_lga", "lga": "Zaria"}),
    ("and nguru?", {"about": "plan_lga", "lga": "Nguru"}),
])
def test_follow_ups_on_a_wards_plan_figures(text, params):
    assert _steps(text, state=DialogueState(last=WARD_ASKED)) == [("ask_results", params)]


@pytest.mark.parametrize("text,tool", [
    ("which wards dey miss tpr", "data_quality"),
    ("how many wards get missing housing value for this data", "data_quality"),
    ("which wards have no values for rainfall?", "data_quality"),
    ("why housing_quality and rainfall get the same numbers", "data_quality"),
    ("why do rainfall and elevation have identical values?", "data_quality"),
    ("sannu. wat is the total population in the data", "describe_data"),
    ("how close are the composite and pca rankings", "compare_methods"),
    ("do the pca and composite rankings agree?", "compare_methods"),
    ("What is the composite rank of Dambo?", "explain_ward"),
])
def test_questions_about_the_table_and_the_analysis(text, tool):
    assert [t for t, _ in _steps(text)] == [tool]


@pytest.mark.parametrize("text,not_tool", [
    ("what is missing for planning?", "data_quality"),
    ("what is the total population covered by the plan?", "describe_data"),
    ("what is the population of Dambo?", "describe_data"),
    ("plan nets for the total population", "describe_data"),
    ("show the composite and pca maps", "compare_methods"),
])
def test_look_alikes_of_table_questions_are_left_alone(text, not_tool):
    assert not_tool not in [t for t, _ in _steps(text)]


@pytest.mark.parametrize("text", ["wetin be 20037 for the table", "what does 20043 mean?",
                                  "what is 20001?"])
def test_a_bare_code_is_explained(text):
    code = re.search(r"\d+", text).group(0)
    assert _steps(text) == [("ask_results", {"about": "lgas", "lga_code": code})]


def test_a_ward_under_the_other_ranking():
    seen = DialogueState(focus={"ward": "Dambo", "ward_lga": "Zaria"})
    assert _steps("Third, would the ranking of that ward be different under PCA?",
                  state=seen) == [("explain_ward", {"ward": "Dambo", "lga": "Zaria"})]
    assert _steps("what is Dambo's pca rank?") == [("explain_ward", {"ward": "Dambo"})]
    # nothing to refer to: not read as a ward
    assert "explain_ward" not in [t for t, _ in _steps(
        "would the ranking of that ward be different under PCA?")]


def test_a_tiny_coverage_keeps_two_significant_digits():
    text = plan_totals_text({**TOTALS, "population_covered_percent": 0.00489892}, PARAMS)
    assert "0.0049%" in text


LIST_SHOWN = {"tool": "list_wards", "params": {"lga": "Zaria", "n": 4, "order": "top"}}


@pytest.mark.parametrize("text", [
    "which of those four has the biggest population",  # no list shown
    "how many of those are urban",
])
def test_a_list_question_needs_a_list(text):
    # the wards just listed are read from the conversation focus (test_dialogue_focus_lists)
    assert "ward_compare" not in [p.get("about") for _, p in _steps(text)]


@pytest.mark.parametrize("text", [
    "show the rainfall of those wards",
    "map those wards",
    "plan nets for those wards",
])
def test_requests_on_the_list_are_not_list_questions(text):
    assert "ward_compare" not in [p.get("about") for _, p in _steps(
        text, state=DialogueState(last=LIST_SHOWN))]


@pytest.mark.parametrize("text", [
    "why does Zaria get so few nets?",
    "and Dambo in Zaria, how many nets?",
])
def test_a_why_or_a_ward_is_no_lga_figure(text):
    assert ("ask_results", {"about": "plan_lga", "lga": "Zaria"}) not in _steps(text)
    assert ("ask_results", {"about": "plan_lga", "lga": "Fagge"}) not in _steps(text)


@pytest.mark.parametrize("text,tool", [
    ("is the PCA ranking usable?", "pca_validity"),
    ("can I trust the pca result?", "pca_validity"),
    ("is pca ok for my data?", "pca_validity"),
    ("what is pca?", "explain_methodology"),
])
def test_whether_pca_can_be_used_is_answered_from_the_analysis(text, tool):
    assert [t for t, _ in _steps(text)] == [tool]
