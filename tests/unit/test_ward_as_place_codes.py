"""A ward's own name used as the place of a ward list on a table with LGA codes and no LGA
names ("wards in Zango" on the Kano table, "high wards in Zango 1" on the Ilorin one): that
ward's rank and category, with its LGA code, as on a table with LGA names; the codes stay
offered in case an LGA of that name was meant. A name that is no ward of the table, or one
said with "LGA", is still asked about."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.explain import _ward_label
from chatmrpt.chat.extract import WardRef
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import ILORIN_VARIABLES, ILORIN_WARDS, KANO_VARIABLES, KANO_WARDS

TABLES = {
    "kano": (KANO_VARIABLES, KANO_WARDS, ("20001", "20012", "20024", "20030", "20037", "20043")),
    "ilorin": (ILORIN_VARIABLES, ILORIN_WARDS, ("24006", "24007", "24008")),
}


def run(table, text):
    variables, by_lga, codes = TABLES[table]
    wards = tuple(WardRef(n, None) for names in by_lga.values() for n in names)
    c = RouterContext(has_dataset=True, variables=variables, wards=wards,
                      analysis_status="succeeded")
    f = Facts(analysis_variables=variables[:3], lgas=(), ward_count=len(wards), lga_codes=codes)
    return decide(text, c, DialogueState(last={"tool": "run_analysis", "params": {}}), f)


@pytest.mark.parametrize("table,text,ward", [
    ("kano", "wards in Zango", "Zango"),
    ("kano", "show me the wards in sharada", "Sharada"),
    ("kano", "high risk wards in Zango", "Zango"),
    ("kano", "top 3 wards in Kofar Mazugal", "Kofar Mazugal"),
    ("ilorin", "wards in Apado", "Apado"),
    ("ilorin", "high wards in Zango 1", "Zango 1"),
    ("ilorin", "list the wards inside Oko-Erin", "Oko-Erin"),
])
def test_a_ward_named_as_the_place_gives_that_ward(table, text, ward):
    d = run(table, text)
    assert [(s.tool, s.params) for s in d.steps] == [("explain_ward", {"ward": ward})]
    assert "not an LGA" in d.steps[0].echo
    assert d.choices and all("LGA" in c["label"] for c in d.choices)  # the codes stay offered
    assert d.pending and d.pending["expects"] == "lga_code"


@pytest.mark.parametrize("table,text", [
    ("kano", "wards in Dala LGA"),          # "LGA" said: the LGA is meant
    ("kano", "wards in Kumbotso"),          # no ward of the table
    ("ilorin", "wards in Zango"),           # only "Zango 1" is a ward there
    ("ilorin", "wards in ilorin west"),
])
def test_a_name_that_is_no_ward_or_is_said_as_an_lga_is_asked_about(table, text):
    d = run(table, text)
    assert d.steps == [] and d.pending and d.pending["expects"] == "lga_code"


def test_an_lga_code_answers_the_question_left_open():
    d = run("kano", "wards in Zango")
    variables, by_lga, codes = TABLES["kano"]
    wards = tuple(WardRef(n, None) for names in by_lga.values() for n in names)
    c = RouterContext(has_dataset=True, variables=variables, wards=wards,
                      analysis_status="succeeded")
    f = Facts(analysis_variables=variables[:3], lgas=(), ward_count=len(wards), lga_codes=codes)
    again = decide("20043", c, DialogueState(pending=d.pending), f)
    assert [(s.tool, s.params) for s in again.steps] == [("list_wards", {"lga_code": "20043"})]


@pytest.mark.parametrize("row,label", [
    ({"WardName": "Zango", "LGACode": 20043.0}, "Zango (LGA code 20043)"),
    ({"WardName": "Zango", "LGACode": "20043", "LGA": "Kano Municipal"},
     "Zango (Kano Municipal LGA)"),
    ({"WardName": "Zango"}, "Zango"),
])
def test_a_ward_is_named_with_its_lga_or_its_lga_code(row, label):
    assert _ward_label(row) == label
