"""Per-job memory and hard time limits, with a real consumer process.

Each job runs in a child process of the consumer under ``CHATMRPT_JOB_MEMORY_MB`` and
is ended at the hard time limit after ``CHATMRPT_JOB_TIMEOUT_S``. A job past either fails
with its reason; the consumer (same pid) goes on with the next job.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from chatmrpt.jobs.kinds import load_kinds
from chatmrpt.jobs.wiring import open_runtime
from chatmrpt.runtime import Runtime
from tests._cluster import children
from tests._jobkinds import (
    KIND_MODULE,
    marker,
    settings_env,
    settings_from,
    start_worker,
    submit_test_job,
    wait_for,
)

load_kinds([KIND_MODULE])


def _status(rt: Runtime, job_id: str) -> str | None:
    return (rt.store.get_job(job_id) or {}).get("status")


def _metrics_text(rt: Runtime) -> str:
    from prometheus_client import CollectorRegistry, generate_latest

    from chatmrpt.web.metrics import StoreCollector

    registry = CollectorRegistry()
    registry.register(StoreCollector(rt))
    return generate_latest(registry).decode()


@pytest.fixture
def limited(tmp_path):
    env = settings_env(
        tmp_path / "home",
        lease_s=2.0,
        max_attempts=1,
        CHATMRPT_JOB_MEMORY_MB="1024",
        CHATMRPT_JOB_TIMEOUT_S="2",
    )
    rt = open_runtime(settings_from(env))
    worker = start_worker(env, tmp_path / "worker.log", grace=2.0)
    yield rt, worker, tmp_path
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(20)
        except Exception:
            worker.kill()
            worker.wait(5)
    rt.close()


def test_jobs_past_their_memory_or_time_limit_fail_and_the_next_one_runs(limited):
    rt, worker, tmp_path = limited
    markers = tmp_path / "markers"
    markers.mkdir()

    # 1. past the memory limit: 3 GB asked of a 1 GB job
    big, big_subject = submit_test_job(
        rt, "test.allocate", {"megabytes": 3072, "markers": str(markers)}
    )
    wait_for(lambda: _status(rt, big["id"]) in ("succeeded", "failed"), 90, "the large job")
    record = rt.store.get_job(big["id"])
    assert record["status"] == "failed", record
    assert record["error"]["code"] == "job_failed"
    assert record["error"]["details"]["reason"] == "memory_limit"
    assert record["error"]["details"]["memory_mb"] == 1024
    assert "CHATMRPT_JOB_MEMORY_MB" in record["error"]["message"]
    assert rt.store.get(big_subject)["status"] == "failed"
    # it ran in a child process of the consumer, which is still the same process
    assert int(marker(markers, big["id"], "started", 1).read_text()) == worker.pid
    assert worker.poll() is None

    # 2. a loop that never checks its time: ended at the hard limit
    spin, _ = submit_test_job(rt, "test.spin", {"seconds": 600, "markers": str(markers)})
    wait_for(lambda: _status(rt, spin["id"]) in ("succeeded", "failed"), 60, "the loop")
    record = rt.store.get_job(spin["id"])
    assert record["status"] == "failed", record
    assert record["error"]["details"]["reason"] == "time_limit"
    assert record["finished_at"] - record["started_at"] < 30
    assert worker.poll() is None

    # 3. the next job succeeds, on the same consumer
    small, _ = submit_test_job(rt, "test.allocate", {"megabytes": 128})
    wait_for(lambda: _status(rt, small["id"]) in ("succeeded", "failed"), 60, "a small job")
    assert rt.store.get_job(small["id"])["status"] == "succeeded"
    assert rt.store.get_job(small["id"])["result"]["held_mb"] == 128
    assert worker.poll() is None

    text = _metrics_text(rt)
    assert 'chatmrpt_job_failures{kind="test.allocate",reason="memory_limit"} 1.0' in text
    assert 'chatmrpt_job_failures{kind="test.spin",reason="time_limit"} 1.0' in text


def test_a_job_process_killed_by_signal_9_counts_as_an_oom_kill(limited):
    rt, worker, tmp_path = limited
    markers = tmp_path / "markers"
    markers.mkdir()
    job, _ = submit_test_job(rt, "test.sleep", {"seconds": 1.5, "quiet": True,
                                                "markers": str(markers)})
    wait_for(lambda: marker(markers, job["id"], "started", 1).is_file(), 60, "the job")
    # the consumer's job process, as the kernel's OOM killer would end it
    victims = _job_processes(worker.pid)
    assert len(victims) == 1
    os.kill(victims[0], signal.SIGKILL)
    wait_for(lambda: _status(rt, job["id"]) == "failed", 30, "the job to fail")
    assert rt.store.get_job(job["id"])["error"]["details"]["reason"] == "memory_limit"
    text = _metrics_text(rt)
    assert 'chatmrpt_oom_kills{process="job"} 1.0' in text
    assert worker.poll() is None
    nxt, _ = submit_test_job(rt, "test.sleep", {"seconds": 0.1})
    wait_for(lambda: _status(rt, nxt["id"]) == "succeeded", 60, "the next job")


def _job_processes(consumer_pid: int) -> list[int]:
    """Job processes of a consumer: the children of its fork server."""
    found = []
    for server in children(consumer_pid):
        for pid in children(server):
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"forkserver" in cmd:
                found.append(pid)
    return found
