"""Changes of an ITN plan said in few words keep every other setting: a setting removed,
dropped or forgotten goes back to its default; a fraction or multiplier in words changes the
number of nets; a named setting goes back to its default or standard figure; a message
corrected inside itself keeps what it keeps; and a number is never read into a setting it was
not named for."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

PLAN = {"total_nets": 400_000, "household_size": 5, "urban_threshold": 75,
        "method": "composite", "strategy": "stop", "people_per_net": 1.8, "buffer": 1.0,
        "bale_size": 1, "max_ward_share": None}
HISTORY = {"ids": ["a"], "params": [PLAN], "at": 0}
FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=("Fagge", "Zaria"),
              ward_count=len(NORTH_WARDS))
LAST_TOOLS = ["what_if_plan", "ask_results", "top_wards"]


def run(text, last_tool="what_if_plan", plan=PLAN, last_params=None, facts=FACTS):
    c = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=NORTH_WARDS,
                      analysis_status="succeeded", last_plan=plan)
    state = DialogueState(last={"tool": last_tool, "params": last_params or {}},
                          plans={"ids": ["a"], "params": [plan], "at": 0})
    d = decide(text, c, state, facts)
    return [(s.tool, s.params) for s in d.steps], d


# --- a setting removed, dropped or forgotten -----------------------------------------------


@pytest.mark.parametrize("last_tool", LAST_TOOLS)
@pytest.mark.parametrize("text,strategy", [
    ("forget the cap. use the continue rule so smaller wards still get nets", "continue"),
    ("no cap, skip the wards that don't fit and cover the next ones", "continue"),
    ("drop the cap and share the nets in proportion to need", "proportional"),
])
def test_cap_forgotten_on_an_uncapped_plan_takes_the_rule_said(text, strategy, last_tool):
    steps, d = run(text, last_tool)
    assert steps == [("what_if_plan", {"strategy": strategy})], d.text


@pytest.mark.parametrize("text", ["forget the cap", "no cap please", "remove the cap"])
def test_cap_forgotten_on_an_uncapped_plan_changes_nothing(text):
    steps, d = run(text)
    assert steps == [], d.text
    assert "capped" not in str(d.pending)


# --- a named setting back to its default, standard or WHO figure ---------------------------

CHANGED = {**PLAN, "people_per_net": 2, "urban_threshold": 50, "bale_size": 40, "buffer": 1.1}


@pytest.mark.parametrize("last_tool", LAST_TOOLS)
@pytest.mark.parametrize("text,params", [
    ("people per net back to the WHO figure", {"people_per_net": 1.8}),
    ("put people per net back to the recommended value", {"people_per_net": 1.8}),
    ("use the WHO ratio for people per net", {"people_per_net": 1.8}),
    ("urban threshold back to the recommended one", {"urban_threshold": 75}),
    ("ok people per net back to the usual", {"people_per_net": 1.8}),
])
def test_named_setting_back_to_its_default(text, params, last_tool):
    steps, d = run(text, last_tool, plan=CHANGED)
    assert steps == [("what_if_plan", params)], d.text


def test_default_of_a_setting_already_at_default_changes_nothing():
    steps, d = run("people per net back to the WHO figure")
    assert steps == [], d.text


# --- fractions and multipliers in words apply to the net total ----------------------------


@pytest.mark.parametrize("last_tool", LAST_TOOLS[:2])
@pytest.mark.parametrize("text,total", [
    ("ok give it a quarter more nets, same household size", 500_000),
    ("a quarter more nets", 500_000),
    ("a third less nets", 266_667),
    ("make it a fifth fewer nets", 320_000),
    ("increase the nets by a quarter", 500_000),
    ("cut the plan by a tenth", 360_000),
    ("one and a half times the nets", 600_000),
    ("two and a half times as many nets", 1_000_000),
    ("half as many nets again", 600_000),
    ("three quarters of the nets", 300_000),
])
def test_fraction_in_words_changes_only_the_net_total(text, total, last_tool):
    steps, d = run(text, last_tool)
    assert steps == [("what_if_plan", {"total_nets": total})], d.text


@pytest.mark.parametrize("text", [
    "what is a quarter of the wards?",
    "a quarter more households per net",
    "show the third ward",
])
def test_fraction_not_of_the_nets_is_no_plan_change(text):
    steps, d = run(text)
    assert not any(s[0] == "what_if_plan" and "total_nets" in s[1] for s in steps), d.text


# --- a message corrected inside itself, several settings named ------------------------------

ADDED = {**PLAN, "total_nets": 450_000}


@pytest.mark.parametrize("last_tool", LAST_TOOLS[:2])
@pytest.mark.parametrize("text,params", [
    ("and household size 6.. no wait, keep 5 and use 2 people per net", {"people_per_net": 2}),
    ("keep 5 per household and use 2 people per net", {"people_per_net": 2}),
    ("household size 6 and 2 people per net", {"household_size": 6, "people_per_net": 2}),
    ("make it 2 people per net, keep the household size", {"people_per_net": 2}),
])
def test_settings_named_with_their_values_keep_the_rest(text, params, last_tool):
    steps, d = run(text, last_tool, plan=ADDED)
    assert len(steps) == 1 and steps[0][0] == "what_if_plan", d.text
    changed = {k: v for k, v in steps[0][1].items() if ADDED.get(k) != v}
    assert changed == params
    assert "total_nets" not in steps[0][1] or steps[0][1]["total_nets"] == 450_000


# --- the reprioritisation's target given a value -----------------------------------------

REPRI = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=("Fagge", "Zaria"),
              ward_count=len(NORTH_WARDS), last_repri={"target": 20, "thresholds": [30]})


@pytest.mark.parametrize("last_tool", ["list_wards", "show_map", "reprioritize_urban"])
@pytest.mark.parametrize("text,target", [
    ("ok put the target back to the usual 30 percent", 30),
    ("set the target to 25%", 25),
    ("target should be 40 percent now", 40),
])
def test_repri_target_given_its_value(text, target, last_tool):
    steps, d = run(text, last_tool, plan={}, facts=REPRI)
    assert [(t, p.get("target_share")) for t, p in steps] == [("reprioritize_urban", target)], \
        d.text


@pytest.mark.parametrize("text", [
    "what target did we use, 30 percent?",
    "set the threshold to 30 percent on the map",
])
def test_repri_target_not_named_is_not_changed(text):
    steps, d = run(text, "list_wards", plan={}, facts=REPRI)
    assert not any(p.get("target_share") == 30 for _, p in steps), d.text


def test_kept_value_is_no_change_the_other_setting_is():
    plan = {**PLAN, "people_per_net": 2, "strategy": "continue"}
    steps, d = run("back to the normal allocation rule but keep 2 per net", plan=plan)
    assert len(steps) == 1 and steps[0][1].get("strategy") == "stop", d.text
    assert steps[0][1].get("people_per_net", 2) == 2


# --- the ranking named beside another plan change ------------------------------------------


@pytest.mark.parametrize("text,params", [
    ("no sorry, I meant keep composite but cap each ward at 5 percent of the nets",
     {"strategy": "capped", "max_ward_share": 5, "method": "composite"}),
    ("keep composite and a quarter more nets", {"total_nets": 500_000, "method": "composite"}),
])
def test_ranking_named_beside_a_plan_change_is_kept(text, params):
    steps, d = run(text, plan={**PLAN, "method": "pca"})
    assert len(steps) == 1, d.text
    assert {k: v for k, v in steps[0][1].items() if k in params} == params


def test_ranking_already_used_is_not_added():
    steps, d = run("keep composite but cap each ward at 5 percent of the nets")
    assert len(steps) == 1 and "method" not in steps[0][1], d.text


# --- a number is never read into a setting it was not named for --------------------------


@pytest.mark.parametrize("last_tool", LAST_TOOLS)
@pytest.mark.parametrize("text", [
    "the truck carries 120 bales",
    "make it 120 bales",
    "we got 300 bales from the store",
    "we have 3 trucks for the nets",
])
def test_count_of_bales_or_trucks_is_no_net_total(text, last_tool):
    steps, d = run(text, last_tool)
    assert not any("total_nets" in p for _, p in steps), d.text


@pytest.mark.parametrize("text,params", [
    ("bales of 40", {"bale_size": 40}),
    ("40 nets per bale", {"bale_size": 40}),
])
def test_bale_size_still_read(text, params):
    steps, d = run(text)
    assert steps == [("what_if_plan", params)], d.text


# --- more ways of dropping a setting -----------------------------------------------------

SET = {**PLAN, "total_nets": 750_000, "bale_size": 40, "buffer": 1.1, "people_per_net": 2,
       "urban_threshold": 50, "method": "pca", "strategy": "capped", "max_ward_share": 5}


def _changed(steps, plan=SET):
    assert len(steps) == 1 and steps[0][0] in ("what_if_plan", "plan_itn"), steps
    return {k: v for k, v in steps[0][1].items() if plan.get(k) != v}


@pytest.mark.parametrize("last_tool", LAST_TOOLS)
@pytest.mark.parametrize("text,changed", [
    ("forget the pca ranking", {"method": "composite"}),
    ("forget the people per net change", {"people_per_net": 1.8}),
    ("get rid of the bales", {"bale_size": 1}),
    ("scrap the buffer", {"buffer": 1}),
    ("the buffer is not needed any more", {"buffer": 1}),
    ("lose the cap", {"strategy": "stop"}),
    ("remove the buffer and the cap", {"buffer": 1, "strategy": "stop"}),
    ("forget the bales and the cap", {"bale_size": 1, "strategy": "stop"}),
])
def test_dropped_setting_goes_back_to_its_default_only(text, changed, last_tool):
    steps, d = run(text, last_tool, plan=SET)
    got = _changed(steps)
    got.pop("max_ward_share", None)
    assert got == changed, d.text
    assert steps[0][1].get("total_nets", 750_000) == 750_000


@pytest.mark.parametrize("text", ["remove the 2 people per net", "remove the 3 people per net"])
def test_number_of_a_dropped_setting_is_never_its_new_value(text):
    steps, d = run(text, plan=SET)
    assert not any(p.get("people_per_net") in (2, 3) and SET["people_per_net"] != p.get(
        "people_per_net") for _, p in steps), d.text
    assert not any(p.get("people_per_net") == 3 for _, p in steps)
    assert not any(p.get("people_per_net") == 3 for c in d.choices or []
                   for p in [c.get("params", {})])


@pytest.mark.parametrize("text,total", [
    ("add a quarter", 500_000),
    ("one-and-a-half times the nets", 600_000),
    ("add another quarter of the nets", 500_000),
    ("cut a fifth of the nets", 320_000),
    ("increase it by half", 600_000),
    ("take a quarter off", 300_000),
    ("add a third more nets but keep the threshold", 533_333),
    ("20% more nets but keep the urban threshold", 480_000),
])
def test_fraction_with_its_verb(text, total):
    steps, d = run(text, "ask_results")
    assert steps == [("what_if_plan", {"total_nets": total})], d.text


@pytest.mark.parametrize("text", [
    "share a third of the nets with Kano",
    "give a third of the nets to urban wards",
])
def test_fraction_of_the_nets_given_somewhere_is_not_the_total(text):
    steps, d = run(text, "ask_results")
    assert not any("total_nets" in p for _, p in steps), d.text


@pytest.mark.parametrize("text,changed", [
    ("strategy back to the usual", {"strategy": "stop"}),
    ("use the usual ranking", {"method": "composite"}),
    ("go back to the default people per net but keep the buffer", {"people_per_net": 1.8}),
])
def test_usual_setting_named_goes_back_to_its_default(text, changed):
    steps, d = run(text, "ask_results", plan=SET)
    assert len(steps) == 1, d.text
    assert {k: v for k, v in steps[0][1].items() if k in changed} == changed
    assert "buffer" not in steps[0][1] and "total_nets" not in steps[0][1]
