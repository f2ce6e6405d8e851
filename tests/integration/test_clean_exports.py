"""Ward names that a spreadsheet would run as formulas never reach a CSV download as such.

The service's downloads (unified, rankings, ITN plan, reprioritisation, the ward table
as CSV) and the command line's files all put a quote before text that begins with
``=``, ``+``, ``-``, ``@``, tab or carriage return; numbers stay numbers; XLSX keeps
them as typed text cells.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest

from tests._cluster import SessionClient, run_queued_jobs
from tests.conftest import ILORIN_TABLE

# (reading a table trims spaces, tabs and line ends around names: those are checked in
# tests/unit/test_csvsafe.py)
HOSTILE = ["=HYPERLINK(\"http://x.invalid\",\"click\")", "+1+2", "-3+4", "@SUM(1+1)"]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def hostile_table() -> pd.DataFrame:
    frame = pd.read_csv(ILORIN_TABLE).drop(columns=["Unnamed: 0", "X"], errors="ignore")
    frame = frame.loc[:, ~frame.columns.str.fullmatch(r"(Unnamed.*|X)?")]
    names = frame["WardName"].astype(str).tolist()
    for i, bad in enumerate(HOSTILE):
        names[i] = bad
    frame["WardName"] = names
    n = len(frame)
    frame["population"] = [4000 + (i * 7919) % 26000 for i in range(n)]
    frame["urban_percentage"] = [float((i * 37) % 100) for i in range(n)]
    frame["change"] = [-(i + 1) * 0.5 for i in range(n)]  # negative numbers stay numbers
    return frame


def rows_of(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def assert_clean(data: bytes, name_column: str = "WardName") -> None:
    rows = rows_of(data)
    assert rows, data[:200]
    for row in rows:
        for value in row.values():
            if value and value[0] in TRIGGERS:
                float(value)  # only a plain number may start so
    names = {row[name_column] for row in rows}
    for bad in HOSTILE:
        assert "'" + bad in names, (bad, names)


@pytest.fixture
def analysed(app):
    s = SessionClient.create(app.test_client())
    table = hostile_table().to_csv(index=False).encode()
    assert s.upload({"table": ("wards.csv", table)}).status_code == 201
    assert s.post("/analyses", json={}).status_code == 202
    assert run_queued_jobs(app) == ["succeeded"]
    return s


def download(s, body) -> bytes:
    r = s.post("/exports", json=body)
    assert r.status_code == 200, r.json
    got = s.client.get(r.json["artifact"]["url"], headers=s._headers(None))
    assert got.status_code == 200
    return got.data


def test_every_service_csv_is_neutralised(analysed):
    s = analysed
    assert_clean(download(s, {"what": "unified", "format": "csv"}))
    assert_clean(download(s, {"what": "rankings", "format": "csv"}))
    plan = s.post("/itn-plans", json={"total_nets": 40000, "household_size": 5})
    assert plan.status_code == 201, plan.json
    assert_clean(download(s, {"what": "itn_plan", "format": "csv"}))
    listing = {a["name"]: a for a in s.get("/artifacts").json["artifacts"]}
    for name in ("unified_dataset.csv", "itn_plan.csv"):
        got = s.client.get(listing[name]["url"], headers=s._headers(None))
        assert_clean(got.data)
        assert got.headers["Content-Type"].count("charset") <= 1
    repri = s.post("/reprioritizations", json={"thresholds": [30, 50], "target": 20})
    assert repri.status_code == 200, repri.json
    stored = {a["name"]: a for a in repri.json["artifacts"]}["reprioritization.csv"]
    data = s.client.get(stored["url"], headers=s._headers(None)).data
    for row in rows_of(data):
        for value in row.values():
            assert not (value and value[0] in TRIGGERS) or _is_number(value), value
    wards = s.get(f"/analyses/{s.state()['analyses'][0]['analysis_id']}/wards?format=csv")
    assert wards.status_code == 200
    assert wards.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert_clean(wards.data)
    # numbers untouched: the negative column is written as numbers
    unified = rows_of(download(s, {"what": "unified", "format": "csv"}))
    assert all(float(r["change"]) < 0 for r in unified)
    assert not any(r["change"].startswith("'") for r in unified)


def test_xlsx_keeps_the_text_typed(analysed):
    data = download(analysed, {"what": "rankings", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    names = [c.value for c in sheet["A"][1:]]
    types = {c.value: c.data_type for c in sheet["A"][1:]}
    for bad in ("=HYPERLINK(\"http://x.invalid\",\"click\")", "+1+2", "@SUM(1+1)"):
        assert bad in names and types[bad] == "s"  # the text itself, stored as a string


def test_the_analysis_reads_back_its_own_csv_unchanged(analysed):
    """Without boundaries the ranking pages read unified_dataset.csv: names are the user's."""
    s = analysed
    aid = s.state()["analyses"][0]["analysis_id"]
    wards = s.get(f"/analyses/{aid}/wards").json["wards"]
    names = {w["WardName"] for w in wards}
    for bad in HOSTILE:
        assert bad in names, bad


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def test_cli_files_are_neutralised(tmp_path):
    table = tmp_path / "wards.csv"
    hostile_table().to_csv(table, index=False)
    out = tmp_path / "out"
    run = [sys.executable, "-m", "chatmrpt.cli"]
    done = subprocess.run(run + ["analyze", str(table), "--out", str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert_clean((out / "unified_dataset.csv").read_bytes())
    plan = tmp_path / "plan"
    done = subprocess.run(run + ["itn", str(out), "--nets", "40000", "--household-size", "5",
                                 "--out", str(plan)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert_clean((plan / "itn_plan.csv").read_bytes())
    # the itn command read the unified CSV back: the names it planned are the user's own
    by_name = set(pd.read_csv(plan / "itn_plan.csv")["WardName"])
    assert "'+1+2" in by_name and "''+1+2" not in by_name
