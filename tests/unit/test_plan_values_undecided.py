"""Several values given for the one plan value asked, none chosen ("hh 5 or 6, any one"): the
question is asked again with those values, the values given before stay, and the answer that
follows plans with them."""

from __future__ import annotations

import pytest

from chatmrpt.chat import dialogue as dm
from tests.unit.test_dialogue_pending import converse


def planned(d):
    return [(s.tool, s.params) for s in d.steps if s.tool in dm.GATE_FAMILY]


@pytest.mark.parametrize("first,undecided,answer,nets,hh", [
    ("plan 400k nets", "hh 5 or 6, any one", "ok 6", 400_000, 6),
    ("plan 400k nets", "household size 5 or 6", "6", 400_000, 6),
    ("plan 250,000 nets", "5.2 or 6 people per household, not sure", "use 5", 250_000, 5),
    ("plan 600k nets",
     "household size... the MIS said 5.2 but some people say 6. let me check", "use 5",
     600_000, 5),
    ("plan 600k nets", "the DHS says 4.8 but the microplan says 5.5 for household size",
     "take 5.5", 600_000, 5.5),
    ("plan 400k nets", "hh 5 or 6", "the second one", 400_000, 6),
    ("plan it with household size 5", "400k or 450k nets", "450k", 450_000, 5),
])
def test_undecided_values_are_asked_and_the_earlier_values_stay(first, undecided, answer,
                                                                 nets, hh):
    out, _ = converse([first, undecided, answer])
    assert not planned(out[1])
    assert "which one" in out[1].text
    assert planned(out[2]) and planned(out[2])[0][1]["total_nets"] == nets
    assert planned(out[2])[0][1]["household_size"] == hh


@pytest.mark.parametrize("text", [
    "hh 5 not 6",              # one value chosen
    "household size 6, sorry I mean 5",  # a correction
    "top 5 or 6 wards",        # another request
    "5 or 6 people per net",   # another setting
    "household size 5 or 6?",  # a question
])
def test_look_alikes_are_not_read_as_undecided(text):
    out, _ = converse(["plan 400k nets", text])
    assert out[1].reading.get("undecided") is None
