"""Several requests in one message before any analysis: the analysis asked for runs first,
and no default analysis is slipped in before the requests that follow it."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import ANALYSE_FIRST, DialogueState, Facts, decide
from tests.unit.test_chat_dialogue import ctx

NO_ANALYSIS = Facts(analysis_variables=())


@pytest.mark.parametrize("text, variables, then", [
    ("run the analysis with tpr, rainfall and elevation, then show me the top 5",
     ["u5_tpr_rdt", "rainfall", "elevation"], "top_wards"),
    ("run it with rainfall and housing quality and then give me the top 10 wards",
     ["rainfall", "housing_quality"], "top_wards"),
])
def test_the_chosen_analysis_is_the_only_one_run(text, variables, then):
    d = decide(text, ctx(analysis_status=None), DialogueState(), NO_ANALYSIS)
    runs = [s for s in d.steps if s.tool == "run_analysis"]
    assert len(runs) == 1, [(s.tool, s.params) for s in d.steps]
    assert sorted(runs[0].params["variables"]) == sorted(variables)
    assert d.steps[0].tool == "run_analysis" and d.steps[-1].tool == then
    assert all(s.echo != ANALYSE_FIRST for s in d.steps)


def test_a_list_alone_still_runs_the_default_analysis_first():
    d = decide("top 5 wards", ctx(analysis_status=None), DialogueState(), NO_ANALYSIS)
    assert [s.tool for s in d.steps] == ["run_analysis", "top_wards"]
    assert d.steps[0].params == {} and d.steps[0].echo == ANALYSE_FIRST


@pytest.mark.parametrize("text", ["go ahead, make it direct", "ok use pca", "yes, inverse",
                                  "ok fine, reciprocal then", "yes please, the continue rule"])
def test_a_setting_value_after_a_yes_is_no_bare_yes(text):
    from chatmrpt.chat.guards import bare_yes_no
    assert not bare_yes_no(text, ctx())


@pytest.mark.parametrize("text", ["ok", "yes please", "go ahead", "ok fine, sounds good"])
def test_a_bare_yes_is_still_one(text):
    from chatmrpt.chat.guards import bare_yes_no
    assert bare_yes_no(text, ctx())
