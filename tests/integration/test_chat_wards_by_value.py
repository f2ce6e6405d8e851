"""The wards with the highest or lowest values of one variable, through the HTTP API (the
result tool and the chat), checked against the uploaded Ilorin table itself."""

from __future__ import annotations

import pandas as pd

from tests._cluster import ILORIN_TABLE, SessionClient, ilorin_upload
from tests.integration.test_chat_api import running, say  # noqa: F401 - fixture


def _expected(column: str, n: int, highest: bool) -> list[str]:
    table = pd.read_csv(ILORIN_TABLE)
    values = pd.to_numeric(table[column], errors="coerce")
    ordered = table.assign(v=values).dropna(subset=["v"]).sort_values(
        ["v", "WardName"], ascending=[not highest, True], kind="mergesort")
    return ordered["WardName"].astype(str).head(n).tolist()


def test_wards_by_value_from_the_tool_and_the_chat(running):  # noqa: F811
    app, _ = running
    s = SessionClient.create(app.test_client())
    assert s.upload(ilorin_upload()).status_code == 201

    r = s.post("/tools/wards_by_value", json={"variable": "distance", "n": 3})
    assert r.status_code == 200, r.json
    assert [w["WardName"] for w in r.json["data"]["table"]] == _expected("distance", 3, True)
    low = s.post("/tools/wards_by_value", json={"variable": "meanEVI", "n": 4,
                                                "order": "lowest"}).json
    assert [w["WardName"] for w in low["data"]["table"]] == _expected("meanEVI", 4, False)

    missing = s.post("/tools/wards_by_value", json={"variable": "rainfall"})
    assert missing.status_code == 404 and "no column 'rainfall'" in missing.json["error"]["message"]

    reply = say(s, "which ward has the highest distance?")
    assert reply["tool_calls"][0]["tool"] == "wards_by_value", reply
    top = _expected("distance", 1, True)[0]
    assert top in reply["text"] and "not the vulnerability ranking" in reply["text"]


def test_wards_above_a_value_and_a_percentage_of_a_share_column(running):  # noqa: F811
    from tests._cluster import KANO_TABLE, kano_upload

    app, _ = running
    s = SessionClient.create(app.test_client())
    assert s.upload(kano_upload()).status_code == 201
    table = pd.read_csv(KANO_TABLE)
    tpr = pd.to_numeric(table["test_positivity_rate"], errors="coerce")
    assert tpr.max() <= 1  # the Kano table holds shares, not percentages

    reply = say(s, "how many wards have tpr above 50%?")
    assert reply["tool_calls"][0]["tool"] == "wards_by_value", reply
    expected = int((tpr > 0.5).sum())
    assert reply["text"].count("is read as 0.5") == 1, reply["text"]
    assert f"{expected} of the {int(tpr.notna().sum())} wards" in reply["text"], reply["text"]

    r = s.post("/tools/wards_by_value", json={"variable": "test_positivity_rate",
                                              "below": 0.2, "n": 100})
    assert r.json["data"]["count"] == int((tpr < 0.2).sum())
    assert all(w["test_positivity_rate"] < 0.2 for w in r.json["data"]["table"])


def test_lga_averages_on_a_table_with_lga_codes_only(running):  # noqa: F811
    from tests._cluster import kano_upload

    app, _ = running
    s = SessionClient.create(app.test_client())
    assert s.upload(kano_upload()).status_code == 201
    assert "The analysis is done." in say(s, "run the analysis")["text"]
    analysis_id = s.state()["state"]["current_analysis"]
    rows = pd.DataFrame(s.get(f"/analyses/{analysis_id}/wards",
                              query_string={"limit": 500}).json["wards"])
    assert len(rows) == 66 and rows["LGACode"].notna().all()  # codes from the boundaries
    means = pd.to_numeric(rows["rainfall"]).groupby(
        rows["LGACode"].astype(str).str.replace(r"\.0$", "", regex=True)).mean()
    means = means.sort_values(ascending=False, kind="mergesort")
    r = s.post("/tools/lga_averages", json={"variable": "rainfall"})
    assert r.status_code == 200, r.json
    got = r.json["data"]["lgas"]
    assert [g["LGA"] for g in got] == [f"LGA {c}" for c in means.index]
    assert [round(g["mean"], 6) for g in got] == [round(float(v), 6) for v in means]
    one = say(s, f"average rainfall in LGA {means.index[-1]}")
    assert one["tool_calls"][0]["tool"] == "lga_averages", one
    assert f"{len(means)}th highest of {len(means)} LGAs" in one["text"], one["text"]


def test_the_lga_with_the_most_high_priority_wards_names_every_lga_tied(running):  # noqa: F811
    from tests._cluster import kano_upload

    app, _ = running
    s = SessionClient.create(app.test_client())
    assert s.upload(kano_upload()).status_code == 201
    assert "The analysis is done." in say(s, "run the analysis")["text"]
    analysis_id = s.state()["state"]["current_analysis"]
    rows = pd.DataFrame(s.get(f"/analyses/{analysis_id}/wards",
                              query_string={"limit": 500}).json["wards"])
    codes = rows["LGACode"].astype(str).str.replace(r"\.0$", "", regex=True)
    for category, order in (("High", "most"), ("Low", "fewest"), ("Medium", "most")):
        counts = (rows["composite_category"] == category).groupby(codes).sum()
        best = counts.max() if order == "most" else counts.min()
        tied = sorted(f"LGA {c}" for c in counts[counts == best].index)
        reply = say(s, f"which LGA has the {order} {category.lower()} risk wards?")
        assert reply["tool_calls"][0]["tool"] == "lga_summary", reply
        first = reply["text"].split(" All ")[0]
        assert sorted(name for name in (f"LGA {c}" for c in counts.index) if name in first) \
            == tied, (category, first)
        assert str(int(best)) in first
