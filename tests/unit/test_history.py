"""The history kept in the dialogue state (plans and analyses): read as stored by earlier
versions, a new entry after the current one, a step back that only moves the place."""

from __future__ import annotations

from chatmrpt.chat import history, plan_ops, undo

COLUMNS = {"params": lambda p: dict(p or {}), "used": lambda u: list(u or [])}


def test_a_record_of_an_earlier_version_is_read_padded_and_with_a_valid_place():
    assert history.load(None, COLUMNS) == {"ids": [], "params": [], "used": [], "at": -1}
    old = {"ids": ["a", "b", 3], "params": [{"x": 1}, None]}  # no "used", no "at"
    assert history.load(old, COLUMNS) == {"ids": ["a", "b", "3"],
                                          "params": [{"x": 1}, {}, {}],
                                          "used": [[], [], []], "at": 2}
    too_long = {"ids": ["a"], "params": [{}, {"y": 2}], "used": [["v"]], "at": 7}
    assert history.load(too_long, COLUMNS) == {"ids": ["a"], "params": [{}], "used": [["v"]],
                                               "at": 0}
    assert history.load({"ids": ["a", "b"], "at": 0}, COLUMNS)["at"] == 0
    assert history.load({"ids": ["a", "b"], "at": "1"}, COLUMNS)["at"] == 1  # not an int


def test_a_new_entry_goes_after_the_current_one_and_drops_the_later_ones():
    h = {"ids": ["a", "b", "c"], "params": [{}, {"n": 1}, {"n": 2}], "used": [[], [], []],
         "at": 1}
    got = history.synced(h, COLUMNS, "d", {"params": {"n": 3}, "used": ["v"]})
    assert got == {"ids": ["a", "b", "d"], "params": [{}, {"n": 1}, {"n": 3}],
                   "used": [[], [], ["v"]], "at": 2}
    assert list(got) == ["ids", "params", "used", "at"]  # the stored order of the keys
    assert h["ids"] == ["a", "b", "c"]  # the record given is left as it was


def test_only_the_newest_entries_are_kept():
    h = None
    for i in range(7):
        h = history.synced(h, COLUMNS, f"e{i}", {"params": {"i": i}, "used": []}, limit=3)
    assert h["ids"] == ["e4", "e5", "e6"] and h["params"][0] == {"i": 4} and h["at"] == 2


def test_the_current_entry_again_fills_only_the_columns_asked_and_only_when_empty():
    h = {"ids": ["a"], "params": [{}], "used": [[]], "at": 0}
    got = history.synced(h, COLUMNS, "a", {"params": {"n": 1}, "used": ["v"]}, fill=("used",))
    assert got == {"ids": ["a"], "params": [{}], "used": [["v"]], "at": 0}
    again = history.synced(got, COLUMNS, "a", {"params": {}, "used": ["w"]}, fill=("used",))
    assert again["used"] == [["v"]]  # kept: it was known already


def test_no_id_leaves_the_record_as_it_is():
    assert history.synced(None, COLUMNS, None, {}) is None
    record = {"ids": ["a"], "params": [{}], "at": 0}
    assert history.synced(record, COLUMNS, "", {}) == record


def test_a_step_back_moves_the_place_only_to_the_entry_it_brought_back():
    h = history.load({"ids": ["a", "b", "c"], "at": 2}, COLUMNS)
    assert not history.step_back_to(h, "b", None) and h["at"] == 2
    assert not history.step_back_to(h, "c", 1) and h["at"] == 2  # another entry is there
    assert not history.step_back_to(h, "a", 5) and h["at"] == 2
    assert history.step_back_to(h, "b", 1) and h["at"] == 1
    assert h["ids"] == ["a", "b", "c"]  # the later entries stay


def test_plans_and_analyses_keep_their_stored_format():
    plans = plan_ops.synced(None, "p1", {"total_nets": 1000, "household_size": 5, "x": 1})
    assert plans == {"ids": ["p1"], "params": [{"total_nets": 1000, "household_size": 5}],
                     "at": 0}
    analyses = undo.synced(None, "a1", {"variables": ("rainfall",), "tie_break": None},
                           ["rainfall"])
    assert analyses == {"ids": ["a1"], "params": [{"variables": ["rainfall"]}],
                        "used": [["rainfall"]], "at": 0}
