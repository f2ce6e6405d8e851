"""Requests refused before any work: analysis requests checked synchronously, small items."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chatmrpt.web.app import get_runtime
from tests._cluster import SessionClient, run_queued_jobs


def wide_csv(columns: int = 24, wards: int = 30) -> bytes:
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"WardName": [f"Ward {i}" for i in range(wards)]})
    for j in range(columns):
        frame[f"v{j:02d}"] = np.round(rng.random(wards), 4)
    return frame.to_csv(index=False).encode()


@pytest.fixture
def wide(app):
    s = SessionClient.create(app.test_client())
    r = s.upload({"table": ("wide.csv", wide_csv())})
    assert r.status_code == 201, r.json
    return s


@pytest.mark.parametrize(
    "body, code",
    [
        ({"variables": ["v01", "nope"]}, "unknown_variable"),
        ({"variables": ["v01"]}, "too_few_variables"),
        ({"variables": [f"v{j:02d}" for j in range(17)]}, "too_many_variables"),
        ({"directions": {"nope": "inverse"}}, "unknown_variable"),
    ],
)
def test_bad_analysis_requests_are_refused_before_a_job_exists(app, wide, body, code):
    r = wide.post("/analyses", json=body)
    assert r.status_code == 422, r.json
    assert r.json["error"]["code"] == code
    rt = get_runtime(app)
    assert rt.store.list_jobs("queued", "running") == []
    assert rt.store.list_analyses(wide.id) == []


def test_one_ward_is_refused_before_a_job_exists(app):
    s = SessionClient.create(app.test_client())
    assert s.upload({"table": ("one.csv", b"WardName,a,b\nDala,1,2\n")}).status_code == 201
    r = s.post("/analyses", json={})
    assert r.status_code == 422 and r.json["error"]["code"] == "no_usable_variables"
    assert get_runtime(app).store.list_jobs("queued", "running") == []


def test_the_default_selection_of_a_wide_table_is_capped(app, wide):
    r = wide.post("/analyses", json={})
    assert r.status_code == 202, r.json
    assert run_queued_jobs(app) == ["succeeded"]
    summary = wide.get(f"/analyses/{r.json['analysis_id']}").json["summary"]
    assert len(summary["variables"]) == 16
    assert summary["models"] == 2**16 - 17
    assert any("Left out:" in w for w in summary["warnings"])
