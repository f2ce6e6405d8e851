"""A list of variables one item of which is said by its kind's words ("only test positivity,
rainfall, housing quality, vegetation index and distance to water bodies") is a list, never
"only the vegetation variables" refused for being too few."""
from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, decide
from tests.unit.test_chat_dialogue import FACTS, ctx

COLUMNS = ("test_positivity_rate", "rainfall", "housing_quality", "enhanced_vegetation_index",
           "distance_to_water_bodies", "Population")


@pytest.mark.parametrize("text", [
    "Please rerun the analysis with only test positivity, rainfall, housing quality, "
    "vegetation index and distance to water bodies.",
    "use only rainfall and the vegetation index",
])
def test_a_list_with_a_kind_word_is_not_the_kind_alone(text):
    d = decide(text, ctx(variables=COLUMNS), DialogueState(), FACTS)
    assert "vegetation variable" not in (d.text or "")


def test_only_the_kind_is_still_read_as_the_kind():
    d = decide("only the vegetation ones", ctx(variables=COLUMNS), DialogueState(), FACTS)
    assert "vegetation variable" in (d.text or "")
