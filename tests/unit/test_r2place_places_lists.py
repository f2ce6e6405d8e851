"""Places, lists and the field tables: a list asked right after the user says where they work
("I be the focal person for Kuran. show me all the wards in Kuran", "ok sorry, I'm actually in
Gantsa. list all its wards"), look-alikes keep their reading."""

from __future__ import annotations

import pytest

from tests.unit.test_fplace_place_followups import demo

# --- a list asked after the user says which LGA is theirs ---------------------------------------

@pytest.mark.parametrize("text,lga", [
    ("I be the focal person for Kuran. show me all the wards in Kuran", "Kuran"),
    ("I be the focal person for Rimai. list the wards", "Rimai"),
    ("ok sorry, I'm actually in Kuran. list all its wards", "Kuran"),
    ("sorry, I am actually in Rimai. show me its wards", "Rimai"),
    ("I dey for Kuran. list all the wards", "Kuran"),
    ("I'm now based in Jalsha. list all its wards", "Jalsha"),
    ("we be the team for Lida. list all the wards there", "Lida"),
])
def test_a_list_after_the_user_says_their_lga_lists_that_lga(text, lga):
    got, _ = demo(text)
    assert got and got[0][0] == "list_wards" and got[0][1].get("lga") == lga, (text, got)


@pytest.mark.parametrize("text", [
    "I be thinking the ranking is wrong. list the wards",
    "I am actually in a hurry. list the wards",
])
def test_an_introduction_naming_no_lga_limits_no_list(text):
    got, _ = demo(text)
    assert not any(p.get("lga") for _, p in got), (text, got)
