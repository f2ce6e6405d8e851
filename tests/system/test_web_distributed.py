"""Two machines: each Gunicorn master with its own CHATMRPT_HOME, one Redis store and one
S3-compatible bucket shared by all, one secret key shared by all, and a job consumer on a
third "machine"."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from chatmrpt.store import open_store
from tests._cluster import Http, ilorin_upload, kano_upload, run_flow, start_consumer, start_web
from tests._servers import start_moto, start_redis
from tests.system.conftest import cluster_env

SESSIONS = 6


@pytest.fixture(scope="module")
def distributed(tmp_path_factory):
    root = tmp_path_factory.mktemp("distributed")
    redis = start_redis(root)
    moto = start_moto(root)
    shared = {
        "CHATMRPT_STORE_URL": redis.url,
        "CHATMRPT_ARTIFACTS_URL": f"s3://chatmrpt-{uuid.uuid4().hex[:12]}/blobs",
        "CHATMRPT_SECRET_KEY": uuid.uuid4().hex * 2,
        **moto.env,
    }
    procs = []
    try:
        masters = [
            start_web(cluster_env(root / f"machine-{i}", **shared), root / f"web-{i}.log")
            for i in range(2)
        ]
        procs += masters
        procs.append(start_consumer(cluster_env(root / "machine-2", **shared), root / "worker.log"))
        yield {"masters": masters, "redis": redis, "root": root, "shared": shared}
    finally:
        for proc in procs:
            proc.stop(timeout=40)
        redis.kill()
        moto.stop()


def test_flows_across_machines_on_redis_and_s3(distributed):
    masters = distributed["masters"]
    http = Http([m.url for m in masters])
    uploads = [ilorin_upload(), kano_upload()]
    with ThreadPoolExecutor(SESSIONS) as pool:
        futures = [pool.submit(run_flow, http, uploads[i % 2]) for i in range(SESSIONS)]
        results = [f.result(timeout=300) for f in futures]
    for r in results:
        assert len(r.job_ids) == 1
        assert all(status < 500 for _, status in r.log)

    # nothing was written to either machine's own folders: state in Redis, files in S3
    for i in range(2):
        home = distributed["root"] / f"machine-{i}"
        assert not (home / "chatmrpt.db").exists() and not (home / "artifacts").exists()
    store = open_store(distributed["redis"].url)
    try:
        for r in results:
            assert [j["status"] for j in store.session_jobs(r.session_id)] == ["succeeded"]
        consumers = store.live_processes("consumer", 10.0)
        web = store.live_processes("web", 10.0)
        assert len(consumers) == 1 and len(web) == 4
    finally:
        store.close()


def test_a_cookie_from_one_machine_opens_the_session_on_the_other(distributed):
    one, two = (m.url for m in distributed["masters"])
    browser = requests.Session()
    created = browser.post(one + "/api/sessions").json()
    r = browser.get(f"{two}/api/sessions/{created['id']}")
    assert r.status_code == 200 and r.json()["csrf_token"] == created["csrf_token"]
    r = browser.post(
        f"{two}/api/sessions/{created['id']}/datasets",
        files=ilorin_upload(),
        headers={"X-CSRF-Token": created["csrf_token"]},
    )
    assert r.status_code == 201
    dataset = r.json()["dataset_id"]
    assert browser.get(f"{one}/api/sessions/{created['id']}/datasets/{dataset}").status_code == 200
    refused = browser.post(f"{one}/api/sessions/{created['id']}/analyses", json={})
    assert refused.status_code == 403  # cookie without CSRF token
    for url in (one, two):
        ready = requests.get(url + "/readyz").json()
        assert ready["status"] == "ready" and ready["store"]["backend"] == "redis"
        assert ready["artifacts"]["backend"] == "s3"
