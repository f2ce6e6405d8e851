"""A plain request to run the analysis, in any words, runs it with the default variables; a
change of the normalisation said as "switch the normalisation to X" reruns the last analysis
with it. Questions, other objects and refusals run nothing of the kind."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.router import RouterContext
from chatmrpt.chat.run_request import plain_run
from tests.unit.chat_corpus import NORTH_WARDS

COLUMNS = ("Population", "urban_percentage", "u5_tpr_rdt", "rainfall", "ndwi",
           "housing_quality", "elevation")
USED = ("u5_tpr_rdt", "rainfall", "ndwi")


def ctx(analysed=False):
    return RouterContext(has_dataset=True, variables=COLUMNS, wards=NORTH_WARDS,
                         analysis_status="succeeded" if analysed else None)


def steps(text, analysed=False):
    f = Facts(analysis_variables=USED if analysed else (), lgas=("Fagge",), ward_count=300,
              analysis_params={"variables": list(USED)} if analysed else {})
    d = decide(text, ctx(analysed), DialogueState(), f)
    return [(s.tool, s.params) for s in d.steps]


@pytest.mark.parametrize("text", [
    "ok pls run it on the table we uploaded",
    "Alright, do it with the usual settings",
    "hello sir, kindly run the vulnerability analysis for us",
    "oya run am 4 me",
    "can you run the ranking on my data please",
    "good evening team. just run it with d standard ones",
    "go ahead and run the default analysis now",
])
def test_plain_run_requests_run_the_default_analysis(text):
    assert plain_run(text, ctx())
    assert steps(text) == [("run_analysis", {})]


def test_with_the_defaults_after_an_analysis_runs_the_defaults():
    assert steps("ok, run it with the defaults", analysed=True) == [("run_analysis", {})]


@pytest.mark.parametrize("text", [
    "how do I run it?",
    "run the plan",
    "don't run it",
    "run it with rainfall and elevation",
    "they said to run it on the data next week",
    "run it again",
    "can you run it?",
])
def test_other_messages_are_not_plain_runs(text):
    assert not plain_run(text, ctx(analysed=True))


@pytest.mark.parametrize("text", ["run it", "do it"])
def test_run_it_alone_after_an_analysis_is_not_the_analysis(text):
    assert not plain_run(text, ctx(analysed=True))
    assert plain_run(text, ctx(analysed=False))


@pytest.mark.parametrize("text,norm", [
    ("switch the normalisation to reciprocal", "reciprocal"),
    ("switch d normalisation to reciprocal", "reciprocal"),
    ("change normalization to reciprocal pls", "reciprocal"),
    ("set the normalisation back to linear", "linear"),
    ("pls turn the normalization method into reciprocal", "reciprocal"),
    ("flip normalisation to reciprocal", "reciprocal"),
])
def test_a_normalisation_change_keeps_the_variables(text, norm):
    done = steps(text, analysed=True)
    assert done == [("run_analysis", {"variables": list(USED), "normalization": norm})]


@pytest.mark.parametrize("text", [
    "what happens if I switch the normalisation to reciprocal?",
    "can normalisation be set to reciprocal?",
    "what is reciprocal normalisation?",
    "my colleague switched the normalisation to reciprocal last year",
    "don't change the normalisation to reciprocal",
    "which normalisation did you use?",
])
def test_normalisation_look_alikes_run_nothing(text):
    assert not [t for t, _ in steps(text, analysed=True) if t == "run_analysis"]
