"""A question whether PCA can be trusted is answered even when the message also names a
direction ("elevation inverse makes sense. Is the PCA reliable?")."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.router import RouterContext

C = RouterContext(has_dataset=True, variables=("elevation", "rainfall", "u5_tpr_rdt"),
                  analysis_status="succeeded")
F = Facts(analysis_variables=("elevation", "rainfall"), population=True)


def tools(text):
    return [s.tool for s in decide(text, C, DialogueState(), F).steps]


@pytest.mark.parametrize("text", [
    "elevation inverse makes sense. Is the PCA reliable?",
    "ok rainfall direct is right. is the pca valid?",
    "is the PCA reliable?",
])
def test_pca_trust(text):
    assert tools(text) == ["pca_validity"]


@pytest.mark.parametrize("text", ["is elevation inverse?", "which directions did you use?"])
def test_directions_alone_are_the_variables(text):
    assert tools(text) == ["ask_results"]


KANO = RouterContext(has_dataset=True, variables=("total", "nets_per_capita", "distance",
                                                  "rainfall"), analysis_status="succeeded")
KANO_F = Facts(analysis_variables=("nets_per_capita", "distance"), population=False)


@pytest.mark.parametrize("text", [
    "Which way is distance taken?",
    "is nets per capita counted the right way round? more nets should mean LESS risk",
    "is distance counted the wrong way?",
])
def test_which_way_a_variable_is_taken(text):
    d = decide(text, KANO, DialogueState(), KANO_F)
    assert [(s.tool, s.params) for s in d.steps] == [("ask_results", {"about": "variables"})]


def test_which_way_a_variable_outside_the_analysis_would_be_taken():
    d = decide("which direction does rainfall go", KANO, DialogueState(), KANO_F)
    assert [(s.tool, s.params) for s in d.steps] == [
        ("ask_results", {"about": "variables", "variable": "rainfall"})]


@pytest.mark.parametrize("text", ["make distance the other way round",
                                  "flip nets per capita the other way round"])
def test_a_change_of_direction_is_no_question(text):
    d = decide(text, KANO, DialogueState(), KANO_F)
    assert [s.tool for s in d.steps] == ["run_analysis"]


def test_the_answer_names_the_direction_of_a_column_outside_the_analysis(monkeypatch):
    from chatmrpt.chat import executors_more as em

    summary = {"wards": 66, "variables": [{"name": "rainfall", "direction": "direct"}]}
    monkeypatch.setattr(em, "_analysis", lambda rt, sid: {"summary": summary})
    text = em._analysis_answer(None, "s", "variables", "nets_per_capita").text
    assert "nets_per_capita is not in this analysis" in text and "inverse" in text
    text = em._analysis_answer(None, "s", "variables", "rainfall").text
    assert "not in this analysis" not in text
