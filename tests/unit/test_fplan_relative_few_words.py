"""Relative changes of a plan said in few words: a self-correction after a pause ("cut it by
10%... no, by 15%"), a relative word applied to the setting it names ("halve the bale size"
never halves the nets), "double the last one", "bump the nets by 25%", "lower it by another
10" right after the threshold changed, "keep everything, only bales of 50" (no variables),
"back to the defaults, just the nets and hh 5", a setting asked about ("is people per net
still 1.8?") then set ("set it to 2"), answers to "what should change?" and "increase the
household size" questions, and a bare figure above the plan after "make it bigger"."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.last_change import plan_setting_question
from chatmrpt.chat.plan_settings import defaults_keeping_nets, setting_scaled, size_change
from chatmrpt.chat.reading import apply_correction
from chatmrpt.chat.relative import last_setting_by, relative_plan_change
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall", "ndwi"), lgas=("Fagge", "Zaria"),
              ward_count=len(NORTH_WARDS))
PLAN = {"total_nets": 800000, "household_size": 5}


def ctx(last_plan):
    return RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=NORTH_WARDS,
                         analysis_status="succeeded", last_plan=last_plan)


def decided(text, plan=PLAN, last=None, pending=None):
    state = DialogueState(last=last or {"tool": "what_if_plan", "params": {"total_nets": 1}},
                          pending=pending)
    return decide(text, ctx(plan), state, FACTS)


def plan_params(d):
    return [s.params for s in d.steps if s.tool in ("plan_itn", "what_if_plan")]


# --- a correction after a pause -------------------------------------------------------------


@pytest.mark.parametrize("text, fixed", [
    ("cut it by 10%... no, by 15%", "cut it by 15%"),
    ("make it 20%... no, 15% more", "15% more"),
    ("hmm the total should be 500k... no 450k, sorry", "450k"),
    ("300k, no 350k", "350k"),
    ("cut it by 10% - no, 15%", "15%"),
])
def test_a_value_corrected_after_no(text, fixed):
    out, note = apply_correction(text)
    out = " ".join(out.split())
    assert note is not None and fixed in out
    assert "10%" not in out and "500k" not in out and "20%" not in out


@pytest.mark.parametrize("text", [
    "plan 500k nets, no cap",
    "no, 15% more",  # nothing said before the "no" to correct
    "500k nets, no bales",
    "top 10 wards, no map",
])
def test_a_no_without_a_value_corrected_is_left(text):
    assert apply_correction(text) == (text, None)


@pytest.mark.parametrize("text, expected", [
    ("cut it by 10%... no, by 15%", 680000),
    ("make it 20%... no, 15% more", 920000),
    ("add 20k, sorry 30k", 830000),
])
def test_the_corrected_change_applies_to_the_current_plan(text, expected):
    assert [p.get("total_nets") for p in plan_params(decided(text))] == [expected]


# --- a relative word applies to the setting it names ----------------------------------------


@pytest.mark.parametrize("text, key, value", [
    ("halve the bale size", "bale_size", 50),
    ("double the bale size", "bale_size", 200),
    ("halve the bales", "bale_size", 50),
    ("double the people per net", "people_per_net", 3.6),
])
def test_a_setting_halved_or_doubled_is_that_setting(text, key, value):
    plan = {**PLAN, "bale_size": 100}
    assert size_change(text, plan, None) is None
    d = setting_scaled(text, plan)
    assert d is not None and d.steps[0].params == {key: value}
    assert plan_params(decided(text, plan)) == [{key: value}]


@pytest.mark.parametrize("text", ["halve the buffer", "double the wastage"])
def test_a_buffer_halved_or_doubled_is_asked(text):
    d = decided(text, {**PLAN, "buffer": 1.1})
    assert not d.steps


def test_a_bale_of_one_net_cannot_be_halved():
    d = setting_scaled("halve the bale size", PLAN)
    assert d is not None and not d.steps


@pytest.mark.parametrize("text, expected", [
    ("ok double the last one", 1600000),
    ("double the last one", 1600000),
    ("halve that one", 400000),
    ("halve the nets", 400000),
    ("double it", 1600000),
])
def test_the_nets_halved_or_doubled(text, expected):
    d = size_change(text, PLAN, None)
    assert d is not None and d.steps[0].params == {"total_nets": expected}
    assert setting_scaled(text, PLAN) is None


@pytest.mark.parametrize("text", ["double one ward", "is double the nets too many?",
                                  "halve the bale size and the nets"])
def test_look_alikes_of_a_halving_change_nothing_here(text):
    assert setting_scaled(text, {**PLAN, "bale_size": 100}) is None


@pytest.mark.parametrize("text, expected", [
    ("bump the nets by 25%", 1000000),
    ("bump it up by 10%", 880000),
    ("10 percent fewer", 720000),
])
def test_a_percentage_change_of_the_nets(text, expected):
    change = relative_plan_change(text, PLAN)
    assert change is not None and change.params == {"total_nets": expected}


# --- "it" is the setting just changed ------------------------------------------------------


THRESHOLD_LAST = {"tool": "what_if_plan", "params": {"urban_threshold": 60}}


@pytest.mark.parametrize("text, value", [
    ("lower it by another 10", 50),
    ("raise it by 5", 65),
    ("bring it down by a further 10", 50),
])
def test_it_is_the_setting_just_changed(text, value):
    plan = {**PLAN, "urban_threshold": 60}
    assert plan_params(decided(text, plan, THRESHOLD_LAST)) == [{"urban_threshold": value}]


@pytest.mark.parametrize("text, last", [
    ("lower it by another 10", {"tool": "what_if_plan", "params": {"total_nets": 500000}}),
    ("lower the nets by 10k", THRESHOLD_LAST),
    ("lower it by 10?", THRESHOLD_LAST),
    ("cut it by 10%", THRESHOLD_LAST),
    ("lower it by 10", {"tool": "plan_itn", "params": {"total_nets": 5, "household_size": 5}}),
])
def test_it_is_not_taken_for_the_last_setting(text, last):
    plan = {**PLAN, "urban_threshold": 60}
    from chatmrpt.chat import extract as ex
    assert last_setting_by(text, ex.canonical_text(text), last, plan) is None


# --- keep everything, back to the defaults -------------------------------------------------


@pytest.mark.parametrize("text, change", [
    ("keep everything, only bales of 50", {"bale_size": 50}),
    ("keep everything, only threshold 50", {"urban_threshold": 50}),
])
def test_keep_everything_is_no_variable_choice(text, change):
    d = decided(text)
    assert not d.choices or all("variables" not in str(c) for c in d.choices)
    assert plan_params(d) == [change]


@pytest.mark.parametrize("text, hh", [
    ("back to the defaults, just the nets and hh 5", 5),
    ("back to the defaults, keep the nets", 5),
    ("reset everything, only the nets and household size 6", 6),
    ("go back to the default settings but keep the nets", 5),
])
def test_defaults_keeping_the_nets(text, hh):
    plan = {"total_nets": 600000, "household_size": 5, "bale_size": 50, "buffer": 1.05}
    d = defaults_keeping_nets(text, plan)
    assert d is not None and d.steps[0].tool == "plan_itn"
    assert d.steps[0].params == {"total_nets": 600000, "household_size": hh}


@pytest.mark.parametrize("text", [
    "back to the defaults",
    "back to the defaults, just the nets and threshold 50",
    "back to the default variables, just the nets",
    "should we go back to the defaults, just the nets?",
])
def test_defaults_keeping_the_nets_look_alikes(text):
    plan = {"total_nets": 600000, "household_size": 5, "bale_size": 50}
    assert defaults_keeping_nets(text, plan) is None


# --- a setting asked about, then set -------------------------------------------------------


@pytest.mark.parametrize("text, shown", [
    ("is people per net still 1.8?", "1.8"),
    ("is the household size 6?", "5"),
    ("is the threshold still 75?", "75"),
    ("is the bale size 50?", "1"),
])
def test_a_setting_asked_about_is_said(text, shown):
    d = plan_setting_question(text, PLAN)
    assert d is not None and not d.steps and shown in d.text


@pytest.mark.parametrize("text", ["what does household size do in the plan?",
                                  "what is the threshold now?",
                                  "is people per net still 1.8", "what is the household"
                                  " size in Fagge?"])
def test_setting_question_look_alikes(text):
    assert plan_setting_question(text, PLAN) is None


def test_set_it_after_a_setting_question_sets_that_setting():
    asked = decided("is people per net still 1.8?")
    assert asked.pending and asked.pending.get("setting") == "people_per_net"
    d = decided("set it to 2", pending=asked.pending)
    assert plan_params(d) == [{"people_per_net": 2}]


# --- answers to the assistant's questions about a change -----------------------------------


def test_a_percentage_answers_what_should_change():
    pending = {"tool": "what_if_plan", "params": {}, "missing": [], "expects": "plan_numbers"}
    d = decided("10 percent fewer", pending=pending)
    assert plan_params(d) == [{"total_nets": 720000}]


@pytest.mark.parametrize("answer, value", [("to 6", 6), ("6", 6), ("by 1", 6)])
def test_an_increase_asked_then_answered(answer, value):
    asked = decided("increase the household size")
    assert not asked.steps and asked.pending and asked.pending.get("sign") == 1
    assert plan_params(decided(answer, pending=asked.pending)) == [{"household_size": value}]


def test_an_increase_answered_with_a_lower_value_is_not_taken():
    asked = decided("increase the household size")
    d = decided("4", pending=asked.pending)
    assert plan_params(d) != [{"household_size": 4}]


@pytest.mark.parametrize("answer, expected", [
    ("400k", 400000),  # above the plan: the new total
    ("50k", 300000),  # below it: the amount added
    ("by 400k", 650000),
    ("400k more", 650000),
])
def test_a_figure_after_make_it_bigger(answer, expected):
    plan = {"total_nets": 250000, "household_size": 5}
    asked = decided("make it bigger", plan)
    assert asked.pending and asked.pending.get("expects") == "plan_delta"
    assert [p.get("total_nets") for p in plan_params(decided(answer, plan,
                                                             pending=asked.pending))] == [expected]


@pytest.mark.parametrize("text, tool", [("top 10 wards", "top_wards"),
                                        ("plan 500k nets, household size 6", "plan_itn")])
def test_another_request_after_a_setting_question_is_read_alone(text, tool):
    asked = decided("is people per net still 1.8?")
    d = decided(text, pending=asked.pending)
    assert [s.tool for s in d.steps] == [tool]
    assert all("people_per_net" not in s.params for s in d.steps)


def test_thanks_after_a_setting_question_changes_nothing():
    asked = decided("is people per net still 1.8?")
    assert not decided("ok thanks", pending=asked.pending).steps


# --- the standard value handed over; a ward list after a ranking change ----------------------


THRESHOLD_60 = {"total_nets": 400000, "household_size": 5, "urban_threshold": 60}


@pytest.mark.parametrize("text", [
    "hmm change it again, leave the threshold to you, whatever the standard one is",
    "redo it, leave the threshold up to you, the default one",
])
def test_the_standard_value_left_to_the_assistant(text):
    assert plan_params(decided(text, THRESHOLD_60, THRESHOLD_LAST)) == [{"urban_threshold": 75}]


# ("change it, leave the threshold to you" is the threshold left to the assistant: the
# documented default, see test_fans_question_answers)
@pytest.mark.parametrize("text", ["leave the threshold as it is"])
def test_a_threshold_left_without_a_standard_is_not_changed(text):
    assert not plan_params(decided(text, THRESHOLD_60, THRESHOLD_LAST))


@pytest.mark.parametrize("text", ["list the top 5 by pca", "show the top 10 by pca",
                                  "top 5 by pca"])
def test_a_top_list_by_pca_after_a_plan_is_a_ward_list(text):
    plan = {"total_nets": 550000, "household_size": 5, "method": "pca"}
    d = decided(text, plan, {"tool": "what_if_plan", "params": {"method": "pca"}})
    assert [(s.tool, s.params.get("method")) for s in d.steps] == [("top_wards", "pca")]


def test_the_plan_ranking_switched_after_a_plan():
    d = decided("use the pca ranking instead", PLAN)
    assert plan_params(d) == [{"method": "pca"}]


# --- "undo that" right after a question ------------------------------------------------------


PLANS = {"ids": ["a", "b"], "params": [{"total_nets": 770000, "household_size": 6},
                                       {"total_nets": 770000, "household_size": 5}], "at": 1}
ASKED = {"expects": "choice", "choices": [{"label": "All 12 variables", "steps": [
    {"tool": "run_analysis", "params": {}}]}]}


def after_plans(text, pending):
    state = DialogueState(last={"tool": "what_if_plan", "params": {"household_size": 5}},
                          plans=PLANS, pending=pending)
    return decide(text, ctx({"total_nets": 770000, "household_size": 5}), state, FACTS)


@pytest.mark.parametrize("text", ["undo that", "undo", "ok undo that please",
                                  "reverse that change"])
def test_undo_right_after_a_question_is_offered_not_made(text):
    d = after_plans(text, ASKED)
    assert not d.steps and d.choices
    assert d.choices[0]["params"] == {"total_nets": 770000, "household_size": 6}


@pytest.mark.parametrize("text, pending", [("undo that", None),
                                           ("go back to the previous plan", ASKED),
                                           ("undo that", {**ASKED, "kept": True})])
def test_undo_after_a_change_goes_back(text, pending):
    d = after_plans(text, pending)
    assert plan_params(d) == [{"total_nets": 770000, "household_size": 6}]


@pytest.mark.parametrize("text", ["halve the bale size", "double the bale size"])
def test_a_bale_size_scaled_without_bales_is_asked(text):
    d = setting_scaled(text, PLAN)
    assert d is not None and not d.steps and "bale" in d.text


@pytest.mark.parametrize("answer, expected", [("50k", [200000]), ("200k", []),
                                              ("200k fewer", [50000]), ("by 200k", [50000])])
def test_a_figure_after_make_it_smaller(answer, expected):
    plan = {"total_nets": 250000, "household_size": 5}
    asked = decided("make it smaller", plan)
    assert asked.pending and asked.pending.get("expects") == "plan_delta"
    d = decided(answer, plan, pending=asked.pending)
    assert [p.get("total_nets") for p in plan_params(d)] == expected
    if not expected:
        assert [c["params"]["total_nets"] for c in d.choices] == [200000, 50000]


def test_keep_everything_with_a_variable_named_is_still_asked_about():
    from chatmrpt.chat.dialogue import DialogueState, decide
    from tests.unit.test_chat_dialogue import FACTS, ctx

    d = decide("keep everything, only add soil wetness", ctx(),
               DialogueState(last={"tool": "run_analysis", "params": {}}), FACTS)
    assert not any(s.tool == "run_analysis" and s.params.get("variables") == ["soil_wetness"]
                   for s in d.steps), d.steps


@pytest.mark.parametrize("text", ["ok back to composite", "back to composite",
                                  "use composite again"])
def test_back_to_composite_after_the_rankings_were_compared_re_plans(text):
    from chatmrpt.chat.dialogue import DialogueState, decide
    from tests.unit.test_chat_dialogue import FACTS, ctx

    pca_plan = {"total_nets": 700_000, "household_size": 5, "method": "pca"}
    d = decide(text, ctx(last_plan=pca_plan),
               DialogueState(last={"tool": "compare_methods", "params": {}}), FACTS)
    assert [(s.tool, s.params) for s in d.steps] == [("what_if_plan", {"method": "composite"})]


@pytest.mark.parametrize("last,plan", [
    ({"tool": "show_map", "params": {"what": "pca"}},
     {"total_nets": 700_000, "household_size": 5, "method": "pca"}),   # the map or the plan?
    ({"tool": "compare_methods", "params": {}},
     {"total_nets": 700_000, "household_size": 5}),                    # already composite
])
def test_back_to_composite_elsewhere_makes_no_plan(last, plan):
    from chatmrpt.chat.dialogue import DialogueState, decide
    from tests.unit.test_chat_dialogue import FACTS, ctx

    d = decide("ok back to composite", ctx(last_plan=plan), DialogueState(last=last), FACTS)
    assert not any(s.tool in ("what_if_plan", "plan_itn") for s in d.steps), d.steps
