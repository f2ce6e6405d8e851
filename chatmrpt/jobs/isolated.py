"""Running one job in a child process, under a memory and a hard time limit.

The consumer thread claims the job and keeps its lease alive; a child process (started
from a fork server, so it begins from a clean, pre-imported interpreter rather than a copy
of the consumer) runs the job kind and commits its outcome with that lease. The child
lives under ``RLIMIT_AS`` = ``CHATMRPT_JOB_MEMORY_MB``; the consumer ends it when it runs
past the hard time limit (``CHATMRPT_JOB_TIMEOUT_S`` plus a grace period: the cooperative
timeout inside the job comes first and gives the same answer in an orderly way).

When the child ends without committing, the consumer fails the job with the reason:

* ``memory_limit`` — the job ran out of its address space (``MemoryError``) or the child
  was killed by signal 9 (the kernel's OOM killer); counted as an OOM kill in ``/metrics``;
* ``time_limit`` — the consumer ended it at the hard time limit;
* otherwise an internal error (the child crashed; its log says why).

The consumer itself never holds the job's data, so it keeps serving the queue. If the
consumer dies, its children end within a fraction of a second and the lease runs out as
before.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import resource
import signal
import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from chatmrpt.jobs import wiring
from chatmrpt.jobs.kinds import load_kinds
from chatmrpt.jobs.lease import Lease, claim, count_fault, finish, internal_error
from chatmrpt.jobs.runner import (
    _Heartbeat,
    lease_owner_name,
    memory_error,
    run_claimed,
    time_error,
)
from chatmrpt.logs import configure_logging
from chatmrpt.store.model import FAILED, RUNNING

if TYPE_CHECKING:
    from chatmrpt.config import Settings
    from chatmrpt.runtime import Runtime

log = logging.getLogger(__name__)

# exit codes of the child
EXIT_OK = 0
EXIT_MEMORY = 3
# imported once by the fork server, so a job's child starts in milliseconds: the wiring
# imports the runtime, the runner and every built-in job kind (registering it), and through
# them numpy, pandas and the analysis they run. Named from the imported module itself, so
# the name cannot go out of date.
PRELOAD = (wiring.__name__,)
_PR_SET_PDEATHSIG = 1
_WATCH_S = 0.25
_CTX_LOCK = threading.Lock()


def hard_time_limit_s(timeout_s: float | None) -> float | None:
    """When the consumer ends a job that did not stop at its cooperative timeout."""
    if not timeout_s:
        return None
    return timeout_s + min(max(0.1 * timeout_s, 2.0), 60.0)


def _context(kind_modules: Iterable[str]) -> Any:
    ctx = multiprocessing.get_context("forkserver")
    with _CTX_LOCK:
        # takes effect when the fork server starts (the first job of this process)
        ctx.set_forkserver_preload([*PRELOAD, *kind_modules, "chatmrpt.jobs.forkserver_ready"])
    return ctx


def _die_with(consumer_pid: int) -> None:
    """End this process when the consumer that started it dies.

    The parent of a fork-server child is the fork server, which outlives the consumer
    while any of its children runs, so ``PR_SET_PDEATHSIG`` alone is not enough: a
    thread watches the consumer too.
    """
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)

    def watch() -> None:
        while True:
            time.sleep(_WATCH_S)
            try:
                os.kill(consumer_pid, 0)
            except ProcessLookupError:
                os.kill(os.getpid(), signal.SIGKILL)
            except PermissionError:
                pass

    threading.Thread(target=watch, name="consumer-watch", daemon=True).start()


def limit_memory(memory_mb: int | None) -> None:
    """Cap this process's address space at ``memory_mb`` (never above the hard limit)."""
    if not memory_mb:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = memory_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _child(settings: Settings, lease: Lease, job: dict[str, Any],
           kind_modules: tuple[str, ...], consumer_pid: int, environ: dict[str, str]) -> None:
    _die_with(consumer_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # the consumer's environment now (the fork server keeps the one it started with):
    # credentials and endpoints of the storage client, log settings
    os.environ.clear()
    os.environ.update(environ)
    os.environ["CHATMRPT_CONSUMER_PID"] = str(consumer_pid)
    configure_logging()
    load_kinds(kind_modules)
    limit_memory(settings.job_memory_mb)
    code = EXIT_OK
    try:
        rt = wiring.open_runtime(settings)
        try:
            run_claimed(rt, lease, job, threading.Event())
        finally:
            rt.close()
    except MemoryError:
        code = EXIT_MEMORY
    # skip interpreter teardown: the job's memory goes back with the process
    os._exit(code)


def execute_isolated(rt: Runtime, job_id: str, kind_modules: Iterable[str] = ()) -> str | None:
    """Claim a queued job here and run it in a child process under the job limits.

    Returns the job's final status, or None when this process did not (or no longer) own
    it.
    """
    settings = rt.settings
    claimed = claim(rt.store, job_id, lease_owner_name(), settings.job_lease_s)
    if claimed is None:
        log.info("job %s is not queued; message dropped", job_id)
        return None
    lease, job = claimed
    kind_modules = tuple(kind_modules)
    rt.queue.active.add(lease)
    heartbeat = _Heartbeat(rt, lease)
    heartbeat.start()
    proc = None
    try:
        ctx = _context(kind_modules)
        proc = ctx.Process(
            target=_child,
            args=(settings, lease, job, kind_modules, os.getpid(), dict(os.environ)),
            name=f"chatmrpt-job-{job_id[:12]}",
            daemon=True,
        )
        proc.start()
        rt.queue.active.attach(lease, proc)
        limit_s = hard_time_limit_s(settings.job_timeout_s)
        deadline = time.monotonic() + limit_s if limit_s else None
        ended_for: str | None = None
        while True:
            proc.join(0.2)
            if proc.exitcode is not None:
                break
            if heartbeat.lost.is_set():
                ended_for = "lease"
            elif deadline is not None and time.monotonic() > deadline:
                ended_for = "time"
            if ended_for:
                proc.kill()
                proc.join(10.0)
                break
        if ended_for == "lease":
            log.warning("job %s: lease lost; its process was ended", job_id)
            return None
        return _settle(rt, lease, job, proc.exitcode, ended_for, limit_s)
    finally:
        heartbeat.stop()
        rt.queue.active.remove(lease)
        if proc is not None and proc.exitcode is None:
            with contextlib.suppress(Exception):
                proc.kill()
                proc.join(5.0)
        if proc is not None:
            with contextlib.suppress(Exception):
                proc.close()


def _settle(rt: Runtime, lease: Lease, job: dict[str, Any], exitcode: int | None,
            ended_for: str | None, limit_s: float | None) -> str | None:
    """After the child ended: its committed status, or fail the job with the reason."""
    job_id = job["id"]
    record = rt.store.get_job(job_id) or {}
    if record.get("status") != RUNNING or record.get("lease_id") != lease.lease_id:
        # the child committed (or the job was handed on): nothing left to do here
        if record.get("lease_id") in (None, lease.lease_id):
            return record.get("status")
        return None
    if ended_for == "time":
        error, reason = time_error(job, float(limit_s or 0)), "time_limit"
    elif exitcode == EXIT_MEMORY or exitcode == -signal.SIGKILL:
        error, reason = memory_error(job, rt.settings.job_memory_mb), "memory_limit"
        with contextlib.suppress(Exception):
            count_fault(rt.store, "oom_kills", "job")
    else:
        error, reason = internal_error(job_id), f"exit {exitcode}"
    log.error("job %s failed: its process ended (%s)", job_id, reason,
              extra={"job_id": job_id, "kind": job["kind"], "event": "job.finished",
                     "outcome": FAILED, "error_code": error["code"], "reason": reason})
    if finish(rt.store, lease, FAILED, error=error):
        return FAILED
    return None
