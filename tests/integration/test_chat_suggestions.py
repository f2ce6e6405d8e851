"""Every suggestion the assistant offers, pressed, does exactly what it says.

A few conversations are played through the HTTP API (real store, real analysis job); every
suggestion any reply offers is sent back verbatim, and what happened is checked against
the suggestion's meaning: the tool that ran and its parameters, judged on the stored state
(a "20% more nets" plan must hold 1.2 times the nets of the plan before it). A suggestion
with no declared meaning fails the test, so a new one cannot slip in untested.
"""

from __future__ import annotations

import re

from tests._cluster import SessionClient, ilorin_upload
from tests.integration.test_chat_api import running, say  # noqa: F401 - fixture

MAP_WORDS = {"ITN": "itn", "vulnerability": "composite", "categories": "category",
             "urban": "urban", "PCA": "pca"}
CONVERSATIONS = (
    ("what can you do?", "describe my data", "run the analysis", "top 5 wards",
     "show the vulnerability map", "plan 60,000 nets household size 5",
     "which urban wards can be deprioritised?", "compare the two methods",
     "who won the 2023 governorship election?", "go ahead", "top 5 in Likwa LGA",
     "export the report as pdf", "export the file", "make it bigger", "by 5,000",
     "make it smaller", "export the map", "export"),
    # the questions whose choices name a whole request: a variable the table lacks, a value
    # that fits two plan settings, changes put off until they are decided
    ("run the analysis with tpr, evi and distance to the nearest clinic",
     "plan 60,000 nets household size 5", "make it 2", "make it 80,000 nets but not yet",
     "reprioritise urban wards at 60% but hold off until the director confirms"),
)
MAP_NAMES = {"vulnerability (composite score) map": "composite", "net plan map": "itn",
             "priority categories map": "category", "urban wards map": "urban", "urban map": "urban",
             "PCA ranking map": "pca"}


def _last_plan(s: SessionClient) -> dict:
    state = s.state()
    plan_id = state["state"].get("last_plan")
    return next(p for p in state["plans"] if p.get("plan_id", p.get("id")) == plan_id)


def _plan_nets(plan: dict) -> int:
    params = plan.get("params") or {}
    return int(params.get("total_nets") or (plan.get("summary") or {}).get("total_nets"))


def check(s: SessionClient, suggestion: str) -> None:
    """Send ``suggestion`` and assert the outcome matches what it says."""
    m = re.fullmatch(r"Plan with (\d+)% more nets(?: \([\d,]+\))?|(\d+)% (more|fewer) nets",
                     suggestion)
    n = re.fullmatch(r"another ([\d,]+) nets|([\d,]+) fewer nets", suggestion)
    before = _plan_nets(_last_plan(s)) if m or n else None
    records = {k: v for k, v in s.state()["state"].items() if k != "dialogue"}
    reply = say(s, suggestion)
    calls = [(c["tool"], c.get("params") or {}) for c in reply["tool_calls"]
             if c.get("status") == "ok"]
    if suggestion == "No, leave it":  # the refusal offered with a question: nothing changes
        assert not calls, reply
        assert {k: v for k, v in s.state()["state"].items() if k != "dialogue"} == records
        return
    if m:
        after = _plan_nets(_last_plan(s))
        pct = int(m.group(1) or m.group(2)) * (-1 if m.group(3) == "fewer" else 1)
        assert after == round(before * (1 + pct / 100)), (suggestion, reply["text"])
        assert calls and calls[-1][0] == "what_if_plan"
        return
    if n:
        after = _plan_nets(_last_plan(s))
        delta = int((n.group(1) or n.group(2)).replace(",", ""))
        assert after == before + (delta if n.group(1) else -delta), (suggestion, reply["text"])
        assert calls and calls[-1][0] == "what_if_plan"
        return
    if m := re.fullmatch(r"Export the (.+ map) as (HTML|PNG)", suggestion):
        assert calls[-1] == ("export_view", {"what": MAP_NAMES[m.group(1)],
                                             "format": m.group(2).lower()}), reply
        assert reply["artifacts"][0]["name"].endswith("." + m.group(2).lower())
        return
    if m := re.fullmatch(r"Show the (\w+) map", suggestion):
        assert calls[-1] == ("show_map", {"what": MAP_WORDS[m.group(1)]}), reply
        assert reply["artifacts"][0]["kind"] == "map"
        return
    if m := re.fullmatch(r"(Top|Bottom) (\d+) wards", suggestion):
        tool, params = calls[-1]
        assert tool == "top_wards" and params.get("n") == int(m.group(2)), reply
        assert params.get("order", "top") == m.group(1).lower()
        return
    if m := re.fullmatch(r"Top (\d+) wards in (.+) LGA", suggestion):
        assert calls[-1] == ("list_wards", {"n": int(m.group(1)), "lga": m.group(2)}), reply
        return
    if m := re.fullmatch(r"(Top|Bottom) (\d+) wards of LGA (\d+)", suggestion):
        params = {"n": int(m.group(2)), "lga_code": m.group(3)}
        if m.group(1) == "Bottom":
            params["order"] = "bottom"
        assert calls[-1] == ("list_wards", params), reply
        return
    if m := re.fullmatch(r"Why is (.+) ranked (\d+)(?:st|nd|rd|th)\?", suggestion):
        tool, params = calls[-1]
        assert tool == "explain_ward" and params["ward"] == m.group(1), reply
        assert m.group(1) in reply["text"]
        return
    if m := re.fullmatch(r"Export the (report|rankings|net plan|full table with scores)"
                         r"(?: as (HTML|Excel|CSV|XLSX))?", suggestion):
        subject = {"net plan": "itn_plan", "full table with scores": "unified"}.get(
            m.group(1), m.group(1))
        default = {"report": "html", "rankings": "csv", "itn_plan": "csv", "unified": "csv"}
        fmt = {"excel": "xlsx"}.get((m.group(2) or "").lower(),
                                    (m.group(2) or default[subject]).lower())
        assert calls[-1][0] == "export_results", reply
        assert calls[-1][1].get("what") == subject
        assert reply["artifacts"][0]["name"].endswith("." + fmt)
        return
    if m := re.fullmatch(r"Run the analysis with (.+?)(?:, treating (.+?))?"
                         r"(?:, using the (\w+) normalisation)?", suggestion):
        names = re.split(r", | and ", m.group(1))
        tool, params = calls[-1]
        assert tool == "run_analysis" and params.get("variables") == names, reply
        return
    if m := re.fullmatch(r"Re-plan with (.+)", suggestion):
        said = {"nets": "total_nets", "household size": "household_size",
                "people per net": "people_per_net", "urban threshold": "urban_threshold"}
        want = {}
        for part in m.group(1).split(", "):
            if n := re.fullmatch(r"([\d,]+) nets", part):
                want["total_nets"] = int(n.group(1).replace(",", ""))
            else:
                name, value = part.rsplit(" ", 1)
                want[said[name]] = float(value.rstrip("%"))
        assert calls and calls[-1][0] == "what_if_plan", reply
        stored = _last_plan(s).get("params") or {}
        assert all(float(stored[k]) == v for k, v in want.items()), (want, stored)
        return
    if m := re.fullmatch(r"Reprioritise urban wards at a (\d+)% urban threshold"
                         r"(?: with a target of (\d+)%)?", suggestion):
        want = {"thresholds": [int(m.group(1))]}
        if m.group(2):
            want["target_share"] = int(m.group(2))
        assert calls[-1] == ("reprioritize_urban", want), reply
        return
    simple = {"Run the analysis": "run_analysis", "Describe my data": "describe_data",
              "Explain the method": "explain_methodology", "What is the status?":
              "session_status", "What can you do?": "help", "Compare the two rankings":
              "compare_methods", "Summarise by LGA": "lga_summary",
              "Reprioritise urban wards": "reprioritize_urban"}  # fmt: skip
    if suggestion in simple:
        assert calls and calls[-1][0] == simple[suggestion], reply
        return
    if m := re.fullmatch(r"Explain (.+?)(?: in (.+))?", suggestion):
        tool, params = calls[-1]
        assert tool == "explain_ward" and params["ward"] == m.group(1), reply
        return
    if suggestion == "Plan ITN distribution":
        # it asks for the two numbers it must never guess
        assert not calls and "nets" in reply["text"].lower() and "household" in reply["text"]
        return
    raise AssertionError(f"suggestion without a declared meaning: {suggestion!r}")


def test_every_suggestion_does_what_it_says(running):  # noqa: F811
    app, _ = running
    s = SessionClient.create(app.test_client())
    assert s.upload(ilorin_upload()).status_code == 201
    tried: set[str] = set()
    emitted: set[str] = set()
    for conversation in CONVERSATIONS:
        for text in conversation:
            pending = list(say(s, text)["suggestions"])
            while pending:
                suggestion = pending.pop(0)
                emitted.add(suggestion)
                if suggestion in tried:
                    continue
                tried.add(suggestion)
                check(s, suggestion)
    # the conversations reach the suggestions that matter most
    assert {"Show the ITN map", "Run the analysis"} <= emitted
    assert any(x.startswith("Plan with 20% more nets (") for x in emitted), emitted
    assert any(x.startswith("Why is ") for x in emitted)
    # the readings offered instead of guessing: an amount or a direction left out, a map
    assert {"10% more nets", "20% more nets", "10% fewer nets"} <= emitted, emitted
    assert {"another 5,000 nets", "5,000 fewer nets"} <= emitted, emitted
    assert any(x.endswith((" map as PNG", " map as HTML")) for x in emitted), emitted
    # the choices of a missing variable, of a value of two settings and of changes put off
    assert any(x.startswith("Run the analysis with ") for x in emitted), emitted
    assert {"Re-plan with household size 2", "Re-plan with people per net 2",
            "Re-plan with 80,000 nets"} <= emitted, emitted
    assert any(x.startswith("Reprioritise urban wards at a 60% urban threshold")
               for x in emitted), emitted
