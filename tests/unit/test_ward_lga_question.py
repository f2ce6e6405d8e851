"""The LGA of one ward asked ("which LGA is Zango in?", "what LGA is it in?" after a ward):
its LGA looked up in the table, the LGA code on a table with codes only; never the summary
of every LGA."""

from __future__ import annotations

import pandas as pd
import pytest

from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.executors_more import _ward_lga
from chatmrpt.chat.extract import WardRef
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import KANO_VARIABLES, KANO_WARDS
from tests.unit.test_g_tools import session


def kano():
    wards = tuple(WardRef(n, None) for names in KANO_WARDS.values() for n in names)
    c = RouterContext(has_dataset=True, variables=KANO_VARIABLES, wards=wards,
                      analysis_status="succeeded")
    return c, Facts(analysis_variables=KANO_VARIABLES[:3], lgas=(), ward_count=len(wards),
                    lga_codes=("20012", "20043"))


@pytest.mark.parametrize("text,ward", [
    ("which LGA is Zango in?", "Zango"),
    ("what lga is dorayi in", "Dorayi"),
    ("what is the LGA code of Sharada", "Sharada"),
    ("in which local government is Kabuga", "Kabuga"),
])
def test_a_wards_lga_on_a_table_with_codes_is_its_code(text, ward):
    c, f = kano()
    d = decide(text, c, DialogueState(), f)
    assert [(s.tool, s.params) for s in d.steps] == [
        ("ward_value", {"ward": ward, "variable": "LGACode"})]


@pytest.mark.parametrize("text", ["Which LGA is it in?", "what lga is that ward in",
                                  "which local government is it under"])
def test_it_is_the_ward_talked_about(text):
    c, f = kano()
    d = decide(text, c, DialogueState(focus={"ward": "Zango"}), f)
    assert [(s.tool, s.params["ward"]) for s in d.steps] == [("ward_value", "Zango")]


def test_on_a_table_with_lga_names_the_name_and_the_ward_of_that_lga():
    c, f, _ = session("demo", True)
    d = decide("which LGA is it in", c, DialogueState(
        focus={"ward": "Sabon Gari", "ward_lga": "Fagge"}), f)
    assert [(s.tool, s.params) for s in d.steps] == [
        ("ward_value", {"ward": "Sabon Gari", "variable": "LGA", "lga": "Fagge"})]
    asked = decide("which lga is Sabon Gari in", c, DialogueState(), f)
    assert not asked.steps and "Zaria" in asked.text and "Fagge" in asked.text


@pytest.mark.parametrize("text", ["which LGA has the most high wards", "which lga is it in",
                                  "which LGAs get the most nets", "what lga has the top ward"])
def test_other_lga_questions_are_not_a_wards_lga(text):
    c, f = kano()
    d = decide(text, c, DialogueState(), f)  # no ward talked about
    assert not any(s.tool == "ward_value" for s in d.steps)


def test_the_answer_names_the_lga_or_its_code():
    coded = pd.DataFrame({"WardName": ["Zango", "Dorayi"], "LGACode": [20043.0, 20012.0]})
    assert "code 20043" in _ward_lga(coded, {"ward": "zango", "variable": "LGACode"}).text
    named = pd.DataFrame({"WardName": ["Sabon Gari", "Sabon Gari"], "LGA": ["Zaria", "Fagge"],
                          "LGACode": ["1", "2"]})
    one = _ward_lga(named, {"ward": "Sabon Gari", "variable": "LGA", "lga": "Fagge"})
    assert one.text == "Sabon Gari is in Fagge LGA (LGA code 2)."
    assert "2 wards" in _ward_lga(named, {"ward": "Sabon Gari", "variable": "LGA"}).text


def test_the_lga_answered_is_the_place_of_the_next_list():
    from chatmrpt.chat.focus import Focus, after_answer

    coded = after_answer(Focus(), "what LGA code is Zango in?",
                         {"ward": "Zango", "lga": None, "lga_code": "20043"})
    assert (coded.lga, coded.lga_code) == (None, "20043")
    rows = [{"LGA": "Kuwe South", "wards": 23, "High": 22, "Low": 0, "lga_rank": 1},
            {"LGA": "Doragar", "wards": 20, "High": 17, "Low": 3, "lga_rank": 2}]
    assert after_answer(Focus(), "which LGA has the most High wards?", {"lgas": rows}).lga \
        == "Kuwe South"
    assert after_answer(Focus(), "which lga has the most low wards", {"lgas": rows}).lga \
        == "Doragar"
    assert after_answer(Focus(), "rank the LGAs", {"lgas": rows}).lga is None
    tied = [{**r, "High": 5} for r in rows]
    assert after_answer(Focus(), "which LGA has the most High wards?", {"lgas": tied}).lga is None


Q_LGA = {"tool": "ask_results", "params": {"about": "plan_lga", "lga": "Zaria"}}


@pytest.mark.parametrize("text", ["and Dambo ward itself?", "and Dambo?", "what about Dambo ward",
                                  "and the Dambo ward too"])
def test_a_ward_after_a_plan_figure_question_gets_the_same_figure(text):
    from tests.unit.test_f_plans_settings import PLAN

    c, f, _ = session("demo", True, plan=PLAN)
    d = decide(text, c, DialogueState(last=Q_LGA, focus={"question": Q_LGA, "lga": "Zaria"}), f)
    assert [(s.tool, s.params["about"], s.params["ward"]) for s in d.steps] == [
        ("ask_results", "plan_ward", "Dambo")]


def test_an_lga_after_a_plan_figure_question_stays_that_lgas_figure():
    from tests.unit.test_f_plans_settings import PLAN

    c, f, _ = session("demo", True, plan=PLAN)
    d = decide("and Fagge?", c, DialogueState(last=Q_LGA, focus={"question": Q_LGA}), f)
    assert [(s.tool, s.params) for s in d.steps] == [
        ("ask_results", {"about": "plan_lga", "lga": "Fagge"})]


def test_a_ward_with_no_plan_question_before_is_not_a_plan_figure():
    from tests.unit.test_f_plans_settings import PLAN

    c, f, _ = session("demo", True, plan=PLAN)
    d = decide("and Dambo?", c, DialogueState(), f)
    assert not any(s.params.get("about") == "plan_ward" for s in d.steps)
