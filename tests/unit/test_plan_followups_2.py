"""Plan and reprioritisation follow-ups: corrections and settings put back, a plan for one LGA
only (never made), LGA figures asked in few words, a change put off while a question is
answered, and the last reprioritisation run again at another threshold."""

from __future__ import annotations

import pytest

from chatmrpt.chat import extract as ex
from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.retraction import find_retraction
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

PLAN = {"total_nets": 400_000, "household_size": 5, "urban_threshold": 75,
        "people_per_net": 1.8, "strategy": "stop", "bale_size": 1, "buffer": 1}
LGAS = ("Fagge", "Zaria", "Kuwe South")
FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=LGAS,
              ward_count=len(NORTH_WARDS))
REPRI_FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=LGAS,
                    ward_count=len(NORTH_WARDS),
                    last_repri={"thresholds": [20], "target": 30})


def ctx(plan=PLAN):
    return RouterContext(has_dataset=True, variables=(*DEMO_VARIABLES, "Population"),
                         wards=NORTH_WARDS, analysis_status="succeeded", last_plan=plan)


def run(text, plan=PLAN, last="what_if_plan", params=None, pending=None, facts=FACTS):
    state = DialogueState(pending=pending,
                          last={"tool": last, "params": params or {}} if last else None)
    return decide(text, ctx(plan), state, facts)


def acted(d):
    return [(s.tool, s.params) for s in d.steps]


# --- corrections and settings put back ----------------------------------------------------------

@pytest.mark.parametrize("text", ["wait make it 450k total not 500", "450k in total, not 500k",
                                  "make am 450k nets not 500k", "no, 450k not 500"])
def test_a_total_corrected_with_a_unit_word(text):
    d = run(text, plan={**PLAN, "total_nets": 500_000})
    assert acted(d) == [("what_if_plan", {"total_nets": 450_000})]


@pytest.mark.parametrize("text", ["back to 1.8 pls", "go back to 1.8", "revert to 1.8"])
def test_people_per_net_put_back(text):
    d = run(text, plan={**PLAN, "people_per_net": 2})
    assert acted(d) == [("what_if_plan", {"people_per_net": 1.8})]


def test_back_to_a_value_after_something_else_is_not_a_plan_change():
    d = run("back to 1.8 pls", plan={**PLAN, "people_per_net": 2}, last="top_wards")
    assert not any(s.tool in ("plan_itn", "what_if_plan") for s in d.steps)


@pytest.mark.parametrize("text", ["on second thought, undo that", "on second thoughts undo that",
                                  "come to think of it, undo that"])
def test_a_second_thought_lead_takes_nothing_back(text):
    assert find_retraction(text, PLAN) is None


def test_a_request_taken_back_is_still_taken_back():
    r = find_retraction("plan 500k nets, no wait, leave it", PLAN)
    assert r is not None and not r.text


@pytest.mark.parametrize("text", ["5 per hse", "5 per hhold"])
def test_household_size_answered_in_short(text):
    pending = {"expects": "plan_numbers", "tool": "plan_itn",
               "params": {"total_nets": 300_000}, "missing": ["household_size"]}
    d = run(text, plan=None, last=None, pending=pending)
    assert acted(d) == [("plan_itn", {"total_nets": 300_000, "household_size": 5})]


def test_a_new_stock_while_the_household_size_is_asked_replaces_the_pending_one():
    pending = {"expects": "plan_numbers", "tool": "plan_itn",
               "params": {"total_nets": 300_000}, "missing": ["household_size"]}
    d = run("make am 350k", plan=None, last=None, pending=pending)
    assert d.steps == []
    assert d.pending["params"]["total_nets"] == 350_000


# --- a plan for one LGA only ------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "can you make a separate plan for only Kuwe South LGA with 50k nets?",
    "plan 50k nets for Fagge only",
    "give Zaria its own plan of 20k nets",
    "replan 60k nets just for kuwe south",
])
def test_a_plan_for_one_lga_is_not_made(text):
    d = run(text)
    assert d.steps == [], acted(d)
    assert "alone" in d.text
    assert d.choices[0]["tool"] in ("plan_itn", "what_if_plan")
    assert d.choices[-1].get("cancel")


@pytest.mark.parametrize("text", ["plan 50k nets", "replan with 500k nets"])
def test_a_whole_area_plan_is_made(text):
    d = run(text)
    assert d.steps and d.steps[0].tool in ("plan_itn", "what_if_plan")


def test_a_plan_then_a_question_about_an_lga_is_made():
    d = run("replan with 500k and tell me how many nets Fagge gets")
    assert d.steps and d.steps[0].tool in ("plan_itn", "what_if_plan")


# --- an LGA's figures in few words ------------------------------------------------------------

@pytest.mark.parametrize("text", ["Kuwe South now?", "Fagge now", "and Zaria now pls",
                                  "what about fagge now?"])
def test_an_lga_now_after_a_replan(text):
    d = run(text)
    assert [s.params.get("about") for s in d.steps] == ["plan_lga"]


def test_an_lga_now_with_no_plan_talk_is_not_a_plan_figure():
    d = run("Fagge now", last="top_wards")
    assert not any(s.params.get("about") == "plan_lga" for s in d.steps)


@pytest.mark.parametrize("text", ["and how many of its wards are fully covered",
                                  "how many nets does it need", "and their coverage?"])
def test_its_figures_after_an_lgas_figures(text):
    d = run(text, last="ask_results", params={"about": "plan_lga", "lga": "Zaria"})
    assert acted(d) == [("ask_results", {"about": "plan_lga", "lga": "Zaria"})]


def test_its_figures_after_the_totals_stay_the_totals():
    d = run("and how many of its wards are fully covered", last="ask_results",
            params={"about": "plan_totals"})
    assert not any(s.params.get("lga") for s in d.steps)


def test_two_lgas_compared_in_order():
    d = run("compare Zaria and Kuwe South for me: how many nets is Zaria getting, then Kuwe South")
    assert [s.params.get("lga") for s in d.steps] == ["Zaria", "Kuwe South"]


def test_two_lgas_in_a_map_request_are_not_plan_figures():
    d = run("map Zaria and Kuwe South nets")
    assert not any(s.params.get("about") == "plan_lga" for s in d.steps)


@pytest.mark.parametrize("text", ["How many people does one net cover in this plan?",
                                  "each net covers how many people"])
def test_people_per_net_asked(text):
    d = run(text)
    assert acted(d) == [("ask_results", {"about": "plan_params"})]


def test_people_per_net_as_a_what_if_is_no_figure():
    d = run("what if one net covers 2 people?")
    assert not any(s.params.get("about") == "plan_params" for s in d.steps)


# --- a change put off while a question is answered --------------------------------------------

def test_a_reprioritisation_put_off_is_offered_while_the_question_is_answered():
    d = run("we want to de-prioritise the very urban wards. what does the 20% vs 50% urban "
            "mean? dont run it yet", last=None)
    assert all(s.tool != "reprioritize_urban" for s in d.steps), acted(d)
    assert any(c.get("tool") == "reprioritize_urban" for c in d.choices)


def test_a_reprioritisation_asked_now_runs():
    d = run("de-prioritise the urban wards at 20%", last=None)
    assert any(s.tool == "reprioritize_urban" for s in d.steps)


def test_the_percent_one_is_no_number():
    assert [n.value for n in ex.extract_numbers("ok the 20% one, run it")] == [20]
    assert [n.value for n in ex.extract_numbers("20% one hundred")] == [20, 100]


@pytest.mark.parametrize("last,params", [("reprioritize_urban", {"thresholds": [20]}),
                                         ("show_map", {"what": "urban", "threshold": 20})])
@pytest.mark.parametrize("text", ["run it again at 60 percent", "redo am with 60%"])
def test_the_reprioritisation_run_again_at_another_threshold(text, last, params):
    d = run(text, last=last, params=params, facts=REPRI_FACTS)
    assert [(s.tool, s.params.get("thresholds")) for s in d.steps] == \
        [("reprioritize_urban", [60])]


def test_run_it_again_after_a_plan_is_not_a_reprioritisation():
    d = run("run it again at 60 percent", last="what_if_plan")
    assert not any(s.tool == "reprioritize_urban" for s in d.steps)


# --- a setting removed, asked about first -----------------------------------------------------

CAPPED = {**PLAN, "strategy": "capped", "max_ward_share": 3}


def test_removing_the_cap_asked_about_is_offered_as_the_removal():
    d = run("what would happen if we removed the cap? dont change anything yet, just explain",
            plan=CAPPED)
    assert d.steps == []
    offered = d.choices[0]
    assert offered["params"].get("strategy") != "capped"


def test_ok_remove_the_cap_after_the_offer_removes_it():
    d = run("what would happen if we removed the cap? dont change anything yet, just explain",
            plan=CAPPED)
    d2 = run("ok remove the cap", plan=CAPPED, pending=d.pending)
    assert d2.steps and d2.steps[0].params.get("strategy") != "capped"
    assert not d2.steps[0].params.get("max_ward_share")


# --- an offer left aside, and a yes with a request --------------------------------------------

def test_a_change_after_an_offer_left_aside_applies_to_the_plan():
    offer = {"label": "Re-plan with 290,000 nets", "tool": "what_if_plan",
             "params": {"total_nets": 290_000},
             "steps": [{"tool": "what_if_plan", "params": {"total_nets": 290_000}, "echo": ""}]}
    pending = {"expects": "choice", "choices": [offer], "offered": True, "kept": True,
               "tool": "what_if_plan"}
    d = run("remove the buffer, keep the bales", plan={**PLAN, "buffer": 1.05, "bale_size": 50},
            pending=pending, last="export_results")
    assert acted(d) == [("what_if_plan", {"buffer": 1})]


def test_a_change_right_after_an_offer_still_asks_which_plan():
    offer = {"label": "Re-plan with 290,000 nets", "tool": "what_if_plan",
             "params": {"total_nets": 290_000},
             "steps": [{"tool": "what_if_plan", "params": {"total_nets": 290_000}, "echo": ""}]}
    pending = {"expects": "choice", "choices": [offer], "offered": True, "tool": "what_if_plan"}
    d = run("same but household size 6", pending=pending)
    assert d.steps == [] or d.reading.get("answered")


def test_yes_do_that_with_a_request_and_nothing_offered_runs_the_request():
    state = DialogueState(last={"tool": "show_map", "params": {"what": "composite"}},
                          shown={"kind": "map", "what": "composite"})
    d = decide("yes do that, save it as png", ctx(), state, FACTS)
    assert [(s.tool, s.params.get("format")) for s in d.steps] == [("export_view", "png")]


@pytest.mark.parametrize("text,rest", [("yes do that, save it as png", "save it as png"),
                                       ("yes, top 5 wards", "top 5 wards"),
                                       ("ok pls export the plan", "export the plan")])
def test_a_yes_before_a_request(text, rest):
    from chatmrpt.chat.dialogue import YES_LEAD
    m = YES_LEAD.match(text)
    assert m is not None and text[m.end():] == rest


@pytest.mark.parametrize("text", ["alright, do it with the usual settings",
                                  "ok do it again at 60%", "yes go ahead"])
def test_a_yes_that_is_the_request(text):
    from chatmrpt.chat.dialogue import YES_LEAD
    m = YES_LEAD.match(text)
    assert m is None or len(text[m.end():].split()) < 2
