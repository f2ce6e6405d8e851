"""Short follow-ups in the users' words: the other ranking method for the plan ("same but
composite"), the same LGA or code as the list before ("d bottom 3 for same code", "d bottom
3 nko", "same 4 raubatsa"), the current plan named by its nets ("for the 500k plan, ..."),
a later stock that is only a question ("what if we get another 100k next month?"), a column
named by the end of its name ("the vegetation index") and files named loosely ("the full ward
dataset", "csv of the same plan")."""

from __future__ import annotations

import pytest

from chatmrpt.chat import extract as ex
from chatmrpt.chat.dialogue import GATE_FAMILY, DialogueState, decide
from chatmrpt.chat.normalize import plain_text
from tests.unit.test_chat_answers import FACTS, PLAN, ctx


def _steps(text, state=None, **kw):
    d = decide(text, ctx(**kw), state or DialogueState(), FACTS)
    return [(s.tool, s.params) for s in d.steps], d


def test_same_but_the_other_method_re_plans_with_it():
    steps, _ = _steps("same but composite", last_plan={**PLAN, "method": "pca"})
    assert steps == [("what_if_plan", {"method": "composite"})]
    steps, d = _steps("same but pca", last_plan={**PLAN, "method": "pca"})
    assert steps == [] and "already uses the PCA ranking" in d.text


def test_a_stock_for_next_month_is_asked_not_planned():
    steps, d = _steps("what if we get another 100k next month?")
    assert not any(t in GATE_FAMILY for t, _ in steps), steps
    assert d.choices, d.text


@pytest.mark.parametrize(("text", "plain"), [
    ("d bottom 3 nko", "what about the bottom 3?"),
    ("Rimai nko?", "what about Rimai?"),
    ("same 4 raubatsa", "same for raubatsa"),
])
def test_pidgin_and_sms_follow_ups_read_in_plain_words(text, plain):
    assert plain_text(text) == plain


def test_a_list_for_the_same_code_keeps_the_code():
    state = DialogueState(last={"tool": "list_wards", "params": {"lga_code": "20037",
                                                                 "category": "High"}})
    steps, d = _steps("d bottom 3 for same code", state=state)
    assert steps == [("list_wards", {"n": 3, "order": "bottom", "lga_code": "20037"})], d.text


def test_the_current_plan_named_by_its_nets_is_no_new_number():
    steps, d = _steps(f"morning. for the {PLAN['total_nets'] // 1000}k plan, hw many nets go "
                      "to Zaria?")
    assert steps == [("ask_results", {"about": "plan_lga", "lga": "Zaria"})], d.text


def test_a_column_named_by_the_end_of_its_name():
    columns = ("test_positivity_rate", "enhanced_vegetation_index", "rainfall")
    found = ex.find_variables("run it with tpr and the vegetation index", columns)
    assert [m.column for m in found] == ["test_positivity_rate", "enhanced_vegetation_index"]


@pytest.mark.parametrize(("text", "params"), [
    ("Please export the full ward dataset as csv", {"what": "unified", "format": "csv"}),
    ("and csv of the same plan", {"what": "itn_plan", "format": "csv"}),
])
def test_files_named_loosely(text, params):
    steps, d = _steps(text)
    assert steps == [("export_results", params)], d.text


def test_a_rule_for_urban_wards_is_the_plans_urban_threshold():
    assert plain_text("Treat wards at 60% urban or above as urban in the plan.") == \
        "use urban threshold 60 in the plan."
    steps, d = _steps("Treat wards at 60% urban or above as urban in the plan.")
    assert steps == [("what_if_plan", {"urban_threshold": 60})], d.text


def test_the_pidgin_plural_is_no_elevation_model():
    steps, d = _steps("top 7 ward dem")
    assert steps == [("top_wards", {"n": 7, "order": "top"})], d.text
