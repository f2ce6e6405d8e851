"""Short forms typed on a phone ("rnk d wards", "hw mny wards hgh", "toop 3", "wards not
covred?") read as the plain words, and the reprioritisation's target corrected with the value
taken back named too ("I typed 20 but the target should be 25 percent. same 50 threshold",
"forget the 25. put the target back to the default 30")."""
from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts
from chatmrpt.chat.normalize import plain_text
from tests.unit.test_dialogue_guards import FACTS, USED, run


@pytest.mark.parametrize("typed,plain", [
    ("rnk d wards", "rank the wards"),
    ("pls rnak d wards", "please rank the wards"),
    ("rnk d kano wards pls", "rank the kano wards please"),
    ("hw mny wards hgh", "how many wards high"),
    ("toop 3 in rimai pls", "top 3 in rimai please"),
    ("wards not covred?", "wards not covered?"),
    ("top 5 agn", "top 5 again"),
])
def test_short_forms_read_as_plain_words(typed, plain):
    assert plain_text(typed) == plain


def test_a_name_spelled_like_a_short_form_is_kept():
    assert plain_text("top 3 in Rnk", names=["Rnk"]) == "top 3 in Rnk"


REPRI = Facts(analysis_variables=USED, lgas=FACTS.lgas, ward_count=FACTS.ward_count,
              last_repri={"thresholds": [50.0], "target": 20.0})
AFTER = DialogueState(last={"tool": "reprioritize_urban",
                            "params": {"thresholds": [50.0], "target_share": 20.0}})


def repri(d):
    return [(s.tool, s.params.get("target_share"), s.params.get("thresholds")) for s in d.steps]


@pytest.mark.parametrize("text,target,thresholds", [
    ("sorry, I typed 20 but the target should be 25 percent. same 50 threshold", 25, [50]),
    ("I wrote 20 by mistake, the target should be 25", 25, None),
    ("no wait, forget the 25. put the target back to the default 30", 30, None),
    ("the target should be 25 percent, threshold 40", 25, [40]),
    ("put the target back to the usual 30 percent", 30, None),
])
def test_target_corrected_with_the_value_taken_back(text, target, thresholds):
    d = run(text, state=AFTER, facts=REPRI)
    [(tool, share, got)] = repri(d)
    assert tool == "reprioritize_urban" and share == target
    assert got == (thresholds or [50.0])


@pytest.mark.parametrize("text", [
    "put the target back to 30 and plan 300000 nets",
    "the target should be 25 with 40 more wards",
    "what if the target should be 25, threshold 40?",
])
def test_another_number_is_not_taken_as_a_correction(text):
    d = run(text, state=AFTER, facts=REPRI)
    assert not any(s.tool == "reprioritize_urban" and s.params.get("target_share") == 25
                   and s.params.get("thresholds") == [40] for s in d.steps)
    assert not any(s.tool == "reprioritize_urban" and 300000 in (s.params.get("thresholds") or [])
                   for s in d.steps)


# --- a category counted "on the composite ranking" -------------------------------------------

@pytest.mark.parametrize("text,cat", [
    ("How many wards are Low on the composite ranking?", "Low"),
    ("Very well. How many wards are Low on the composite ranking?", "Low"),
    ("how many wards are medium in the ranking", "Medium"),
    ("how many wards are high by composite score?", "High"),
    ("how many wards are High according to the composite method?", "High"),
])
def test_category_counted_on_the_composite_ranking(text, cat):
    d = run(text)
    assert [(s.tool, s.params.get("category")) for s in d.steps] == [("list_wards", cat)]


@pytest.mark.parametrize("text", [
    "how many wards are Low on the PCA ranking?",
])
def test_another_ranking_is_not_counted_as_the_composite(text):
    d = run(text)
    assert not any(s.tool == "list_wards" and s.params == {"category": "Low"} for s in d.steps)
