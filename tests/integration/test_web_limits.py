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


# ---- nothing kept from a refusal ------------------------------------------------------------


def stored_blobs(app) -> set[str]:
    return {sha for sha, _ in get_runtime(app).artifacts.iter_blobs()}


def test_refused_uploads_leave_no_bytes(app):
    s = SessionClient.create(app.test_client())
    table = b"WardName,a,b\nDala,1,2\nGwale,3,4\n"
    junk = b"PK\x03\x04" + bytes(range(256)) * (5 * 4096)  # 5 MiB that is not a zip
    for i in range(10):
        r = s.upload({"table": ("wards.csv", table + b"Fagge,%d,1\n" % i),
                      "boundaries": ("wards.zip", junk + b"%d" % i)})
        assert r.status_code in (415, 422), r.json
    assert stored_blobs(app) == set()
    assert get_runtime(app).store.list_artifacts(s.id) == []


def test_a_refusal_keeps_bytes_another_session_uses(app):
    table = b"WardName,a,b\nDala,1,2\nGwale,3,4\n"
    first = SessionClient.create(app.test_client())
    assert first.upload({"table": ("wards.csv", table)}).status_code == 201
    kept = stored_blobs(app)
    assert len(kept) == 1
    second = SessionClient.create(app.test_client())
    r = second.upload({"table": ("wards.csv", table), "boundaries": ("b.zip", b"PK\x03\x04no")})
    assert r.status_code in (415, 422)
    assert stored_blobs(app) == kept
    assert first.get(f"/artifacts/{first.get('/artifacts').json['artifacts'][0]['id']}").data \
        == table


def test_deleting_a_session_removes_blobs_no_one_else_uses(app):
    table = wide_csv(columns=3, wards=12)
    a = SessionClient.create(app.test_client())
    b = SessionClient.create(app.test_client())
    assert a.upload({"table": ("w.csv", table)}).status_code == 201
    assert a.post("/analyses", json={}).status_code == 202
    assert run_queued_jobs(app) == ["succeeded"]
    assert b.upload({"table": ("w.csv", table)}).status_code == 201
    shared = stored_blobs(app)
    a_only = {x["sha256"] for x in get_runtime(app).store.list_artifacts(a.id)}
    upload_sha = {x["sha256"] for x in get_runtime(app).store.list_artifacts(b.id)}
    assert len(a_only) > len(upload_sha) == 1
    assert a.delete().status_code == 200
    assert stored_blobs(app) == upload_sha  # the results went; the shared upload stays
    assert shared - upload_sha == a_only - upload_sha
    assert b.delete().status_code == 200
    assert stored_blobs(app) == set()
