"""The wards of one category, all of them ("how many are high?" answered with the list of
the 11 High wards), shown on a map: the categories map, which shows exactly that set by its
colour; a part of a category, or one LGA's wards of it, still gets the composite map with
a note that it does not single them out."""

from __future__ import annotations

import pandas as pd
import pytest

from chatmrpt.chat import executors_more as em
from chatmrpt.chat import focus as fc
from chatmrpt.chat.dialogue import decide
from tests.unit.test_dialogue_focus import ctx, state
from tests.unit.test_dialogue_focus_lists import FACTS, LISTED, echoed, steps

WARDS = pd.DataFrame({
    "WardName": ["Zango", "Dambo", "Fagge", "Dala", "Gwale"],
    "LGA": ["Kano Municipal", "Zaria", "Fagge", "Dala", "Gwale"],
    "composite_rank": [1, 2, 3, 4, 5],
    "composite_category": ["High", "High", "Medium", "Low", "Low"],
    "pca_rank": [2, 1, 3, 5, 4],
    "pca_category": ["High", "High", "Medium", "Low", "Low"],
})


@pytest.fixture
def table(monkeypatch):
    monkeypatch.setattr(em, "_analysis", lambda rt, sid: {"id": "a"})
    monkeypatch.setattr(em, "_unified", lambda rt, sid, aid: WARDS.copy())


@pytest.mark.parametrize("params,shown", [
    ({"category": "High"}, {"what": "category"}),
    ({"category": "Low", "order": "bottom"}, {"what": "category"}),
    ({"category": "High", "n": 1}, None),  # a part of the category
    ({"category": "High", "lga": "Zaria"}, None),  # one LGA's
    ({"n": 3}, None),  # no category
    ({"category": "High", "method": "pca"}, None),  # the categories map is the composite's
])
def test_the_list_says_which_map_shows_it(table, params, shown):
    out = em.list_wards(None, "s", params)
    assert out.data.get("listed_map") == shown


def test_the_map_of_the_list_is_kept_with_it():
    table_rows = [{"WardName": "Zango", "LGA": "Kano Municipal"}]
    f = fc.after_answer(fc.Focus(), "how many are high?",
                        {"table": table_rows, "wards": 1, "listed_map": {"what": "category"}})
    assert f.listed == ["Zango (Kano Municipal)"] and f.listed_map == {"what": "category"}


@pytest.mark.parametrize("text", ["show me them on a map", "map them", "show those on the map"])
def test_them_on_a_map_after_a_whole_category_is_the_categories_map(text):
    d = decide(text, ctx(), state(listed=LISTED, listed_map={"what": "category"}), FACTS)
    assert steps(d) == [("show_map", {"what": "category"})]
    assert "categories map" in echoed(d) and "does not single out" not in echoed(d)


def test_a_list_from_a_later_place_starts_there(table):
    out = em.list_wards(None, "s", {"n": 2, "start": 3})
    assert [r["WardName"] for r in out.data["table"]] == ["Fagge", "Dala"]
    assert out.text.splitlines()[0].startswith("Places 3 to 4 of the 5 wards")
    past = em.list_wards(None, "s", {"category": "High", "n": 5, "start": 6})
    assert past.data["table"] == [] and "none after place 5" in past.text
