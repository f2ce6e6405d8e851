"""Field data from chat: "add rainfall" adds a raster from the deployment's library to the
ward data (a real moto S3 library, a real consumer running the job, through the HTTP API);
without a library, or for a raster the library lacks, the reply says plainly that nothing
was added and the session keeps its data."""

from __future__ import annotations

from tests._cluster import SessionClient
from tests.integration.test_chat_api import make_app, say
from tests.integration.test_covariates_api import ilorin, library, moto, stack, upload

__all__ = ["ilorin", "library", "moto", "stack"]  # fixtures shared with the API tests


def _current_dataset(s: SessionClient) -> str:
    return s.state()["state"]["current_dataset"]


def say_or_confirm(s: SessionClient, text: str) -> dict:
    """The reply to ``text``; when the assistant is not sure enough to act and asks first,
    the reply to its one-tap choice that says what it would do (nothing changes before it)."""
    def records() -> dict:  # what the session holds, without the conversation's own state
        return {k: v for k, v in s.state()["state"].items() if k != "dialogue"}

    before = records()
    reply = say(s, text)
    if not reply["tool_calls"]:
        assert reply["text"].startswith("I read this as: "), reply
        assert records() == before
        reply = say(s, reply["suggestions"][0])
    return reply


def test_add_rainfall_from_chat_adds_the_library_raster(stack):
    app, _settings = stack
    s = SessionClient.create(app.test_client())
    assert upload(s).status_code == 201
    before = _current_dataset(s)

    reply = say(s, "please add rainfall from the raster library to my data")
    call = reply["tool_calls"][-1]
    assert call["tool"] == "add_covariates" and call["status"] == "ok", reply
    assert call["params"] == {"rasters": ["rainfall"]}
    assert "rainfall" in reply["text"] and "raster library" in reply["text"]
    after = _current_dataset(s)
    assert after != before
    assert "rainfall" in s.get(f"/datasets/{after}").json["variables"]
    # the new column is a variable the next analysis can use, from chat
    reply = say(s, "run the analysis with rainfall and val_housing_15")
    assert reply["tool_calls"][-1]["status"] == "ok", reply

    # a raster the library lacks: nothing is added, the reply says what it offers
    reply = say_or_confirm(s, "add temperature too")
    assert reply["tool_calls"][-1]["status"] == "failed"
    assert "Nothing was added" in reply["text"] and "rainfall" in reply["text"]
    assert _current_dataset(s) == after


def test_without_a_library_the_reply_says_so_and_changes_nothing(tmp_path):
    from tests._cluster import ilorin_upload

    app, _ = make_app(tmp_path)
    try:
        s = SessionClient.create(app.test_client())
        assert s.upload(ilorin_upload()).status_code == 201
        before = _current_dataset(s)
        reply = say_or_confirm(s, "add rainfall and ndvi to the ward data")
        call = reply["tool_calls"][-1]
        assert call["tool"] == "add_covariates" and call["status"] == "failed"
        assert "no raster library" in reply["text"]
        assert _current_dataset(s) == before
    finally:
        from chatmrpt.web.app import close_runtime

        close_runtime(app)
