"""A message that passes on several requests and says which to start with ("... the top 10
statewide and also the ones in Zaga West. Can you start with the statewide top ten?"): the
list it starts with, alone. Numbered items ("start with number 1") are read elsewhere."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.numbered import started_request
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall", "housing_quality"),
              lgas=("Fagge", "Geidam", "Maiduguri", "Nguru", "Zaria"),
              ward_count=len(NORTH_WARDS))


def ctx() -> RouterContext:
    return RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=NORTH_WARDS,
                         analysis_status="succeeded")


@pytest.mark.parametrize("text,rewritten", [
    ("Hello, my supervisor sent this on the group: 'Please get the top 10 most vulnerable "
     "wards statewide and also the ones in Zaga West, we need them for the brief.' Can you "
     "start with the statewide top ten?", "list the statewide top ten"),
    ("we need the top 5 in zaria and a plan. begin with the top 5 in zaria please",
     "list the top 5 in zaria"),
    ("he wants the top 10 and the bottom 10, so let's start with the bottom 10",
     "list the bottom 10"),
])
def test_the_list_started_with_is_read_alone(text, rewritten):
    d = decide(text, ctx(), DialogueState(), FACTS)
    alone = decide(rewritten, ctx(), DialogueState(), FACTS)
    assert [(s.tool, s.params) for s in d.steps] == [(s.tool, s.params) for s in alone.steps]
    assert len(d.steps) == 1 and d.steps[0].tool in ("top_wards", "list_wards"), d.steps


@pytest.mark.parametrize("text", [
    "start with the top 10",
    "three things: (1) the top 5, (2) a map. start with number 1",
    "the top 5, a map and a plan. start with the first one",
    "the top 10 and the map. don't start with the top 10",
    "next week we will start with the top 10",
])
def test_other_messages_are_not_rewritten(text):
    assert started_request(text.lower()) is None


def test_the_statewide_top_ten_started_with_lists_ten_wards_only():
    d = decide("My supervisor wrote: 'get the top 10 wards statewide and also the ones in Zaria'. "
               "Can you start with the statewide top ten?", ctx(), DialogueState(), FACTS)
    assert [(s.tool, s.params.get("n"), s.params.get("lga")) for s in d.steps] == \
        [("top_wards", 10, None)]
