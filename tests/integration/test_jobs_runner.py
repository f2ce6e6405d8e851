"""Running jobs in-process: claims, outcomes, failures, leases, the reaper."""

from __future__ import annotations

import logging
import threading

import pytest

from chatmrpt.jobs import lease as leases
from chatmrpt.jobs.kinds import load_kinds
from chatmrpt.jobs.reaper import reap
from chatmrpt.jobs.runner import execute_job
from chatmrpt.jobs.wiring import open_runtime
from chatmrpt.store import Key
from chatmrpt.store.model import now
from tests._jobkinds import KIND_MODULE, settings_env, settings_from, submit_test_job
from tests._servers import start_redis


@pytest.fixture(params=["sqlite", "redis"])
def make_rt(request, tmp_path):
    load_kinds([KIND_MODULE])
    server = start_redis(tmp_path) if request.param == "redis" else None
    made = []

    def make(**kw):
        env = settings_env(tmp_path / "home", server.url if server else None, **kw)
        made.append(open_runtime(settings_from(env)))
        return made[-1]

    yield make
    for rt in made:
        rt.close()
    if server:
        server.kill()


@pytest.fixture
def rt(make_rt):
    return make_rt()


def event_types(rt, session_id):
    return [e["type"] for e in rt.store.events(session_id)]


def test_a_job_commits_its_outcome_with_its_final_state(rt, tmp_path):
    job, subject = submit_test_job(rt, "test.touch", {"text": "ward A"})
    sid = job["session_id"]
    assert rt.queue.pending_job_ids() == {job["id"]}

    assert execute_job(rt, job["id"]) == "succeeded"

    done = rt.store.get_job(job["id"])
    assert done["status"] == "succeeded" and done["attempts"] == 1
    assert done["lease_id"] is None and done["finished_at"] >= done["started_at"]
    record = rt.store.get(subject)
    assert record["status"] == "succeeded" and record["progress"] == 1.0
    assert record["summary"] == {"text": "ward A"}
    (art,) = record["artifacts"]
    assert art["name"] == "touch.txt" and art["size"] == len("ward A")
    assert rt.store.get_artifact(sid, art["id"])["media_type"] == "text/plain"
    assert rt.artifacts.read_bytes(art["sha256"]) == b"ward A"
    assert rt.store.get(Key.blob(art["sha256"]))["refs"] == 1
    assert rt.store.get_session(sid)["state"] == {"touched": "ward A"}
    assert done["result"] == {"text": "ward A", "artifacts": [art["id"]]}
    assert event_types(rt, sid) == ["job.started", "job.succeeded"]
    assert not list((rt.settings.home / "tmp").iterdir())  # work folder removed


def test_a_second_message_for_the_same_job_does_nothing(rt):
    job, subject = submit_test_job(rt, "test.touch", {"text": "x"})
    execute_job(rt, job["id"])
    before = (rt.store.get_job(job["id"]), rt.store.get(subject))
    rt.queue.dispatch(job["id"])
    assert execute_job(rt, job["id"]) is None
    assert (rt.store.get_job(job["id"]), rt.store.get(subject)) == before


def test_input_error_fails_the_job_and_leaves_the_session_as_it_was(rt):
    job, subject = submit_test_job(rt, "test.input_error", {})
    sid = job["session_id"]
    session_before = rt.store.get_session(sid)
    assert execute_job(rt, job["id"]) == "failed"
    error = {
        "code": "missing_column",
        "message": "The column 'rainfall' is missing.",
        "details": {"column": "rainfall"},
    }
    assert rt.store.get_job(job["id"])["error"] == error
    record = rt.store.get(subject)
    assert record["status"] == "failed" and record["error"] == error
    assert rt.store.get_session(sid) == session_before
    assert rt.store.list_artifacts(sid) == []
    assert event_types(rt, sid)[-1] == "job.failed"


def test_unexpected_error_is_recorded_without_internals(rt, caplog):
    job, subject = submit_test_job(rt, "test.crash", {})
    with caplog.at_level(logging.ERROR, logger="chatmrpt.jobs.runner"):
        assert execute_job(rt, job["id"]) == "failed"
    record = rt.store.get(subject)
    assert record["error"]["code"] == "internal_error"
    assert "secret" not in str(record) and "Traceback" not in str(record)
    assert "secret" not in str(rt.store.get_job(job["id"]))
    assert "secret internal detail" in caplog.text  # the details go to the log


def test_unknown_kind_fails_cleanly(rt):
    job, subject = submit_test_job(rt, "test.no-such-kind", {})
    assert execute_job(rt, job["id"]) == "failed"
    assert rt.store.get(subject)["error"]["code"] == "internal_error"


def test_progress_reaches_the_subject_and_the_event_log(rt):
    job, subject = submit_test_job(rt, "test.sleep", {"seconds": 1.0})
    seen = []

    def watch():
        while rt.store.get_job(job["id"])["status"] != "succeeded":
            rec = rt.store.get(subject)
            if rec["status"] == "running":
                seen.append((rec["progress"], rec["stage"]))

    t = threading.Thread(target=watch)
    t.start()
    execute_job(rt, job["id"])
    t.join()
    progress = [e for e in rt.store.events(job["session_id"]) if e["type"] == "job.progress"]
    assert len(progress) >= 2  # throttled to one per 0.5 s, but more than one over 1 s
    assert all(e["stage"] == "sleeping" for e in progress)
    assert progress == sorted(progress, key=lambda e: e["progress"])
    assert any(0 < p < 1 and stage == "sleeping" for p, stage in seen)


def test_heartbeat_keeps_a_long_job_from_being_reaped(make_rt):
    rt = make_rt(lease_s=0.6)
    stop = threading.Event()
    reaped = []

    def reaper():
        while not stop.is_set():
            reaped.append(reap(rt))
            stop.wait(0.05)

    job, _ = submit_test_job(rt, "test.sleep", {"seconds": 1.5, "quiet": True})
    t = threading.Thread(target=reaper)
    t.start()
    try:
        assert execute_job(rt, job["id"]) == "succeeded"  # 2.5 leases long
    finally:
        stop.set()
        t.join()
    assert rt.store.get_job(job["id"])["attempts"] == 1
    assert reaped and all(r["requeued"] == 0 for r in reaped)


def test_a_taken_over_attempt_cannot_commit(rt):
    """Attempt 1 stalls past its lease; attempt 2 takes over; 1's result is dropped."""
    job, subject = submit_test_job(rt, "test.touch", {"text": "t"})
    first, _ = leases.claim(rt.store, job["id"], "host:1:1", lease_s=1.0)
    assert leases.requeue_expired(rt.store, job["id"], at=now() + 5) == "requeued"
    assert rt.store.get(subject)["status"] == "queued"
    second, claimed = leases.claim(rt.store, job["id"], "host:2:1", lease_s=30.0)
    assert claimed["attempts"] == 2 and second.attempt == 2

    assert leases.renew(rt.store, first) is False
    assert leases.report_progress(rt.store, first, 0.5, "late") is False
    assert leases.finish(rt.store, first, "failed", error={"code": "x"}) is False
    assert leases.release(rt.store, first) is False
    assert rt.store.get_job(job["id"])["status"] == "running"

    assert leases.finish(rt.store, second, "succeeded") is True
    assert leases.finish(rt.store, second, "succeeded") is False  # only once
    done = rt.store.get_job(job["id"])
    assert done["status"] == "succeeded" and done["attempts"] == 2
    assert rt.store.get(subject)["status"] == "succeeded"


def test_reaper_requeues_expired_leases_then_gives_up(make_rt):
    rt = make_rt(max_attempts=2)
    job, subject = submit_test_job(rt, "test.touch", {"text": "t"})
    rt.queue.huey.storage.flush_queue()
    for attempt in (1, 2):
        lease, claimed = leases.claim(rt.store, job["id"], f"host:{attempt}:1", 0.01)
        assert claimed["attempts"] == attempt
        result = reap(rt, at=now() + 1)
        if attempt == 1:
            assert result["requeued"] == 1
            assert rt.queue.pending_job_ids() == {job["id"]}
            rt.queue.huey.storage.flush_queue()
    assert result == {"requeued": 0, "failed": 1, "redispatched": 0}
    failed = rt.store.get_job(job["id"])
    assert failed["status"] == "failed" and failed["error"]["code"] == "job_failed"
    assert "interrupted 2 times" in failed["error"]["message"]
    assert rt.store.get(subject)["error"] == failed["error"]
    assert rt.queue.pending_job_ids() == set()
    assert [e["type"] for e in rt.store.events(job["session_id"])].count("job.requeued") == 1


def test_reaper_resends_a_lost_message_but_not_a_waiting_one(make_rt):
    rt = make_rt(lease_s=1.0)
    job, _ = submit_test_job(rt, "test.touch", {"text": "t"})
    later = now() + 60
    assert reap(rt, at=later)["redispatched"] == 0  # its message is still queued
    rt.queue.huey.storage.flush_queue()  # the message is lost
    assert reap(rt, at=now() + 0.5)["redispatched"] == 0  # not waiting long enough yet
    assert reap(rt, at=later)["redispatched"] == 1
    assert rt.queue.pending_job_ids() == {job["id"]}
    assert rt.store.get_job(job["id"])["dispatches"] == 2
    assert execute_job(rt, job["id"]) == "succeeded"


def test_release_hands_a_job_back_without_counting_the_attempt(rt):
    job, subject = submit_test_job(rt, "test.touch", {"text": "t"})
    rt.queue.huey.storage.flush_queue()
    lease, _ = leases.claim(rt.store, job["id"], "host:1:1", 30.0)
    assert leases.release(rt.store, lease) is True
    back = rt.store.get_job(job["id"])
    assert back["status"] == "queued" and back["attempts"] == 0
    assert rt.store.get(subject)["status"] == "queued"
    assert leases.finish(rt.store, lease, "succeeded") is False


def test_a_job_past_its_time_limit_is_stopped_with_a_reason(make_rt):
    rt = make_rt(CHATMRPT_JOB_TIMEOUT_S="0.3")
    job, subject = submit_test_job(rt, "test.sleep", {"seconds": 30})
    assert execute_job(rt, job["id"]) == "failed"  # slept out, it would have succeeded
    record = rt.store.get(subject)
    assert record["status"] == "failed"
    assert record["error"]["code"] == "job_failed"
    assert record["error"]["details"] == {"reason": "timeout", "timeout_s": 0.3}
    assert "CHATMRPT_JOB_TIMEOUT_S" in record["error"]["message"]
    # the next job runs as usual
    job, _ = submit_test_job(rt, "test.sleep", {"seconds": 0.05})
    assert execute_job(rt, job["id"]) == "succeeded"


def test_the_time_limit_can_be_switched_off(make_rt):
    assert make_rt(CHATMRPT_JOB_TIMEOUT_S="off").settings.job_timeout_s is None
    with pytest.raises(ValueError):
        make_rt(CHATMRPT_JOB_TIMEOUT_S="-5")
