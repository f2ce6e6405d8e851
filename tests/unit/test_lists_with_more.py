"""A ward list asked with something else in one message: a map or a file after the list
("show me the top 5 wards and a map", "top 10 and export as csv") does both, the list first
(its reply holds the list); a part that cannot be done is named as not done."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, decide
from chatmrpt.chat.list_scope import list_and_more
from tests.unit.test_g_tools import session


def run(text, table="demo", shown=None):
    c, f, st = session(table, True, last={"tool": "run_analysis", "params": {}})
    d = decide(text, c, DialogueState(last=st.last, shown=shown), f)
    return [(s.tool, dict(s.params)) for s in d.steps], d


@pytest.mark.parametrize("shown", [None, {"kind": "map", "what": "composite"}])
@pytest.mark.parametrize("text,first", [
    ("show me the top 5 wards and a map", ("top_wards", {"n": 5, "order": "top"})),
    ("list the bottom 3 wards plus the map", ("top_wards", {"n": 3, "order": "bottom"})),
    ("give me the 10 riskiest wards, and the map too", ("top_wards", {"n": 10, "order": "top"})),
    ("top 5 wards with a map please", ("top_wards", {"n": 5, "order": "top"})),
    ("high risk wards and show me the map", ("list_wards", {"category": "High"})),
])
def test_a_list_and_a_map_does_both(text, first, shown):
    steps, _ = run(text, shown=shown)
    assert steps == [first, ("show_map", {})]


@pytest.mark.parametrize("shown", [None, {"kind": "map", "what": "composite"}])
@pytest.mark.parametrize("text,n,fmt", [
    ("show top 5 and export as csv", 5, "csv"),
    ("top 10 wards and download as excel", 10, "xlsx"),
    ("the bottom 4 wards, then save to excel", 4, "xlsx"),
    ("top 7 and export them to csv", 7, "csv"),
])
def test_a_list_and_an_export_does_both_and_the_file_is_the_ranking(text, n, fmt, shown):
    steps, d = run(text, shown=shown)
    assert steps[0][0] == "top_wards" and steps[0][1]["n"] == n
    assert steps[1] == ("export_results", {"what": "rankings", "format": fmt})
    assert any("every ward" in note for note in d.notes)


@pytest.mark.parametrize("table", ["kano", "ilorin"])
def test_a_list_and_a_map_on_the_other_tables(table):
    steps, _ = run("show me the top 3 wards and a map", table)
    assert [s[0] for s in steps] == ["top_wards", "show_map"]


def test_an_export_that_cannot_be_made_is_named_as_not_done_and_the_list_is_kept():
    steps, d = run("top 5 wards and export as pdf")
    assert steps == [("top_wards", {"n": 5, "order": "top"})]
    assert any('"export as pdf"' in n for n in d.not_done)


@pytest.mark.parametrize("text", [
    "export the top 5 wards and a map",      # the head is no plain list
    "show rainfall and the map",              # no list at all
    "plan 100000 nets and a map",
    "top 5 wards on a map",                   # the list on the map: one request
    "why is the top ward ranked first and the map",
])
def test_other_messages_are_not_split_as_a_list_and_more(text):
    assert list_and_more(text) is None


@pytest.mark.parametrize("text,asked", [
    ("wards in Zaria and Fagge and a map", ["Zaria", "Fagge"]),
    ("top 3 wards in zaria or fagge, and the map", ["Zaria", "Fagge"]),
])
def test_a_list_for_two_lgas_with_a_map_is_asked_about_and_the_map_shown(text, asked):
    steps, d = run(text)
    assert steps == [("show_map", {})]
    assert [c["params"]["lga"] for c in d.choices] == asked
    assert len(d.not_done) == 1 and d.not_done[0].startswith('Not done: "')


@pytest.mark.parametrize("text", ["list the red wards and a map",
                                  "wards ranked 10 to 20 and the map"])
def test_a_list_that_is_asked_about_does_not_drop_the_map(text):
    steps, d = run(text)
    assert steps == [("show_map", {})] and d.choices and d.not_done


def test_a_list_that_is_asked_about_does_not_drop_the_export():
    steps, d = run("wards ranked 10 to 20 and export as csv")
    assert steps == [("export_results", {"what": "rankings", "format": "csv"})]
    assert [c["label"] for c in d.choices] == ["Top 20 wards"]
    assert "ranks 10 to 20" in d.not_done[0]


@pytest.mark.parametrize("text,first,what", [
    ("top 10 and the vulnerability map", "top_wards", "composite"),
    ("bottom 5 and the categories map please", "top_wards", "category"),
    ("what's the KMO, and can I see the PCA map", "pca_validity", "pca"),
])
def test_a_named_map_after_a_list_or_a_question_is_shown_too(text, first, what):
    steps, _ = run(text)
    assert [s[0] for s in steps] == [first, "show_map"] and steps[1][1] == {"what": what}


def test_a_question_not_answered_on_its_own_keeps_the_message_whole():
    steps, _ = run("what is rainfall and the map")
    assert steps == [("show_map", {"what": "variable", "variable": "rainfall"})]
