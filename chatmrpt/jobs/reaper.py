"""Recovering jobs whose consumer died, run periodically by every consumer process.

Two cases: a running job whose lease expired (its consumer was killed, lost its
machine, or hung without heartbeats) goes back to the queue — or fails once it has been
tried ``max_attempts`` times; a queued job whose wake-up message is gone (the process
that created it died before sending it, or a consumer died between taking the message
and claiming the job) gets a new message. Several reapers may run at once: every change
is a compare-and-set, so each job is recovered once.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from chatmrpt.jobs.lease import redispatch, requeue_expired
from chatmrpt.store.model import FAILED, QUEUED, RUNNING, now

if TYPE_CHECKING:
    from chatmrpt.runtime import Runtime

log = logging.getLogger(__name__)


def dispatch_timeout_s(lease_s: float) -> float:
    """How long a queued job may wait before its message is checked for."""
    return max(2.0 * lease_s, 2.0)


def reap(rt: Runtime, *, at: float | None = None) -> dict[str, int]:
    ts = now() if at is None else at
    counts = {"requeued": 0, "failed": 0, "redispatched": 0}
    for job in rt.store.list_jobs(RUNNING):
        if (job.get("lease_expires_at") or 0) >= ts:
            continue
        result = requeue_expired(rt.store, job["id"], ts)
        if result == "requeued":
            rt.queue.dispatch(job["id"])
            counts["requeued"] += 1
            log.warning(
                "job %s: lease of %s expired; queued again", job["id"], job.get("lease_owner")
            )
        elif result == FAILED:
            counts["failed"] += 1
            log.error("job %s: failed after %s attempts", job["id"], job.get("attempts"))

    cutoff = ts - dispatch_timeout_s(rt.settings.job_lease_s)
    waiting = [j for j in rt.store.list_jobs(QUEUED) if (j.get("dispatched_at") or 0) < cutoff]
    if waiting:
        pending = rt.queue.pending_job_ids()
        for job in waiting:
            if job["id"] in pending:
                continue  # the queue is just busy
            if redispatch(rt.store, job["id"], cutoff):
                rt.queue.dispatch(job["id"])
                counts["redispatched"] += 1
                log.warning("job %s: queued without a message; message sent again", job["id"])
    return counts
