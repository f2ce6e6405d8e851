"""A variable change said with a doubt ("maybe add soil wetness? not sure") is offered with the
analysis' own variables kept, never run; one already in the analysis is said to be there."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, decide
from tests.unit.test_chat_dialogue import FACTS, USED, ctx

AFTER_ANALYSIS = DialogueState(last={"tool": "run_analysis", "params": {}})


@pytest.mark.parametrize("text", [
    "maybe add soil wetness? not sure", "hmm maybe add soil wetness too? what do you think",
    "perhaps add soil wetness?", "maybe we add soil wetness? I'm not sure",
])
def test_a_doubted_addition_is_offered_with_the_variables_kept(text):
    d = decide(text, ctx(), AFTER_ANALYSIS, FACTS)
    assert d.steps == [], text
    assert d.choices, text
    offered = d.choices[0]
    assert offered["tool"] == "run_analysis"
    assert sorted(offered["params"]["variables"]) == sorted([*USED, "soil_wetness"]), offered
    assert d.choices[-1].get("cancel")


@pytest.mark.parametrize("text", ["maybe add rainfall? not sure", "perhaps add rainfall too?"])
def test_a_doubted_addition_already_used_is_said_to_be_there(text):
    d = decide(text, ctx(), AFTER_ANALYSIS, FACTS)
    assert d.steps == [] and not d.choices
    assert "already in the analysis" in d.text


@pytest.mark.parametrize("text", ["maybe add soil wetness? not sure, leave it",
                                  "maybe add soil wetness? no, forget it"])
def test_a_doubted_addition_turned_down_runs_nothing(text):
    d = decide(text, ctx(), AFTER_ANALYSIS, FACTS)
    assert not any(s.tool == "run_analysis" for s in d.steps), text


@pytest.mark.parametrize("text", ["does the analysis include soil wetness?", "what is soil wetness?",
                                  "how many wards have soil wetness above 0.5?"])
def test_questions_about_a_variable_are_no_change(text):
    d = decide(text, ctx(), AFTER_ANALYSIS, FACTS)
    assert not any(s.tool == "run_analysis" for s in d.steps), text
    assert not any(len((c.get("params") or {}).get("variables") or ()) == 1
                   for c in (d.choices or [])), text


def test_a_variable_asked_about_is_said_to_be_out_and_offered_with_the_others():
    d = decide("does the analysis include soil wetness?", ctx(), AFTER_ANALYSIS, FACTS)
    assert d.steps == []
    assert d.text.startswith("soil_wetness is not in the analysis, which uses u5_tpr_rdt")
    assert d.choices[0]["params"]["variables"] == [*USED, "soil_wetness"]
