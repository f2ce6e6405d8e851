"""Plans, offers and what must not act: a plan asked for a state the table is not plans
nothing; a file only to be mailed is not made; one step of an offer named is only that step;
a check with someone first puts a plan off; an offer not taken is not the plan; a value of
the plan said to be kept is no doubt; the reprioritisation at its default target."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.extract import WardRef
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import DEMO_VARIABLES


def run(text, last=None, pending=None, last_plan=None, area=("kano_demo.csv",), repri=None):
    c = RouterContext(has_dataset=True, variables=DEMO_VARIABLES,
                      wards=(WardRef("Danjalba", None), WardRef("Malano", None)),
                      analysis_status="succeeded", last_plan=last_plan)
    f = Facts(analysis_variables=DEMO_VARIABLES[:3], lgas=("Rimai", "Ganja", "Doragar"),
              ward_count=300, area=area, last_repri=repri or {})
    return decide(text, c, DialogueState(pending, last), f)


def steps(d):
    return [(s.tool, dict(s.params)) for s in d.steps]


# --- a plan for a state the table is not --------------------------------------------------

@pytest.mark.parametrize("text,place", [
    ("pls make a plan for Lagos state, 200k nets hh 5", "Lagos"),
    ("plan 500k nets for Oyo, household size 6", "Oyo"),
    ("allocate 1 million nets across Lagos state with hh size 5", "Lagos"),
    ("make an ITN plan for Kwara state: 300k nets, 5 per household", "Kwara"),
])
def test_plan_for_another_state_plans_nothing(text, place):
    d = run(text)
    assert not d.steps, (d.text, d.steps)
    assert place in d.text
    assert d.pending and d.pending["choices"][0]["tool"] == "plan_itn"


@pytest.mark.parametrize("text,nets", [
    ("ok plan 200k nets for this state then, 5 per household", 200000),
    ("plan 200k nets for Kano state, hh 5", 200000),
    ("make a plan for the state, 300k nets, household size 5", 300000),
    ("plan 400k nets, household size 5", 400000),
])
def test_plan_for_own_state_plans(text, nets):
    d = run(text)
    assert [s.tool for s in d.steps] == ["plan_itn"], (d.text, d.steps)
    assert d.steps[0].params["total_nets"] == nets


# --- a file asked only to be mailed ---------------------------------------------------------

PLAN = {"total_nets": 450000, "household_size": 5, "urban_threshold": 75, "method": "composite",
        "strategy": "stop", "people_per_net": 1.8, "buffer": 1, "bale_size": 1}
LAST_PLAN = {"tool": "plan_itn", "params": PLAN}


def run_plan(text, pending=None):
    return run(text, last=LAST_PLAN, pending=pending, last_plan=PLAN)


@pytest.mark.parametrize("text,param,value", [
    ("household size 6 and send the file to nmep.data@gmail.com", "household_size", 6),
    ("make it 500k nets and send it to planning.unit@who.int", "total_nets", 500000),
    ("household size 7, then email it to the commissioner", "household_size", 7),
])
def test_change_with_a_mail_order_is_made_and_no_mail_said(text, param, value):
    d = run_plan(text)
    assert [s.tool for s in d.steps if s.tool.startswith("export")] == [], (d.text, d.steps)
    assert d.steps and d.steps[0].params.get(param) == value, (d.text, d.steps)
    assert any("cannot send e-mail" in n for n in d.not_done), d.not_done


def test_plan_sent_to_an_address_alone_asks_the_format():
    d = run_plan("send the plan to nmep.data@gmail.com")
    assert not d.steps
    assert {c["params"].get("format") for c in d.choices} == {"xlsx", "csv"}


@pytest.mark.parametrize("text,fmt", [
    ("household size 6 and export the plan as csv to my email", "csv"),
    ("send the plan as excel to nmep.data@gmail.com", "xlsx"),
])
def test_file_with_its_format_and_a_mail_is_still_made(text, fmt):
    d = run_plan(text)
    files = [s for s in d.steps if s.tool == "export_results"]
    assert files and files[0].params["format"] == fmt, (d.text, d.steps)


# --- one step of a several-step offer named on its own ------------------------------------

BOTH_OFFERED = {"label": "Re-plan with household size 6; Export the net plan as CSV",
                "tool": "export_results", "params": {"what": "itn_plan", "format": "csv"},
                "steps": [{"tool": "what_if_plan", "params": {"household_size": 6}, "echo": None},
                          {"tool": "export_results",
                           "params": {"what": "itn_plan", "format": "csv"}, "echo": None}]}
PENDING_BOTH = {"expects": "choice", "strays": [], "offered": False,
                "choices": [BOTH_OFFERED, {"label": "No, leave it", "tool": "", "params": {},
                                           "cancel": True}]}


@pytest.mark.parametrize("text", ["export plan as csv", "export the net plan as csv",
                                  "net plan csv"])
def test_one_part_of_an_offer_named_is_only_that(text):
    d = run_plan(text, pending=PENDING_BOTH)
    assert [s.tool for s in d.steps] == ["export_results"], (d.text, d.steps)


@pytest.mark.parametrize("text", ["yes", "go ahead", "ok do it"])
def test_offer_taken_does_all_of_it(text):
    d = run_plan(text, pending=PENDING_BOTH)
    assert [s.tool for s in d.steps] == ["what_if_plan", "export_results"], (d.text, d.steps)


# --- the user checks with someone first -----------------------------------------------------

@pytest.mark.parametrize("text", [
    "let me check with my boss first, then plan 500k",
    "ok, I'll check with the director, then plan 600k",
    "I will confirm with the team before we plan 500k nets",
    "we need to run it by the commissioner first, then make it 550k",
    "lemme discuss with my supervisor first then household size 6",
])
def test_own_check_first_plans_nothing(text):
    d = run_plan(text)
    assert not d.steps, (d.text, d.steps)


def test_own_check_first_offers_the_plan():
    d = run_plan("let me check with my boss first, then plan 500k")
    assert d.pending and d.pending["choices"][0]["params"].get("total_nets") == 500000


def test_own_check_first_without_a_plan_yet_plans_nothing():
    d = run("let me check with my boss first, then plan 500k nets household size 5")
    assert not d.steps, (d.text, d.steps)


@pytest.mark.parametrize("text,nets", [
    ("plan 500k nets, we will discuss it with the team", 500000),
    ("plan 500k, I will check it with my boss later", 500000),
    ("first check the top 10 wards, then plan 500k", 500000),
    ("make it 600k", 600000),
])
def test_order_now_still_plans(text, nets):
    d = run_plan(text)
    plans = [s for s in d.steps if s.tool in ("plan_itn", "what_if_plan")]
    assert plans and plans[0].params["total_nets"] == nets, (d.text, d.steps)


# --- an offer not taken is not the plan -----------------------------------------------------

def _offer(nets, offered=True):
    step = {"tool": "what_if_plan", "params": {"total_nets": nets}}
    return {"expects": "choice", "offered": offered, "tool": "what_if_plan", "strays": [],
            "choices": [{"label": f"Re-plan with {nets:,} nets", **step,
                         "steps": [{**step, "echo": ""}]},
                        {"label": "No, leave it", "tool": "", "params": {}, "cancel": True}]}


@pytest.mark.parametrize("text,nets", [("ok make it 450k", 450000),
                                       ("no, plan 500k nets", 500000)])
def test_plan_made_drops_an_earlier_plan_offer(text, nets):
    pending = {**_offer(380000, offered=False), "previous": _offer(1200000)}
    d = run_plan(text, pending=pending)
    assert d.steps and d.steps[0].params.get("total_nets") == nets, (d.text, d.steps)
    assert not d.pending or all(c["params"].get("total_nets") != 1200000
                                for c in d.pending.get("choices", [])), d.pending


def test_list_shown_keeps_an_earlier_plan_offer():
    pending = {"expects": "choice", "strays": [], "tool": "top_wards",
               "choices": [{"label": "Top 10 wards", "tool": "top_wards", "params": {"n": 10}},
                           {"label": "No, leave it", "tool": "", "params": {}, "cancel": True}],
               "previous": _offer(1200000)}
    d = run_plan("yes", pending=pending)
    assert [s.tool for s in d.steps] == ["top_wards"], (d.text, d.steps)
    assert d.pending and d.pending["choices"][0]["params"].get("total_nets") == 1200000


# --- a value of the plan said to be kept ------------------------------------------------------

PCA60 = {**PLAN, "total_nets": 600000, "urban_threshold": 60, "method": "pca"}


def run_pca60(text):
    return run(text, last={"tool": "what_if_plan", "params": {"urban_threshold": 60}},
               last_plan=PCA60)


@pytest.mark.parametrize("text", [
    "put it back to composite, keep the 60",
    "allocate by composite again, keeping the 60",
    "change the method to composite but keep the 60",
    "switch back to composite and keep the 5",
])
def test_plan_value_kept_is_no_doubt(text):
    d = run_pca60(text)
    assert [s.tool for s in d.steps] == ["what_if_plan"], (d.text, d.steps)
    assert d.steps[0].params.get("method") == "composite"


@pytest.mark.parametrize("text", ["switch to composite, keep 50",
                                  "back to composite, keep the 70"])
def test_other_value_said_kept_is_asked(text):
    d = run_pca60(text)
    assert not d.steps and d.choices, (d.text, d.steps)


# --- the reprioritisation's default target ----------------------------------------------------

REPRI20 = {"target": 20.0, "thresholds": [20.0, 30.0, 50.0, 75.0]}
REPRI_TALK = {"tool": "ask_results", "params": {"about": "repri_count", "threshold": 30}}
EXPLAINED = {"tool": "explain_methodology", "params": {"topic": "urban"}}


@pytest.mark.parametrize("text", [
    "run it at the default target",
    "ok rerun it with the standard target",
    "reprioritise with the usual target again",
    "use the default population target please",
])
def test_default_target_run(text):
    d = run(text, last=EXPLAINED)
    assert [(s.tool, s.params.get("target_share")) for s in d.steps] == \
        [("reprioritize_urban", 30.0)], (d.text, d.steps)


@pytest.mark.parametrize("text", [
    "back to the default 30",
    "ok back to the default target",
    "go back to the default 30%",
    "back to the default",
])
def test_back_to_the_default_target(text):
    d = run(text, last=REPRI_TALK, repri=REPRI20)
    assert [(s.tool, s.params.get("target_share")) for s in d.steps] == \
        [("reprioritize_urban", 30.0)], (d.text, d.steps)


@pytest.mark.parametrize("text,last,repri", [
    ("back to the default 50", REPRI_TALK, REPRI20),  # not the default target
    ("what is the default target?", REPRI_TALK, REPRI20),  # a question
    ("back to the default", LAST_PLAN, REPRI20),  # said of the plan
    ("back to the default", REPRI_TALK, {"target": 20.0, "thresholds": [40.0]}),  # both changed
])
def test_default_said_of_something_else_is_no_default_target(text, last, repri):
    d = run(text, last=last, repri=repri, last_plan=PLAN)
    assert not any(s.tool == "reprioritize_urban" and s.params.get("target_share") == 30.0
                   for s in d.steps), (d.text, d.steps)
