"""Amounts and settings that are talked about, not ordered: what someone else wants, an
amount that waits on someone's signature (also in pidgin), and a setting of an earlier
campaign. Nothing is planned; the plan is one tap away. Orders in the same words still plan."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import Facts
from tests.unit.chat_corpus import NORTH_WARDS, decide_after_analysis

PLAN = {"total_nets": 400_000, "household_size": 5}
FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall", "housing_quality"),
              lgas=("Fagge", "Geidam", "Maiduguri", "Nguru", "Zaria"),
              ward_count=len(NORTH_WARDS))


def run(text):
    return decide_after_analysis(text, FACTS, last_plan=PLAN)


@pytest.mark.parametrize("text", [
    "my oga wants 450k, hmm",
    "the director wants 600k",
    "the partners suggested 550k",
    "we fit get 500k if the governor sign",
    "if the commissioner approves we get 650k",
    "in 2024 we did bales of 50",
    "in 2023 we used bales of 100",
])
def test_nothing_is_planned(text):
    steps, d = run(text)
    assert steps == [], d.text
    assert d.choices and d.choices[0]["tool"] in ("plan_itn", "what_if_plan"), d.text


def test_the_setting_of_an_earlier_campaign_is_named_as_a_setting():
    _, d = run("in 2024 we did bales of 50")
    assert "as what an earlier campaign had, not as a setting" in d.text


@pytest.mark.parametrize("text,key,value", [
    ("make it 450k", "total_nets", 450_000),
    ("use bales of 50", "bale_size", 50),
    ("I want 480k", "total_nets", 480_000),
    ("we got 500k now, plan with it", "total_nets", 500_000),
])
def test_orders_still_plan(text, key, value):
    steps, d = run(text)
    assert len(steps) == 1 and steps[0][1][key] == value, d.text
