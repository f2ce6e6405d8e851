"""A ward list "in" a place that is neither an LGA nor a ward of the table is asked about,
with the table's LGAs (the closest first) as one-tap choices that make that list: never the
whole area's list given as if it were that place's."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import Facts
from tests.unit.chat_corpus import NORTH_WARDS, decide_after_analysis

LGAS = ("Fagge", "Geidam", "Maiduguri", "Nguru", "Zaria")
FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall", "housing_quality"), lgas=LGAS,
              ward_count=len(NORTH_WARDS))


def run(text):
    return decide_after_analysis(text, FACTS)


@pytest.mark.parametrize("text,name", [
    ("top 5 wards in Likwa", "Likwa"),
    ("list the wards in Gwarzo", "Gwarzo"),
    ("high wards in Bichi", "Bichi"),
    ("show me the top 10 wards for Kura", "Kura"),
])
def test_a_list_in_an_unknown_place_is_asked_about(text, name):
    steps, d = run(text)
    assert steps == [], d.text
    assert f"no LGA or ward called {name!r}" in d.text
    assert sorted(c["params"]["lga"] for c in d.choices) == sorted(LGAS)
    assert all(c["tool"] == "list_wards" for c in d.choices)


@pytest.mark.parametrize("text", ["top 5 wards in Maidugri", "top 5 wards in Maiduguru"])
def test_a_small_typo_of_an_lga_lists_that_lga(text):
    steps, d = run(text)
    assert steps == [("list_wards", {"lga": "Maiduguri", "n": 5})], d.text


def test_a_name_too_far_for_the_lga_reader_offers_the_close_lga_first():
    steps, d = run("top 5 wards in Madugiri")
    assert steps == [], steps
    assert d.choices[0]["params"] == {"n": 5, "order": "top", "lga": "Maiduguri"}
    assert "Did you mean Maiduguri?" in d.text


def test_the_choices_round_trip():
    _, d = run("top 5 wards in Likwa")
    for choice in d.choices:
        steps, again = run(choice["label"])
        assert len(steps) == 1 and steps[0][1].get("lga") == choice["params"]["lga"], \
            (choice, again.text)
        assert steps[0][1].get("n") == 5


@pytest.mark.parametrize("text", [
    "top 10 wards for the meeting",
    "bottom 5 wards in terms of risk",
    "top 10 wards in the state",
    "list the high wards in general",
    "top 5 wards in Zaria",
])
def test_no_place_or_a_known_place_is_listed(text):
    steps, d = run(text)
    assert len(steps) == 1 and steps[0][0] in ("top_wards", "list_wards"), d.text
    assert steps[0][1].get("lga") in (None, "Zaria")
