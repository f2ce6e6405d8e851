"""Consumers as real processes: SIGKILL mid-job, SIGKILL inside the final commit, SIGTERM.

A SIGKILLed consumer cannot hand its job back; the job must still complete exactly once
in effect — one succeeded record, its file stored and referenced once, two attempts.
"""

from __future__ import annotations

import os
import signal

import pytest

from chatmrpt.jobs.consumer import CONSUMER_TTL_S
from chatmrpt.jobs.wiring import open_runtime
from chatmrpt.store import Key
from tests._jobkinds import (
    marker,
    settings_env,
    settings_from,
    start_worker,
    submit_test_job,
    wait_for,
)
from tests._servers import start_redis

LEASE_S = 1.5


@pytest.fixture(params=["sqlite", "redis"])
def env(request, tmp_path):
    server = start_redis(tmp_path) if request.param == "redis" else None
    yield settings_env(tmp_path / "home", server.url if server else None, lease_s=LEASE_S)
    if server:
        server.kill()


@pytest.fixture
def rt(env):
    runtime = open_runtime(settings_from(env))
    yield runtime
    runtime.close()


@pytest.fixture
def workers():
    procs = []
    yield procs
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait(10)


def job_status(rt, job_id):
    return rt.store.get_job(job_id)["status"]


def assert_completed_once(rt, job_id, subject, text):
    job = rt.store.get_job(job_id)
    assert job["status"] == "succeeded"
    assert job["attempts"] == 2
    record = rt.store.get(subject)
    assert record["status"] == "succeeded" and record["summary"] == {"text": text}
    sid = job["session_id"]
    (art,) = rt.store.list_artifacts(sid)  # not duplicated by the second attempt
    assert record["artifacts"] == [
        {k: art[k] for k in ("id", "name", "media_type", "size", "sha256")}
    ]
    assert rt.store.get(Key.blob(art["sha256"]))["refs"] == 1
    assert rt.artifacts.read_bytes(art["sha256"]) == text.encode()
    assert rt.store.get_session(sid)["state"] == {"touched": text}
    types = [e["type"] for e in rt.store.events(sid)]
    assert types.count("job.succeeded") == 1 and types.count("job.started") == 2
    assert types.count("job.requeued") == 1


def test_sigkill_mid_job_another_consumer_completes_it_once(rt, env, tmp_path, workers):
    markers = tmp_path / "markers"
    markers.mkdir()
    job, subject = submit_test_job(
        rt, "test.touch", {"text": "ward 7", "block_first": True, "markers": str(markers)}
    )
    a = start_worker(env, tmp_path / "a.log")
    workers.append(a)
    blocking = wait_for(
        lambda: marker(markers, job["id"], "blocking", 1).is_file(), 30, "attempt 1 to block"
    )
    assert int(marker(markers, job["id"], "blocking", 1).read_text()) == a.pid
    assert blocking
    running = rt.store.get_job(job["id"])
    assert running["status"] == "running" and f":{a.pid}:" in running["lease_owner"]

    b = start_worker(env, tmp_path / "b.log")
    workers.append(b)
    a.send_signal(signal.SIGKILL)
    a.wait(10)

    wait_for(lambda: job_status(rt, job["id"]) == "succeeded", 30, "the job to complete")
    assert int(marker(markers, job["id"], "returning", 2).read_text()) == b.pid
    assert_completed_once(rt, job["id"], subject, "ward 7")
    b.send_signal(signal.SIGTERM)
    assert b.wait(15) == 0


def test_sigkill_inside_the_final_commit_leaves_no_trace(rt, env, tmp_path, workers):
    markers = tmp_path / "markers"
    markers.mkdir()
    job, subject = submit_test_job(
        rt, "test.touch", {"text": "ward 9", "hang_in_commit": True, "markers": str(markers)}
    )
    a = start_worker(env, tmp_path / "a.log")
    workers.append(a)
    wait_for(lambda: marker(markers, job["id"], "in-commit", 1).is_file(), 30, "the commit")
    a.send_signal(signal.SIGKILL)
    a.wait(10)
    # nothing of the interrupted commit is visible
    assert job_status(rt, job["id"]) == "running"
    assert rt.store.list_artifacts(job["session_id"]) == []
    assert rt.store.get(subject)["status"] == "running"

    b = start_worker(env, tmp_path / "b.log")
    workers.append(b)
    wait_for(lambda: job_status(rt, job["id"]) == "succeeded", 30, "the job to complete")
    assert_completed_once(rt, job["id"], subject, "ward 9")
    b.send_signal(signal.SIGTERM)
    assert b.wait(15) == 0


def test_supervisor_restarts_a_killed_consumer(rt, env, tmp_path, workers):
    """``--consumers 2``: the killed child is replaced and the job still completes."""
    markers = tmp_path / "markers"
    markers.mkdir()
    job, subject = submit_test_job(
        rt, "test.touch", {"text": "ward 3", "block_first": True, "markers": str(markers)}
    )
    w = start_worker(env, tmp_path / "w.log", consumers=2, grace=1.0)
    workers.append(w)
    wait_for(lambda: marker(markers, job["id"], "blocking", 1).is_file(), 30, "attempt 1")
    child = int(marker(markers, job["id"], "blocking", 1).read_text())
    assert child != w.pid
    wait_for(lambda: len(rt.store.live_processes("consumer", CONSUMER_TTL_S)) == 2, 15)
    os.kill(child, signal.SIGKILL)
    wait_for(lambda: job_status(rt, job["id"]) == "succeeded", 30, "the job to complete")
    assert_completed_once(rt, job["id"], subject, "ward 3")
    # the supervisor started a replacement: two live consumers again, the killed one not
    wait_for(
        lambda: (
            {p["pid"] for p in rt.store.live_processes("consumer", 3.0)} - {child}
            and len(rt.store.live_processes("consumer", 3.0)) == 2
        ),
        20,
        "a replacement consumer",
    )
    w.send_signal(signal.SIGTERM)
    assert w.wait(20) == 0
    # the stopped consumers removed their heartbeats; only the killed one's may linger
    # until its TTL runs out
    assert {p["pid"] for p in rt.store.live_processes("consumer", CONSUMER_TTL_S)} <= {child}


def test_sigterm_hands_a_long_job_back_within_the_grace_period(rt, env, tmp_path, workers):
    markers = tmp_path / "markers"
    markers.mkdir()
    job, subject = submit_test_job(rt, "test.sleep", {"seconds": 2.0, "markers": str(markers)})
    a = start_worker(env, tmp_path / "a.log", grace=0.5)
    workers.append(a)
    wait_for(lambda: marker(markers, job["id"], "started", 1).is_file(), 30, "the job to start")
    a.send_signal(signal.SIGTERM)
    assert a.wait(15) == 0
    back = rt.store.get_job(job["id"])
    assert back["status"] == "queued" and back["attempts"] == 0
    assert rt.store.get(subject)["status"] == "queued"
    assert rt.queue.pending_job_ids() == {job["id"]}

    b = start_worker(env, tmp_path / "b.log")
    workers.append(b)
    wait_for(lambda: job_status(rt, job["id"]) == "succeeded", 30, "the job to complete")
    assert rt.store.get_job(job["id"])["attempts"] == 1
    assert marker(markers, job["id"], "done", 1).is_file()
    b.send_signal(signal.SIGTERM)
    assert b.wait(15) == 0


def test_sigterm_lets_a_short_job_finish_and_takes_no_new_one(rt, env, tmp_path, workers):
    """Through the full ``chatmrpt worker`` command."""
    markers = tmp_path / "markers"
    markers.mkdir()
    first, _ = submit_test_job(rt, "test.sleep", {"seconds": 1.0, "markers": str(markers)})
    w = start_worker(env, tmp_path / "w.log", grace=20.0, cli=True)
    workers.append(w)
    wait_for(lambda: marker(markers, first["id"], "started", 1).is_file(), 60, "the job")
    live = rt.store.live_processes("consumer", CONSUMER_TTL_S)
    assert [p["pid"] for p in live] == [w.pid]
    second, _ = submit_test_job(rt, "test.sleep", {"seconds": 0.1, "markers": str(markers)})
    w.send_signal(signal.SIGTERM)
    assert w.wait(20) == 0
    assert job_status(rt, first["id"]) == "succeeded"
    assert rt.store.get_job(first["id"])["attempts"] == 1
    assert job_status(rt, second["id"]) == "queued"
    assert rt.queue.pending_job_ids() == {second["id"]}
    assert rt.store.live_processes("consumer", CONSUMER_TTL_S) == []
