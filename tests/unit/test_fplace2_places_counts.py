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


# --- "list the wards in LGA 20099" after a count: the place said, never the one counted -----

COUNTED_CODE = {"tool": "ask_results", "params": {"about": "ward_counts", "lga_code": "20012"}}
COUNTED_SEEN = {"lga_code": "20012", "listed": ["Gyaranya", "Sani Mai Nagge", "Goron Dutse"]}


@pytest.mark.parametrize("text,code", [
    ("list the wards in LGA 20099", "20099"),
    ("show the wards in lga 20099 please", "20099"),
    ("list the wards in 20043", "20043"),
])
def test_list_the_wards_of_another_code_after_a_count_is_that_code(text, code):
    got, _ = kano(text, last=COUNTED_CODE, seen=COUNTED_SEEN)
    assert got == [("list_wards", {"lga_code": code})], text


def test_list_the_wards_of_another_lga_after_a_count_is_that_lga():
    last = {"tool": "ask_results", "params": {"about": "ward_counts", "lga": "Lida"}}
    got, d = demo("list the wards in Ikeja", last=last,
                  seen={"lga": "Lida", "listed": ["Zunoko", "Siru", "Danbiga"]})
    assert not any(p.get("lga") == "Lida" for _, p in got)


@pytest.mark.parametrize("text", ["list the wards", "list them", "show me those wards",
                                  "list the wards there", "list the wards in that lga"])
def test_list_them_after_a_count_is_the_wards_counted(text):
    got, _ = kano(text, last=COUNTED_CODE, seen=COUNTED_SEEN)
    assert got == [("list_wards", {"lga_code": "20012"})], text
