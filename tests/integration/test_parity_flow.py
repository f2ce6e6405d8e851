"""R MRPT compatible options end to end: CLI on the real fixtures, the HTTP API, the chat.

The ranking is the median of per-model ranks (``aggregation median-rank``), the plan the
proportional strategy, and ranks made elsewhere come in through a rank column.
"""

from __future__ import annotations

import io
import json
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from chatmrpt.cli import main
from chatmrpt.config import load_settings
from chatmrpt.jobs.consumer import run_consumers
from chatmrpt.web.app import close_runtime, create_app
from tests._cluster import SessionClient, ilorin_upload, run_queued_jobs
from tests._fake_llm import FakeLlm
from tests.conftest import ILORIN_BOUNDARIES, ILORIN_TABLE, KANO_BOUNDARIES, KANO_TABLE


def run(*args) -> int:
    return main([str(a) for a in args])


@pytest.mark.parametrize(
    ("table", "boundaries"), [(KANO_TABLE, KANO_BOUNDARIES), (ILORIN_TABLE, ILORIN_BOUNDARIES)]
)
def test_real_fixtures_rank_by_median_rank_with_each_tie_break(tmp_path, table, boundaries):
    results = {}
    for tie in ("name", "code", "order"):
        out = tmp_path / tie
        assert run("analyze", table, "--boundaries", boundaries, "--aggregation", "median-rank",
                   "--tie-break", tie, "--methods", "composite", "--out", out, "--quiet") == 0
        wards = pd.read_csv(out / "unified_dataset.csv", dtype={"WardCode": str})
        meta = json.loads((out / "analysis.json").read_text())
        assert meta["parameters"]["aggregation"] == "median-rank"
        assert meta["parameters"]["tie_break"] == tie
        assert meta["parameters"]["normalization"] == "reciprocal"
        n = len(wards)
        rank = wards["composite_rank"].to_numpy()
        median = wards["composite_median_rank"].to_numpy()
        assert sorted(rank) == list(range(1, n + 1))
        # a higher median model rank is a more vulnerable ward: a smaller composite rank
        order = np.argsort(rank)
        assert (np.diff(median[order]) <= 0).all()
        # medians of 4 integer ranks: whole or .5
        assert set(np.round(median * 2) / 2 == median) == {True}
        # equal medians: ordered by the tie rule (position = n + 1 - rank, ascending)
        for _, group in wards.groupby("composite_median_rank"):
            if len(group) < 2:
                continue
            by_position = group.sort_values("composite_rank", ascending=False)
            if tie == "name":
                keys = [s.encode() for s in by_position["WardName"]]
            elif tie == "code":
                keys = list(by_position["WardCode"])
            else:
                keys = list(by_position.index)
            assert keys == sorted(keys)
        results[tie] = wards
    # wards whose median is unique rank the same whatever the tie rule
    unique = ~results["name"]["composite_median_rank"].duplicated(keep=False)
    for tie in ("code", "order"):
        assert (results[tie]["composite_rank"][unique]
                == results["name"]["composite_rank"][unique]).all()


R_TABLE = """\
ward_name,ward_code,overall_rank,Population,urbanPercentage
A,W1,1,10,10
B,W2,3,18,20
C,W3,4,7,30
D,W4,6,36,40
E,W5,2,14,80
F,W6,5,9,90
"""


def test_cli_plans_from_an_external_rank_table(tmp_path, capsys):
    # the R app's overall rank counts from the least vulnerable ward: rank order descending
    table = tmp_path / "r_ranks.csv"
    table.write_text(R_TABLE, encoding="utf-8")
    out = tmp_path / "plan"
    assert run("itn", table, "--nets", 30, "--household-size", 5, "--strategy", "proportional",
               "--rank-column", "overall_rank", "--rank-order", "descending", "--out", out) == 0
    assert "overall_rank ranking" in capsys.readouterr().out
    plan = pd.read_csv(out / "itn_plan.csv").set_index("WardName")
    # METHODOLOGY §8 worked example, stock 30: A 6, B 10, C 4, D 10, tier 2 nothing
    assert plan["nets_allocated"].loc[list("ABCDEF")].tolist() == [6, 10, 4, 10, 0, 0]
    params = json.loads((out / "itn_plan.json").read_text())["parameters"]
    assert params["rank_column"] == "overall_rank" and params["rank_order"] == "descending"

    sel = tmp_path / "sel.csv"
    assert run("reprioritize", table, "--thresholds", 50, "--target", 10,
               "--rank-column", "overall_rank", "--rank-order", "descending", "--out", sel) == 0
    selected = pd.read_csv(sel)
    # urban above 50%: E (rank 2) and F (rank 5); least vulnerable first: E, 14 of 94 people
    assert selected["WardName"].tolist() == ["E"]


def test_cli_refuses_a_rank_column_without_its_order(tmp_path, capsys):
    table = tmp_path / "r_ranks.csv"
    table.write_text(R_TABLE, encoding="utf-8")
    code = run("itn", table, "--nets", 30, "--household-size", 5,
               "--rank-column", "overall_rank", "--out", tmp_path / "plan")
    assert code == 2
    err = capsys.readouterr().err
    assert "rank 1 is the most vulnerable" in err and "overall_rank" in err
    assert not (tmp_path / "plan").exists()


# --- the HTTP API --------------------------------------------------------------------------


def _upload(session, extra: dict[str, list] | None = None):
    name, data = ilorin_upload()["table"]
    frame = pd.read_csv(io.BytesIO(data))
    for column, values in (extra or {}).items():
        frame[column] = values
    files = dict(ilorin_upload(), table=(name, frame.to_csv(index=False).encode()))
    r = session.upload(files)
    assert r.status_code == 201, r.json
    return r.json["dataset_id"]


def _wards(session, analysis_id):
    r = session.get(f"/analyses/{analysis_id}/wards", query_string={"limit": 1000})
    assert r.status_code == 200, r.json
    return pd.DataFrame(r.json["wards"])


def _plan_wards(session, plan_id):
    body = session.get(f"/itn-plans/{plan_id}", query_string={"limit": 1000}).json
    return pd.DataFrame(body["wards"]).set_index("WardName")


def test_api_median_rank_proportional_and_external_ranks(app, session):
    _upload(session)
    default = session.post("/analyses", json={}).json
    ranked = session.post("/analyses", json={"aggregation": "median-rank", "tie_break": "code"})
    assert ranked.status_code == 202, ranked.json
    assert ranked.json["analysis_id"] != default["analysis_id"]
    assert run_queued_jobs(app) == ["succeeded", "succeeded"]
    params = session.get(f"/analyses/{ranked.json['analysis_id']}").json["params"]
    assert params["aggregation"] == "median-rank" and params["tie_break"] == "code"
    wards = _wards(session, ranked.json["analysis_id"])
    assert "composite_median_rank" in wards.columns
    assert sorted(wards["composite_rank"]) == list(range(1, 36))
    # the same request again is the same analysis
    again = session.post("/analyses", json={"tie_break": "code", "aggregation": "median-rank"})
    assert again.status_code == 200 and again.json["reused"] is True

    stop = session.post("/itn-plans", json={"total_nets": 40_000, "household_size": 5}).json
    prop = session.post("/itn-plans", json={"total_nets": 40_000, "household_size": 5,
                                            "strategy": "proportional"})
    assert prop.status_code == 201, prop.json
    assert prop.json["plan_id"] != stop["plan_id"]
    assert prop.json["summary"]["strategy"] == "proportional"
    assert prop.json["summary"]["nets_allocated"] == min(40_000, prop.json["summary"]["total_need"])
    # proportional spreads a short stock: more wards get some nets than under stop
    partly = prop.json["summary"]["wards_partly_covered"]
    assert partly > stop["summary"]["wards_partly_covered"]

    # R-style ranks (1 = least vulnerable) made from the analysis' own ranks plan the same
    rank_of = dict(zip(wards["WardName"], wards["composite_rank"], strict=True))
    table = pd.read_csv(io.BytesIO(ilorin_upload()["table"][1]))
    r_rank = [36 - rank_of[w] for w in table["WardName"]]
    _upload(session, {"r_rank": r_rank})
    second = session.post("/analyses", json={"aggregation": "median-rank", "tie_break": "code"})
    assert run_queued_jobs(app) == ["succeeded"]
    assert _wards(session, second.json["analysis_id"])["composite_rank"].tolist() == (
        wards["composite_rank"].tolist()
    )
    own = session.post("/itn-plans", json={"total_nets": 40_000, "household_size": 5,
                                           "strategy": "proportional"}).json
    ext = session.post("/itn-plans", json={"total_nets": 40_000, "household_size": 5,
                                           "strategy": "proportional", "rank_column": "r_rank",
                                           "rank_order": "descending"})
    assert ext.status_code == 201, ext.json
    a, b = _plan_wards(session, own["plan_id"]), _plan_wards(session, ext.json["plan_id"])
    assert b["nets_allocated"].loc[a.index].tolist() == a["nets_allocated"].tolist()

    rep = session.post("/reprioritizations", json={"thresholds": [30], "target": 20,
                                                   "rank_column": "r_rank",
                                                   "rank_order": "descending"})
    assert rep.status_code == 200, rep.json
    own_rep = session.post("/reprioritizations", json={"thresholds": [30], "target": 20}).json
    assert [w["WardName"] for w in rep.json["selected"]] == [
        w["WardName"] for w in own_rep["selected"]
    ]
    assert rep.json["params"]["rank_order"] == "descending"
    assert "rank_column" not in own_rep["params"]

    bad = session.post("/itn-plans", json={"total_nets": 1000, "household_size": 5,
                                           "rank_column": "r_rank"})
    assert bad.status_code == 400 and "rank order" in bad.json["error"]["message"]
    bad = session.post("/analyses", json={"aggregation": "mean-rank"})
    assert bad.status_code == 400 and bad.json["error"]["code"] == "invalid_parameter"


# --- the chat, with a language model choosing the tools -----------------------------------


@pytest.fixture
def chat_apps(tmp_path: Path):
    stop = threading.Event()
    settings = load_settings({"CHATMRPT_HOME": str(tmp_path / "home"),
                              "CHATMRPT_JOB_LEASE_S": "5"})
    consumer = threading.Thread(target=run_consumers, args=(settings, 1, stop),
                                kwargs={"grace_s": 5})
    consumer.start()
    apps, servers = [], []

    def start(script=None):
        env = {"CHATMRPT_HOME": str(tmp_path / "home"), "CHATMRPT_JOB_LEASE_S": "5"}
        server = None
        if script is not None:
            server = FakeLlm(tmp_path, script)
            servers.append(server)
            env.update(CHATMRPT_LLM_BASE_URL=server.base_url, CHATMRPT_LLM_MODEL="m",
                       CHATMRPT_LLM_API_KEY="k")
        a = create_app(load_settings(env))
        apps.append(a)
        return a, server

    yield start
    stop.set()
    consumer.join(30)
    for a in apps:
        close_runtime(a)
    for server in servers:
        server.stop()


def test_the_chat_runs_the_r_compatible_ranking_and_plan(chat_apps):
    offline, _ = chat_apps()
    s = SessionClient.create(offline.test_client())
    assert s.upload(ilorin_upload()).status_code == 201
    app, server = chat_apps([
        {"tool_calls": [{"name": "run_analysis",
                         "arguments": {"aggregation": "median-rank", "tie_break": "name"}}]},
        {"text": "Ranked the way the R app does."},
        {"tool_calls": [{"name": "plan_itn",
                         "arguments": {"total_nets": 40000, "household_size": 5,
                                       "strategy": "proportional"}}]},
        {"text": "Planned with proportional allocation."},
    ])
    s2 = SessionClient(app.test_client(), s.id, s.token)
    r = s2.post("/messages", json={"text": "rank them the way the R app does"})
    assert r.status_code == 200, r.json
    assert r.json["reply"]["tool_calls"][0]["tool"] == "run_analysis"
    # the tool's own reply (what the model saw) says which ranking was used
    tool_msgs = [m for m in server.requests()[1]["body"]["messages"] if m["role"] == "tool"]
    assert tool_msgs and "R MRPT compatible" in tool_msgs[-1]["content"]
    state = s2.state()
    analysis = s2.get(f"/analyses/{state['state']['current_analysis']}").json
    assert analysis["status"] == "succeeded"
    assert analysis["params"]["aggregation"] == "median-rank"
    assert analysis["params"]["normalization"] == "reciprocal"
    r = s2.post("/messages", json={"text": "use proportional allocation, 40000 nets, 5 per household"})
    assert r.status_code == 200, r.json
    assert r.json["reply"]["tool_calls"][0]["tool"] == "plan_itn"
    plan = s2.get(f"/itn-plans/{s2.state()['state']['last_plan']}").json
    assert plan["params"]["strategy"] == "proportional"
    assert plan["analysis_id"] == analysis["analysis_id"]
