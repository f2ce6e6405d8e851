"""Submitting jobs and running one job in a consumer.

Submitting: the job record is committed (status queued) *before* the queue message is
sent, so a message always finds its record, and a record without a message is found by
the reaper. Running: claim with a lease, keep the lease alive from a heartbeat thread,
run the kind, commit the outcome with a compare-and-set that only the lease holder can
make. Execution is at least once; effects happen once.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chatmrpt.errors import ChatMRPTError
from chatmrpt.jobs.kinds import JobContext, LeaseLost, Outcome, get_kind
from chatmrpt.jobs.lease import (
    Lease,
    claim,
    finish,
    internal_error,
    new_job,
    renew,
)
from chatmrpt.store.base import ArtifactBusy, StoreUnavailable
from chatmrpt.store.model import FAILED, SUCCEEDED, Key

if TYPE_CHECKING:
    from chatmrpt.config import Settings
    from chatmrpt.runtime import Runtime

log = logging.getLogger(__name__)

# how long a finished job keeps retrying a commit that waits for retention cleanup
_BUSY_RETRY_S = 30.0


def work_root(settings: Settings) -> Path:
    """Scratch space for jobs and uploads, under the configured home."""
    root = settings.home / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    return root


def enqueue_job(
    rt: Runtime,
    kind: str,
    session_id: str,
    payload: dict[str, Any],
    *,
    subject: Key | None = None,
) -> dict[str, Any]:
    """Create a queued job record, then send its wake-up message."""
    job = new_job(
        kind, session_id, payload, max_attempts=rt.settings.job_max_attempts, subject=subject
    )
    stored, _ = rt.store.create(Key.job(job["id"]), job)
    rt.queue.dispatch(stored["id"])
    return stored


def lease_owner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


class _Heartbeat(threading.Thread):
    def __init__(self, rt: Runtime, lease: Lease):
        super().__init__(name=f"heartbeat-{lease.job_id[:8]}", daemon=True)
        self.rt = rt
        self.lease = lease
        self.interval = max(lease.lease_s / 3.0, 0.05)
        self.lost = threading.Event()
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self.interval):
            try:
                held = renew(self.rt.store, self.lease)
            except Exception as exc:  # a store outage: keep trying until the lease runs out
                log.warning("lease of job %s not renewed: %s", self.lease.job_id, exc)
                continue
            if not held:
                log.warning("job %s: lease lost to another attempt", self.lease.job_id)
                self.lost.set()
                return

    def stop(self) -> None:
        self._stop_event.set()


def execute_job(rt: Runtime, job_id: str) -> str | None:
    """Run one job if it is queued, in this thread. Returns its final status, or None when
    this process did not (or no longer) own it — a duplicate message, a lost lease, a store
    outage."""
    claimed = claim(rt.store, job_id, lease_owner_name(), rt.settings.job_lease_s)
    if claimed is None:
        log.info("job %s is not queued; message dropped", job_id)
        return None
    lease, job = claimed
    rt.queue.active.add(lease)
    heartbeat = _Heartbeat(rt, lease)
    heartbeat.start()
    try:
        return run_claimed(rt, lease, job, heartbeat.lost)
    finally:
        heartbeat.stop()
        rt.queue.active.remove(lease)


def _started(job: dict[str, Any], lease: Lease) -> dict[str, Any]:
    fields = {"job_id": job["id"], "kind": job["kind"], "session_id": job.get("session_id")}
    log.info("job %s (%s) started, attempt %d", job["id"], job["kind"], lease.attempt,
             extra={**fields, "event": "job.started", "attempt": lease.attempt})
    return fields


def _transient(exc: BaseException) -> bool:
    """A store or artifact storage outage: worth trying the job again in a moment."""
    return isinstance(exc, ChatMRPTError) and exc.code == "store_unavailable"


def memory_error(job: dict[str, Any], limit_mb: int | None) -> dict[str, Any]:
    what = "more memory than" if limit_mb else "more memory than was available to"
    where = f" the {limit_mb} MB one job may use here" if limit_mb else " the worker"
    return {
        "code": "job_failed",
        "message": (
            f"The job needed {what}{where}, and was stopped. Try fewer variables or a "
            "smaller table, or ask the administrator to raise CHATMRPT_JOB_MEMORY_MB."
        ),
        "details": {"job_id": job["id"], "reason": "memory_limit", "memory_mb": limit_mb},
    }


def time_error(job: dict[str, Any], limit_s: float) -> dict[str, Any]:
    return {
        "code": "job_failed",
        "message": (
            f"The job ran longer than {limit_s:g} seconds and did not stop when asked, so it "
            "was ended. Try fewer variables or a smaller table, or ask the administrator "
            "to raise CHATMRPT_JOB_TIMEOUT_S."
        ),
        "details": {"job_id": job["id"], "reason": "time_limit", "time_limit_s": limit_s},
    }


def _reset_workdir(workdir: Path) -> None:
    for child in workdir.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def run_claimed(
    rt: Runtime, lease: Lease, job: dict[str, Any], lost: threading.Event
) -> str | None:
    """Run a job whose lease this process holds and commit its outcome.

    A store or artifact storage outage met while running is waited out: the job starts
    again from its inputs (kinds are idempotent) with growing pauses, for up to
    ``settings.job_retry_window_s`` seconds, before it fails.
    """
    job_id = job["id"]
    started = time.monotonic()
    fields = _started(job, lease)
    workdir = Path(tempfile.mkdtemp(prefix=f"job-{job_id[:12]}-", dir=work_root(rt.settings)))
    retry_until = started + float(getattr(rt.settings, "job_retry_window_s", 0.0) or 0.0)
    try:
        ctx = JobContext(rt, job, lease, lost, workdir)
        outcome: Outcome | None = None
        error: dict[str, Any] | None = None
        pause = 0.5
        try:
            kind = get_kind(job["kind"])
            if kind is None:
                log.error("job %s: no job kind %r is registered here", job_id, job["kind"])
                raise RuntimeError(f"unknown job kind {job['kind']!r}")
            while True:
                try:
                    outcome = kind.run(ctx) or Outcome()
                    break
                except ChatMRPTError as exc:
                    if not _transient(exc) or time.monotonic() + pause > retry_until:
                        raise
                    log.warning("job %s: %s; trying again in %.1f s", job_id, exc.message,
                                pause, extra={**fields, "event": "job.retry"})
                    ctx.progress(0.0, "waiting for storage to answer")
                    lost.wait(pause)
                    ctx.check()
                    pause = min(pause * 2, 8.0)
                    _reset_workdir(workdir)
            status = SUCCEEDED
        except LeaseLost:
            log.warning("job %s: attempt %d abandoned, lease lost", job_id, lease.attempt)
            return None
        except ChatMRPTError as exc:
            status, error = FAILED, exc.to_dict()
            log.info("job %s failed: [%s] %s", job_id, exc.code, exc.message)
        except MemoryError:
            outcome = None
            status, error = FAILED, memory_error(job, getattr(rt.settings, "job_memory_mb", None))
            log.error("job %s failed: out of memory", job_id)
        except Exception:
            status, error = FAILED, internal_error(job_id)
            log.exception("job %s failed with an internal error", job_id)
        if lost.is_set():
            return None
        committed = _commit(rt, lease, status, outcome, error)
        if not committed:
            return None
        if outcome is not None and status == SUCCEEDED:
            # linked before stored: put the bytes again if cleanup removed them meanwhile
            for f in outcome.files:
                rt.artifacts.ensure(f.sha256, f.path)
        log.info("job %s %s", job_id, status,
                 extra={**fields, "event": "job.finished", "outcome": status,
                        "error_code": (error or {}).get("code"),
                        "duration_s": round(time.monotonic() - started, 3)})
        return status
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _commit(
    rt: Runtime,
    lease: Lease,
    status: str,
    outcome: Outcome | None,
    error: dict[str, Any] | None,
) -> bool:
    deadline = time.monotonic() + _BUSY_RETRY_S
    while True:
        try:
            committed = finish(rt.store, lease, status, outcome=outcome, error=error)
        except ArtifactBusy:
            if time.monotonic() > deadline:
                log.error(
                    "job %s: result files stayed busy; leaving it to be retried", lease.job_id
                )
                return False
            time.sleep(0.5)
            if outcome is not None:
                for f in outcome.files:
                    rt.artifacts.ensure(f.sha256, f.path)
            continue
        except StoreUnavailable as exc:
            # the lease will run out and the reaper will give the job another attempt
            log.error("job %s: result not committed: %s", lease.job_id, exc.message)
            return False
        if not committed:
            log.warning(
                "job %s: attempt %d finished but its lease was taken over; result dropped",
                lease.job_id,
                lease.attempt,
            )
        return committed
