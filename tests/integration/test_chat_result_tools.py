"""The result tools over HTTP and in chat: ward lists, LGA summaries, answers from stored
results, one ward's value, PCA checks, data quality and exports - checked against the
stored ranking and plan, never against wording alone."""

from __future__ import annotations

import contextlib
import io
import re

import pandas as pd
import pytest

from chatmrpt.cli import main as cli
from tests._cluster import SessionClient
from tests.integration.test_chat_api import running, say  # noqa: F401 - fixture


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    with contextlib.redirect_stdout(io.StringIO()):
        assert cli(["demo-data", "--wards", "120", "--seed", "7", "--out", str(out)]) == 0
    return out


def _session(app, demo) -> SessionClient:
    s = SessionClient.create(app.test_client())
    files = {"table": ("wards.csv", (demo / "wards.csv").read_bytes()),
             "boundaries": ("wards_boundaries.zip", (demo / "wards_boundaries.zip").read_bytes())}
    assert s.upload(files).status_code == 201
    return s


def _ranking(s: SessionClient) -> pd.DataFrame:
    aid = s.state()["state"]["current_analysis"]
    rows = s.get(f"/analyses/{aid}/wards", query_string={"limit": 1000}).json["wards"]
    return pd.DataFrame(rows)


def test_result_tools(running, demo):  # noqa: F811
    app, _ = running
    s = _session(app, demo)
    # before any analysis the API says what is missing, and changes nothing
    r = s.post("/tools/lga_summary", json={})
    assert r.status_code == 409 and "analysis" in r.json["error"]["message"]
    assert s.post("/tools/nope", json={}).status_code == 404
    assert s.post("/tools/list_wards", json={"category": "Extreme"}).status_code == 400

    # "top 3 wards in <LGA>" with no analysis yet: the analysis runs first, and says so
    wards = pd.read_csv(demo / "wards.csv")
    lga = wards["LGA"].iloc[0]
    reply = say(s, f"top 3 wards in {lga} LGA")
    assert "no analysis yet" in reply["text"].lower()
    ranking = _ranking(s)
    expected = ranking[ranking["LGA"] == lga].sort_values("composite_rank")["WardName"][:3]
    listed = re.findall(r"^\d+\. (.+?) - ", reply["text"], flags=re.M)
    assert listed == list(expected)

    # an LGA the data lacks: asked about, nothing listed
    reply = say(s, "top 5 in Likwa LGA")
    assert reply["tool_calls"] == [] and "Likwa" in reply["text"]
    assert reply["suggestions"] and all(x.startswith("Top 5 wards in ") for x in reply["suggestions"])

    # the same tool over HTTP
    high = s.post("/tools/list_wards", json={"lga": lga, "category": "High"}).json
    want = ranking[(ranking["LGA"] == lga) & (ranking["composite_category"] == "High")]
    assert [w["WardName"] for w in high["data"]["table"]] == list(
        want.sort_values("composite_rank")["WardName"])

    summary = s.post("/tools/lga_summary", json={}).json["data"]["lgas"]
    counts = ranking.groupby("LGA")["composite_category"].value_counts()
    for row in summary:
        assert row["High"] == counts.get((row["LGA"], "High"), 0)
        assert row["wards"] == int((ranking["LGA"] == row["LGA"]).sum())
    assert [r["lga_rank"] for r in summary] == list(range(1, len(summary) + 1))

    # one ward's value, from the table
    ward = wards.sort_values("Population").iloc[-1]
    if (wards["WardName"] == ward["WardName"]).sum() == 1:
        reply = say(s, f"population of {ward['WardName']}")
        assert f"{int(ward['Population']):,}" in reply["text"]

    # answers from the stored plan
    say(s, "plan 200,000 nets household size 5")
    plan_id = s.state()["state"]["last_plan"]
    plan = s.get(f"/itn-plans/{plan_id}").json
    totals = plan.get("totals") or plan["summary"]["totals"]
    reply = say(s, "how many wards get full coverage?")
    assert f"wards: {totals['wards_fully_covered']} fully covered" in reply["text"]
    most = s.post("/tools/ask_results", json={"about": "plan_lga", "order": "most"}).json
    assert most["data"]["nets"] == max(
        s.post("/tools/ask_results", json={"about": "plan_lga"}).json["data"]["lgas"].values())

    # the 20%-more suggestion is 1.2 times the nets, echoed with its arithmetic
    reply = say(s, "Plan with 20% more nets")
    assert "240,000 nets = 200,000 + 20%" in reply["text"]

    pca = s.post("/tools/pca_validity", json={}).json
    assert pca["data"]["kmo"] is not None and "KMO" in pca["text"]

    # exports: the map that was shown, as a picture
    say(s, "show me the urban map")
    reply = say(s, "save that map as a picture")
    assert reply["tool_calls"][-1]["params"]["what"] == "urban"
    assert reply["artifacts"][0]["name"].endswith(".png")
    md = s.post("/tools/export_conversation", json={"format": "markdown"}).json
    body = s.client.get(md["artifacts"][0]["url"], headers={"Authorization": f"Bearer {s.token}"})
    assert b"save that map as a picture" in body.data

    quality = s.post("/tools/data_quality", json={}).json
    assert "missing" in quality["data"]
