"""References back: steps back to an earlier analysis or plan ("put it back the way it was",
"undo that", "flip it back", "go back to the two-variable analysis", "switch to the first
plan"), said in any words, and the history of analyses they read."""

from __future__ import annotations

import pytest

from chatmrpt.chat import undo
from chatmrpt.chat.dialogue import DialogueState, decide
from chatmrpt.chat.state import Decision
from tests.unit.test_chat_dialogue import FACTS, USED, ctx

DEFAULT_USED = ["u5_tpr_rdt", "rainfall", "elevation", "ndwi"]
HISTORY = {"ids": ["a0", "a1", "a2"],
           "params": [{}, {"variables": ["u5_tpr_rdt", "rainfall"]},
                      {"variables": list(USED), "normalization": "reciprocal"}],
           "used": [DEFAULT_USED, ["u5_tpr_rdt", "rainfall"], list(USED)], "at": 2}
PLAN_NOW = {"total_nets": 200_000, "household_size": 5, "urban_threshold": 50}
PLANS = {"ids": ["p0", "p1"], "params": [{"total_nets": 400_000, "household_size": 5}, PLAN_NOW],
         "at": 1}
ANALYSED = {"tool": "run_analysis", "params": {}}
LISTED = {"tool": "top_wards", "params": {"n": 10}}
PLANNED = {"tool": "plan_itn", "params": PLAN_NOW}


def _decide(text, last, analyses=HISTORY, plans=None):
    c = ctx(last_plan=PLAN_NOW) if plans else ctx()
    return decide(text, c, DialogueState(last=last, analyses=analyses, plans=plans), FACTS)


# --- the history of analyses ----------------------------------------------------------------


def test_a_new_analysis_joins_the_history_after_the_current_one():
    h = undo.synced(None, "a0", {"variables": None, "normalization": "linear",
                                 "urban_thresholds": [75.0]}, DEFAULT_USED)
    assert h == {"ids": ["a0"], "params": [{"normalization": "linear"}],
                 "used": [DEFAULT_USED], "at": 0}
    h = undo.synced(h, "a1", {"variables": ["u5_tpr_rdt", "rainfall"]}, ["u5_tpr_rdt", "rainfall"])
    assert h["ids"] == ["a0", "a1"] and h["at"] == 1
    assert undo.synced(h, "a1", {}, ()) == h  # the same analysis: nothing changes


def test_a_step_back_moves_the_place_and_keeps_the_later_analyses():
    back = undo.after_turn(HISTORY, "a1", 1)
    assert back["ids"] == ["a0", "a1", "a2"] and back["at"] == 1
    # a new analysis made from there replaces what came after
    after = undo.synced(back, "a9", {"variables": ["rainfall", "ndwi"]}, ["rainfall", "ndwi"])
    assert after["ids"] == ["a0", "a1", "a9"] and after["at"] == 2
    # a restore index that does not name the analysis run leaves the place alone
    assert undo.after_turn(HISTORY, "zz", 1)["at"] == 2


def test_the_first_history_is_seeded_from_the_stored_analyses():
    records = [{"id": "a0", "status": "succeeded", "params": {"variables": None},
                "summary": {"variables": [{"name": v} for v in DEFAULT_USED]}},
               {"id": "bad", "status": "failed", "params": {}},
               {"id": "a1", "status": "succeeded", "params": {"normalization": "reciprocal"},
                "summary": {"variables": [{"name": "rainfall"}]}}]
    h = undo.seeded(records, "a0")
    assert h["ids"] == ["a1", "a0"] and h["at"] == 1 and h["used"][1] == DEFAULT_USED
    assert undo.seeded(records, None) is None


# --- steps back to an earlier analysis --------------------------------------------------------


@pytest.mark.parametrize("text", [
    "put it back the way it was", "undo that", "undo the last change", "revert that",
    "go back to the previous analysis", "go back to the variables I had before",
    "restore the previous variables", "flip it back", "change it back please",
    "no, I didn't mean that. go back to the one before", "ok switch it back",
])
def test_a_step_back_brings_back_the_previous_analysis(text):
    for last in (ANALYSED, LISTED):
        d = _decide(text, last)
        assert [s.tool for s in d.steps] == ["run_analysis"], (text, d.text)
        assert d.steps[0].params == {"variables": ["u5_tpr_rdt", "rainfall"]}
        assert d.reading["analysis_restore"] == 1
        assert "u5_tpr_rdt" in d.steps[0].echo and "rainfall" in d.steps[0].echo


def test_the_first_analysis_and_an_analysis_named_by_its_size():
    first = _decide("go back to the first analysis", LISTED)
    assert first.steps[0].params == {} and first.reading["analysis_restore"] == 0
    two = _decide("go back to the two-variable analysis", LISTED)
    assert two.steps[0].params == {"variables": ["u5_tpr_rdt", "rainfall"]}
    four = _decide("go back to the analysis with 4 variables", LISTED)
    assert four.steps[0].params == {} and four.reading["analysis_restore"] == 0
    none = _decide("go back to the seven-variable analysis", LISTED)
    assert not none.steps and none.text


def test_a_restored_default_analysis_keeps_no_variables_of_the_current_one():
    h = {**HISTORY, "params": [{"normalization": "linear"}, *HISTORY["params"][1:]]}
    d = _decide("go back to the first analysis", LISTED, analyses=h)
    assert d.steps[0].params == {"normalization": "linear"}


def test_nothing_to_undo_is_said_not_guessed():
    alone = {"ids": ["a0"], "params": [{}], "used": [DEFAULT_USED], "at": 0}
    for text in ("undo that", "put it back the way it was", "go back to the previous analysis"):
        d = _decide(text, ANALYSED, analyses=alone)
        assert not d.steps and d.text


def test_undo_after_a_plan_change_is_the_plans():
    for text in ("undo that", "put it back the way it was",
                 "no, I didn't mean that. go back to the one before"):
        d = _decide(text, PLANNED, plans=PLANS)
        assert [s.tool for s in d.steps] == ["plan_itn"], text
        assert d.steps[0].params == {"total_nets": 400_000, "household_size": 5}
        assert d.reading["plan_restore"] == 0


def test_an_unclear_undo_asks_which_change():
    d = _decide("undo that", LISTED, plans=PLANS)
    assert not d.steps
    assert {c["tool"] for c in d.choices} == {"run_analysis", "plan_itn"}
    assert d.pending and d.pending["expects"] == "choice"
    # naming what goes back settles it
    assert _decide("go back to the previous analysis", LISTED, plans=PLANS).steps[0].tool == \
        "run_analysis"
    assert _decide("go back to the previous plan", LISTED, plans=PLANS).steps[0].tool == \
        "plan_itn"


@pytest.mark.parametrize("text", ["switch to the first plan", "go back to the first plan",
                                  "change to the first plan please"])
def test_the_first_plan_in_other_words(text):
    d = _decide(text, LISTED, analyses=None, plans=PLANS)
    assert d.steps[0].tool == "plan_itn"
    assert d.steps[0].params == {"total_nets": 400_000, "household_size": 5}
    # while the first plan is the current one, that is said and nothing is re-made
    one = {"ids": ["p0"], "params": [PLANS["params"][0]], "at": 0}
    d = _decide(text, LISTED, analyses=None, plans=one)
    assert not d.steps and "no earlier plan" in d.text


@pytest.mark.parametrize("text", [
    "use the first one", "run it again", "go back to linear normalisation", "back to the defaults",
    "show me the first one", "what did the previous analysis use?", "go to the top",
])
def test_other_messages_are_no_step_back(text):
    assert undo.reads_as_step_back(text) is None or "first one" in text and \
        not undo.reads_as_step_back(text)["analysis"]
    d = _decide(text, LISTED)
    assert d.reading.get("analysis_restore") is None


@pytest.mark.parametrize("text", ["Revert to linear normalisation.",
                                  "reset it to linear normalisation"])
def test_revert_to_a_normalisation_keeps_the_variables(text):
    d = _decide(text, LISTED)
    assert [s.tool for s in d.steps] == ["run_analysis"]
    assert d.steps[0].params["normalization"] == "linear"
    assert sorted(d.steps[0].params["variables"]) == sorted(USED)


# --- corrections of the last request ----------------------------------------------------------

RAN = {"tool": "run_analysis", "params": {"variables": list(USED), "normalization": "reciprocal"}}


@pytest.mark.parametrize("text,out,new", [
    ("hmm, I said rainfall but I meant elevation", "rainfall", "elevation"),
    ("no sorry, I meant distance to water, not housing", "housing_quality",
     "distance_to_waterbodies"),
    ("oops I typed rainfall, I meant soil wetness", "rainfall", "soil_wetness"),
    ("I meant elevation instead of rainfall", "rainfall", "elevation"),
])
def test_a_variable_meant_replaces_the_one_said_and_keeps_the_rest(text, out, new):
    d = _decide(text, RAN)
    assert [s.tool for s in d.steps] == ["run_analysis"], d.text
    p = d.steps[0].params
    assert new in p["variables"] and out not in p["variables"] and len(p["variables"]) == 3
    assert p["normalization"] == "reciprocal"
    assert new in d.steps[0].echo and out in d.steps[0].echo


def test_a_variable_meant_without_the_one_it_replaces_is_asked():
    d = _decide("I meant elevation", RAN)
    assert not d.steps and d.pending["expects"] == "choice"
    assert all("elevation" in c["params"]["variables"] for c in d.choices)
    assert len(d.choices) == len(USED)


def test_a_place_meant_replaces_the_place_of_the_last_request():
    d = _decide("sorry i typed the wrong one, i meant Fagge",
                {"tool": "list_wards", "params": {"lga": "Zaria"}})
    assert [(s.tool, s.params) for s in d.steps] == [("list_wards", {"lga": "Fagge"})]
    d = _decide("sorry, I meant to ask about Zaria as a whole",
                {"tool": "ask_results", "params": {"about": "plan_ward", "ward": "Dambo",
                                                   "lga": "Zaria"}}, plans=PLANS)
    assert [(s.tool, s.params) for s in d.steps] == [
        ("ask_results", {"about": "plan_lga", "lga": "Zaria"})]
    d = _decide("i meant Kwarbai A", {"tool": "explain_ward", "params": {"ward": "Dambo"}})
    assert [(s.tool, s.params) for s in d.steps] == [
        ("explain_ward", {"ward": "Kwarbai A", "lga": "Zaria"})]


@pytest.mark.parametrize("text,last", [
    ("I meant what I said", {"tool": "explain_ward", "params": {"ward": "Dambo"}}),
    ("i meant Fagge", {"tool": "explain_ward", "params": {"ward": "Dambo"}}),  # an LGA for a ward
    ("i meant Dambo", {"tool": "list_wards", "params": {"lga": "Zaria"}}),  # a ward for an LGA
    ("I meant elevation", {"tool": "top_wards", "params": {"n": 10}}),
])
def test_a_correction_that_fits_no_slot_of_the_last_request_changes_nothing(text, last):
    d = _decide(text, last)
    assert d.reading.get("relative") != "correction"


# --- a ward named as the place of a ward list -------------------------------------------------


@pytest.mark.parametrize("text", ["wards in Dambo", "list the wards of Dambo",
                                  "high wards in Dambo", "show me the top 5 wards in Kwarbai A"])
def test_a_ward_named_as_the_place_of_a_list_gives_that_wards_rank(text):
    d = _decide(text, LISTED)
    assert [s.tool for s in d.steps] == ["explain_ward"], d.text
    assert d.steps[0].params["ward"] in ("Dambo", "Kwarbai A")
    assert d.steps[0].params["lga"] == "Zaria"
    assert "ward" in d.steps[0].echo and "LGA" in d.steps[0].echo


def test_a_ward_of_several_lgas_named_as_a_place_is_asked_about():
    from chatmrpt.chat import ward_place
    from chatmrpt.chat.state import Step
    d = ward_place.ward_as_place(Decision([Step("list_wards", {}, source="wards in hausari")]),
                                 "wards in hausari", ctx(), FACTS)
    assert not d.steps and {c["params"]["lga"] for c in d.choices} == {"Geidam", "Nguru"}


@pytest.mark.parametrize("text,lga", [("wards in Zaria", "Zaria"), ("top 5 wards in Fagge", "Fagge")])
def test_an_lga_named_as_the_place_stays_a_list(text, lga):
    d = _decide(text, LISTED)
    assert d.steps[0].tool in ("list_wards", "top_wards") and d.steps[0].params["lga"] == lga


# --- the default selection, asked about ---------------------------------------------------------


@pytest.mark.parametrize("text", [
    "which variables would the default analysis use?",
    "what variables will you use if I just run it?",
    "if I don't choose any, which columns go in?",
    "which variables are used by default?",
])
def test_the_default_selection_is_asked_about_with_nothing_run(text):
    d = _decide(text, LISTED)
    assert [(s.tool, s.params) for s in d.steps] == [("describe_data",
                                                      {"about": "default_variables"})]


@pytest.mark.parametrize("text", ["run the analysis with the default variables",
                                  "which variables did the analysis use?",
                                  "use the default variables"])
def test_requests_and_questions_about_the_analysis_are_not_the_default_selection(text):
    d = _decide(text, LISTED)
    assert ("describe_data", {"about": "default_variables"}) not in [(s.tool, s.params)
                                                                      for s in d.steps]


def test_the_default_selection_is_what_an_analysis_with_no_choices_uses(monkeypatch):
    import types

    import chatmrpt.service as service
    import chatmrpt.service.results as results
    from chatmrpt.analysis.dataset import ward_dataset_bytes
    from chatmrpt.analysis.variables import select_variables
    from chatmrpt.chat.executors import describe_data
    from chatmrpt.viz.synthetic import synthetic_dataset

    dataset = synthetic_dataset(30, seed=3)
    blob = ward_dataset_bytes(dataset)
    monkeypatch.setattr(service, "require_session",
                        lambda rt, sid: {"state": {"current_dataset": "d1"}})
    monkeypatch.setattr(service, "get_dataset",
                        lambda rt, sid, did: {"frame": {"sha256": "f"}, "table": {}})
    used = {"status": "succeeded", "summary": {"variables": [{"name": "rainfall"}]}}
    monkeypatch.setattr(results, "latest_analysis", lambda rt, sid: used)
    rt = types.SimpleNamespace(artifacts=types.SimpleNamespace(read_bytes=lambda sha: blob))
    out = describe_data(rt, "s1", {"about": "default_variables"})
    expected = select_variables(dataset.wards).variables
    assert out.data["variables"] == list(expected) and len(expected) >= 2
    assert all(v in out.text for v in expected) and "Nothing was run" in out.text
    assert "other variables: rainfall" in out.text


def test_the_default_selection_before_and_after_an_analysis():
    text = "Before anything, which variables would the default analysis use for this state?"
    for c in (ctx(analysis_status=None), ctx()):
        d = decide(text, c, DialogueState(), FACTS)
        assert [(s.tool, s.params) for s in d.steps] == [("describe_data",
                                                          {"about": "default_variables"})]


# --- a place in the list just shown, said alone -----------------------------------------------

SHOWN = {"listed": ["Dambo (Zaria)", "Kwarbai A (Zaria)", "Bolori I (Maiduguri)",
                    "Hausari (Geidam)"]}


@pytest.mark.parametrize("text,ward,lga", [
    ("and the last one?", "Hausari", "Geidam"), ("the third?", "Bolori I", "Maiduguri"),
    ("what about number 4", "Hausari", "Geidam"), ("number 2?", "Kwarbai A", "Zaria"),
    ("the first one?", "Dambo", "Zaria"), ("ok what about no. 3", "Bolori I", "Maiduguri"),
])
def test_a_place_in_the_list_just_shown_is_that_ward(text, ward, lga):
    d = decide(text, ctx(), DialogueState(last=LISTED, focus=SHOWN), FACTS)
    assert [(s.tool, s.params) for s in d.steps] == [("explain_ward", {"ward": ward, "lga": lga})]


def test_a_place_said_alone_needs_a_list_just_shown_and_inside_it():
    from chatmrpt.chat import ordinal
    assert ordinal.bare_listed_ward("the third?", SHOWN["listed"],
                                    {"tool": "explain_ward"}) is None
    assert ordinal.bare_listed_ward("what about number 9", SHOWN["listed"], LISTED) is None
    assert ordinal.bare_listed_ward("top 3", SHOWN["listed"], LISTED) is None
    # "and the last one?" after the ward at one rank stays the ward ranked last
    d = decide("and the last one?", ctx(), DialogueState(
        last={"tool": "explain_ward", "params": {"ward": "Dambo"}}, focus=SHOWN), FACTS)
    assert [(s.tool, s.params) for s in d.steps] == [("top_wards", {"order": "bottom"})]


# --- "make it direct": the variable just talked about ------------------------------------------


@pytest.mark.parametrize("text,topic,way", [
    ("go ahead, make it direct", "housing_quality", "direct"),
    ("ok treat that one as inverse", "rainfall", "inverse"),
])
def test_a_direction_for_it_is_the_variable_just_talked_about(text, topic, way):
    d = decide(text, ctx(), DialogueState(last={"tool": "ask_results",
                                                "params": {"about": "variables"}},
                                          topic=topic), FACTS)
    assert [s.tool for s in d.steps] == ["run_analysis"]
    assert d.steps[0].params["directions"] == {topic: way}
    assert sorted(d.steps[0].params["variables"]) == sorted(USED)


def test_a_direction_for_it_with_no_variable_talked_about_changes_nothing():
    d = decide("make it direct", ctx(), DialogueState(last=LISTED), FACTS)
    assert not d.steps
