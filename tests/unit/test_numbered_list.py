"""A list of requests done one at a time ("(1) ..., (2) ..., (3) .... start with number 1") is
read as the item it starts with and kept; a later message naming an item ("number 2 now",
"and 3", "the next one") is read as that item. Other messages never name an item."""

from __future__ import annotations

import pytest

from chatmrpt.chat import numbered
from chatmrpt.chat.dialogue import DialogueState, decide

# the dialogue tests' session: three variables analysed, five LGAs
from tests.unit.test_chat_dialogue import FACTS, ctx


def run(text, c=None, state=None):
    return decide(text, c or ctx(), state or DialogueState(), FACTS)


# --- lists done one at a time ---------------------------------------------------------------

LIST = ("Three things for today please: (1) run the vulnerability analysis with the default "
        "variables, (2) show me the composite map, (3) tell me how many wards are High. "
        "Let's do them one by one, start with number 1.")


def test_list_items_marked_and_counted():
    assert numbered.list_items(LIST) == [
        "run the vulnerability analysis with the default variables",
        "show me the composite map", "tell me how many wards are High"]
    assert numbered.start_index(LIST, 3) == 0
    text = ("Three things for me: top 5 in 20024, then a map, then a plan of 80k nets for my "
            "LGA. Start with the first one.")
    assert numbered.list_items(text) == ["top 5 in 20024", "a map",
                                         "a plan of 80k nets for my LGA"]
    assert numbered.start_index(text, 3) == 0
    assert numbered.start_index("a, b, c. do number 2 first", 3) == 1


@pytest.mark.parametrize("text", [
    "plan 500k nets, household size 5",
    "two things: plan 500k nets",  # a count that does not match the items
    "(2) show the map (1) run it",  # markers out of order
    "plan 1. 5 million nets",
])
def test_no_list(text):
    assert numbered.list_items(text) is None


@pytest.mark.parametrize("text,k", [
    ("Number 2 now", 1), ("and 3", 2), ("the next one", 1), ("ok, item 3 please", 2),
    ("the second one please", 1), ("2", 1), ("number 5", "missing"),
])
def test_item_named(text, k):
    todo = {"items": ["a", "b", "c"], "done": [0]}
    assert numbered.item_named(text, todo) == k


@pytest.mark.parametrize("text", [
    "the map now, the category one", "and the plan", "plan 3 nets", "number 5 per household",
    "the last one", "and 3 more wards", "show the top 2",
])
def test_not_an_item(text):
    assert numbered.item_named(text, {"items": ["a", "b", "c"], "done": [0]}) is None


def test_no_list_kept_no_item():
    assert numbered.item_named("Number 2 now", None) is None


def test_kept_until_the_last_item():
    todo = numbered.kept(None, ["a", "b", "c"], 0)
    assert todo == {"items": ["a", "b", "c"], "done": [0]}
    todo = numbered.kept(todo, None, 1)
    assert todo == {"items": ["a", "b", "c"], "done": [0, 1]}
    assert numbered.kept(todo, None, 2) is None


def test_a_list_runs_its_first_item_and_keeps_the_rest():
    d = run(LIST, ctx(analysis_status=None))
    assert [s.tool for s in d.steps] == ["run_analysis"], d.text
    assert d.reading["todo"]["items"][1] == "show me the composite map"
    d = run("Number 2 now", state=DialogueState(todo=d.reading["todo"]))
    assert [s.tool for s in d.steps] == ["show_map"], (d.text, d.steps)


def test_a_bare_number_answers_a_pending_question():
    todo = {"items": ["a", "b", "c"], "done": [0]}
    d = run("2", state=DialogueState(pending={"kind": "x"}, todo=todo))
    assert d.reading.get("todo") is None


@pytest.mark.parametrize("text,what", [
    ("Hello, my supervisor sent this: 'Please get the top 10 wards statewide and also the ones "
     "in Zaga West.' Can you start with the statewide top ten?", "the statewide top ten"),
    ("We need the maps and the lists. Let's start with the composite map please.",
     "the composite map"),
    ("Three things: a, then b, then c. Start with the first one.", None),
    ("(1) a (2) b. start with number 1", None),
    ("Can you start with the statewide top ten?", None),  # one sentence: read whole
    ("I will start with the top ten. Then the map.", None),
])
def test_started_request(text, what):
    assert numbered.started_request(text) == what
