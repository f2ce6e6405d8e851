"""A conversation whose messages alternate between two Gunicorn masters.

Each turn depends on the one before (a plan asked for in pieces, then changed), so only a
conversation kept in the shared store can be answered right.
"""

from __future__ import annotations

from tests._cluster import ilorin_upload


def test_conversation_alternating_between_masters(sqlite_cluster):
    http = sqlite_cluster.http()  # every request goes to the other master
    created = http.post("/api/sessions").json()
    sid, token = created["id"], created["token"]
    base = f"/api/sessions/{sid}"
    r = http.post(base + "/datasets", token=token, files=ilorin_upload())
    assert r.status == 201, r.body

    turns = []

    def say(text: str) -> dict:
        r = http.post(base + "/messages", token=token, json={"text": text})
        assert r.status == 200, r.body
        reply = r.json()["reply"]
        turns.append((text, reply))
        return reply

    assert "The analysis is done." in say("please rank the wards")["text"]
    asked = say("I want to plan bed nets")
    assert asked["tool_calls"] == []
    assert "household" in say("150k nets")["text"].lower()
    plan = say("household size is 5")
    assert plan["tool_calls"][0]["tool"] == "plan_itn"
    assert plan["tool_calls"][0]["params"] == {"total_nets": 150000, "household_size": 5}
    changed = say("what if we only had 100,000?")
    assert changed["tool_calls"][0]["tool"] == "what_if_plan"
    assert changed["tool_calls"][0]["params"] == {"total_nets": 100000}
    assert "Compared with the previous plan" in changed["text"]

    listed = http.get(base + "/messages", token=token).json()
    assert listed["count"] == 2 * len(turns)
    assert [m["text"] for m in listed["messages"] if m["role"] == "user"] == [
        t for t, _ in turns
    ]
    state = http.get(base, token=token).json()
    assert len(state["plans"]) == 2
