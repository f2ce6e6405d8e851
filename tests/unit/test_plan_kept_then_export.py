"""A result kept in words before a request ("ok keep that. export plan excel"): the request
runs; a setting kept ("keep the buffer") is no such aside."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import DialogueState, decide
from chatmrpt.chat.reading import ASIDE_ONLY
from tests.unit.test_dialogue_pending import FACTS, ctx

PLAN = {"total_nets": 400_000, "household_size": 5}


def steps(text):
    d = decide(text, ctx(last_plan=PLAN),
               DialogueState(last={"tool": "what_if_plan", "params": {"total_nets": 400_000}}),
               FACTS)
    return [(s.tool, s.params) for s in d.steps]


@pytest.mark.parametrize("text,fmt", [
    ("ok keep that. export plan excel", "xlsx"),
    ("keep that. export the plan as excel", "xlsx"),
    ("that one is fine. send the plan as csv", "csv"),
    ("we'll keep this one. export the plan as csv", "csv"),
])
def test_the_request_after_keeping_the_result_runs(text, fmt):
    assert steps(text) == [("export_results", {"what": "itn_plan", "format": fmt})]


@pytest.mark.parametrize("part", ["keep the buffer", "keep that ward", "keep 5"])
def test_a_setting_kept_is_no_aside(part):
    assert ASIDE_ONLY.match(part) is None
