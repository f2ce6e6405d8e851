"""A question about changing the analysis' variables ("what if we remove distance? just
asking") changes nothing but leaves the change on offer, so "ok do it" runs exactly it."""
from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from tests.unit.test_chat_dialogue import ctx

USED = ("u5_tpr_rdt", "rainfall", "housing_quality", "elevation")
FACTS = Facts(analysis_variables=USED, lgas=("Fagge", "Zaria"), ward_count=30)
AFTER_LIST = DialogueState(last={"tool": "top_wards", "params": {"n": 3, "order": "bottom"}})


def offered(d):
    return [sorted(s["params"]["variables"]) for c in d.choices for s in c.get("steps", [])
            if s["tool"] == "run_analysis"]


@pytest.mark.parametrize("text,variables", [
    ("what if we remove rainfall? just asking", ["elevation", "housing_quality", "u5_tpr_rdt"]),
    ("what if we remove rainfall?", ["elevation", "housing_quality", "u5_tpr_rdt"]),
    ("so what if we dropped elevation?", ["housing_quality", "rainfall", "u5_tpr_rdt"]),
    ("what if we added nighttime lights?", sorted([*USED, "nighttime_lights"])),
])
def test_a_variable_change_asked_is_offered_not_run(text, variables):
    d = decide(text, ctx(), AFTER_LIST, FACTS)
    assert d.steps == []
    assert offered(d) == [variables]
    assert d.pending and d.pending.get("choices")


def test_the_offer_is_taken_with_ok_do_it():
    d = decide("what if we remove rainfall? just asking", ctx(), AFTER_LIST, FACTS)
    state = DialogueState(pending=d.pending, last=AFTER_LIST.last)
    d2 = decide("ok do it", ctx(), state, FACTS)
    assert [(s.tool, sorted(s.params["variables"])) for s in d2.steps] == [
        ("run_analysis", ["elevation", "housing_quality", "u5_tpr_rdt"])]


@pytest.mark.parametrize("text", ["what if we had 300k nets?", "what if the threshold was 50?",
                                  "what is rainfall?"])
def test_other_what_ifs_offer_no_variable_change(text):
    d = decide(text, ctx(), AFTER_LIST, FACTS)
    assert not offered(d) and not any(s.tool == "run_analysis" for s in d.steps)
