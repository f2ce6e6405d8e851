"""The figure the page says it shows, read as the chat remembers its own figures."""

from __future__ import annotations

import pytest

from chatmrpt.chat.screen import view_on_page
from chatmrpt.errors import InputError


def test_a_map_view_is_kept_with_only_what_saving_it_needs():
    assert view_on_page({"kind": "map", "what": "urban", "threshold": 50, "variable": "x"}) == \
        {"kind": "map", "what": "urban", "variable": None, "threshold": 50}
    assert view_on_page({"kind": "map", "what": "variable", "variable": "rainfall"}) == \
        {"kind": "map", "what": "variable", "variable": "rainfall", "threshold": None}


def test_a_chart_keeps_the_map_shown_beside_it():
    view = view_on_page({"kind": "chart", "what": "rank_comparison",
                         "map": {"kind": "map", "what": "pca"}})
    assert view == {"kind": "chart", "what": "rank_comparison",
                    "map": {"kind": "map", "what": "pca", "variable": None, "threshold": None}}
    assert view_on_page(view) == view  # read twice, the same


def test_no_figure_is_none():
    assert view_on_page(None) is None


@pytest.mark.parametrize("view", [
    {"kind": "map", "what": "urban", "threshold": True},
    {"kind": "map", "what": "urban", "threshold": float("nan")},
    {"kind": "map", "what": "variable", "variable": "x" * 500},
    {"kind": "chart", "what": "rank_comparison", "map": {"kind": "chart", "what": "pca"}},
    {"kind": "chart", "what": "rank_comparison", "map": "pca"},
    [],
])
def test_a_view_that_cannot_be_saved_is_refused(view):
    with pytest.raises(InputError):
        view_on_page(view)
