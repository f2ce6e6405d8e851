"""The one-tap choices of a ward list that cannot be shown as asked, sent back verbatim, do
exactly what they say: two LGAs or two risk groups for one list (one tap each), a group named
by its map colour ("the ones in red"), ranks that do not start at the first ("ranked 10 to
20": the top 20). Checked tapped with the question pending and typed again without it."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import decide
from tests.unit.test_g_tools import assert_round_trip, session


def asked(table, text):
    c, f, state = session(table, True, last={"tool": "run_analysis", "params": {}})
    d = decide(text, c, state, f)
    assert d.steps == [] and d.choices, (text, [(s.tool, s.params) for s in d.steps], d.text)
    return d, c, f, state


@pytest.mark.parametrize("table,text", [
    ("demo", "wards in Zaria and Fagge"),
    ("demo", "top 5 wards in fage or zaria"),
    ("demo", "bottom 3 wards for Zaria, Fagge"),
    ("kano", "top 5 wards in Dala and Gwale"),
    ("kano", "high wards in Fagge and Nassarawa"),
    ("ilorin", "list wards in Ilorin East and Ilorin West"),
])
def test_the_choices_for_two_lgas_do_what_they_say(table, text):
    d, c, f, state = asked(table, text)
    assert len(d.choices) >= 2 and all(ch["params"].get("lga") for ch in d.choices)
    assert_round_trip(d, c, f, state)


@pytest.mark.parametrize("table,text", [
    ("demo", "medium and low wards in zaria"),
    ("demo", "list the high and medium wards"),
    ("kano", "show me the high and low risk wards"),
    ("ilorin", "top 5 medium or low wards"),
])
def test_the_choices_for_two_risk_groups_do_what_they_say(table, text):
    d, c, f, state = asked(table, text)
    assert len(d.choices) >= 2 and all(ch["params"].get("category") for ch in d.choices)
    assert_round_trip(d, c, f, state)


@pytest.mark.parametrize("table,text", [
    ("demo", "list the ones in red"),
    ("demo", "list the darkest wards"),
    ("kano", "show me the red wards"),
    ("ilorin", "the orange wards in Ilorin West"),
])
def test_the_choices_for_a_map_colour_do_what_they_say(table, text):
    d, c, f, state = asked(table, text)
    assert [ch["params"].get("category") for ch in d.choices] == ["High", "Medium", "Low"]
    assert_round_trip(d, c, f, state)


@pytest.mark.parametrize("table,text,n", [
    ("demo", "wards ranked 10 to 20", 20),
    ("demo", "show positions 11-15", 15),
    ("kano", "list wards ranked 5 to 12", 12),
    ("ilorin", "wards from 3 to 8", 8),
])
def test_the_choice_for_a_rank_span_does_what_it_says(table, text, n):
    d, c, f, state = asked(table, text)
    assert [ch["label"] for ch in d.choices] == [f"Top {n} wards"]
    assert_round_trip(d, c, f, state)


@pytest.mark.parametrize("text", ["wards ranked 10 to 20", "show positions 11-15",
                                  "wards from 3 to 8"])
def test_a_rank_span_read_as_something_else_is_still_the_rank_span_question(text):
    d, *_ = asked("demo", text)
    assert d.reading.get("asked") == "rank_span" and d.pending is None


@pytest.mark.parametrize("text", ["plan 10 to 20 nets", "wards 10 to 20 percent urban",
                                  "export ranks 10 to 20"])
def test_a_span_of_other_numbers_is_no_rank_span_question(text):
    c, f, state = session("demo", True, last={"tool": "run_analysis", "params": {}})
    assert decide(text, c, state, f).reading.get("asked") != "rank_span"
