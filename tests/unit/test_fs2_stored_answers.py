"""Questions about the stored results and the conversation are answered from them, never
acted on; files asked for with their subject said first, and the other map named after a
map, are the ones meant."""

from __future__ import annotations

import pytest

from chatmrpt.chat import dialogue as dm
from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.export_subject import subject_then_file
from chatmrpt.chat.router import RouterContext
from chatmrpt.chat.stored_talk import changes_text
from tests.unit.chat_corpus import NORTH_WARDS

VARIABLES = ("urban_percentage", "u5_tpr_rdt", "rainfall", "ndvi", "evi", "ndwi", "ndmi",
             "soil_wetness", "elevation", "distance_to_waterbodies", "housing_quality",
             "nighttime_lights", "Population")
SIX = ["u5_tpr_rdt", "rainfall", "ndwi", "housing_quality", "elevation", "urban_percentage"]
FIVE = [v for v in SIX if v != "elevation"]
FOUR = [v for v in FIVE if v != "ndwi"]
FACTS = Facts(analysis_variables=tuple(SIX), lgas=("Fagge", "Zaria"), ward_count=300)
CTX = RouterContext(has_dataset=True, variables=VARIABLES, wards=NORTH_WARDS,
                    analysis_status="succeeded")


def run(text, facts=FACTS, **state):
    return decide(text, CTX, DialogueState(**state), facts)


def steps(d):
    return [(s.tool, s.params) for s in d.steps]


def acts(d) -> bool:
    return any(s.tool in dm.GATE_FAMILY for s in d.steps)


# --- PCA --------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["Why no PCA ranking for Ilorin?", "how come pca didn't run?",
                                  "why wasn't there a pca ranking", "why is pca not used"])
def test_why_pca_is_missing_gives_its_checks(text):
    assert steps(run(text)) == [("pca_validity", {})]


AFTER_KMO = {"last": {"tool": "pca_validity", "params": {}}}


@pytest.mark.parametrize("text", ["is that good or bad in plain words", "is that ok?",
                                  "what does that mean"])
def test_the_pca_verdict_in_plain_words_follows_the_checks(text):
    assert steps(run(text, **AFTER_KMO)) == [("pca_validity", {"plain": True})]


@pytest.mark.parametrize("text", [
    "is the PCA valid here? tell me the KMO and explain in plain words, no grammar",
    "what is the KMO in simple terms?", "is pca reliable? plain english pls"])
def test_the_checks_named_with_plain_words_give_the_figure_and_the_verdict(text):
    assert steps(run(text)) == [("pca_validity", {"plain": True})]


@pytest.mark.parametrize("text", ["explain PCA in plain words", "explain the composite score "
                                  "in simple terms"])
def test_plain_words_about_the_method_alone_stay_an_explanation(text):
    assert "pca_validity" not in [t for t, _ in steps(run(text))]


def test_good_or_bad_without_the_checks_is_not_read_as_them():
    assert steps(run("is that good or bad in plain words"))[:1] != [
        ("pca_validity", {"plain": True})]


@pytest.mark.parametrize("kmo,word", [(0.685, "acceptable"), (0.82, "good"), (0.55, "weak"),
                                      (0.443, "too low")])
def test_the_kmo_in_plain_words(kmo, word):
    from chatmrpt.chat.executors_more import _kmo_plain

    assert word in _kmo_plain(kmo, True) and f"{kmo:.3f}" in _kmo_plain(kmo, True)


# --- the variables and why -----------------------------------------------------------------

@pytest.mark.parametrize("text", ["which variables are actually in the run",
                                  "which variables are in the ranking"])
def test_the_variables_of_the_run(text):
    assert steps(run(text)) == [("ask_results", {"about": "variables"})]


@pytest.mark.parametrize("text", ["and why those ones? who chose them", "why these variables?",
                                  "who picked the variables", "how were the variables chosen?"])
def test_why_those_variables_is_answered_with_the_selection(text):
    d = run(text)
    assert not acts(d)
    assert ("ask_results", {"about": "variables"}) in steps(d)


@pytest.mark.parametrize("text", ["which variables should I run", "run it again with which "
                                                                   "variables"])
def test_variable_choices_to_come_are_not_the_stored_ones(text):
    assert ("ask_results", {"about": "variables"}) not in steps(run(text))


# --- filled cells, TPR choices ---------------------------------------------------------------

@pytest.mark.parametrize("text", ["how many wards imputed? they will ask",
                                  "how many values were filled in"])
def test_filled_cells_counted(text):
    assert steps(run(text)) == [("ask_results", {"about": "imputed"})]


def test_one_column_filled_is_counted_for_that_column():
    assert steps(run("how many wards had rainfall imputed")) == [
        ("ask_results", {"about": "ward_counts", "filled": "rainfall"})]


@pytest.mark.parametrize("text", ["what TPR options are there? age groups and tests",
                                  "which age groups can I choose for tpr?"])
def test_tpr_choices_are_explained(text):
    assert steps(run(text)) == [("explain_methodology", {"topic": "tpr"})]


@pytest.mark.parametrize("text", ["compute tpr for under 5 with rdt",
                                  "what were the settings of the last TPR?",
                                  "which age group did the tpr run use?"])
def test_a_tpr_request_or_the_last_run_is_no_question_about_choices(text):
    d = run(text)
    assert ("explain_methodology", {"topic": "tpr"}) not in steps(d)


# --- urban wards after the urban map ---------------------------------------------------------

URBAN_MAP = {"last": {"tool": "show_map", "params": {"what": "urban", "threshold": 50}},
             "shown": {"kind": "map", "what": "urban", "threshold": 50}}


@pytest.mark.parametrize("text", ["how many wards flagged urban", "how many urban wards are there"])
def test_urban_wards_counted_at_the_threshold_of_the_map(text):
    assert steps(run(text, **URBAN_MAP)) == [
        ("ask_results", {"about": "ward_counts", "threshold": 50})]


def test_a_threshold_said_or_a_stored_reprioritisation_keeps_its_reading():
    assert steps(run("how many wards at 30% urban", **URBAN_MAP)) == [
        ("ask_results", {"about": "repri_count", "threshold": 30})]
    facts = Facts(analysis_variables=tuple(SIX), ward_count=300,
                  last_repri={"thresholds": [75]})
    assert steps(run("how many wards flagged urban", facts, **URBAN_MAP)) != [
        ("ask_results", {"about": "ward_counts", "threshold": 50})]


# --- the changes of the conversation ---------------------------------------------------------

HISTORY = {"ids": ["a", "b", "c"], "params": [{}, {"variables": FIVE}, {"variables": FOUR}],
           "used": [SIX, FIVE, FOUR], "at": 2}


@pytest.mark.parametrize("text", ["remind me, what have we changed in this chat so far?",
                                  "what changes did we make"])
def test_the_changes_of_the_conversation(text):
    d = run(text, analyses=HISTORY)
    assert not d.steps
    assert "dropped elevation" in d.text and "dropped ndwi" in d.text


def test_what_should_change_is_no_recap():
    d = run("what should we change?", analyses=HISTORY)
    assert d.reading.get("stored") != "changes"


def test_changes_text_names_plans_and_flips():
    text = changes_text({"used": [FOUR, FOUR], "params": [{}, {"directions": {
        "housing_quality": "direct"}}], "at": 1},
        {"params": [{"total_nets": 500000, "household_size": 5}]})
    assert "housing_quality treated as direct" in text and "500,000 nets" in text


# --- files and maps --------------------------------------------------------------------------

@pytest.mark.parametrize("text,what,fmt", [
    ("ok na only ranking den, send csv", "rankings", "csv"),
    ("just the ranking, send csv", "rankings", "csv"),
    ("only the plan then. export excel", "itn_plan", "xlsx"),
    ("the whole data - csv pls", "unified", "csv"),
    ("send whole data as csv", "unified", "csv"),
])
def test_the_file_of_the_subject_said(text, what, fmt):
    assert steps(run(text)) == [("export_results", {"what": what, "format": fmt})]


@pytest.mark.parametrize("text", ["only ranking then", "top 10 wards, send csv",
                                  "ranking, what does it mean? csv"])
def test_no_merge_without_a_bare_subject_and_a_bare_file(text):
    assert subject_then_file(text.lower()) is None


CATEGORY_MAP = {"last": {"tool": "show_map", "params": {"what": "category"}},
                "shown": {"kind": "map", "what": "category"}}


@pytest.mark.parametrize("text,what", [("no, do the consensus one", "consensus"),
                                       ("do the consensus one", "consensus"),
                                       ("and the pca one", "pca")])
def test_the_other_map_named_after_a_map(text, what):
    assert steps(run(text, **CATEGORY_MAP)) == [("show_map", {"what": what})]


def test_do_a_list_after_a_map_is_the_list():
    assert steps(run("do the top 10 list", **CATEGORY_MAP))[0][0] == "top_wards"


def test_the_filled_cells_answer_counts_cells_wards_and_names_them(monkeypatch):
    import pandas as pd

    from chatmrpt.chat import executors_more as em

    analysis = {"id": "a1", "summary": {"imputed_cells": 3, "variables": [
        {"name": "u5_tpr_rdt"}, {"name": "housing_quality"}]}}
    table = pd.DataFrame({"WardName": ["Kira", "Faku", "Waba"],
                          "imputed_u5_tpr_rdt": [True, False, True],
                          "imputed_housing_quality": [True, None, False]})
    monkeypatch.setattr(em, "_analysis", lambda rt, sid: analysis)
    monkeypatch.setattr(em, "_unified", lambda rt, sid, aid: table)
    out = em.ask_results(None, "s", {"about": "imputed"})
    assert out.text.startswith("3 missing value(s) were filled in the analysis, in 2 ward(s)")
    assert "Kira, Waba" in out.text and "): 1 (Kira)" in out.text
    analysis["summary"]["imputed_cells"] = 0
    assert "0 cells" in em.ask_results(None, "s", {"about": "imputed"}).text


# --- the plan kept in the session, asked about ------------------------------------------------

PLANNED = RouterContext(has_dataset=True, variables=VARIABLES, wards=NORTH_WARDS,
                        analysis_status="succeeded",
                        last_plan={"total_nets": 420_000, "household_size": 5})


@pytest.mark.parametrize("text", [
    "two weeks on the tool now. Remind me, what plan is stored?", "what plan is stored?",
    "which plan do we have saved?", "what is the saved plan?", "remind me of the current plan",
])
def test_the_plan_kept_is_told_with_its_figures(text):
    d = decide(text, PLANNED, DialogueState(), FACTS)
    assert steps(d) == [("ask_results", {"about": "plan_totals"})]


@pytest.mark.parametrize("text", ["what plan is stored? make it 450k", "what plan is best?",
                                  "what plan would you suggest?"])
def test_other_plan_questions_are_not_the_plan_kept(text):
    d = decide(text, PLANNED, DialogueState(), FACTS)
    assert ("ask_results", {"about": "plan_totals"}) not in steps(d)
