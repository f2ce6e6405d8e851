"""LGA codes and LGA words on a table with codes and no names, before and after the analysis:
a code said alone is that LGA's wards (never a number of nets), two codes counted together
are each counted (never the whole area's list), and "their LGA" names no LGA."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import Facts, decide
from chatmrpt.chat.state import DialogueState
from tests.unit.test_dialogue_focus import ctx

CODES = Facts(analysis_variables=(), lgas=(), ward_count=66,
              lga_codes=("20001", "20012", "20024", "20043"))
KANO_VARIABLES = ("total", "test_positivity_rate", "rainfall", "housing_quality")


def acts(text, status):
    d = decide(text, ctx(analysis_status=status, variables=KANO_VARIABLES), DialogueState(),
               CODES)
    return [(s.tool, s.params) for s in d.steps], d


@pytest.mark.parametrize("status", [None, "succeeded"])
@pytest.mark.parametrize("text", ["And 20024?", "20024", "what about 20024", "20024 wards"])
def test_a_code_said_alone_lists_that_lga(text, status):
    steps, d = acts(text, status)
    first = [("run_analysis", {})] if status is None else []
    assert steps == [*first, ("list_wards", {"lga_code": "20024"})], text
    assert "not a number of nets" in " ".join(s.echo for s in d.steps)


@pytest.mark.parametrize("text", ["20024 nets", "And 20025?", "20024 and rainfall map",
                                  "plan 20024"])
def test_not_a_code_said_alone(text):
    steps, _ = acts(text, "succeeded")
    assert ("list_wards", {"lga_code": "20024"}) not in steps, text


@pytest.mark.parametrize("status", [None, "succeeded"])
def test_two_codes_counted_together_are_each_counted(status):
    steps, _ = acts("how many wards in 20024 and 20043 together", status)
    first = [("run_analysis", {})] if status is None else []
    assert steps == [*first, ("ask_results", {"about": "ward_counts", "lga_code": "20024"}),
                     ("ask_results", {"about": "ward_counts", "lga_code": "20043"})]


@pytest.mark.parametrize("text", ["top 3 wards and their LGA",
                                  "meeting in 20 mins. top 3 wards and their LGA",
                                  "top 5 wards with d LGA"])
def test_their_lga_names_no_lga(text):
    steps, d = acts(text, "succeeded")
    assert [t for t, _ in steps] == ["top_wards"], (text, d.text)


def test_the_boundaries_name_the_lga_codes_before_any_analysis():
    from chatmrpt.chat.assistant import _lga_codes_of_boundaries
    from tests._field_data import ILORIN_BOUNDARIES, KANO_BOUNDARIES

    codes, pairs = _lga_codes_of_boundaries(KANO_BOUNDARIES.read_bytes())
    assert codes == ("20001", "20012", "20024", "20030", "20037", "20043")
    assert len(pairs) == 66 and ("Gawuna", "20037") in pairs
    codes, pairs = _lga_codes_of_boundaries(ILORIN_BOUNDARIES.read_bytes())
    assert codes == ("24006", "24007", "24008")
    assert sum(1 for _, c in pairs if c in ("24006", "24008")) == 24
    assert _lga_codes_of_boundaries(b"PK\x03\x04 not a zip") == ((), ())
