"""Plan changes in the users' own words: "add anoda hundred thousand", "no. 500k" after a
change, "bak to 1.8", "put back 75", "redo plan urban 50" after the urban map, the value left
out of an offer given as the answer ("6" to "household size 5? I did not use 6"), and "d first
one" after two values were said for the one missing."""

from __future__ import annotations

import pytest

from chatmrpt.chat import extract as ex
from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.router import EXTRACTORS, RouterContext
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

FULL = {"total_nets": 450_000, "household_size": 6.0, "urban_threshold": 75.0,
        "method": "composite", "strategy": "stop", "max_ward_share": None,
        "people_per_net": 1.8, "buffer": 1.0, "bale_size": 1, "fill_population": None}
FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=("Fagge", "Zaria"),
              ward_count=len(NORTH_WARDS))


def run(text, plan=None, last=None, pending=None):
    last = last or {"tool": "what_if_plan", "params": {}}
    routed = last.get("tool") in EXTRACTORS  # the router knows its own tools only
    ctx = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=NORTH_WARDS,
                        analysis_status="succeeded", last_plan=plan,
                        last_tool=last.get("tool") if routed else None,
                        last_params=(last.get("params") or {}) if routed else {})
    return decide(text, ctx, DialogueState(pending=pending, last=last), FACTS)


def acts(d):
    return [(s.tool, s.params) for s in d.steps]


def numbers(text):
    return [n.value for n in ex.extract_numbers(ex.canonical_text(text))]


# --- "hundred thousand" said without "a" or "one" ------------------------------------------

@pytest.mark.parametrize("text,value", [
    ("add anoda hundred thousand", 100_000),
    ("another hundred thousand nets", 100_000),
    ("hundred and fifty thousand", 150_000),
    ("remove hundred thousand", 100_000),
    ("a hundred thousand", 100_000),
    ("two hundred thousand", 200_000),
])
def test_a_bare_hundred_before_a_scale_is_one_hundred(text, value):
    assert numbers(text) == [value]


@pytest.mark.parametrize("text", ["a few hundred thousand nets", "several hundred thousand",
                                  "hundreds of thousands", "add hundred"])
def test_a_vague_or_lone_hundred_is_no_amount(text):
    assert numbers(text) == []


@pytest.mark.parametrize("text,total", [
    ("add anoda hundred thousand", 350_000),
    ("add another hundred thousand nets", 350_000),
    ("remove hundred thousand", 150_000),
])
def test_an_amount_in_words_added_or_removed(text, total):
    d = run(text, plan={**FULL, "total_nets": 250_000, "household_size": 5})
    assert acts(d) == [("what_if_plan", {"total_nets": total})]


# --- "no. 500k": the answer no, then an amount ------------------------------------------------

@pytest.mark.parametrize("text", ["no. 500k", "no 500k", "nope. 500k", "no. 500,000"])
def test_no_then_an_amount_is_the_new_stock(text):
    d = run(text, plan={**FULL, "total_nets": 700_000, "household_size": 5},
            last={"tool": "what_if_plan", "params": {"total_nets": 700_000}})
    assert acts(d) == [("what_if_plan", {"total_nets": 500_000})]


@pytest.mark.parametrize("text", ["show ward no. 12", "lga no. 20 wards", "ward no 7 please"])
def test_a_number_after_no_inside_a_message_stays_a_code(text):
    low = ex.canonical_text(text)
    found = ex.extract_numbers(low)
    assert len(found) == 1 and ex.weak_quantity(found[0], low)


# --- one setting put back to a value ----------------------------------------------------------

@pytest.mark.parametrize("text", ["bak to 1.8", "back to 1.8", "put back 1.8",
                                  "set it back 1.8 pls"])
def test_people_per_net_put_back(text):
    d = run(text, plan={**FULL, "people_per_net": 2, "household_size": 5},
            last={"tool": "what_if_plan", "params": {"people_per_net": 2}})
    assert acts(d) == [("what_if_plan", {"people_per_net": 1.8})]


@pytest.mark.parametrize("text", ["put back 75", "put back the 75", "set back 75",
                                  "bring am back 75"])
def test_threshold_put_back(text):
    d = run(text, plan={**FULL, "urban_threshold": 50},
            last={"tool": "what_if_plan", "params": {"urban_threshold": 50}})
    assert acts(d) == [("what_if_plan", {"urban_threshold": 75})]


def test_a_value_put_back_that_fits_two_settings_is_asked():
    d = run("put back 3", plan={**FULL, "urban_threshold": 50},
            last={"tool": "what_if_plan", "params": {"urban_threshold": 50}})
    assert d.steps == [] and d.choices


# --- the plan named after the urban map -------------------------------------------------------

URBAN_MAP = {"tool": "show_map", "params": {"what": "urban", "threshold": 50}}


@pytest.mark.parametrize("text,value", [("redo plan urban 50", 50), ("replan urban 60", 60),
                                        ("plan urban 50", 50),
                                        ("and the plan at urban 50", 50)])
def test_the_plan_named_after_the_urban_map_changes_the_plan(text, value):
    d = run(text, plan=FULL, last=URBAN_MAP)
    assert acts(d) == [("what_if_plan", {"urban_threshold": value})]


@pytest.mark.parametrize("text", ["redo map urban 60", "urban 40", "redo urban 40"])
def test_no_plan_named_after_the_urban_map_is_no_plan(text):
    d = run(text, plan=FULL, last=URBAN_MAP)
    assert all(s.tool not in ("plan_itn", "what_if_plan") for s in d.steps)


# --- the value an offer left out, given as the answer ----------------------------------------

PLAN5 = {**FULL, "total_nets": 480_000, "household_size": 5.0}


def _offer():
    d = run("change the household size to 5 or 6, whichever", plan=PLAN5)
    assert d.steps == [] and d.pending and d.pending.get("strays") == ["6"]
    return d.pending


def test_the_number_left_out_of_an_offer_is_the_one_meant():
    d = run("6", plan=PLAN5, pending=_offer())
    assert acts(d) == [("what_if_plan", {"household_size": 6})]


@pytest.mark.parametrize("text", ["7", "8 people"])
def test_another_number_than_the_one_left_out_is_not_taken(text):
    d = run(text, plan=PLAN5, pending=_offer())
    assert ("what_if_plan", {"household_size": 7}) not in acts(d)
    assert ("what_if_plan", {"household_size": 8}) not in acts(d)


# --- two values said for the one missing: "the first one" -----------------------------------

def _asked(text="plan 400k or 450k not sure, hh 5"):
    d = run(text, plan=None, last={"tool": "run_analysis", "params": {}})
    assert d.steps == [] and d.pending and d.pending.get("expects") == "plan_numbers"
    return d


def test_two_values_for_the_stock_are_both_named_in_the_question():
    d = _asked()
    assert "400,000 or 450,000" in d.text
    assert d.pending["alternatives"] == [{"total_nets": 400_000}, {"total_nets": 450_000}]


@pytest.mark.parametrize("answer,total", [("d first one", 400_000), ("the first", 400_000),
                                          ("the second one", 450_000), ("ok the last one",
                                                                        450_000),
                                          ("go with the 2nd", 450_000)])
def test_the_place_in_the_list_picks_the_value(answer, total):
    d = run(answer, plan=None, pending=_asked().pending,
            last={"tool": "run_analysis", "params": {}})
    assert acts(d) == [("plan_itn", {"household_size": 5, "total_nets": total})]


def test_a_third_of_two_values_is_no_pick():
    d = run("the third one", plan=None, pending=_asked().pending,
            last={"tool": "run_analysis", "params": {}})
    assert not any(s.tool == "plan_itn" for s in d.steps)


@pytest.mark.parametrize("text", ["plan 400k and 450k, hh 5", "plan 400k, hh 5, 450k"])
def test_two_values_not_said_as_alternatives_keep_the_usual_question(text):
    d = run(text, plan=None, last={"tool": "run_analysis", "params": {}})
    assert not (d.pending or {}).get("alternatives")


# --- "what if we use 5 instead?": a value said in place of the plan's --------------------------

PLAN6 = {**FULL, "total_nets": 350_000, "household_size": 6.0}
ASKED = {"tool": "ask_results", "params": {"about": "plan_totals"}}


def test_a_value_used_instead_is_the_one_setting_it_can_be():
    d = run("use 5 instead", plan=PLAN6, last=ASKED)
    assert acts(d) == [("what_if_plan", {"household_size": 5})]


@pytest.mark.parametrize("text", ["what would happen if we use 5 instead? don't run it, I'm "
                                  "only thinking", "what if we use 5 instead?"])
def test_a_value_used_instead_in_a_question_is_offered_not_planned(text):
    d = run(text, plan=PLAN6, last=ASKED)
    assert d.steps == []
    offered = [c for c in d.choices if c.get("steps")]
    assert offered and offered[0]["params"] == {"household_size": 5}
    done = run("hmm ok, do it", plan=PLAN6, last=ASKED, pending=d.pending)
    assert acts(done) == [("what_if_plan", {"household_size": 5})]


@pytest.mark.parametrize("text", ["use 2.5 instead", "use 50 instead of the default"])
def test_a_value_used_instead_that_fits_no_one_setting_is_not_planned(text):
    d = run(text, plan=PLAN6, last=ASKED)
    assert d.steps == []


# --- the stock said again with the household size asked -------------------------------------

def test_the_stock_corrected_in_the_answer_to_the_household_size():
    first = run("net plan for hundred thousand nets", plan=None,
                last={"tool": "run_analysis", "params": {}})
    assert first.steps == [] and first.pending["params"] == {"total_nets": 100_000}
    d = run("four hundred thousand. house hold size five", plan=None, pending=first.pending,
            last={"tool": "run_analysis", "params": {}})
    assert acts(d) == [("plan_itn", {"total_nets": 400_000, "household_size": 5})]


def test_the_household_size_alone_keeps_the_stock_asked_with():
    first = run("net plan for 300k nets", plan=None, last={"tool": "run_analysis", "params": {}})
    d = run("household size five", plan=None, pending=first.pending,
            last={"tool": "run_analysis", "params": {}})
    assert acts(d) == [("plan_itn", {"total_nets": 300_000, "household_size": 5})]


# --- "the first one we started with" ----------------------------------------------------------

HISTORY = {"ids": ["a", "b", "c"], "at": 1,
           "params": [{"total_nets": 400_000, "household_size": 5},
                      {"total_nets": 450_000, "household_size": 5},
                      {"total_nets": 450_000, "household_size": 5, "bale_size": 50}]}


@pytest.mark.parametrize("text", ["hmm, go back to the first one we started with",
                                  "go back to the one we started with",
                                  "back to the plan we started with",
                                  "go back to the original one we made"])
def test_the_plan_we_started_with_is_the_first(text):
    from chatmrpt.chat import plan_ops
    back = plan_ops.step_back(text, HISTORY, "plan_itn")
    assert back is not None and back.get("index") == 0


@pytest.mark.parametrize("text", ["the one we started with", "go back to the one we made with "
                                  "bales", "we started with 400k"])
def test_other_words_about_starting_are_no_step_to_the_first(text):
    from chatmrpt.chat import plan_ops
    back = plan_ops.step_back(text, HISTORY, "plan_itn")
    assert back is None or back.get("index") != 0


# --- "how many nets does it get?" after "which LGA gets the most?" ---------------------------

MOST = {"tool": "ask_results", "params": {"about": "plan_lga", "order": "most"}}


def _focus_after(data):
    from chatmrpt.chat import focus as fc
    return fc.after_answer(fc.Focus(), "which LGA gets the most?", data)


def test_the_one_lga_picked_by_an_answer_is_the_focus():
    f = _focus_after({"lga": ["Kuwe South"], "nets": 144201, "measure": "nets_allocated",
                      "coded": False})
    assert f.lga == "Kuwe South"
    f = _focus_after({"lga": ["20013"], "nets": 1, "measure": "nets_allocated", "coded": True})
    assert f.lga_code == "20013" and f.lga is None


def test_several_lgas_tied_leave_no_focus():
    from chatmrpt.chat import focus as fc
    before = fc.Focus(lga="Kuwe South")
    f = fc.after_answer(before, "which LGA gets the fewest?",
                        {"lga": ["Lida", "Raku"], "nets": 0, "measure": "nets_allocated"})
    assert f.lga is None


def _resolve(text, last=MOST, lga="Kuwe South"):
    from chatmrpt.chat import focus as fc
    return fc.resolve(text, ex.lower_text(text), fc.Focus(lga=lga), last, ("Kuwe South", "Lida"))


@pytest.mark.parametrize("text", ["how many nets does it get?", "how many nets does that LGA "
                                  "get", "and its coverage?", "how many nets e get"])
def test_it_after_the_lga_picked_is_that_lga(text):
    r = _resolve(text)
    assert r is not None and r.step == {"tool": "ask_results",
                                        "params": {"about": "plan_lga", "lga": "Kuwe South"}}


@pytest.mark.parametrize("text,last", [
    ("how many nets does it get?", {"tool": "ask_results", "params": {"about": "plan_totals"}}),
    ("how many nets does it get?", {"tool": "ask_results",
                                    "params": {"about": "plan_lga", "lga": "Lida"}}),
    ("how many wards does it have", MOST),
    ("add 50k nets to it", MOST),
    ("how many nets does Lida get?", MOST),
])
def test_other_questions_are_not_the_lga_picked(text, last):
    r = _resolve(text, last)
    assert r is None or r.step != {"tool": "ask_results",
                                   "params": {"about": "plan_lga", "lga": "Kuwe South"}}


# --- "make it 6" after "increase it by 20%": the percentage again, or a setting --------------

RAISED = {"ids": ["a", "b"], "at": 1,
          "params": [{"total_nets": 400_000, "household_size": 5},
                     {"total_nets": 480_000, "household_size": 5}]}
PLAN480 = {**FULL, "total_nets": 480_000, "household_size": 5.0}


def _run_with(text, history, last):
    ctx = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=NORTH_WARDS,
                        analysis_status="succeeded", last_plan=PLAN480)
    return decide(text, ctx, DialogueState(last=last, plans=history), FACTS)


@pytest.mark.parametrize("last", [ASKED, {"tool": "what_if_plan",
                                          "params": {"total_nets": 480_000}}])
def test_a_bare_value_after_a_percentage_change_is_asked(last):
    d = _run_with("make it 6", RAISED, last)
    assert d.steps == []
    params = [c["params"] for c in d.choices if c.get("steps")]
    assert {"household_size": 6} in params and {"total_nets": 424_000} in params
    answer = decide("the household size", RouterContext(
        has_dataset=True, variables=DEMO_VARIABLES, wards=NORTH_WARDS,
        analysis_status="succeeded", last_plan=PLAN480),
        DialogueState(last=last, plans=RAISED, pending=d.pending), FACTS)
    assert acts(answer) == [("what_if_plan", {"household_size": 6})]


@pytest.mark.parametrize("history", [
    None,
    {"ids": ["a", "b"], "at": 1, "params": [{"total_nets": 400_000, "household_size": 5},
                                            {"total_nets": 480_000, "household_size": 6}]},
    {"ids": ["a", "b"], "at": 1, "params": [{"total_nets": 450_000, "household_size": 5},
                                            {"total_nets": 480_000, "household_size": 5}]},
])
def test_a_bare_value_with_no_percentage_change_before_takes_its_setting(history):
    d = _run_with("make it 6", history, ASKED)
    assert acts(d) == [("what_if_plan", {"household_size": 6})]


def test_a_setting_named_after_a_percentage_change_is_no_question():
    d = _run_with("make it 6 per household", RAISED, ASKED)
    assert acts(d) == [("what_if_plan", {"household_size": 6})]
