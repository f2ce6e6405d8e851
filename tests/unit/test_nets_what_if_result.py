"""A "what if we had N nets" question: run as a scenario, unless it also asks what the
scenario would give ("..., would everyone be covered?"), which is asked about instead."""
import pytest

from chatmrpt.chat.guards import changes_nothing, nets_scenario
from chatmrpt.chat.state import Step


def _step(n: int) -> Step:
    return Step("what_if_plan", {"total_nets": n})


@pytest.mark.parametrize("text", [
    "what if we had 500k?",
    "what if we had 20% more nets?",
    "what if the state gets 800k nets instead?",
    "what if we only had 100,000?",
    "so what if we got 1.2 million?",
])
def test_plain_scenario_runs(text):
    assert nets_scenario(_step(500_000), text)


@pytest.mark.parametrize("text", [
    "what if we had half a million, would everyone be covered?",
    "what if we got 1.2 million, would every ward be covered?",
    "what if we had 600k, how many wards would be left out?",
    "what if we only had 300k - is that enough?",
    "what if the state gets 900k, will all wards be covered?",
])
def test_scenario_with_a_question_about_the_result_is_asked(text):
    assert not nets_scenario(_step(500_000), text)


def test_other_settings_are_never_a_nets_scenario():
    assert not nets_scenario(Step("what_if_plan", {"household_size": 6}),
                             "what if we had 6 per household?")


@pytest.mark.parametrize("text,same", [
    ("ok do it with half a million", False),
    ("do the plan with 500k", False),
    ("half a million is a lot", True),
    ("the 500k was from the commissioner", True),
])
def test_an_order_for_the_current_value_is_still_an_order(text, same):
    last = {"total_nets": 500_000, "household_size": 5}
    assert changes_nothing(Step("what_if_plan", {"total_nets": 500_000}, source=text), text,
                           last) is same
