"""A job meeting an S3 outage waits it out and succeeds when S3 comes back.

Real processes: a Redis store, a moto S3 server, a Gunicorn master and a consumer. The
S3 server is stopped (connections refused) after the upload; an analysis is submitted
while it is away; the server is started again on the same port, with the objects it held
(moto keeps them in memory only, so they are put back as a durable S3 would still have
them); the analysis must then succeed, without being submitted again.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
import uuid

import boto3

from tests._cluster import Http, descendants, ilorin_upload, start_consumer, start_web
from tests._servers import MotoServer, start_moto, start_redis
from tests.system.conftest import cluster_env


def _s3(moto: MotoServer):
    return boto3.client("s3", endpoint_url=moto.url, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def _snapshot(moto: MotoServer, bucket: str) -> dict[str, bytes]:
    s3 = _s3(moto)
    keys = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
            for o in page.get("Contents", [])]
    return {k: s3.get_object(Bucket=bucket, Key=k)["Body"].read() for k in keys}


def _restore(moto: MotoServer, bucket: str, objects: dict[str, bytes]) -> None:
    s3 = _s3(moto)
    s3.create_bucket(Bucket=bucket)
    for key, body in objects.items():
        s3.put_object(Bucket=bucket, Key=key, Body=body)


def test_an_analysis_submitted_while_s3_refuses_connections_succeeds_when_it_returns(
    tmp_path,
):
    redis = start_redis(tmp_path)
    moto = start_moto(tmp_path)
    bucket = f"chatmrpt-{uuid.uuid4().hex[:12]}"
    shared = {
        "CHATMRPT_STORE_URL": redis.url,
        "CHATMRPT_ARTIFACTS_URL": f"s3://{bucket}/blobs",
        "CHATMRPT_SECRET_KEY": uuid.uuid4().hex * 2,
        "CHATMRPT_JOB_RETRY_WINDOW_S": "120",
        **moto.env,
    }
    procs = []
    try:
        web = start_web(cluster_env(tmp_path / "m0", **shared), tmp_path / "web.log", workers=1)
        procs.append(web)
        consumer = start_consumer(cluster_env(tmp_path / "m1", **shared),
                                  tmp_path / "worker.log")
        procs.append(consumer)
        http = Http([web.url], timeout=60)
        sid, token = http.new_session()
        r = http.post(f"/api/sessions/{sid}/datasets", token=token, files=ilorin_upload())
        assert r.status == 201, r.body
        objects = _snapshot(moto, bucket)
        assert objects

        moto.stop()  # the port now refuses connections
        r = http.post(f"/api/sessions/{sid}/analyses", token=token, json={})
        assert r.status == 202, r.body
        analysis_id = r.json()["analysis_id"]
        path = f"/api/sessions/{sid}/analyses/{analysis_id}"

        # well past the 1.5 s in which it used to fail for good: still waiting, not failed
        deadline = time.monotonic() + 12
        saw_running = False
        while time.monotonic() < deadline:
            a = http.get(path, token=token).json()
            assert a["status"] in ("queued", "running"), a
            saw_running |= a["status"] == "running"
            time.sleep(0.5)
        assert saw_running

        # S3 comes back with its data: the consumer (and its job process) is paused while
        # the in-memory server is refilled, so it never sees a half-restored bucket
        paused = [consumer.pid, *descendants(consumer.pid)]
        for pid in paused:
            os.kill(pid, signal.SIGSTOP)
        try:
            moto.start()  # the same port
            _restore(moto, bucket, objects)
        finally:
            for pid in paused:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGCONT)
        deadline = time.monotonic() + 180
        while True:
            a = http.get(path, token=token).json()
            if a["status"] in ("succeeded", "failed") or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert a["status"] == "succeeded", a.get("error")
        assert a["summary"]["wards"] > 0
        # its result files are in the bucket that came back
        names = {x["name"] for x in http.get(f"/api/sessions/{sid}/artifacts",
                                            token=token).json()["artifacts"]}
        assert {"unified_dataset.csv", "models.csv"} <= names, names
        assert "job" in consumer.log() and "trying again" in consumer.log()
    finally:
        for proc in procs:
            proc.stop(timeout=40)
        redis.kill()
        moto.stop()
