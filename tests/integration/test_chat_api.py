"""The assistant through the HTTP API: offline by default, a model when configured.

A real SQLite store, a real consumer thread for the analysis jobs, the Flask test client;
the language model is a scripted OpenAI-compatible server process.
"""

from __future__ import annotations

import json
import re
import threading

import pytest

from chatmrpt.config import load_settings
from chatmrpt.jobs.consumer import run_consumers
from chatmrpt.web.app import close_runtime, create_app
from tests._cluster import SessionClient, ilorin_upload
from tests._fake_llm import FakeLlm


def make_app(tmp_path, **env):
    settings = load_settings({"CHATMRPT_HOME": str(tmp_path / "home"),
                              "CHATMRPT_JOB_LEASE_S": "5", **env})
    return create_app(settings), settings


@pytest.fixture
def running(tmp_path):
    """An app with a consumer, yielding a factory for apps sharing its home and store."""
    apps = []
    stop = threading.Event()
    app, settings = make_app(tmp_path)
    apps.append(app)
    consumer = threading.Thread(target=run_consumers, args=(settings, 1, stop),
                                kwargs={"grace_s": 5})
    consumer.start()

    def another(**env):
        a, _ = make_app(tmp_path, **env)
        apps.append(a)
        return a

    yield app, another
    stop.set()
    consumer.join(30)
    for a in apps:
        close_runtime(a)


def say(s: SessionClient, text: str) -> dict:
    r = s.post("/messages", json={"text": text})
    assert r.status_code == 200, r.json
    return r.json["reply"]


def test_a_whole_conversation_offline(running):
    app, _ = running
    s = SessionClient.create(app.test_client())

    assert "upload" in say(s, "rank the wards please")["text"].lower()
    assert s.upload(ilorin_upload()).status_code == 201

    described = say(s, "describe my data")
    assert "35 wards" in described["text"]
    assert described["tool_calls"][0]["tool"] == "describe_data"

    analysed = say(s, "run the analysis")
    assert analysed["tool_calls"][0] == {"tool": "run_analysis", "params": {}, "status": "ok"}
    assert "The analysis is done." in analysed["text"] and "35 wards ranked" in analysed["text"]

    top = say(s, "show me the top 5 wards")
    assert top["tool_calls"][0]["params"].get("n") == 5
    state = s.state()
    analysis_id = state["state"]["current_analysis"]
    ranked = s.get(f"/analyses/{analysis_id}/wards", query_string={"limit": 5}).json
    first = ranked["wards"][0]["WardName"]
    assert first in top["text"]

    assert top["suggestions"][-1] == f"Why is {first} ranked 1st?"
    why = say(s, top["suggestions"][-1])  # the suggestion button, pressed
    assert why["tool_calls"][0]["tool"] == "explain_ward"
    assert first in why["text"]

    # the number of nets and the household size are asked for, never guessed
    ask = say(s, "plan the ITN distribution")
    assert ask["tool_calls"] == [] and "nets" in ask["text"].lower()
    ask2 = say(s, "we have 60,000 nets")
    assert ask2["tool_calls"] == [] and "household" in ask2["text"].lower()
    plan = say(s, "5")
    assert plan["tool_calls"][0]["tool"] == "plan_itn"
    assert plan["tool_calls"][0]["params"]["total_nets"] == 60000
    assert plan["tool_calls"][0]["params"]["household_size"] == 5
    assert "nets allocated" in plan["text"]
    # every ward is counted once: fully, partly or not covered
    counted = re.findall(r"(\d+) wards fully covered, (\d+) partly, (\d+) not covered",
                         plan["text"])
    assert sum(int(x) for x in counted[0]) == 35, plan["text"]
    assert {a["name"] for a in plan["artifacts"]} >= {"itn_plan.csv"}

    what_if = say(s, "what if we had 90k nets instead?")
    assert what_if["tool_calls"][0]["tool"] == "what_if_plan"
    assert "Compared with the previous plan" in what_if["text"]
    assert len(s.state()["plans"]) == 2

    shown = say(s, "show the vulnerability map")
    art = shown["artifacts"][0]
    assert art["kind"] == "map"
    figure = s.client.get(art["url"], headers={"Authorization": f"Bearer {s.token}"}).json
    assert figure["figure"]["data"] and figure["geojson"].startswith(f"/api/sessions/{s.id}/")
    shapes = s.client.get(figure["geojson"], headers={"Authorization": f"Bearer {s.token}"})
    assert shapes.status_code == 200 and len(json.loads(shapes.data)["features"]) == 35

    report = say(s, "export the report")
    url = report["artifacts"][0]["url"]
    page = s.client.get(url, headers={"Authorization": f"Bearer {s.token}"})
    assert page.status_code == 200 and b"<!DOCTYPE html>" in page.data

    repri = say(s, "which urban wards can be deprioritised? target 30%")
    assert repri["tool_calls"][0]["tool"] == "reprioritize_urban"
    assert "More than 20% urban" in repri["text"]

    listed = s.get("/messages").json
    assert listed["count"] == 2 * 12
    roles = [m["role"] for m in listed["messages"]]
    assert roles == ["user", "assistant"] * 12
    # a follow-up read from the store, not from this worker's memory
    fresh = SessionClient(app.test_client(), s.id, s.token)
    assert "Compared with the previous plan" in say(fresh, "same but household size 6")["text"]


def test_streamed_reply(running):
    app, _ = running
    s = SessionClient.create(app.test_client())
    r = s.post("/messages", json={"text": "how does PCA work?"},
               headers={"Accept": "text/event-stream"})
    assert r.status_code == 200 and r.mimetype == "text/event-stream"
    events = [block for block in r.data.decode().split("\n\n") if block.strip()]
    names = [b.split("\n")[0].removeprefix("event: ") for b in events]
    assert names[0] == "token" and names[-1] == "done"
    done = json.loads(events[-1].split("\n", 1)[1].removeprefix("data: "))
    assert "component" in done["text"].lower()


@pytest.mark.parametrize("text", ["", "   ", "x" * 4001])
def test_bad_messages(running, text):
    app, _ = running
    s = SessionClient.create(app.test_client())
    r = s.post("/messages", json={"text": text})
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid_request"
    assert s.get("/messages").json["count"] == 0


@pytest.mark.parametrize("text", ["show me the risk map", "is PCA valid here?",
                                  "plan 200000 nets household size 5"])
def test_before_any_upload_the_reply_asks_for_the_ward_table(running, text):
    app, _ = running
    s = SessionClient.create(app.test_client())
    reply = say(s, text)
    assert "upload your ward data" in reply["text"].lower()
    assert "run the analysis" not in reply["text"].lower()
    state = s.get("").json
    assert not state["analyses"] and not state.get("plans")


def test_messages_need_the_token(running):
    app, _ = running
    s = SessionClient.create(app.test_client())
    r = app.test_client().post(f"/api/sessions/{s.id}/messages", json={"text": "hello"})
    assert r.status_code == 404


# --- with a language model --------------------------------------------------------------


@pytest.fixture
def model(tmp_path):
    servers = []

    def start(script):
        server = FakeLlm(tmp_path, script)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def analysed_session(app) -> SessionClient:
    s = SessionClient.create(app.test_client())
    assert s.upload(ilorin_upload()).status_code == 201
    assert "The analysis is done." in say(s, "run the analysis")["text"]
    return s


def test_model_calls_a_tool_then_answers(running, model):
    app, another = running
    s = analysed_session(app)
    server = model([
        {"tool_calls": [{"name": "top_wards", "arguments": {"n": 3}}]},
        {"text": "The three most vulnerable wards are listed above."},
    ])
    llm_app = another(CHATMRPT_LLM_BASE_URL=server.base_url, CHATMRPT_LLM_MODEL="m",
                      CHATMRPT_LLM_API_KEY="k")
    s2 = SessionClient(llm_app.test_client(), s.id, s.token)
    r = s2.post("/messages", json={"text": "which wards need help most?"},
                headers={"Accept": "text/event-stream"})
    blocks = [b for b in r.data.decode().split("\n\n") if b.strip()]
    names = [b.split("\n")[0].removeprefix("event: ") for b in blocks]
    assert "tool" in names and names.count("token") >= 2 and names[-1] == "done"
    done = json.loads(blocks[-1].split("\n", 1)[1].removeprefix("data: "))
    assert done["engine"] == "model"
    assert done["text"] == "The three most vulnerable wards are listed above."
    assert done["tool_calls"][0]["tool"] == "top_wards"
    sent = server.requests()
    assert len(sent) == 2
    assert {t["function"]["name"] for t in sent[0]["body"]["tools"]} >= {"plan_itn", "top_wards"}
    tool_msg = [m for m in sent[1]["body"]["messages"] if m["role"] == "tool"]
    assert tool_msg and "vulnerable" in tool_msg[0]["content"]
    # history carries over: the earlier offline turn is part of what the model saw
    assert any(m.get("content") == "run the analysis" for m in sent[0]["body"]["messages"])


@pytest.mark.parametrize("script", [
    [{"status": 500}],
    [{"delay": 4, "text": "too late"}],
    [{"tool_calls": [{"name": "format_disk", "arguments": {}}]}],
    [{"tool_calls": [{"name": "plan_itn", "arguments": {"total_nets": 100000}}]}],
    [{"raw": "data: {broken\n\n"}],
])
def test_model_failures_fall_back_to_the_offline_router(running, model, script):
    app, another = running
    s = analysed_session(app)
    server = model(script)
    llm_app = another(CHATMRPT_LLM_BASE_URL=server.base_url, CHATMRPT_LLM_TIMEOUT_S="2")
    s2 = SessionClient(llm_app.test_client(), s.id, s.token)
    reply = say(s2, "top 3 wards")
    assert reply["engine"] == "offline"
    assert reply["tool_calls"][0]["tool"] == "top_wards"
    assert reply["tool_calls"][0]["params"]["n"] == 3
    assert len(server.requests()) == 1


def test_a_model_guessing_a_net_count_is_overruled(running, model):
    """The model proposes a plan with numbers nobody gave: the offline dialogue asks."""
    app, another = running
    s = analysed_session(app)
    server = model([{"tool_calls": [{"name": "plan_itn",
                                     "arguments": {"total_nets": 2023, "household_size": 5}}]}])
    llm_app = another(CHATMRPT_LLM_BASE_URL=server.base_url, CHATMRPT_LLM_TIMEOUT_S="5")
    s2 = SessionClient(llm_app.test_client(), s.id, s.token)
    reply = say(s2, "plan the nets, household size 5")
    assert reply["engine"] == "offline" and reply["tool_calls"] == []
    assert "how many nets" in reply["text"].lower()
    assert not s.state()["plans"]


@pytest.mark.parametrize("text,call", [
    # a year is no net count, even when the model reads it as one
    ("plan nets for the 2024 campaign",
     {"name": "plan_itn", "arguments": {"total_nets": 2024, "household_size": 5}}),
    # an amount without a direction: the manager offers both readings
    ("by 5,000", {"name": "what_if_plan", "arguments": {"total_nets": 65000}}),
    # "export" alone: what and in which format is asked, not guessed
    ("export", {"name": "export_results", "arguments": {"what": "rankings", "format": "csv"}}),
])
def test_where_the_manager_would_ask_a_model_action_is_overruled(running, model, text, call):
    app, another = running
    s = analysed_session(app)
    assert say(s, "plan 60,000 nets household size 5")["tool_calls"][-1]["status"] == "ok"
    before = s.state()
    server = model([{"tool_calls": [call]}, {"text": "Done."}])
    llm_app = another(CHATMRPT_LLM_BASE_URL=server.base_url, CHATMRPT_LLM_TIMEOUT_S="5")
    s2 = SessionClient(llm_app.test_client(), s.id, s.token)
    reply = say(s2, text)
    assert reply["engine"] == "offline" and reply["tool_calls"] == [], reply
    assert "?" in reply["text"] or reply["suggestions"]
    after = s.state()
    assert len(after["plans"]) == len(before["plans"])
    assert after["state"].get("last_plan") == before["state"].get("last_plan")
    assert len(after.get("files") or []) == len(before.get("files") or [])
