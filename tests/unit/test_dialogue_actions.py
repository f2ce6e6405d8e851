"""Plan and analysis changes stated against the last plan or analysis: every setting the
message does not change is kept, a number that names an earlier plan is no amount, a share
per ward is a cap, and an export of "it" is the map shown."""

from __future__ import annotations

import pytest

from chatmrpt.chat import extract as ex
from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

VARIABLES = (*DEMO_VARIABLES, "evi", "ndvi")
USED = ("u5_tpr_rdt", "rainfall", "evi", "housing_quality")
FACTS = Facts(analysis_variables=USED, lgas=("Fagge", "Zaria"), ward_count=len(NORTH_WARDS),
              analysis_params={"variables": list(USED),
                               "directions": {"housing_quality": "inverse"}})
AFTER_ANSWER = DialogueState(last={"tool": "ask_results", "params": {"about": "plan_totals"}})


def ctx(**kw) -> RouterContext:
    base = {"has_dataset": True, "variables": VARIABLES, "wards": NORTH_WARDS,
            "analysis_status": "succeeded"}
    base.update(kw)
    return RouterContext(**base)


def steps(text, c=None, state=None, facts=FACTS):
    d = decide(text, c or ctx(), state or AFTER_ANSWER, facts)
    return [(s.tool, s.params) for s in d.steps], d


# --- numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize("text,values", [
    ("go back to the 300k one", [300_000, 1]),
    ("the two million one", [2_000_000, 1]),
    ("two million one hundred thousand", [2_100_000]),
    ("500k five", [500_000, 5]),
    ("twenty one", [21]),
])
def test_one_after_an_amount_names_it_and_adds_nothing(text, values):
    assert [n.value for n in ex.extract_numbers(text)] == values


def test_back_to_the_plan_of_an_amount_uses_that_amount():
    done, _ = steps("go back to the 300k one", ctx(last_plan={"total_nets": 1_200_000,
                                                              "household_size": 5}),
                    DialogueState(last={"tool": "show_map", "params": {"what": "itn"}}))
    assert done == [("what_if_plan", {"total_nets": 300_000})]


@pytest.mark.parametrize("text", ["add anoda 50k", "add anotha 50k nets"])
def test_another_amount_in_short_spelling_adds_to_the_plan(text):
    done, _ = steps(text, ctx(last_plan={"total_nets": 200_000, "household_size": 5}))
    assert done == [("what_if_plan", {"total_nets": 250_000})]


# --- plan settings ----------------------------------------------------------------------


@pytest.mark.parametrize("text,share", [
    ("no single ward should take more than 2 percent of the nets", 2),
    ("one ward is swallowing a lot. no ward should get more than 3% of the nets", 3),
    ("cap each ward at 5%", 5),
])
def test_a_share_per_ward_is_a_cap_not_more_nets(text, share):
    done, _ = steps(text, ctx(last_plan={"total_nets": 450_000, "household_size": 6}))
    assert done == [("what_if_plan", {"strategy": "capped", "max_ward_share": share})]


def test_a_share_of_more_nets_is_still_more_nets():
    done, _ = steps("20% more nets", ctx(last_plan={"total_nets": 450_000, "household_size": 6}))
    assert done == [("what_if_plan", {"total_nets": 540_000})]


def test_removing_the_cap_takes_the_strategy_said_instead():
    plan = {"total_nets": 450_000, "household_size": 6, "strategy": "capped",
            "max_ward_share": 2}
    done, _ = steps("remove the cap. instead skip wards that don't fit and keep going down the "
                    "list", ctx(last_plan=plan))
    assert done == [("plan_itn", {"total_nets": 450_000, "household_size": 6,
                                  "strategy": "continue"})]
    done, _ = steps("remove the cap", ctx(last_plan=plan))
    assert done[0][1]["strategy"] == "stop"


def test_one_verb_drops_every_setting_of_its_list():
    plan = {"total_nets": 350_000, "household_size": 5, "bale_size": 50, "buffer": 1.1}
    done, _ = steps("ok forget the buffer and the bales, go back to the first plan",
                    ctx(last_plan=plan))
    assert done == [("what_if_plan", {"bale_size": 1, "buffer": 1})]
    done, _ = steps("forget the buffer, keep the bales", ctx(last_plan=plan))
    assert done == [("what_if_plan", {"buffer": 1})]


@pytest.mark.parametrize("ask,answer,params", [
    ("change the urban threshold", "50", {"urban_threshold": 50}),
    ("and change the household size", "make it 5, the survey figure", {"household_size": 5}),
])
def test_a_setting_to_change_is_asked_for_and_the_number_answers_it(ask, answer, params):
    c = ctx(last_plan={"total_nets": 2_500_000, "household_size": 6})
    done, asked = steps(ask, c)
    assert done == [] and asked.pending and asked.pending["setting"] == next(iter(params))
    done, _ = steps(answer, c, DialogueState(last=AFTER_ANSWER.last, pending=asked.pending))
    assert done == [("what_if_plan", params)]


def test_a_setting_answer_with_two_numbers_is_not_taken():
    c = ctx(last_plan={"total_nets": 2_500_000, "household_size": 6})
    _, asked = steps("change the urban threshold", c)
    done, _ = steps("50 or 60", c, DialogueState(last=AFTER_ANSWER.last, pending=asked.pending))
    assert not any(t == "what_if_plan" for t, _ in done)


# --- the analysis -----------------------------------------------------------------------


def test_a_new_normalisation_keeps_the_variables_and_directions():
    done, _ = steps("and run that with the reciprocal normalisation, just to reproduce the old "
                    "R output", state=DialogueState(last={"tool": "run_analysis", "params": {}}))
    assert done == [("run_analysis", {"variables": list(USED),
                                      "directions": {"housing_quality": "inverse"},
                                      "normalization": "reciprocal"})]


def test_the_normalisation_moved_to_is_the_one_taken():
    assert ex.find_normalization("ok return to linear, the reciprocal one is not for "
                                 "decisions") == "linear"
    assert ex.find_normalization("switch to reciprocal, linear is fine too") == "reciprocal"
    assert ex.find_normalization("linear or reciprocal") is None


@pytest.mark.parametrize("text", ["swap EVI for NDVI", "replace evi with ndvi",
                                  "use ndvi instead of evi"])
def test_a_swapped_variable_takes_the_place_of_the_old_one(text):
    done, _ = steps(text, state=DialogueState(last={"tool": "run_analysis", "params": {}}))
    assert done and done[0][0] == "run_analysis"
    assert done[0][1]["variables"] == ["u5_tpr_rdt", "rainfall", "ndvi", "housing_quality"]


# --- exports ------------------------------------------------------------------------------


def test_save_as_png_exports_the_variable_map_shown():
    shown = {"kind": "map", "what": "variable", "variable": "rainfall"}
    done, _ = steps("save as png", state=DialogueState(
        last={"tool": "show_map", "params": {"what": "variable", "variable": "rainfall"}},
        shown=shown))
    assert done == [("export_view", {"what": "variable", "variable": "rainfall",
                                     "format": "png"})]


@pytest.mark.parametrize("text,done_", [
    ("back to the normal allocation rule but keep 2 per net", [("what_if_plan",
                                                                 {"strategy": "stop"})]),
    ("back to the normal allocation rule but keep 3 per net", []),
])
def test_a_setting_back_to_normal_keeps_only_values_the_plan_holds(text, done_):
    plan = {"total_nets": 450_000, "household_size": 6, "strategy": "continue",
            "people_per_net": 2}
    done, _ = steps(text, ctx(last_plan=plan))
    assert done == done_


def test_a_swap_with_a_later_request_runs_the_swap_and_leaves_the_rest():
    done, d = steps("Swap EVI for NDVI and show me the new top 5",
                    state=DialogueState(last={"tool": "run_analysis", "params": {}}))
    assert done == [("run_analysis", {"variables": ["u5_tpr_rdt", "rainfall", "ndvi",
                                                    "housing_quality"],
                                      "directions": {"housing_quality": "inverse"}})]
    assert any("top 5" in n for n in d.not_done)


def test_a_method_alone_is_not_turned_into_a_new_analysis_of_the_same_variables():
    done, _ = steps("rank them by pca", state=DialogueState(
        last={"tool": "list_wards", "params": {"category": "High"}}))
    assert all("variables" not in p for t, p in done if t == "run_analysis")


@pytest.mark.parametrize("text,last,params", [
    ("send d plan xcel", {"tool": "ask_results", "params": {"about": "plan_totals"}},
     {"what": "itn_plan", "format": "xlsx"}),
    ("download ranking xl", {"tool": "run_analysis", "params": {}},
     {"what": "rankings", "format": "xlsx"}),
])
def test_short_spellings_of_excel_are_excel(text, last, params):
    done, _ = steps(text, ctx(last_plan={"total_nets": 250_000, "household_size": 4}),
                    DialogueState(last=last))
    assert done == [("export_results", params)]


@pytest.mark.parametrize("text,norm", [
    ("ok return to linear, the reciprocal one is not for decisions", "linear"),
    ("go back to linear normalisation", "linear"),
])
def test_back_to_a_normalisation_reruns_the_same_variables_without_asking(text, norm):
    done, _ = steps(text, state=DialogueState(last={"tool": "ask_results", "params": {}}))
    assert done == [("run_analysis", {"variables": list(USED),
                                      "directions": {"housing_quality": "inverse"},
                                      "normalization": norm})]


def test_a_question_about_a_normalisation_runs_nothing():
    done, _ = steps("what does going back to linear normalisation change?",
                    state=DialogueState(last={"tool": "ask_results", "params": {}}))
    assert not any(t == "run_analysis" for t, _ in done)


def test_per_house_is_a_household_size():
    done, _ = steps("1.5m nets, 5 per house, go", state=DialogueState())
    assert done == [("plan_itn", {"total_nets": 1_500_000, "household_size": 5})]
