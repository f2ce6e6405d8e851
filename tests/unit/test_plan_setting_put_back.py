"""One plan setting put back ("put the threshold back") or the cap taken off ("take the cap
off again"): that setting as it was before, everything else as now."""
import pytest

from chatmrpt.chat.plan_settings import setting_restored

BASE = {"total_nets": 450000, "household_size": 5, "urban_threshold": 75, "strategy": "stop"}


def _history(*plans):
    return {"ids": [f"p{i}" for i in range(len(plans))], "params": list(plans),
            "at": len(plans) - 1}


@pytest.mark.parametrize("text", ["put the threshold back", "set the urban threshold back pls",
                                  "ok put the threshold back again", "threshold back please",
                                  "put the threshold back to what it was"])
def test_threshold_put_back(text):
    now = {**BASE, "urban_threshold": 60}
    d = setting_restored(text, now, _history(BASE, now))
    assert d is not None and d.steps[0].params == {"urban_threshold": 75}


@pytest.mark.parametrize("text", ["put the threshold back to 60", "is the threshold back?",
                                  "put the plan back", "go back", "bring back rainfall"])
def test_not_a_setting_put_back(text):
    now = {**BASE, "urban_threshold": 60}
    d = setting_restored(text, now, _history(BASE, now))
    assert d is None or not d.steps


@pytest.mark.parametrize("text", ["Take the cap off again.", "lift the cap off", "no more cap",
                                  "take the ward cap off please", "take off the cap", "uncap it"])
def test_cap_taken_off(text):
    capped = {**BASE, "strategy": "capped", "max_ward_share": 3}
    d = setting_restored(text, capped, _history(BASE, capped))
    assert d is not None and d.steps[0].params == {"strategy": "stop"}


def test_cap_off_goes_back_to_the_rule_used_before():
    before = {**BASE, "strategy": "continue"}
    capped = {**BASE, "strategy": "capped", "max_ward_share": 3}
    d = setting_restored("take the cap off", capped, _history(before, capped))
    assert d.steps[0].params == {"strategy": "continue"}


def test_no_cap_to_take_off():
    d = setting_restored("take the cap off", BASE, _history(BASE))
    assert d is not None and not d.steps


@pytest.mark.parametrize("text", ["cap each ward at 3 percent", "what is the cap?",
                                  "how many wards hit the cap"])
def test_cap_words_that_do_not_take_it_off(text):
    capped = {**BASE, "strategy": "capped", "max_ward_share": 3}
    d = setting_restored(text, capped, _history(BASE, capped))
    assert d is None
