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


COLOURS = ("High", "Medium", "Low")


@pytest.mark.parametrize("key,table,text,values", [
    # two LGAs for one list: one tap each
    ("lga", "demo", "wards in Zaria and Fagge", None),
    ("lga", "demo", "top 5 wards in fage or zaria", None),
    ("lga", "demo", "bottom 3 wards for Zaria, Fagge", None),
    ("lga", "kano", "top 5 wards in Dala and Gwale", None),
    ("lga", "kano", "high wards in Fagge and Nassarawa", None),
    ("lga", "ilorin", "list wards in Ilorin East and Ilorin West", None),
    # two risk groups for one list
    ("category", "demo", "medium and low wards in zaria", None),
    ("category", "demo", "list the high and medium wards", None),
    ("category", "kano", "show me the high and low risk wards", None),
    ("category", "ilorin", "top 5 medium or low wards", None),
    # a group named by its map colour: every group offered, in rank order
    ("category", "demo", "list the ones in red", COLOURS),
    ("category", "demo", "list the darkest wards", COLOURS),
    ("category", "kano", "show me the red wards", COLOURS),
    ("category", "ilorin", "the orange wards in Ilorin West", COLOURS),
])
def test_the_choices_for_one_list_setting_do_what_they_say(key, table, text, values):
    d, c, f, state = asked(table, text)
    said = [ch["params"].get(key) for ch in d.choices]
    assert len(said) >= 2 and all(said), (key, said)
    if values is not None:
        assert tuple(said) == values
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
