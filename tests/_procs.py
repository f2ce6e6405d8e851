"""Entry points of the processes that concurrency tests spawn.

Kept apart from the test modules so that a spawned process imports only this (and the
project), not pytest and the test module: it starts faster.
"""

from __future__ import annotations

from chatmrpt.store import Conflict, Key, open_store


def increment_counter(store_url, session_id, n, use_expected_version, barrier, results):
    """Add 1 to ``state.counter`` of a session ``n`` times, as a compare-and-set."""
    store = open_store(store_url)
    barrier.wait(30)
    done = 0
    while done < n:
        if use_expected_version:
            current = store.get_session(session_id)
            try:
                store.update_session(
                    session_id,
                    lambda s: s["state"].update(counter=s["state"]["counter"] + 1),
                    expected_version=current["version"],
                )
            except Conflict:
                continue  # another process won this round: read again
        else:
            store.update_session(
                session_id, lambda s: s["state"].update(counter=s["state"]["counter"] + 1)
            )
        done += 1
    store.close()


def create_records(store_url, session_id, worker, n, barrier, results):
    store = open_store(store_url)
    barrier.wait(30)
    for i in range(n):
        _, created = store.create(
            Key.dataset(session_id, f"race-{i}"), {"id": f"race-{i}", "by": worker}
        )
        results.put((i, worker, created))
    store.close()


def submit_analyses(settings, session_id, dataset_id, rounds, barrier, results):
    from chatmrpt.jobs.wiring import open_runtime
    from chatmrpt.service.analyses import submit_analysis

    rt = open_runtime(settings)
    for variables in rounds:
        barrier.wait(30)
        record, reused = submit_analysis(rt, session_id, dataset_id, {"variables": variables})
        results.put((record["id"], record["job_id"], reused))
    rt.close()
