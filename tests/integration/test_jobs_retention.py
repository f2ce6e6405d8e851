"""Retention: expired sessions go with their records; shared files stay while referenced."""

from __future__ import annotations

import secrets

import pytest

from chatmrpt.jobs.kinds import load_kinds
from chatmrpt.jobs.retention import cleanup, sweep_orphans
from chatmrpt.jobs.runner import execute_job
from chatmrpt.jobs.wiring import open_runtime
from chatmrpt.store import Key
from chatmrpt.store.model import now
from tests._jobkinds import KIND_MODULE, settings_env, settings_from, submit_test_job
from tests._servers import start_redis


@pytest.fixture(params=["sqlite", "redis"])
def rt(request, tmp_path):
    load_kinds([KIND_MODULE])
    server = start_redis(tmp_path) if request.param == "redis" else None
    runtime = open_runtime(
        settings_from(settings_env(tmp_path / "home", server.url if server else None))
    )
    yield runtime
    runtime.close()
    if server:
        server.kill()


def session_with_file(rt, text, ttl=3600.0):
    sid = secrets.token_hex(16)
    rt.store.create_session(sid, "0" * 64, ttl)
    job, subject = submit_test_job(rt, "test.touch", {"text": text}, session_id=sid)
    assert execute_job(rt, job["id"]) == "succeeded"
    (art,) = rt.store.list_artifacts(sid)
    return sid, art["sha256"]


def expire(rt, sid):
    rt.store.update_session(sid, lambda s: s.update(expires_at=now() - 1))


def test_expired_session_and_its_only_file_are_deleted(rt):
    sid, sha = session_with_file(rt, "only mine")
    keep, keep_sha = session_with_file(rt, "someone else's")
    expire(rt, sid)
    counts = cleanup(rt)
    assert counts["sessions_deleted"] == 1 and counts["blobs_deleted"] == 1
    assert rt.store.get_session(sid) is None and rt.store.session_jobs(sid) == []
    assert rt.store.events(sid) == []
    assert not rt.artifacts.exists(sha) and rt.store.get(Key.blob(sha)) is None
    assert rt.store.get_session(keep) is not None and rt.artifacts.exists(keep_sha)
    assert cleanup(rt)["sessions_deleted"] == 0


def test_a_file_shared_with_a_live_session_stays(rt):
    old, sha = session_with_file(rt, "same bytes")
    live, sha2 = session_with_file(rt, "same bytes")
    assert sha == sha2 and rt.store.get(Key.blob(sha))["refs"] == 2
    expire(rt, old)
    assert cleanup(rt)["blobs_deleted"] == 0
    assert rt.artifacts.exists(sha) and rt.store.get(Key.blob(sha))["refs"] == 1
    expire(rt, live)
    assert cleanup(rt)["blobs_deleted"] == 1
    assert not rt.artifacts.exists(sha)


def test_nothing_is_removed_while_a_job_is_queued_or_running(rt):
    sid, sha = session_with_file(rt, "busy")
    job, _ = submit_test_job(rt, "test.touch", {"text": "more"}, session_id=sid)
    expire(rt, sid)
    counts = cleanup(rt)
    assert (counts["sessions_deleted"], counts["sessions_kept"]) == (0, 1)
    assert rt.store.get_session(sid) is not None and rt.artifacts.exists(sha)
    assert execute_job(rt, job["id"]) == "succeeded"
    assert cleanup(rt)["sessions_deleted"] == 1
    assert not rt.artifacts.exists(sha)


def test_orphan_files_go_after_the_grace_period(rt):
    sid, referenced = session_with_file(rt, "linked")
    orphan = rt.artifacts.put_bytes(b"written by an attempt that never committed")
    assert sweep_orphans(rt, grace_s=3600) == 0  # too recent
    assert sweep_orphans(rt, grace_s=3600, at=now() + 7200) == 1
    assert not rt.artifacts.exists(orphan) and rt.artifacts.exists(referenced)
    assert rt.store.get(Key.blob(orphan)) is None


def test_stale_process_heartbeats_are_forgotten(rt):
    rt.store.beat("consumer", "gone-host", 1, now())
    rt.store.update(Key.process("consumer", "gone-host", 1), lambda p: p.update(last_seen=1.0))
    rt.store.beat("consumer", "live-host", 2, now())
    assert cleanup(rt)["processes_forgotten"] == 1
    assert [p["host"] for p in rt.store.live_processes("consumer", 60)] == ["live-host"]
