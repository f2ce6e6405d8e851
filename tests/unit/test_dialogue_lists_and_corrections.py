"""An LGA named before "wards" on a table without LGA names is asked about (the whole
area's list was shown); a variable corrected after another request corrects the analysis."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.tables import place_named
from tests.unit.test_chat_dialogue import FACTS, USED, ctx

CODES_ONLY = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=(),
                   lga_codes=("24006", "24007", "24008"))


@pytest.mark.parametrize("text, place", [
    ("list the Ilorin West wards", "ilorin west"),
    ("show me all the Fagge wards", "fagge"),
    ("list the ilorin east wards", "ilorin east"),
])
def test_a_place_before_wards_is_read(text, place):
    assert place_named(text, ctx(), weak=True) == place


@pytest.mark.parametrize("text", ["list the high wards", "list the remaining wards",
                                  "show the other wards", "show me the top 10 wards",
                                  "list the ilorin wards", "list all wards"])
def test_no_place_before_wards(text):
    assert place_named(text, ctx(), weak=True) is None


def test_an_lga_name_on_a_table_of_codes_asks_for_the_code():
    d = decide("list the Ilorin West wards", ctx(), DialogueState(), CODES_ONLY)
    assert d.steps == []
    assert {c["params"].get("lga_code") for c in d.choices} == {"24006", "24007", "24008"}


def test_a_variable_corrected_after_a_list_reruns_the_analysis():
    d = decide("I said rainfall but I meant elevation", ctx(),
               DialogueState(last={"tool": "top_wards", "params": {"n": 5}}), FACTS)
    assert [(s.tool, sorted(s.params["variables"])) for s in d.steps] == [
        ("run_analysis", sorted(["u5_tpr_rdt", "elevation", "housing_quality"]))]


def test_a_name_not_in_the_analysis_corrects_nothing_there():
    d = decide("I said ndwi but I meant elevation", ctx(),
               DialogueState(last={"tool": "top_wards", "params": {"n": 5}}), FACTS)
    assert not any(s.tool == "run_analysis" for s in d.steps)


@pytest.mark.parametrize("what", ["rank_comparison", "model_scores"])
def test_a_chart_export_is_offered_in_plain_words_and_does_what_it_says(what):
    state = DialogueState(last={"tool": "compare_methods", "params": {}},
                          shown={"kind": "chart", "what": what})
    d = decide("save that one", ctx(), state, FACTS)
    label = d.choices[0]["label"]
    assert "_" not in label and label.startswith("Export the chart")
    again = decide(label, ctx(), DialogueState(), FACTS)
    assert [(s.tool, s.params) for s in again.steps] == [
        ("export_view", {"what": what, "format": "png"})]


@pytest.mark.parametrize("text", ["I said rainfall but I meant nets per capita",
                                  "sorry i meant bed net ownership, not rainfall",
                                  "no, i said rainfall but i meant the malaria incidence one"])
@pytest.mark.parametrize("last", [{"tool": "top_wards", "params": {"n": 5}},
                                  {"tool": "run_analysis",
                                   "params": {"variables": ["u5_tpr_rdt", "rainfall",
                                                            "housing_quality"]}}])
def test_a_variable_meant_that_the_table_lacks_is_said_and_nothing_runs(text, last):
    d = decide(text, ctx(), DialogueState(last=last), FACTS)
    assert d.steps == [] and "no column" in d.text and "nothing was changed" in d.text
    assert "ward" not in d.text.split(".")[0]
    for c in d.choices:  # each one-tap replacement swaps rainfall for one other column
        assert c["tool"] == "run_analysis" and "rainfall" not in c["params"]["variables"]
        assert c["label"] == f"Use {(set(c['params']['variables']) - set(USED)).pop()} instead of rainfall"


@pytest.mark.parametrize("text", ["go back to the defaults", "back to default settings pls",
                                  "reset everything to the defaults"])
@pytest.mark.parametrize("last", ["top_wards", "explain_ward", None])
def test_back_to_the_defaults_with_no_plan_is_the_default_analysis(text, last):
    state = DialogueState(last={"tool": last, "params": {}} if last else None)
    d = decide(text, ctx(), state, FACTS)
    # done, or confirmed first with one tap that does exactly that; never a plan question
    steps = d.steps or [s for c in d.choices for s in c.get("steps", [])]
    assert [(s["tool"], s["params"]) if isinstance(s, dict) else (s.tool, s.params)
            for s in steps] == [("run_analysis", {})]
    assert "nets" not in (d.text or "")


@pytest.mark.parametrize("text", ["which LGA gets the fewest low wards",
                                  "which lga gets the most high wards",
                                  "what lga got the most high risk wards?"])
def test_an_lga_question_about_a_risk_group_is_the_lga_summary_whatever_the_verb(text):
    d = decide(text, ctx(), DialogueState(), FACTS)
    assert [s.tool for s in d.steps] == ["lga_summary"]


def test_an_lga_question_about_nets_still_needs_a_plan():
    d = decide("which LGA gets the most nets in the high wards", ctx(), DialogueState(), FACTS)
    assert d.steps == [] and d.unmet == ["plan"]


BALED = {"total_nets": 400000, "household_size": 5, "bale_size": 50}


@pytest.mark.parametrize("text", ["change it to 350", "make it 450", "ok 250 then"])
def test_a_bare_number_too_large_for_a_bale_is_never_taken_as_the_bale_size(text):
    d = decide(text, ctx(last_plan=BALED), DialogueState(last={"tool": "plan_itn",
                                                               "params": BALED}), FACTS)
    assert not any(s.params.get("bale_size") for s in d.steps)
    assert not any(c.get("params", {}).get("bale_size") for c in d.choices)


def test_a_bare_number_that_can_be_a_bale_is_still_offered_as_one():
    d = decide("make it 100", ctx(last_plan=BALED), DialogueState(last={"tool": "plan_itn",
                                                                       "params": BALED}), FACTS)
    assert d.steps == [] and "Re-plan with bale size 100" in d.suggestions
