"""Questions about stored results, in chat and over HTTP: each reply holds the stored figure
itself (whole numbers exact), read from the plan, the reprioritisation and the analysis the
session points at - and a question changes nothing but, for a reprioritisation threshold not
yet computed, the reprioritisation with the same target."""

from __future__ import annotations

import pandas as pd

from tests._cluster import SessionClient, ilorin_upload
from tests.eval.jargon import jargon
from tests.integration.test_chat_api import running, say  # noqa: F401 - fixture
from tests.integration.test_chat_result_tools import _session, demo  # noqa: F401 - fixture


def _pointers(s: SessionClient) -> dict:
    state = s.state()["state"]
    return {k: state.get(k) for k in ("current_analysis", "last_plan", "last_reprioritization",
                                      "last_tpr")}


def _has(text: str, value: float) -> bool:
    return f"{int(value):,}" in text or str(int(value)) in text


def test_stored_figures_in_replies(running, demo):  # noqa: F811
    app, _ = running
    s = _session(app, demo)
    say(s, "run the analysis")
    state = s.state()["state"]
    aid = state["current_analysis"]
    ranking = pd.DataFrame(s.get(f"/analyses/{aid}/wards", query_string={"limit": 1000})
                           .json["wards"])

    # the variables: named as the table's columns and in plain words, with their directions
    reply = say(s, "which variables did you use and which direction does each one take?")
    assert "housing_quality (share of improved housing)" in reply["text"]
    assert "inverse" in reply["text"] and "direct" in reply["text"]

    created = s.post("/itn-plans", json={"total_nets": 150_000, "household_size": 5,
                                         "urban_threshold": 50})
    assert created.status_code == 201
    pid = s.state()["state"]["last_plan"]
    plan = s.get(f"/itn-plans/{pid}?limit=1").json
    summary = plan["summary"]

    before = _pointers(s)
    reply = say(s, "what is the total need for the state?")
    for field in ("total_need", "nets_allocated", "wards_fully_covered", "wards_not_covered",
                  "tier2_wards"):
        assert _has(reply["text"], summary[field]), field
    assert jargon(reply["text"]) == []
    reply = say(s, "how many wards are in tier 2 now, the urban ones?")
    assert _has(reply["text"], summary["tier2_wards"])

    # every figure of one LGA's row
    row = max(plan["by_lga"], key=lambda r: r["wards_not_covered"])
    reply = s.post("/tools/ask_results", json={"about": "plan_lga", "lga": row["LGA"]}).json
    for field in ("nets_allocated", "nets_needed", "wards", "wards_fully_covered",
                  "wards_partly_covered", "wards_not_covered"):
        assert _has(reply["text"], row[field]), field
    # the LGAs with the fewest nets: all of them when several tie
    fewest = min(r["nets_allocated"] for r in plan["by_lga"])
    reply = s.post("/tools/ask_results", json={"about": "plan_lga", "order": "fewest"}).json
    for r in plan["by_lga"]:
        if r["nets_allocated"] == fewest:
            assert r["LGA"] in reply["text"]
    assert _pointers(s) == before  # questions change no result

    # reprioritisation: a threshold not computed yet is computed with the same target
    s.post("/reprioritizations", json={"thresholds": [30, 75], "target": 25})
    first = s.state()["state"]["last_reprioritization"]
    reply = say(s, "how many wards were flagged at the 50% urban threshold?")
    rid = s.state()["state"]["last_reprioritization"]
    assert rid != first
    rec = s.get(f"/reprioritizations/{rid}").json
    assert rec["params"]["target"] == 25
    row50 = next(r for r in rec["summary"] if float(r["threshold"]) == 50)
    assert _has(reply["text"], row50["selected_wards"]) and "25%" in reply["text"]
    # a threshold it holds is read back, nothing computed
    reply = say(s, "how many wards selected at 30% urban?")
    assert s.state()["state"]["last_reprioritization"] == rid
    row30 = next(r for r in rec["summary"] if float(r["threshold"]) == 30)
    assert _has(reply["text"], row30["selected_wards"])

    # counts of wards above an urban share, from the ranked table
    reply = say(s, "how many wards are above 75% urban in total?")
    urban = pd.to_numeric(ranking["urban_percentage"], errors="coerce")
    assert f"{int((urban > 75).sum())} of the {len(ranking)} wards" in reply["text"]
    counted = s.post("/tools/ask_results", json={"about": "ward_counts", "category": "High"})
    assert counted.json["data"]["wards"] == int((ranking["composite_category"] == "High").sum())

    # what planning needs: present here
    ready = s.post("/tools/planning_data", json={}).json
    assert ready["data"]["can_plan_nets"] is True and "population" in ready["text"]


def test_what_a_table_lacks_for_planning(running):  # noqa: F811
    app, _ = running
    s = SessionClient.create(app.test_client())
    assert s.upload(ilorin_upload()).status_code == 201
    reply = say(s, "What do we need to add so we can plan?")
    assert reply["tool_calls"][0]["tool"] == "planning_data"
    assert "population" in reply["text"] and "--" not in reply["text"]
    assert s.state()["state"].get("current_analysis") is None  # nothing was run


def test_help_on_a_table_without_population_offers_no_plan(running):  # noqa: F811
    """What the assistant offers is what the table supports: no net plan example on a table
    without population, no PCA example when PCA did not suit the data."""
    app, _ = running
    from tests import _field_data as fd

    s = SessionClient.create(app.test_client())
    files = {"table": ("ilorin_variables.csv", fd.ILORIN_TABLE.read_bytes()),
             "boundaries": ("ilorin_wards.zip", fd.ILORIN_BOUNDARIES.read_bytes())}
    assert s.upload(files).status_code == 201
    before = say(s, "hi")["text"]
    assert "net plans and files" not in before
    assert "need each ward's population, which this table does not have" in before
    say(s, "run the analysis")
    analysis = s.get(f"/analyses/{s.state()['state']['current_analysis']}").json
    assert analysis["status"] == "succeeded" and analysis["summary"].get("pca_reason")
    after = say(s, "help")["text"]
    assert "plan 500,000 nets" not in after and "deprioritised" not in after
    assert "which this table does not have" in after
    assert "by PCA" not in after and "bottom 5 wards" in after
    # the data check names the missing population among the table's problems
    checked = say(s, "any problems with my data?")["text"]
    assert "No population for the wards" in checked and "val_housing_15" in checked
    what = say(s, "what do we need to add so we can plan?")
    assert what["tool_calls"][0]["tool"] == "planning_data"


def test_the_last_tpr_run_is_described_not_run_again(running, demo):  # noqa: F811
    import io

    from tests._cluster import wait_for

    app, _ = running
    s = _session(app, demo)
    say(s, "run the analysis")  # the tools over HTTP need one
    data = {"facility": (io.BytesIO((demo / "facility_tpr.csv").read_bytes()),
                         "facility_tpr.csv"), "age": "o5", "test": "rdt"}
    r = s.post("/tpr", data=data, content_type="multipart/form-data")
    assert r.status_code == 202, r.json
    run = wait_for(lambda: (v := s.get(f"/tpr/{r.json['tpr_id']}").json)["status"]
                   in ("succeeded", "failed") and v, 120, "the TPR run")
    assert run["status"] == "succeeded", run
    before = _pointers(s)
    for question in ("what age group was the TPR run for?", "tpr settings?"):
        text = say(s, question)["text"]
        assert "people aged five and over" in text and "RDT only" in text, text
        assert "facility_tpr.csv" in text
        assert f"{run['summary']['wards']:,} wards got a rate" in text
    assert _pointers(s) == before
    # the same answer over HTTP
    reply = s.post("/tools/ask_results", json={"about": "tpr_run"}).json
    assert "RDT only" in reply.get("text", ""), reply
