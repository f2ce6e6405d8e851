"""Places, lists and counts: "how many are medium there" counts in the LGA just talked about
(by name or by code), never in the whole area; look-alikes ("how many high wards are there")
keep their reading."""

from __future__ import annotations

import pytest

from tests.unit.test_fplace_place_followups import demo, kano

CODE_LIST = {"tool": "list_wards", "params": {"lga_code": "20030", "category": "Medium"}}
LIDA_LIST = {"tool": "list_wards", "params": {"lga": "Lida", "category": "High"}}


# --- "how many are medium there" ---------------------------------------------------------------

@pytest.mark.parametrize("text,category", [
    ("how many are medium there", "Medium"),
    ("how many low there", "Low"),
    ("how many are high there?", "High"),
    ("hw many low dere", "Low"),
    ("and how many medium ones there", "Medium"),
])
def test_how_many_of_a_group_there_counts_in_the_lga_code_just_listed(text, category):
    got, _ = kano(text, last=CODE_LIST, seen={"lga_code": "20030"})
    assert got == [("ask_results", {"about": "ward_counts", "lga_code": "20030",
                                    "category": category})], text


@pytest.mark.parametrize("text", ["how many are medium there", "how many low there?"])
def test_how_many_of_a_group_there_counts_in_the_lga_just_listed(text):
    got, _ = demo(text, last=LIDA_LIST, seen={"lga": "Lida"})
    assert len(got) == 1 and got[0][0] == "ask_results" and got[0][1]["lga"] == "Lida", text


@pytest.mark.parametrize("text", ["how many high wards are there",
                                  "how many high wards are there in total"])
def test_how_many_of_a_group_are_there_is_the_whole_area(text):
    got, _ = kano(text, last=CODE_LIST, seen={"lga_code": "20030"})
    assert got and not any(p.get("lga_code") or p.get("lga") for _, p in got), text


def test_there_with_no_place_talked_about_is_the_whole_area():
    got, _ = kano("how many are medium there")
    assert got and not any(p.get("lga_code") or p.get("lga") for _, p in got)
