"""The figure the page shows goes with each message: "save that map" means it.

The page draws the vulnerability map by itself when an analysis finishes, and the analyst
may pick any other map; only the page knows which one is on the screen, so it sends that
view (``shown``) with the message. Through the HTTP API, on a real store with a real
analysis job: the view is what "that map" exports, a message without it keeps the chat's
own memory, and a view the service cannot make is refused before anything is stored.
"""

from __future__ import annotations

import pytest

from tests._cluster import SessionClient, ilorin_upload
from tests.integration.test_chat_api import running, say  # noqa: F401 - fixture


def _analysed(app) -> SessionClient:
    s = SessionClient.create(app.test_client())
    assert s.upload(ilorin_upload()).status_code == 201
    assert "The analysis is done." in say(s, "run the analysis")["text"]
    return s


def _send(s: SessionClient, text: str, shown) -> dict:
    r = s.post("/messages", json={"text": text, "shown": shown})
    assert r.status_code == 200, r.json
    return r.json["reply"]


def _exports(reply: dict) -> list[dict]:
    return [c["params"] for c in reply["tool_calls"]
            if c["tool"] == "export_view" and c["status"] == "ok"]


def test_that_map_is_the_map_the_page_shows(running):  # noqa: F811
    app, _ = running
    s = _analysed(app)
    # nothing drawn by the chat: without the page's view it cannot know, and asks
    asked = say(s, "save that map")
    assert not _exports(asked), asked
    # the page drew the vulnerability map when the analysis finished
    saved = _send(s, "save that map", {"kind": "map", "what": "composite"})
    assert _exports(saved) == [{"what": "composite", "format": "png"}], saved
    assert any(a["name"].endswith(".png") for a in saved["artifacts"]), saved["artifacts"]
    # the analyst picked the distance map in the page's picker
    variable = _send(s, "png of the one shown",
                     {"kind": "map", "what": "variable", "variable": "distance"})
    assert _exports(variable) == [{"what": "variable", "variable": "distance",
                                   "format": "png"}], variable


def test_a_message_without_a_view_keeps_what_the_chat_showed(running):  # noqa: F811
    app, _ = running
    s = _analysed(app)
    assert say(s, "show the urban map at 50%")["tool_calls"][0]["tool"] == "show_map"
    saved = _send(s, "save that map", None)
    assert [(p["what"], p.get("threshold")) for p in _exports(saved)] == [("urban", 50)], saved


@pytest.mark.parametrize(("shown", "said"), [
    ({"kind": "map", "what": "rainbow"}, "map kind that does not exist"),
    ({"kind": "map", "what": "variable"}, "without the variable's name"),
    ({"kind": "map", "what": "urban", "threshold": 250}, "outside 0-100"),
    ({"kind": "table", "what": "composite"}, "must be \"map\" or \"chart\""),
    ({"kind": "chart", "what": "pie"}, "chart kind that does not exist"),
    ("composite", "must be an object"),
])
def test_a_bad_view_is_refused_and_nothing_is_stored(running, shown, said):  # noqa: F811
    app, _ = running
    s = _analysed(app)
    before = s.get("/messages").json["count"]
    files = s.get("/artifacts").json["artifacts"]
    dialogue = s.state()["state"].get("dialogue")
    r = s.post("/messages", json={"text": "save that map", "shown": shown})
    assert r.status_code == 400, r.json
    assert r.json["error"]["code"] == "invalid_request"
    assert said in r.json["error"]["message"], r.json
    assert s.get("/messages").json["count"] == before
    assert s.get("/artifacts").json["artifacts"] == files
    assert s.state()["state"].get("dialogue") == dialogue
