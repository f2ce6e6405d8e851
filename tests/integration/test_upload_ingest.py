"""Large uploads: stored by the request (202 + job id) and read by an "ingest" job.

The job reads the stored files with the same service function a small upload is read
with in the request, so its report is the same; a refused large upload keeps nothing.
"""

from __future__ import annotations

import pytest

from chatmrpt.config import load_settings
from chatmrpt.web.app import close_runtime, create_app
from chatmrpt.web.state import get_runtime
from tests._cluster import SessionClient, ilorin_upload, run_queued_jobs


@pytest.fixture
def settings(tmp_path):
    # every upload above 10 kB goes through the job (the Ilorin boundaries are 23 kB)
    return load_settings({"CHATMRPT_HOME": str(tmp_path / "home"), "CHATMRPT_JOB_LEASE_S": "5",
                          "CHATMRPT_INGEST_SYNC_MAX_MB": "0.01"})


def _blobs(app) -> set[str]:
    return {sha for sha, _ in get_runtime(app).artifacts.iter_blobs()}


def test_a_large_upload_is_read_by_a_job_and_gives_the_same_report(app, client, session,
                                                                   tmp_path):
    r = session.upload(ilorin_upload())
    assert r.status_code == 202, r.json
    body = r.json
    assert body["status"] == "queued" and body["job_id"]
    assert r.headers["Location"] == f"/api/sessions/{session.id}/uploads/{body['job_id']}"
    assert session.state()["datasets"] == []  # nothing read yet
    waiting = session.get(f"/uploads/{body['job_id']}")
    assert waiting.status_code == 200 and waiting.json["status"] == "queued"

    assert run_queued_jobs(app) == ["succeeded"]
    done = session.get(f"/uploads/{body['job_id']}")
    assert done.status_code == 200
    report = done.json
    assert report["status"] == "succeeded" and report["progress"] == 1.0
    assert report["wards"] > 0 and report["has_boundaries"] is True
    # the same report as the dataset itself, and the dataset is the session's current one
    dataset = session.get(f"/datasets/{report['dataset_id']}").json
    for key in ("dataset_id", "wards", "variables", "join_report", "warnings", "table"):
        assert report[key] == dataset[key], key
    assert session.state()["state"]["current_dataset"] == report["dataset_id"]

    # the same files read in the request by a service with the default threshold
    sync_app = create_app(load_settings({"CHATMRPT_HOME": str(tmp_path / "sync")}))
    try:
        r = SessionClient.create(sync_app.test_client()).upload(ilorin_upload())
        assert r.status_code == 201, r.json
        for key in ("dataset_id", "wards", "variables", "join_report", "warnings", "table",
                    "boundaries", "planning", "quality", "has_boundaries", "reused"):
            assert report[key] == r.json[key], key
    finally:
        close_runtime(sync_app)

    # an upload job of another session is not found here
    other = SessionClient.create(client)
    assert other.get(f"/uploads/{body['job_id']}").status_code == 404
    assert session.get("/uploads/" + "0" * 32).status_code == 404


def test_a_refused_large_upload_fails_its_job_and_keeps_nothing(app, session):
    before = _blobs(app)
    table = b"WardName,rainfall\n" + b"".join(b"Ward %d,\n" % i for i in range(2000))
    r = session.upload({"table": ("wards.csv", table), "boundaries": ilorin_upload()["boundaries"]})
    assert r.status_code == 202, r.json
    assert run_queued_jobs(app) == ["failed"]
    failed = session.get(f"/uploads/{r.json['job_id']}").json
    assert failed["status"] == "failed"
    assert failed["error"]["code"] not in ("internal_error", "job_failed"), failed["error"]
    assert "dataset_id" not in failed
    assert session.state()["datasets"] == []
    assert _blobs(app) == before


def test_a_file_of_the_wrong_type_is_refused_before_any_job(app, session):
    before = _blobs(app)
    r = session.upload({"table": ("wards.exe", b"x" * 20_000)})
    assert r.status_code == 415, r.json
    assert r.json["error"]["code"] == "unsupported_file_type"
    assert get_runtime(app).store.list_jobs("queued") == []
    assert _blobs(app) == before


def test_a_large_file_that_is_not_a_zip_is_refused_before_any_job(app, session):
    before = _blobs(app)
    junk = b"PK\x03\x04" + bytes(range(256)) * 100
    r = session.upload({"table": ilorin_upload()["table"], "boundaries": ("wards.zip", junk)})
    assert r.status_code == 422, r.json
    assert r.json["error"]["code"] == "broken_archive"
    assert get_runtime(app).store.list_jobs("queued") == []
    assert _blobs(app) == before
