"""Follow-ups that keep the place of the last answer: a category asked after an LGA was
counted ("d high ones dere"), the LGA named as the answer to "Which LGA is yours?", another
LGA code said short after a count ("And 20024?", "and 20001 same thing"), a code after a
category list ("which ones in 24008"), and "how many of our wards are High?" with the
user's LGA said in the same message. Messages that only look alike are left alone."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.extract import WardRef
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import DEMO_VARIABLES, KANO_VARIABLES, KANO_WARDS, NORTH_WARDS

LGAS = ("Fagge", "Geidam", "Maiduguri", "Nguru", "Zaria", "Nassarawa", "Kano Municipal")
CODES = ("20001", "20012", "20024", "20030", "20037", "20043")


def demo(text, last=None, pending=None, focus=None):
    c = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=NORTH_WARDS,
                      analysis_status="succeeded")
    f = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=LGAS,
              ward_count=len(NORTH_WARDS))
    d = decide(text, c, DialogueState(last=last, pending=pending, focus=focus), f)
    return [(s.tool, s.params) for s in d.steps], d


def kano(text, last=None):
    wards = tuple(WardRef(n, None) for names in KANO_WARDS.values() for n in names)
    c = RouterContext(has_dataset=True, variables=KANO_VARIABLES, wards=wards,
                      analysis_status="succeeded")
    f = Facts(analysis_variables=KANO_VARIABLES[:3], lgas=(), ward_count=len(wards),
              lga_codes=CODES)
    d = decide(text, c, DialogueState(last=last), f)
    return [(s.tool, s.params) for s in d.steps], d


COUNTED = {"tool": "lga_summary", "params": {"lga": "Zaria"}}


@pytest.mark.parametrize("text", ["d high ones dere", "the high ones there", "high ones dere",
                                  "which ones dey high dere"])
def test_category_after_an_lga_count_keeps_the_lga(text):
    got, _ = demo(text, last=COUNTED)
    assert got == [("list_wards", {"lga": "Zaria", "category": "High"})], text


def test_category_with_another_place_or_whole_area_is_not_narrowed():
    got, _ = demo("the high ones in the whole state", last=COUNTED)
    assert not any(p.get("lga") == "Zaria" for _, p in got)


def test_lga_named_after_which_lga_is_yours_completes_the_list():
    got, d = demo("show me the high wards in my LGA")
    assert not got and "Which LGA is yours" in d.text
    assert d.pending and d.pending["expects"] == "lga_choice"
    got, _ = demo("Zaria", pending=d.pending)
    assert got == [("list_wards", {"category": "High", "lga": "Zaria"})]
    # and the next category said short keeps it
    got, _ = demo("the low ones nko", last={"tool": "list_wards",
                                            "params": {"category": "High", "lga": "Zaria"}})
    assert got == [("list_wards", {"lga": "Zaria", "category": "Low"})]


def test_a_question_after_which_lga_is_yours_is_not_read_as_the_answer():
    _, d = demo("show me the high wards in my LGA")
    got, _ = demo("what does high mean here?", pending=d.pending)
    assert not any(p.get("lga") for _, p in got)


@pytest.mark.parametrize("text", ["And 20024?", "and 20024", "what about 20024?",
                                  "and 20024 same thing", "and 20024 too"])
def test_another_code_after_a_count_is_counted(text):
    last = {"tool": "ask_results", "params": {"about": "ward_counts", "lga_code": "20043"}}
    got, _ = kano(text, last=last)
    assert got == [("ask_results", {"about": "ward_counts", "lga_code": "20024"})], text


@pytest.mark.parametrize("text", ["and 20001 same thing", "and 20001 the same", "And 20001?"])
def test_another_code_after_a_list_is_listed(text):
    last = {"tool": "list_wards", "params": {"lga_code": "20012"}}
    got, _ = kano(text, last=last)
    assert got == [("list_wards", {"lga_code": "20001"})], text


def test_a_number_of_nets_after_a_count_is_not_a_code():
    last = {"tool": "ask_results", "params": {"about": "ward_counts", "lga_code": "20043"}}
    got, _ = kano("and 200000 nets?", last=last)
    assert not any(p.get("lga_code") for _, p in got)


@pytest.mark.parametrize("text", ["which ones in 24008", "which of them are in 24008",
                                  "and which ones in 24008?"])
def test_which_ones_in_a_code_after_a_category_list_keeps_the_category(text):
    from tests.unit.chat_corpus import ILORIN_VARIABLES, ILORIN_WARDS

    wards = tuple(WardRef(n, None) for names in ILORIN_WARDS.values() for n in names)
    c = RouterContext(has_dataset=True, variables=ILORIN_VARIABLES, wards=wards,
                      analysis_status="succeeded")
    f = Facts(analysis_variables=ILORIN_VARIABLES[:3], lgas=(), ward_count=len(wards),
              lga_codes=("24006", "24007", "24008"))
    last = {"tool": "list_wards", "params": {"category": "High"}}
    d = decide(text, c, DialogueState(last=last), f)
    assert [(s.tool, s.params) for s in d.steps] == [
        ("list_wards", {"category": "High", "lga_code": "24008"})], text
    # "list the wards in 24008" asks for all of them
    d = decide("list the wards in 24008", c, DialogueState(last=last), f)
    assert [(s.tool, s.params) for s in d.steps] == [("list_wards", {"lga_code": "24008"})]


@pytest.mark.parametrize("text", ["I cover Zaria. How many of our wards are High?",
                                  "I'm the focal person for Zaria, how many of our wards are high"])
def test_own_lga_said_with_a_category_count(text):
    got, _ = demo(text)
    assert got == [("list_wards", {"category": "High", "lga": "Zaria"})], text


def test_our_wards_with_no_lga_known_is_never_the_whole_area():
    got, _ = demo("How many of our wards are High?")
    assert got != [("list_wards", {"category": "High"})]
    got, _ = demo("how many wards are high?")
    assert got == [("list_wards", {"category": "High"})]


def test_the_lga_given_as_yours_is_kept_for_the_conversation():
    from chatmrpt.chat import focus as fc

    _, asked = demo("show me the high wards in my LGA")
    assert asked.pending.get("own")
    d = decide("Zaria", RouterContext(has_dataset=True, variables=DEMO_VARIABLES,
                                      wards=NORTH_WARDS, analysis_status="succeeded"),
               DialogueState(pending=asked.pending),
               Facts(analysis_variables=("u5_tpr_rdt",), lgas=LGAS, ward_count=14))
    record = fc.kept_own(fc.update(fc.Focus(), "Zaria", d.steps, LGAS).to_dict(),
                         asked.pending, d.reading, d.steps)
    assert record["own_lga"] == "Zaria"
    got, _ = demo("how many of our wards are high?", focus=record)
    assert got == [("list_wards", {"category": "High", "lga": "Zaria"})]
    # an LGA picked for another question is not taken as the user's own
    other = {"expects": "lga_choice", "tool": "list_wards", "params": {}}
    record = fc.kept_own({}, other, {"answered": "lga_choice"}, d.steps)
    assert not record.get("own_lga")


@pytest.mark.parametrize("text", ["20024 too?", "20024?", "now 20024", "20024 same thing"])
def test_a_code_said_alone_after_a_count_is_the_same_count(text):
    last = {"tool": "ask_results", "params": {"about": "ward_counts", "lga_code": "20043"}}
    got, _ = kano(text, last=last)
    assert got == [("ask_results", {"about": "ward_counts", "lga_code": "20024"})], text


def test_a_code_said_alone_keeps_the_slice_of_the_last_list():
    got, _ = kano("20043 too", last={"tool": "list_wards", "params": {"lga_code": "20012", "n": 3}})
    assert got == [("list_wards", {"n": 3, "lga_code": "20043"})]


@pytest.mark.parametrize("text", ["20024 nets", "plan 20024 nets", "20024 people"])
def test_a_code_with_other_words_is_not_the_same_request(text):
    last = {"tool": "ask_results", "params": {"about": "ward_counts", "lga_code": "20043"}}
    got, _ = kano(text, last=last)
    assert not any(p.get("lga_code") == "20024" for _, p in got), text


def test_an_lga_said_alone_after_a_count_and_a_pending_question():
    got, _ = demo("Fagge too?", last=COUNTED)
    assert got == [("lga_summary", {"lga": "Fagge"})]
    # with a question waiting, the name answers that question instead
    pending = {"expects": "lga_choice", "tool": "list_wards", "params": {"category": "High"}}
    got, _ = demo("Fagge", last=COUNTED, pending=pending)
    assert got == [("list_wards", {"category": "High", "lga": "Fagge"})]
