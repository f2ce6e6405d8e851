"""Ward shapes for the page: simplified once, in the analysis job; a request that has to
compute them (an analysis stored before the job did) is single-flight across workers, and
never computes for a client that has gone."""

from __future__ import annotations

import threading
import time

import pytest

from chatmrpt.service.views import SHAPES_NAME, shapes_producer
from chatmrpt.store import open_store
from chatmrpt.store.base import unlink_artifact
from chatmrpt.store.model import Key
from chatmrpt.viz.geojson import ClientGone, compute_once
from chatmrpt.web.state import get_runtime
from tests._cluster import SessionClient, ilorin_upload, run_queued_jobs


def test_the_analysis_job_stores_the_shapes_before_any_request(app, client):
    session = SessionClient.create(client)
    assert session.upload(ilorin_upload()).status_code == 201
    r = session.post("/analyses", json={})
    assert r.status_code == 202
    assert run_queued_jobs(app) == ["succeeded"]
    analysis_id = r.json["analysis_id"]
    rt = get_runtime(app)
    stored = [a for a in rt.store.list_artifacts(session.id)
              if a.get("produced_by") == shapes_producer(analysis_id)]
    assert [a["name"] for a in stored] == [SHAPES_NAME]
    shapes = session.get(f"/analyses/{analysis_id}/shapes")
    assert shapes.status_code == 200
    assert shapes.headers["X-Artifact-Id"] == stored[0]["id"]
    assert len(shapes.json["features"]) == 35

    # an analysis from before: its shapes are made by the first request, and kept
    def forget(txn):
        key = Key.artifact(session.id, stored[0]["id"])
        unlink_artifact(txn, key, txn.get(key))

    rt.store.transact(forget)
    again = session.get(f"/analyses/{analysis_id}/shapes")
    assert again.status_code == 200 and again.data == shapes.data


@pytest.fixture
def store(tmp_path):
    s = open_store(f"sqlite:///{tmp_path / 'state.db'}")
    yield s
    s.close()


def test_concurrent_first_requests_compute_once_and_all_get_the_result(store):
    results: dict[str, str] = {}
    made: list[int] = []
    answers: list[str] = []

    def make() -> str:
        made.append(threading.get_ident())
        time.sleep(0.6)  # a slow simplification
        results["shapes"] = "computed"
        return "computed"

    def ask() -> None:
        answers.append(compute_once(store, "shapes:s:a", lambda: results.get("shapes"), make))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(made) == 1
    assert answers == ["computed"] * 8


def test_nothing_is_computed_for_a_client_that_has_gone(store):
    made = []
    with pytest.raises(ClientGone):
        compute_once(store, "shapes:s:b", lambda: None, lambda: made.append(1),
                     client_gone=lambda: True)
    assert made == []
    # a waiting request whose client leaves stops waiting
    count, _ = store.hit("flight:shapes:s:c", 120.0)  # someone else is computing
    assert count == 1
    gone = threading.Event()
    threading.Timer(0.5, gone.set).start()
    t0 = time.monotonic()
    with pytest.raises(ClientGone):
        compute_once(store, "shapes:s:c", lambda: None, lambda: made.append(1),
                     client_gone=gone.is_set)
    assert made == [] and time.monotonic() - t0 < 5
