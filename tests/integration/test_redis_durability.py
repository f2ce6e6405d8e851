"""Redis with AOF (appendfsync everysec) killed and restarted: nothing committed is lost.

How Redis is stopped matters. ``SHUTDOWN`` (or SIGTERM) flushes and fsyncs the AOF before
exiting, so it would prove nothing about a crash. SIGKILL is the crash. With
``appendfsync everysec`` Redis promises that what it acknowledged more than about a
second ago is on disk even if the machine itself goes down; a SIGKILL of the process
alone would in practice lose nothing acknowledged (the AOF write happens before the
reply, the OS keeps the page), but that is not the documented promise. So the test waits
past the one-second window, then SIGKILLs: it checks the promise the configuration
makes, and it fails if records were only in memory (AOF off) or never committed.
"""

from __future__ import annotations

import signal
import time

from chatmrpt.jobs.wiring import open_runtime
from chatmrpt.store import Key
from tests._jobkinds import settings_env, settings_from, start_worker, submit_test_job, wait_for
from tests._servers import start_redis


def snapshot(rt, session_ids, job_id, subject):
    store = rt.store
    return {
        "sessions": [store.get_session(s) for s in session_ids],
        "messages": [store.messages(s) for s in session_ids],
        "events": [store.events(s) for s in session_ids],
        "job": store.get_job(job_id),
        "subject": store.get(subject),
        "artifacts": store.list_artifacts(subject.session_id),
        "succeeded": [j["id"] for j in store.list_jobs("succeeded")],
        "expiring": store.expired_sessions(time.time() + 10**9, limit=1000),
    }


def test_committed_state_survives_sigkill_of_redis_with_aof(tmp_path):
    server = start_redis(tmp_path, aof=True)
    env = settings_env(tmp_path / "home", server.url, lease_s=1.5)
    rt = open_runtime(settings_from(env))
    worker = start_worker(env, tmp_path / "worker.log")
    try:
        session_ids = []
        for i in range(40):
            sid = f"{i:032x}"
            rt.store.create_session(sid, "0" * 64, 3600, {"counter": 0})
            for _ in range(3):
                rt.store.update_session(
                    sid, lambda s: s["state"].update(counter=s["state"]["counter"] + 1)
                )
            rt.store.append_message(sid, {"role": "user", "text": f"message {i}"})
            session_ids.append(sid)
        job, subject = submit_test_job(rt, "test.touch", {"text": "kept"})
        wait_for(lambda: rt.store.get_job(job["id"])["status"] == "succeeded", 30, "job 1")
        before = snapshot(rt, session_ids, job["id"], subject)
        assert all(s["state"]["counter"] == 3 for s in before["sessions"])

        time.sleep(1.5)  # past the everysec window (see the module docstring)
        server.restart(hard=True)

        after = snapshot(rt, session_ids, job["id"], subject)
        assert after == before

        # the consumer rides through the restart: it reconnects and takes new work
        job2, _ = submit_test_job(rt, "test.touch", {"text": "after restart"})
        wait_for(lambda: rt.store.get_job(job2["id"])["status"] == "succeeded", 30, "job 2")
        assert rt.store.get(Key.session(session_ids[0]))["version"] == 4
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(15)
        rt.close()
        server.kill()
