"""Answers to the assistant's own questions: pending plan questions, one-tap choices answered
in words, questions pending one behind the other, and suggestions sent back verbatim."""

from __future__ import annotations

import pandas as pd
import pytest

from chatmrpt.chat import dialogue as dm
from chatmrpt.chat.dialogue import DialogueState, Facts, Step, decide
from chatmrpt.chat.executors import why_ranked
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

LGAS = ("Fagge", "Geidam", "Maiduguri", "Nguru", "Zaria")
FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall", "housing_quality"), lgas=LGAS,
              ward_count=len(NORTH_WARDS))
PLAN = {"total_nets": 300_000, "household_size": 5}
ASK_HH = {"expects": "plan_numbers", "tool": "plan_itn", "params": {"total_nets": 100_000},
          "missing": ["household_size"]}


def ctx(**kw) -> RouterContext:
    base = {"has_dataset": True, "variables": (*DEMO_VARIABLES, "Population"),
            "wards": NORTH_WARDS, "analysis_status": "succeeded"}
    base.update(kw)
    return RouterContext(**base)


def steps(text, pending=None, c=None, last=None, facts=FACTS):
    d = decide(text, c or ctx(), DialogueState(pending=pending, last=last), facts)
    return [(s.tool, s.params) for s in d.steps], d


def converse(turns, c=None, facts=FACTS):
    """Each message decided against the state the one before left (as the assistant does)."""
    state, out = DialogueState(), []
    for text in turns:
        d = decide(text, c or ctx(), state, facts)
        new = DialogueState(state.pending, state.last, state.shown, d.topic, state.focus)
        if not d.keep_pending:
            new.pending = d.pending
        for s in d.steps:
            new.last = {"tool": s.tool, "params": s.params}
        out.append(d)
        state = new
    return out, state


def offer(step_tool, params, text="plan 300k nets hh 5 for the 2 LGAs"):
    asked = dm._gate(dm.Decision([Step(step_tool, params, source=text)]), text, DialogueState())
    assert not asked.steps and asked.pending["expects"] == "choice"
    return asked.pending


# --- a plan question answered ---------------------------------------------------------------


@pytest.mark.parametrize("text,hh", [("5 is fine", 5), ("use the usual 5", 5), ("take 5", 5),
                                     ("go for 6", 6), ("let's say 5", 5), ("ok 5 then", 5),
                                     ("ok use 5", 5), ("6 should be fine", 6)])
def test_a_figure_taken_in_words_answers_the_household_question(text, hh):
    got, _ = steps(text, ASK_HH)
    assert got == [("plan_itn", {"total_nets": 100_000, "household_size": hh})]


@pytest.mark.parametrize("text,hh", [("plan it with household size 6", 6),
                                     ("ok we use 5 people per household for the plan", 5)])
def test_a_fuller_plan_message_fills_the_question_and_keeps_the_nets(text, hh):
    got, _ = steps(text, ASK_HH)
    assert got == [("plan_itn", {"total_nets": 100_000, "household_size": hh})]


def test_the_values_asked_before_stay_when_the_rest_comes():
    pending = {"expects": "plan_numbers", "tool": "plan_itn", "params": {"urban_threshold": 60},
               "missing": ["total_nets", "household_size"]}
    got, _ = steps("we have 250k nets and hh is 5", pending)
    assert got == [("plan_itn", {"urban_threshold": 60, "total_nets": 250_000,
                                 "household_size": 5})]


@pytest.mark.parametrize("text", ["top 5 in Likwa LGA", "top 5 wards", "show the top 5 in Zaria",
                                  "bottom 5 wards by pca"])
def test_a_number_of_another_request_answers_no_plan_question(text):
    got, d = steps(text, ASK_HH)
    assert not any(t in ("plan_itn", "what_if_plan") for t, _ in got)


@pytest.mark.parametrize("text", [
    "I don't know the household size, what do people normally use?",
    "what household size do most campaigns use?",
    "what do people normally use?",
])
def test_a_question_about_the_value_asked_is_answered_and_the_question_stays(text):
    got, d = steps(text, ASK_HH)
    assert not got and d.keep_pending and "?" in d.text
    assert not d.choices  # the value is never picked for the user


def test_a_question_about_the_last_plan_is_not_taken_for_one_about_the_value_asked():
    d = dm._question_about_pending("what household size did the last plan use?",
                                   "what household size did the last plan use?", ASK_HH)
    assert d is None


def test_the_household_question_survives_a_question_and_is_answered_after_it():
    out, state = converse(["plan nets for the state", "we have about two hundred thousand",
                           "I don't know the household size, what do people normally use?",
                           "ok use 5"])
    assert [(s.tool, s.params) for s in out[-1].steps] == [
        ("plan_itn", {"total_nets": 200_000, "household_size": 5})]
    assert state.pending is None


# --- questions pending one behind the other ------------------------------------------------


def test_an_offer_made_while_a_plan_question_is_pending_keeps_the_plan_question():
    out, state = converse(["plan 100k", "run it again with 3 of the variables", "5"])
    assert out[1].reading.get("gated")
    assert [(s.tool, s.params) for s in out[2].steps] == [
        ("plan_itn", {"total_nets": 100_000, "household_size": 5})]


def test_after_the_newer_question_is_answered_the_earlier_one_is_pending_again():
    out, state = converse(["plan 100k", "top 5 in Likwa LGA", "Zaria", "6"])
    assert [(s.tool, s.params) for s in out[2].steps] == [("list_wards", {"n": 5, "lga": "Zaria"})]
    assert [(s.tool, s.params) for s in out[3].steps] == [
        ("plan_itn", {"total_nets": 100_000, "household_size": 6})]


def test_refusing_the_newer_offer_keeps_the_earlier_question():
    out, state = converse(["plan 100k", "run it again with 3 of the variables", "no", "5"])
    assert not out[2].steps
    assert [(s.tool, s.params) for s in out[3].steps] == [
        ("plan_itn", {"total_nets": 100_000, "household_size": 5})]


def test_a_bare_yes_never_answers_the_earlier_offer():
    gated = offer("run_analysis", {}, "run it again with 3 of the variables")
    pending = {**ASK_HH, "previous": gated}
    got, _ = steps("yes", pending)
    assert got == []
    got, _ = steps("the first one", pending)
    assert got == []


def test_a_vaguer_plan_question_does_not_replace_the_setting_asked_for():
    c = ctx(last_plan={"total_nets": 700_000, "household_size": 5})
    out, state = converse(["change the threshold",
                           "hold on, do you know if the Global Fund nets this year are PBO nets?",
                           "make it 50"], c=c)
    assert not out[1].steps
    assert [(s.tool, s.params) for s in out[2].steps] == [("what_if_plan",
                                                           {"urban_threshold": 50})]


def test_a_new_plan_question_replaces_the_old_one():
    out, state = converse(["plan 100k", "plan 300k nets", "6"])
    assert [(s.tool, s.params) for s in out[2].steps] == [
        ("plan_itn", {"total_nets": 300_000, "household_size": 6})]
    assert state.pending is None


# --- one-tap choices answered in words ------------------------------------------------------


@pytest.mark.parametrize("text", ["yh", "kk", "please do", "make we go", "do the first",
                                  "that's what I meant", "abeg do am", "yes do that", "sure",
                                  "go ahead", "the first one", "option 1", "1"])
def test_yes_in_its_many_spellings_takes_the_offer(text):
    got, _ = steps(text, offer("run_analysis", {}, "run it again with 3 of the variables"))
    assert got == [("run_analysis", {})]


@pytest.mark.parametrize("text", ["neither", "none of them", "no", "option 2", "no thanks"])
def test_neither_leaves_everything(text):
    got, d = steps(text, offer("run_analysis", {}, "run it again with 3 of the variables"))
    assert got == [] and d.pending is None


@pytest.mark.parametrize("text,params", [
    ("yes but with 6", {"total_nets": 300_000, "household_size": 6}),
    ("yes, but make the household size 6", {"total_nets": 300_000, "household_size": 6}),
    ("ok but 400k nets", {"total_nets": 400_000, "household_size": 5}),
    ("no, 350k", {"total_nets": 350_000, "household_size": 5}),
    ("no, 6", {"total_nets": 300_000, "household_size": 6}),
    ("yes with threshold 60", {"total_nets": 300_000, "household_size": 5,
                               "urban_threshold": 60}),
])
def test_an_offer_taken_with_a_change_runs_the_offer_changed(text, params):
    got, d = steps(text, offer("plan_itn", dict(PLAN)))
    assert got == [("plan_itn", params)]
    assert "instead of what I offered" in d.steps[0].echo


@pytest.mark.parametrize("text", ["yes but with 6 and 7", "yes but what about 6?",
                                  "yes but 45%", "no, 2023 was better"])
def test_a_change_that_cannot_be_placed_runs_nothing(text):
    got, _ = steps(text, offer("plan_itn", dict(PLAN)))
    assert not any(t in ("plan_itn", "what_if_plan") for t, _ in got)


@pytest.mark.parametrize("text", ["no, composite", "no keep composite",
                                  "no, use composite ranking"])
def test_no_with_the_other_method_changes_the_offered_plan(text):
    got, _ = steps(text, offer("what_if_plan", {"method": "pca"}, "plan pca 3 ways"),
                   c=ctx(last_plan=PLAN), last={"tool": "plan_itn", "params": PLAN})
    assert got == [("what_if_plan", {"method": "composite"})]


def test_an_offered_export_changed_to_another_format():
    pending = offer("export_results", {"what": "rankings", "format": "csv"}, "x")
    for text in ("yes but as excel", "no, excel", "ok but xlsx"):
        got, _ = steps(text, pending)
        assert got == [("export_results", {"what": "rankings", "format": "xlsx"})]


TWO_LISTS = [{"label": "Top 10 wards by PCA", "tool": "top_wards",
              "params": {"n": 10, "method": "pca"}},
             {"label": "Top 10 wards", "tool": "top_wards", "params": {"n": 10}}]


@pytest.mark.parametrize("text,index", [("composite", 1), ("no, composite", 1), ("pca", 0),
                                        ("the pca one", 0), ("2nd", 1), ("the last one", 1)])
def test_a_choice_picked_by_its_method_or_place(text, index):
    got, _ = steps(text, {"expects": "choice", "choices": TWO_LISTS})
    assert got == [(TWO_LISTS[index]["tool"], TWO_LISTS[index]["params"])]


def test_both_runs_both_lists_but_never_two_plans():
    got, _ = steps("both please", {"expects": "choice", "choices": TWO_LISTS})
    assert got == [(c["tool"], c["params"]) for c in TWO_LISTS]
    plans = [{"label": "Plan 300,000 nets, household size 5", "tool": "plan_itn",
              "params": PLAN},
             {"label": "Plan 300,000 nets, household size 6", "tool": "plan_itn",
              "params": {**PLAN, "household_size": 6}}]
    got, _ = steps("both", {"expects": "choice", "choices": plans})
    assert not any(t == "plan_itn" for t, _ in got)


def test_both_of_three_is_not_taken_but_all_of_them_is():
    three = [{"label": f"Export the {w} as CSV", "tool": "export_results", "params": {"what": w}}
             for w in ("rankings", "itn_plan", "unified")]
    got, _ = steps("both", {"expects": "choice", "choices": three}, c=ctx(last_plan=PLAN))
    assert not any(t == "export_results" for t, _ in got)
    got, _ = steps("all of them", {"expects": "choice", "choices": three}, c=ctx(last_plan=PLAN))
    assert [p["what"] for _, p in got] == ["rankings", "itn_plan", "unified"]


def test_a_bare_lga_name_picks_the_ward_of_that_lga():
    choices = [{"label": f"Explain Sabon Gari in {lga}", "tool": "explain_ward",
                "params": {"ward": "Sabon Gari", "lga": lga}} for lga in ("Zaria", "Fagge")]
    for text, lga in (("Zaria", "Zaria"), ("the one in fagge", "Fagge"), ("Fagge please", "Fagge")):
        got, _ = steps(text, {"expects": "choice", "choices": choices})
        assert got == [("explain_ward", {"ward": "Sabon Gari", "lga": lga})]


def test_no_with_another_request_drops_the_offer_and_reads_the_request():
    pending = offer("what_if_plan", {"method": "pca"}, "plan pca 3 ways")
    got, d = steps("no, show me the top 5 wards instead", pending, c=ctx(last_plan=PLAN))
    assert got == [("top_wards", {"n": 5, "order": "top"})]
    assert d.pending is None and not d.keep_pending


@pytest.mark.parametrize("text", ["I don't know the code, forget it. show the category map",
                                  "never mind, just show the category map",
                                  "forget it, show the category map please"])
def test_a_dropped_question_before_a_request(text):
    got, d = steps(text, ASK_HH)
    assert got == [("show_map", {"what": "category"})]
    assert d.pending is None and not d.keep_pending
    got, _ = steps(text)  # nothing pending: the request runs all the same
    assert got == [("show_map", {"what": "category"})]


def test_leave_it_with_a_number_runs_nothing():
    got, _ = steps("leave it at 5", ASK_HH)
    assert got == []


def test_an_lga_name_on_a_table_without_names_asks_for_its_code_and_a_yes_lists_nothing():
    no_lgas = Facts(analysis_variables=FACTS.analysis_variables, lgas=(), ward_count=10)
    got, d = steps("top 5 wards in Ilorin West", facts=no_lgas)
    assert got == [] and d.pending and d.pending["expects"] == "lga_code"
    assert d.pending["params"] == {"n": 5}
    got, _ = steps("yes", d.pending, facts=no_lgas)
    assert got == []


# --- suggestions sent back verbatim ---------------------------------------------------------


@pytest.mark.parametrize("tool,params", [
    ("top_wards", {"n": 10, "method": "pca"}), ("top_wards", {"n": 5, "order": "bottom"}),
    ("list_wards", {"n": 5, "lga": "Zaria", "method": "pca"}),
    ("list_wards", {"category": "High", "lga": "Nguru"}),
    ("show_map", {"what": "category"}), ("show_map", {"what": "variable", "variable": "rainfall"}),
    ("explain_ward", {"ward": "Sabon Gari", "lga": "Zaria"}),
    ("export_results", {"what": "itn_plan", "format": "xlsx"}),
])
def test_a_choice_label_sent_back_after_a_plan_does_exactly_that(tool, params):
    label = dm.describe_choice(tool, params)
    got, _ = steps(label, c=ctx(last_plan=PLAN), last={"tool": "plan_itn", "params": PLAN})
    assert len(got) == 1 and got[0][0] == tool
    assert all(got[0][1].get(k) == v for k, v in params.items())


def test_the_rank_question_names_the_lga_of_a_shared_ward_name():
    wards = pd.DataFrame({"WardName": ["Sabon Gari", "Sabon Gari", "Dambo"],
                          "LGA": ["Zaria", "Fagge", "Zaria"]})
    assert why_ranked(wards, wards.iloc[0], 3) == "Why is Sabon Gari in Zaria ranked 3rd?"
    assert why_ranked(wards, wards.iloc[2], 1) == "Why is Dambo ranked 1st?"
    got, _ = steps("Why is Sabon Gari in Zaria ranked 3rd?")
    assert got == [("explain_ward", {"ward": "Sabon Gari", "lga": "Zaria"})]


# --- LGA codes; both plan values in one answer ----------------------------------------------


@pytest.mark.parametrize("text,code", [("24006", "24006"), ("use 20037", "20037"),
                                       ("code 20043 please", "20043"), ("ok, 24008", "24008")])
def test_an_lga_code_answers_the_no_lga_names_question(text, code):
    no_lgas = Facts(analysis_variables=FACTS.analysis_variables, lgas=(), ward_count=35)
    _, asked = steps("top 5 wards in Ilorin West", facts=no_lgas)
    got, _ = steps(text, asked.pending, facts=no_lgas)
    assert got == [("list_wards", {"n": 5, "lga_code": code})]


def test_a_number_with_words_is_no_lga_code():
    no_lgas = Facts(analysis_variables=FACTS.analysis_variables, lgas=(), ward_count=35)
    _, asked = steps("top 5 wards in Ilorin West", facts=no_lgas)
    got, _ = steps("plan 24006 nets", asked.pending, facts=no_lgas)
    assert not any(t == "list_wards" for t, _ in got)


ASK_BOTH = {"expects": "plan_numbers", "tool": "plan_itn", "params": {},
            "missing": ["total_nets", "household_size"]}


@pytest.mark.parametrize("text,params", [
    ("ok 350k, hh 5", {"total_nets": 350_000, "household_size": 5}),
    ("household size 6 and 400,000", {"total_nets": 400_000, "household_size": 6}),
    ("1.2 million nets and 5", {"total_nets": 1_200_000, "household_size": 5}),
])
def test_one_value_named_and_one_bare_fill_both(text, params):
    got, _ = steps(text, ASK_BOTH)
    assert got == [("plan_itn", params)]


def test_a_bare_value_that_fits_neither_place_left_is_asked():
    got, _ = steps("hh 5 and 50", ASK_BOTH)
    assert got == []


def test_the_more_nets_suggestion_is_an_order_that_plans():
    from chatmrpt.chat.executors import more_nets_suggestion

    label = more_nets_suggestion({"total_nets": 40_000}, {})
    assert label == "Plan with 20% more nets (48,000)"
    plan = {"total_nets": 40_000, "household_size": 5}
    got, _ = steps(label, c=ctx(last_plan=plan), last={"tool": "plan_itn", "params": plan})
    assert got == [("what_if_plan", {"total_nets": 48_000})]


def test_another_request_with_please_is_not_the_offer_changed():
    one = [{"label": "Top 3 wards", "tool": "top_wards", "params": {"n": 3}}]
    got, _ = steps("Please save the composite score map as a PNG.",
                   {"expects": "choice", "choices": one})
    assert not any(t == "top_wards" for t, _ in got)
    for text, params in (("please yes", {"n": 3}), ("pls do", {"n": 3}),
                         ("ok but by pca", {"n": 3, "method": "pca"})):
        got, _ = steps(text, {"expects": "choice", "choices": one})
        assert got == [("top_wards", params)]


@pytest.mark.parametrize("text", ["Now halve that.", "double it", "make it smaller"])
def test_a_change_with_no_word_of_refusal_is_no_cancel(text):
    _, d = steps(text, ASK_HH)
    assert not d.reading.get("cancelled")


@pytest.mark.parametrize("text", ["leave it", "not now", "stop", "no thanks"])
def test_words_of_refusal_cancel(text):
    _, d = steps(text, ASK_HH)
    assert d.reading.get("cancelled") and d.pending is None


@pytest.mark.parametrize("text", ["Give me 20% more nets.", "plan 20% more nets hh 5",
                                  "10 percent fewer nets please"])
def test_a_percentage_is_never_the_stock_of_a_plan_question(text):
    out, state = converse(["plan nets for the state", text,
                           "Same plan but with a household size of 6."])
    for d in out:
        assert not any(s.params.get("total_nets") in (10, 20) for s in d.steps)
        assert (d.pending or {}).get("params", {}).get("total_nets") not in (10, 20)


@pytest.mark.parametrize("text", ["Let us take code 20030 instead.", "ok use lga 20030 then",
                                  "20030 abeg"])
def test_an_lga_code_in_a_few_words_answers_the_no_lga_names_question(text):
    no_lgas = Facts(analysis_variables=FACTS.analysis_variables, lgas=(), ward_count=35)
    _, asked = steps("Then show me the top 3 wards of Tarauni LGA.", facts=no_lgas)
    got, _ = steps(text, asked.pending, facts=no_lgas)
    assert got == [("list_wards", {"n": 3, "lga_code": "20030"})]


@pytest.mark.parametrize("text", ["plan 20030 nets", "top 5 in 20030 and 20043",
                                  "what is 20030 for the table?"])
def test_other_messages_with_a_code_are_read_on_their_own(text):
    no_lgas = Facts(analysis_variables=FACTS.analysis_variables, lgas=(), ward_count=35)
    _, asked = steps("Then show me the top 3 wards of Tarauni LGA.", facts=no_lgas)
    _, d = steps(text, asked.pending, facts=no_lgas)
    assert d.reading.get("answered") != "choice"


# --- a number the question could not place; numbers set aside; full plan labels --------------


@pytest.mark.parametrize("answer,params", [
    ("household size", {"household_size": 5}), ("it's the household size", {"household_size": 5}),
    ("hh", {"household_size": 5}), ("the nets", None)])
def test_the_place_named_for_a_number_that_could_not_be_placed(answer, params):
    out, state = converse(["plan nets for the state", "5", answer])
    assert not out[1].steps and "?" in out[1].text
    if params is None:  # 5 nets is a valid stock: the plan still needs the household size
        assert state.pending["params"] == {"total_nets": 5}
    else:
        assert state.pending["params"] == params and state.pending["missing"] == ["total_nets"]
    assert not out[2].steps


@pytest.mark.parametrize("text", ["ignore the 2, go ahead", "yes, the 2 is nothing",
                                  "ok the 2 doesn't matter, proceed"])
def test_a_number_set_aside_takes_the_offer(text):
    got, _ = steps(text, offer("plan_itn", dict(PLAN)))
    assert got == [("plan_itn", PLAN)]


@pytest.mark.parametrize("text", ["ignore the 2", "the 2 is nothing", "yes the 3 is nothing",
                                  "ignore the 2, make it 6"])
def test_setting_a_number_aside_without_a_yes_or_with_another_number_runs_nothing(text):
    got, _ = steps(text, offer("plan_itn", dict(PLAN)))
    assert got != [("plan_itn", PLAN)]


@pytest.mark.parametrize("params", [
    {"total_nets": 300_000, "household_size": 5, "urban_threshold": 60},
    {"total_nets": 300_000, "household_size": 5, "bale_size": 50, "buffer": 1.1},
    {"total_nets": 300_000, "household_size": 5, "method": "pca", "strategy": "continue"},
    {"total_nets": 300_000, "household_size": 5, "max_ward_share": 2, "strategy": "capped"},
])
def test_a_plan_label_names_every_setting_and_does_exactly_that(params):
    label = dm.describe_choice("plan_itn", params)
    got, _ = steps(label)
    assert got == [("plan_itn", params)]
    assert "strategy" not in label
