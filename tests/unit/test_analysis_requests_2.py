"""Analyses run only on orders, and exactly as ordered: a why-question about a direction is
answered, never acted on; a full list said after an unknown-variable question is run as
said; a ward list in a place the table lacks is asked about before any analysis runs; the
edits of an analysis (a variable added, "those four", a kept list, "back to the normal
one") do what they say; a first ranking request said with who asks or why runs the default
analysis when none exists."""

from __future__ import annotations

import pytest

from chatmrpt.chat import extract as ex
from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.focus import Focus, listed_question
from chatmrpt.chat.guards import reads_as_question
from chatmrpt.chat.router import RouterContext
from chatmrpt.chat.run_request import plain_run
from tests.unit.chat_corpus import NORTH_WARDS

COLUMNS = ("Population", "urban_percentage", "u5_tpr_rdt", "rainfall", "ndwi", "evi",
           "housing_quality", "elevation", "soil_wetness", "distance_to_waterbodies")
DEFAULTS = ("u5_tpr_rdt", "rainfall", "ndwi", "housing_quality", "elevation",
            "urban_percentage")
LGAS = ("Zaria", "Fagge", "Nassarawa", "Kano Municipal", "Geidam", "Nguru", "Maiduguri",
        "Ilorin West")


def ctx(analysed=True):
    return RouterContext(has_dataset=True, variables=COLUMNS, wards=NORTH_WARDS,
                         analysis_status="succeeded" if analysed else None)


def facts(used=DEFAULTS, **params):
    return Facts(analysis_variables=tuple(used), lgas=LGAS, ward_count=14,
                 analysis_params={"variables": list(used), **params} if used else {})


def decide_in(text, used=DEFAULTS, state=None, **params):
    return decide(text, ctx(bool(used)), state or DialogueState(), facts(used, **params))


def runs(decision):
    return [s.params for s in decision.steps if s.tool == "run_analysis"]


# --- A. a why-question about a direction is answered ---------------------------------------


@pytest.mark.parametrize("text", [
    "why is housing quality counted the opposite way? explain pls",
    "how come rainfall is reversed",
    "explain why elevation is inverse",
    "why housing quality dey the other way? abeg explain",
    "why is housing_quality taken as inverse? pls explain it to me",
])
def test_why_a_direction_is_answered_not_run(text):
    d = decide_in(text)
    assert not runs(d)


@pytest.mark.parametrize("text", [
    "flip housing quality",
    "make housing quality direct",
    "treat housing_quality the opposite way",
])
def test_an_order_to_change_a_direction_still_changes_it(text):
    d = decide_in(text)
    assert d.steps or d.choices  # done, or offered; never answered as a question
    assert not (d.steps and d.steps[0].tool == "ask_results")


def test_explain_pls_after_a_question_keeps_the_question():
    assert reads_as_question("why is housing counted the opposite way? explain pls")
    assert reads_as_question("which way is rainfall taken? abeg explain")
    assert not reads_as_question("flip housing. explain pls")
    assert not reads_as_question("run the analysis. explain the results to me later")


# --- B. a full list after an unknown-variable question is run as said ------------------------


def _unknown_question():
    d = decide_in("then rank the wards by temperature")
    assert not d.steps and d.pending and d.pending.get("unknown_variable")
    return DialogueState(pending=d.pending)


@pytest.mark.parametrize("text,expected", [
    ("ok run the analysis with rainfall, evi, elevation and u5_tpr_rdt",
     ["rainfall", "evi", "elevation", "u5_tpr_rdt"]),
    ("rank the wards using rainfall and evi", ["rainfall", "evi"]),
    ("run it with only ndwi, elevation and soil wetness",
     ["ndwi", "elevation", "soil_wetness"]),
])
def test_a_whole_list_after_the_question_is_that_list(text, expected):
    d = decide_in(text, state=_unknown_question())
    assert [sorted(p["variables"]) for p in runs(d)] == [sorted(expected)]


def test_one_name_answering_the_question_still_takes_its_place():
    d = decide_in("use evi instead", state=_unknown_question())
    assert [sorted(p["variables"]) for p in runs(d)] == [sorted([*DEFAULTS, "evi"])]


# --- C. a place the table lacks is asked about before any analysis -------------------------


@pytest.mark.parametrize("text", [
    "show me the wards in Ikeja",
    "list the wards in Surulere",
    "top 5 wards in Ikeja",
])
def test_unknown_place_before_any_analysis_runs_nothing(text):
    d = decide_in(text, used=())
    assert not d.steps
    assert d.choices and all(c["params"].get("lga") in LGAS for c in d.choices)


def test_a_known_lga_before_any_analysis_still_analyses_first():
    d = decide_in("show me the wards in Fagge", used=())
    assert [s.tool for s in d.steps] == ["run_analysis", "list_wards"]
    assert d.steps[-1].params.get("lga") == "Fagge"


# --- D. analysis edits ---------------------------------------------------------------------


ILORIN = ("tpr_u5_new", "distance", "val_housing_15", "meanEVI", "settlement_type")


def _ilorin(text, state=None):
    used = ("tpr_u5_new", "distance", "val_housing_15")
    c = RouterContext(has_dataset=True, variables=ILORIN, wards=NORTH_WARDS,
                      analysis_status="succeeded")
    f = Facts(analysis_variables=used, lgas=LGAS, ward_count=14,
              analysis_params={"variables": list(used),
                               "directions": {"distance": "inverse",
                                              "val_housing_15": "inverse"}})
    return decide(text, c, state or DialogueState(), f)


@pytest.mark.parametrize("text", [
    "ok add meanEVI, keep the directions",
    "add meanEVI, same directions",
    "include meanEVI too, same settings",
])
def test_add_a_variable_keeping_directions(text):
    d = _ilorin(text)
    [p] = runs(d)
    assert sorted(p["variables"]) == sorted(["tpr_u5_new", "distance", "val_housing_15",
                                             "meanEVI"])
    assert p["directions"]["distance"] == "inverse"
    assert p["directions"]["val_housing_15"] == "inverse"


def test_add_after_the_offer_of_adding_joins_the_offered_list():
    offer = _ilorin("if I added meanEVI would Apado move up? dont run")
    assert not offer.steps
    d = _ilorin("ok add meanEVI, keep the directions", DialogueState(pending=offer.pending))
    runs_ = runs(d)
    if runs_:  # done, with the three variables and meanEVI, never meanEVI alone
        assert sorted(runs_[0]["variables"]) == sorted(["tpr_u5_new", "distance",
                                                        "val_housing_15", "meanEVI"])


@pytest.mark.parametrize("text,n", [
    ("add soil_wetness to those four, same directions", 4),
    ("now add soil wetness to the three", 3),
    ("add evi to d four abeg", 4),
])
def test_a_count_of_the_analysis_variables_is_no_stray_number(text, n):
    used = DEFAULTS[:n]
    d = decide_in(text, used=used)
    [p] = runs(d)
    assert len(p["variables"]) == n + 1


def test_those_four_with_a_variable_change_is_not_a_ward_reference():
    focus = Focus(listed=["Sabon Gari", "Zango", "Dambo"])
    low = "add soil_wetness to those four, same directions"
    assert listed_question(low, ex.lower_text(low), focus, COLUMNS) is None
    # near: a question about the wards of the list stays a question about those wards
    q = "which of those four has the biggest population"
    assert listed_question(q, ex.lower_text(q), focus, COLUMNS) is not None


@pytest.mark.parametrize("text,expected", [
    ("ok drop rainfall and housing_quality, keep u5_tpr_rdt, evi and elevation",
     ["u5_tpr_rdt", "evi", "elevation"]),
    ("remove ndwi, keep only rainfall and u5_tpr_rdt", ["rainfall", "u5_tpr_rdt"]),
])
def test_a_kept_list_is_used_as_said(text, expected):
    d = decide_in(text, used=("u5_tpr_rdt", "rainfall"))
    [p] = runs(d)
    assert sorted(p["variables"]) == sorted(expected)


def test_keep_the_directions_is_no_kept_list():
    d = decide_in("drop rainfall, keep the directions",
                  used=("u5_tpr_rdt", "rainfall", "housing_quality"))
    [p] = runs(d)
    assert sorted(p["variables"]) == ["housing_quality", "u5_tpr_rdt"]


@pytest.mark.parametrize("text", [
    "put it back to the normal one",
    "go back to the usual one",
    "revert to the standard normalisation pls",
])
def test_back_to_normal_after_reciprocal_is_linear(text):
    d = decide_in(text, normalization="reciprocal")
    [p] = runs(d)
    assert p.get("normalization") == "linear"
    assert sorted(p["variables"]) == sorted(DEFAULTS)


def test_back_to_normal_after_a_linear_analysis_is_not_a_normalisation_change():
    d = decide_in("put it back to the normal one", normalization="linear")
    assert all(p.get("normalization") != "linear" or "variables" not in p for p in runs(d)) \
        or not d.steps


# --- E. first ranking requests -------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "please rank the wards, I want to know where to go for sensitisation first",
    "I have a meeting in 10 mins. rank the wards fast",
    "good day. ilorin file is in. run the vulnerability ranking",
    "good afternoon, I work on community sensitisation. please rank the wards so I know "
    "where to start",
    "hello. abeg rank the wards for me",
])
def test_first_ranking_requests_run_the_defaults(text):
    assert plain_run(text, ctx(analysed=False))
    d = decide_in(text, used=())
    assert [(s.tool, s.params) for s in d.steps] == [("run_analysis", {})]


@pytest.mark.parametrize("text", [
    "I want only the water variables. rank the wards",
    "rank the wards without rainfall",
    "rank the wards. I will plan nets later",
    "we dont want to run it yet, rank the wards later",
    "rank the wards in Zaria",
    "rank the wards by rainfall",
    "how do I rank the wards?",
])
def test_first_requests_with_more_are_not_plain_runs(text):
    assert not plain_run(text, ctx(analysed=False))


def test_context_words_after_an_analysis_are_not_a_plain_run():
    text = "please rank the wards, I want to know where to go for sensitisation first"
    assert not plain_run(text, ctx(analysed=True))


def test_a_why_question_with_an_order_after_it_is_the_order():
    d = decide_in("why is housing quality counted the opposite way? treat it as direct")
    assert [p["directions"]["housing_quality"] for p in runs(d)] == ["direct"]
