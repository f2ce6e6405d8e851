"""/metrics: job failures by kind and reason, and job retries, read from the store."""

from __future__ import annotations

import time

from chatmrpt.jobs.lease import claim, requeue_expired
from chatmrpt.store.model import FAILED
from chatmrpt.web.app import get_runtime
from tests._cluster import ilorin_upload, run_queued_jobs


def test_failures_by_reason_and_retries_are_counted(app, client, session):
    assert session.upload(ilorin_upload()).status_code == 201
    r = session.post("/analyses", json={})
    assert r.status_code == 202
    job_id = r.json["job_id"]
    store = get_runtime(app).store
    # the process running it stops each time, until no attempt is left
    outcomes = []
    for _ in range(10):
        assert claim(store, job_id, "a consumer that stops", lease_s=0.01) is not None
        outcomes.append(requeue_expired(store, job_id, at=time.time() + 5))
        if outcomes[-1] == FAILED:
            break
    assert outcomes[-1] == FAILED and len(outcomes) >= 2
    attempts = store.get_job(job_id)["attempts"]
    assert attempts == len(outcomes)

    text = client.get("/metrics").data.decode()
    assert 'chatmrpt_job_failures{kind="analysis",reason="job_failed"} 1.0' in text
    assert f'chatmrpt_job_retries{{kind="analysis"}} {float(attempts - 1)}' in text

    # a second analysis that succeeds at once adds no retry and no failure
    assert session.post("/analyses", json={"variables": None}).status_code in (200, 202)
    run_queued_jobs(app)
    text = client.get("/metrics").data.decode()
    assert 'chatmrpt_job_failures{kind="analysis",reason="job_failed"} 1.0' in text
    assert f'chatmrpt_job_retries{{kind="analysis"}} {float(attempts - 1)}' in text
