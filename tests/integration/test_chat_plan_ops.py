"""Plan operations over HTTP: "undo" and "go back to the previous plan" bring back the plan
the user means (the stored plan, found again by its content), later relative changes build
on the plan brought back, and a plan made through the API is part of the history."""

from __future__ import annotations

from tests.integration.test_chat_api import running, say  # noqa: F401 - fixture
from tests.integration.test_chat_result_tools import _session, demo  # noqa: F401 - fixture


def _plan(s) -> dict:
    state = s.state()["state"]
    return s.get(f"/itn-plans/{state['last_plan']}").json["params"] | {"id": state["last_plan"]}


def test_undo_brings_back_the_plan_meant_and_changes_build_on_it(running, demo):  # noqa: F811
    app, _ = running
    s = _session(app, demo)
    say(s, "run the analysis")
    say(s, "plan 200,000 nets, household size 5")
    first = _plan(s)
    say(s, "20% more nets")
    more = _plan(s)
    assert more["total_nets"] == 240_000
    say(s, "now halve that")
    assert _plan(s)["total_nets"] == 120_000

    reply = say(s, "undo that, please")
    assert "Back to the previous plan" in reply["text"]
    assert "120,000" in reply["text"] and "240,000" in reply["text"]
    assert _plan(s)["id"] == more["id"]  # the same stored plan, pointed at again

    reply = say(s, "same plan but with a household size of 6")
    now = _plan(s)
    assert (now["total_nets"], now["household_size"]) == (240_000, 6)
    assert "household size 6 instead of 5" in reply["text"]

    say(s, "go back to the previous plan")
    assert _plan(s)["id"] == more["id"]
    say(s, "the one before")
    assert _plan(s)["id"] == first["id"]
    reply = say(s, "go back to the first plan")
    assert "no earlier plan" in reply["text"]
    assert _plan(s)["id"] == first["id"]


def test_a_plan_made_through_the_api_is_the_previous_plan(running, demo):  # noqa: F811
    app, _ = running
    s = _session(app, demo)
    say(s, "run the analysis")
    r = s.post("/itn-plans", json={"total_nets": 300_000, "household_size": 5})
    assert r.status_code in (200, 201)
    api_plan = _plan(s)
    say(s, "add another 100,000 nets")
    assert _plan(s)["total_nets"] == 400_000
    reply = say(s, "Go back to the previous plan.")
    assert _plan(s)["id"] == api_plan["id"]
    assert "300,000 nets" in reply["text"]


def test_plans_made_through_the_api_before_any_message_are_the_history(running, demo):  # noqa: F811
    app, _ = running
    s = _session(app, demo)
    say(s, "run the analysis")
    for nets in (300_000, 350_000):
        r = s.post("/itn-plans", json={"total_nets": nets, "household_size": 5})
        assert r.status_code in (200, 201)
    reply = say(s, "go back to the previous plan")
    assert _plan(s)["total_nets"] == 300_000
    assert "350,000" in reply["text"]
