"""An LGA code given as the answer to "Which LGA is yours?" on a table with LGA codes and no
LGA names: the ward list of that code, never a household size."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from tests.unit.test_chat_dialogue import ctx

CODES = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=(), ward_count=14,
              lga_codes=("24006", "24007", "24008"))
ASKED = DialogueState(pending={"expects": "lga_choice", "tool": "list_wards", "params": {},
                               "own": True})
ACTS = ("run_analysis", "plan_itn", "what_if_plan", "reprioritize_urban", "compute_tpr")


def _steps(text, state=ASKED, facts=CODES):
    d = decide(text, ctx(), state, facts)
    return [(s.tool, s.params) for s in d.steps]


@pytest.mark.parametrize("text", ["24008", "24008 then", "code 24008", "it's 24008 please",
                                  "lga 24008"])
def test_a_code_answering_which_lga_lists_its_wards(text):
    assert _steps(text) == [("list_wards", {"lga_code": "24008"})]


def test_the_list_asked_for_is_kept_with_the_code():
    state = DialogueState(pending={"expects": "lga_choice", "tool": "list_wards",
                                   "params": {"category": "High"}, "own": True})
    assert _steps("24007", state) == [("list_wards", {"category": "High", "lga_code": "24007"})]


@pytest.mark.parametrize("text", ["25001", "24008 nets", "5", "plan 24008 nets"])
def test_a_number_that_is_no_code_of_the_data_is_no_code_answer(text):
    steps = _steps(text)
    assert not any(t in ACTS for t, _ in steps), (text, steps)
    if text in ("25001", "5"):
        assert not any(p.get("lga_code") for _, p in steps), (text, steps)


def test_a_code_is_kept_as_the_users_own_lga():
    from chatmrpt.chat import focus as fc
    from chatmrpt.chat.state import Step

    kept = fc.kept_own({}, ASKED.pending, {"answered": "lga_choice"},
                       [Step("list_wards", {"lga_code": "24008"})])
    assert kept["own_code"] == "24008" and kept["own_lga"] is None
