"""Questions about the ward table itself, in chat and over HTTP: its LGAs (names, codes and
wards in each), an LGA's code, ward counts by category in an LGA given by its code, a ward's
test positivity from the table, identical columns, and what planning needs when the table has
no population - each answered from the stored data, nothing run."""

from __future__ import annotations

import pandas as pd

from tests._cluster import ILORIN_BOUNDARIES, ILORIN_TABLE, SessionClient
from tests.eval.jargon import jargon
from tests.integration.test_chat_api import running, say  # noqa: F401 - fixture
from tests.integration.test_chat_stored_answers import _session, demo  # noqa: F401 - fixture


def test_lgas_codes_counts_and_a_wards_tpr(running, demo):  # noqa: F811
    app, _ = running
    s = _session(app, demo)
    say(s, "run the analysis")
    aid = s.state()["state"]["current_analysis"]
    wards = pd.DataFrame(s.get(f"/analyses/{aid}/wards", query_string={"limit": 1000})
                         .json["wards"])
    table = pd.read_csv(demo / "wards.csv")
    per_lga = table.groupby("LGA").size()

    reply = s.post("/tools/ask_results", json={"about": "lgas"}).json
    assert f"{len(per_lga)} LGAs" in reply["text"]
    for lga in per_lga:
        assert f"{lga}" in reply["text"] and f"{lga}" in str(reply["data"]["lgas"])
    assert sum(r["wards"] for r in reply["data"]["lgas"]) == len(table)

    reply = say(s, "how many wards are there per LGA?")
    assert reply["tool_calls"][0]["tool"] == "ask_results"
    first = per_lga.index[0]
    assert f"{first}" in reply["text"] and f"{int(per_lga.iloc[0])} wards" in reply["text"]
    assert jargon(reply["text"]) == []

    code = str(table.loc[table["LGA"] == first, "LGACode"].iloc[0])
    reply = say(s, f"what's the code for {first}")
    assert code in reply["text"], reply["text"]
    ranked = wards[["WardName", "LGA", "composite_category"]].merge(
        table[["WardName", "LGA", "LGACode"]], on=["WardName", "LGA"])
    mine = ranked[ranked["LGACode"].astype(str) == code]
    medium = int((mine["composite_category"] == "Medium").sum())
    reply = say(s, f"how many Medium wards are in {code}")
    assert reply["tool_calls"][0]["params"] == {"about": "ward_counts", "category": "Medium",
                                                "lga_code": code}
    assert f"{medium} of the {len(wards)} wards" in reply["text"], reply["text"]

    unique = table.drop_duplicates("WardName", keep=False).iloc[0]
    reply = say(s, f"what is the under-5 TPR in {unique['WardName']}?")
    assert reply["tool_calls"][0]["tool"] == "ward_value"
    assert f"{unique['u5_tpr_rdt']:.2f}".rstrip("0").rstrip(".") in reply["text"]
    assert s.state()["state"]["current_analysis"] == aid  # nothing was run


def test_identical_columns_and_no_population(running):  # noqa: F811
    app, _ = running
    s = SessionClient.create(app.test_client())
    table = pd.read_csv(ILORIN_TABLE)  # as shared: no population column
    table["housing_copy"] = table["val_housing_15"]
    table.loc[0, "housing_copy"] = None  # a missing cell does not hide the copy
    files = {"table": ("ilorin_variables.csv", table.to_csv(index=False).encode()),
             "boundaries": ("ilorin_wards.zip", ILORIN_BOUNDARIES.read_bytes())}
    assert s.upload(files).status_code == 201
    reply = say(s, "are there problems in this table I should know about?")
    assert reply["tool_calls"][0]["tool"] == "data_quality"
    assert "val_housing_15 and housing_copy" in reply["text"], reply["text"]
    assert "unnamed" not in reply["text"]  # the row-number columns are no data
    assert reply["data"]["identical"] == ["val_housing_15 and housing_copy"]

    # the ward with an odd value, from the uploaded table; no plan is offered without people
    analysed = say(s, "run the analysis")
    assert "Top 10 wards" in analysed["suggestions"], analysed
    assert "Plan ITN distribution" not in analysed["suggestions"], analysed
    lowest = table.loc[table["distance"].idxmin()]
    value = round(float(lowest["distance"]), 1)
    reply = say(s, f"distance is {value} for one ward, which one is that?")
    assert reply["tool_calls"][0]["params"] == {"about": "value_wards", "variable": "distance",
                                                "value": value}
    assert str(lowest["WardName"]) in reply["text"], reply["text"]
    reply = s.post("/tools/ask_results", json={"about": "value_wards", "variable": "distance",
                                               "value": -1}).json
    assert reply["data"]["wards"] == [] and "No ward" in reply["text"]

    reply = say(s, "how many nets should we request for our wards? households are about 6")
    assert reply["tool_calls"][0]["tool"] == "planning_data"
    assert "population" in reply["text"]
    assert s.state()["state"].get("last_plan") is None
