"""Plans, offers and what must not act: a plan asked for a state the table is not plans
nothing; ..."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.extract import WardRef
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import DEMO_VARIABLES


def run(text, last=None, pending=None, last_plan=None, area=("kano_demo.csv",), repri=None):
    c = RouterContext(has_dataset=True, variables=DEMO_VARIABLES,
                      wards=(WardRef("Danjalba", None), WardRef("Malano", None)),
                      analysis_status="succeeded", last_plan=last_plan)
    f = Facts(analysis_variables=DEMO_VARIABLES[:3], lgas=("Rimai", "Ganja", "Doragar"),
              ward_count=300, area=area, last_repri=repri or {})
    return decide(text, c, DialogueState(pending, last), f)


def steps(d):
    return [(s.tool, dict(s.params)) for s in d.steps]


# --- a plan for a state the table is not --------------------------------------------------

@pytest.mark.parametrize("text,place", [
    ("pls make a plan for Lagos state, 200k nets hh 5", "Lagos"),
    ("plan 500k nets for Oyo, household size 6", "Oyo"),
    ("allocate 1 million nets across Lagos state with hh size 5", "Lagos"),
    ("make an ITN plan for Kwara state: 300k nets, 5 per household", "Kwara"),
])
def test_plan_for_another_state_plans_nothing(text, place):
    d = run(text)
    assert not d.steps, (d.text, d.steps)
    assert place in d.text
    assert d.pending and d.pending["choices"][0]["tool"] == "plan_itn"


@pytest.mark.parametrize("text,nets", [
    ("ok plan 200k nets for this state then, 5 per household", 200000),
    ("plan 200k nets for Kano state, hh 5", 200000),
    ("make a plan for the state, 300k nets, household size 5", 300000),
    ("plan 400k nets, household size 5", 400000),
])
def test_plan_for_own_state_plans(text, nets):
    d = run(text)
    assert [s.tool for s in d.steps] == ["plan_itn"], (d.text, d.steps)
    assert d.steps[0].params["total_nets"] == nets
