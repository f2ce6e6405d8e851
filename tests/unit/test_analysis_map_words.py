"""Analysis and map requests in everyday words: "our ward file" names the uploaded table, not
the user's own LGA; a leading aside ("let me try.", "i see.") asks for nothing and leaves the
request after it to be read on its own."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.extract import WardRef
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import DEMO_VARIABLES


def run(text, ready=True, state=None):
    wards = (WardRef("Danjalba", None), WardRef("Malano", None))
    c = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=wards,
                      analysis_status="succeeded" if ready else None)
    f = Facts(analysis_variables=DEMO_VARIABLES[:3] if ready else (), lgas=("Rimai", "Ganja"),
              ward_count=300)
    return decide(text, c, state or DialogueState(), f)


def tools(d):
    return [s.tool for s in d.steps]


@pytest.mark.parametrize("text", [
    "i just uploaded our ward file, pls run the analysis with the normal variables",
    "we uploaded our ward table. run the analysis",
    "my ward data is in, run the analysis with the default variables",
    "here is our ward level spreadsheet, please run the analysis",
])
def test_our_ward_file_is_the_table(text):
    d = run(text, ready=False)
    assert "run_analysis" in tools(d), (d.text, d.steps)
    assert "LGA is yours" not in (d.text or "")


@pytest.mark.parametrize("text", [
    "which are our worst wards",
    "list our wards",
])
def test_our_wards_still_asks_for_the_lga(text):
    d = run(text)
    assert not d.steps
    assert "LGA" in (d.text or "")


@pytest.mark.parametrize("text,tool", [
    ("ok let me try. show me the vulnerability map", "show_map"),
    ("i see. show me the vulnerability map", "show_map"),
    ("let me try. list the top 5 wards", "top_wards"),
    ("got it, now the top 5 wards", "top_wards"),
    ("alright, let me see. map of the composite score", "show_map"),
])
def test_aside_before_a_request(text, tool):
    d = run(text)
    assert tools(d) and tools(d)[0] in (tool, "list_wards", "show_map"), (d.text, d.steps)
    assert "Goodbye" not in (d.text or "")


def test_aside_alone_runs_nothing():
    assert not run("let me try").steps
