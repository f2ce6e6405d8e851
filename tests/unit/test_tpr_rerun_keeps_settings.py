"""A TPR run again from the chat ("now rdt only", "primary facilities only") changes only the
settings said: the others are the last run's, never the declared defaults."""
from __future__ import annotations

from chatmrpt.chat import assistant as am
from chatmrpt.chat import executors
from chatmrpt.chat.tools import tool_spec


class _Registry:
    def __init__(self):
        self.calls = []

    def spec(self, tool):
        return tool_spec(tool)

    def executor(self, tool):
        def run(rt, session_id, params):
            self.calls.append((tool, dict(params)))
        return run


def _assistant():
    a = am.Assistant.__new__(am.Assistant)
    a.registry, a.rt = _Registry(), None
    return a


def test_tpr_gets_only_the_settings_said():
    a = _assistant()
    a._execute("s", "compute_tpr", {"test": "rdt"})
    assert a.registry.calls == [("compute_tpr", {"test": "rdt"})]


def test_other_tools_still_get_their_defaults():
    a = _assistant()
    a._execute("s", "export_results", {"what": "rankings"})
    tool, params = a.registry.calls[0]
    assert params["what"] == "rankings" and params.get("format")


def test_reply_names_the_settings_kept_from_the_last_run(monkeypatch):
    from chatmrpt.service import views

    def resubmit(rt, session_id, params):
        return {"id": "x", "status": "queued",
                "params": {"age": "o5", "test": "both", "facility_level": "all", **params}}
    monkeypatch.setattr(views, "resubmit_tpr", resubmit)
    out = executors.compute_tpr(None, "s", {"test": "rdt"})
    assert "o5" in out.text and "rdt" in out.text and "all facilities" in out.text
