"""An analysis asked for again becomes the session's current analysis again, over HTTP and in
the chat alike: what follows (ward lists, plans) reads the analysis asked for last."""

from __future__ import annotations

from tests._cluster import run_queued_jobs
from tests.integration.test_chat_api import running, say  # noqa: F401 - fixture
from tests.integration.test_chat_result_tools import _session, demo  # noqa: F401 - fixture
from tests.integration.test_web_api import analysed  # noqa: F401 - fixture


def test_an_earlier_analysis_asked_again_over_http_becomes_current(app, analysed):  # noqa: F811
    s, first = analysed
    r = s.post("/analyses", json={"normalization": "reciprocal"})
    assert r.status_code == 202, r.json
    assert run_queued_jobs(app) == ["succeeded"]
    second = r.json["analysis_id"]
    assert s.state()["state"]["current_analysis"] == second

    r = s.post("/analyses", json={})
    assert r.status_code == 200 and r.json["reused"] is True
    assert r.json["analysis_id"] == first
    assert run_queued_jobs(app) == []  # no new job
    assert s.state()["state"]["current_analysis"] == first
    # a plan without an analysis id is made on the current one
    plan = s.post("/itn-plans", json={"total_nets": 100000, "household_size": 5})
    assert plan.status_code in (200, 201), plan.json
    assert plan.json["analysis_id"] == first


def test_going_back_to_the_default_variables_in_the_chat(running, demo):  # noqa: F811
    app, _ = running
    s = _session(app, demo)
    say(s, "run the analysis")
    first = s.state()["state"]["current_analysis"]
    say(s, "run it again with reciprocal normalisation")
    second = s.state()["state"]["current_analysis"]
    assert second != first
    reply = say(s, "run the analysis with the default variables")
    assert "already done" in reply["text"]
    assert s.state()["state"]["current_analysis"] == first
