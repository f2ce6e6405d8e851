"""Job consumers: Huey workers plus the upkeep every consumer process does.

``consume`` runs one consumer in the calling process: a Huey worker thread (or several)
that takes messages and runs jobs, and, in the calling thread, a loop that records the
process's heartbeat in the store, reaps jobs whose consumer died, and runs retention
cleanup. ``run_consumers`` starts N such processes and restarts any that die.

Stopping (``stop_event`` set, e.g. on SIGTERM): no new message is taken; a running job
may finish within ``grace_s``; after that its lease is handed back (job queued again,
message re-sent) and the process exits. A SIGKILLed consumer cannot do this: its lease
runs out and the reaper of another consumer (or of its restarted self) takes over.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import random
import signal
import socket
import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from huey.consumer import Consumer

from chatmrpt.jobs.isolated import execute_isolated
from chatmrpt.jobs.kinds import load_kinds
from chatmrpt.jobs.lease import count_fault, release
from chatmrpt.jobs.reaper import reap
from chatmrpt.jobs.retention import cleanup
from chatmrpt.jobs.wiring import open_runtime
from chatmrpt.logs import configure_logging
from chatmrpt.store import open_store
from chatmrpt.store.model import now

if TYPE_CHECKING:
    from chatmrpt.config import Settings
    from chatmrpt.runtime import Runtime

log = logging.getLogger(__name__)

DEFAULT_GRACE_S = 25.0
HEARTBEAT_S = 2.0
# a consumer counts as alive when seen within this many seconds (used by /readyz)
CONSUMER_TTL_S = 5 * HEARTBEAT_S
CLEANUP_EVERY_S = 60.0
ORPHAN_SWEEP_EVERY_S = 3600.0


class _HueyConsumer(Consumer):
    def _set_signal_handlers(self) -> None:
        # what a signal means is decided by the process embedding the consumer
        pass


def reap_interval_s(lease_s: float) -> float:
    return min(max(lease_s / 3.0, 0.2), 5.0)


def consume(
    settings: Settings,
    stop_event: threading.Event,
    *,
    threads: int = 1,
    grace_s: float = DEFAULT_GRACE_S,
    kind_modules: Iterable[str] = (),
    heartbeat_s: float = HEARTBEAT_S,
    cleanup_every_s: float = CLEANUP_EVERY_S,
) -> int:
    """Run a consumer in this process until ``stop_event`` is set. Returns an exit code."""
    kind_modules = tuple(kind_modules)
    kinds = load_kinds(kind_modules)
    rt = open_runtime(settings)
    if settings.job_isolation:
        rt.queue.bind(lambda job_id: execute_isolated(rt, job_id, kind_modules))
    host, pid, started = socket.gethostname(), os.getpid(), now()
    consumer = _HueyConsumer(
        rt.queue.huey,
        workers=threads,
        worker_type="thread",
        periodic=False,
        initial_delay=0.02,
        backoff=1.5,
        # SqliteHuey is polled; Redis blocks on the list, so this only matters for SQLite
        max_delay=0.1,
        check_worker_health=True,
        health_check_interval=5,
    )
    consumer.start()
    log.info("consumer %s:%s started (%d thread(s)); job kinds: %s", host, pid, threads, kinds)

    def beat() -> None:
        info = {"threads": threads, "jobs": [lease.job_id for lease in rt.queue.active.snapshot()]}
        rt.store.beat("consumer", host, pid, started, info)

    upkeep = [
        ("heartbeat", heartbeat_s, beat),
        ("reaper", reap_interval_s(settings.job_lease_s), lambda: reap(rt)),
        ("retention", cleanup_every_s, lambda: cleanup(rt)),
        ("orphan sweep", ORPHAN_SWEEP_EVERY_S, lambda: cleanup(rt, orphans=True)),
        ("worker health", 5.0, consumer.check_worker_health),
    ]
    t0 = time.monotonic()
    first_cleanup = t0 + min(cleanup_every_s, 5.0)
    # the orphan sweep lists every stored file: spread it out instead of running it at
    # every start of every consumer
    first_sweep = t0 + random.uniform(60.0, ORPHAN_SWEEP_EVERY_S)
    due = [t0, t0, first_cleanup, first_sweep, t0 + 5.0]
    try:
        while not stop_event.is_set():
            t = time.monotonic()
            for i, (name, every, task) in enumerate(upkeep):
                if t >= due[i]:
                    due[i] = t + every
                    try:
                        task()
                    except Exception as exc:  # the store may be briefly away; keep going
                        log.warning("consumer %s failed: %s", name, exc)
            stop_event.wait(min(max(min(due) - time.monotonic(), 0.02), 0.5))
    finally:
        _shutdown(consumer, rt, grace_s)
        try:
            rt.store.forget_process("consumer", host, pid)
        except Exception as exc:
            log.warning("consumer heartbeat not removed: %s", exc)
        rt.close()
        log.info("consumer %s:%s stopped", host, pid)
    return 0


def _shutdown(consumer: Consumer, rt: Runtime, grace_s: float) -> None:
    consumer.stop_flag.set()
    deadline = time.monotonic() + grace_s
    for _, worker in consumer.worker_threads:
        worker.join(max(deadline - time.monotonic(), 0.0))
    for proc in rt.queue.active.processes():  # jobs still running after the grace period
        with contextlib.suppress(Exception):
            proc.kill()
    consumer.scheduler.join(1.0)
    for lease in rt.queue.active.snapshot():
        try:
            if release(rt.store, lease):
                rt.queue.dispatch(lease.job_id)
                log.warning("job %s handed back to the queue (consumer stopping)", lease.job_id)
        except Exception as exc:
            log.error("job %s not handed back (%s); its lease will expire", lease.job_id, exc)


def _consumer_process(
    settings: Settings, threads: int, grace_s: float, kind_modules: tuple[str, ...]
) -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    # Ctrl-C reaches the whole process group; the supervisor decides and sends SIGTERM
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    configure_logging()
    raise SystemExit(
        consume(settings, stop, threads=threads, grace_s=grace_s, kind_modules=kind_modules)
    )


def count_restart(settings: Settings, exitcode: int | None, process: str = "consumer") -> None:
    """Note a restart of ``process`` (and, when signal 9 ended it, an OOM kill) in the
    store, where ``/metrics`` reads it."""
    try:
        store = open_store(settings.store_url)
        try:
            count_fault(store, "restarts", process)
            if exitcode == -signal.SIGKILL:
                count_fault(store, "oom_kills", process)
        finally:
            store.close()
    except Exception as exc:  # the store may be away; the restart matters more
        log.warning("%s restart not counted: %s", process, exc)


def run_consumers(
    settings: Settings,
    n: int,
    stop_event: threading.Event,
    *,
    in_process: bool | None = None,
    grace_s: float = DEFAULT_GRACE_S,
    kind_modules: Iterable[str] = (),
) -> int:
    """Run ``n`` consumers until ``stop_event`` is set.

    In-process (default for ``n == 1``): one consumer with ``n`` worker threads in the
    calling thread. Otherwise ``n`` consumer processes (spawned, so nothing is inherited
    through fork), each restarted when it dies, stopped with SIGTERM and, after
    ``grace_s`` and a margin, SIGKILL.
    """
    if n < 1:
        raise ValueError("at least one consumer is needed")
    kind_modules = tuple(kind_modules)
    if in_process is None:
        in_process = n == 1
    if in_process:
        return consume(settings, stop_event, threads=n, grace_s=grace_s, kind_modules=kind_modules)

    ctx = multiprocessing.get_context("spawn")

    def start(i: int) -> multiprocessing.process.BaseProcess:
        p = ctx.Process(
            target=_consumer_process,
            args=(settings, 1, grace_s, kind_modules),
            name=f"chatmrpt-consumer-{i + 1}",
            daemon=False,
        )
        p.start()
        return p

    procs = [start(i) for i in range(n)]
    started = [time.monotonic()] * n
    while not stop_event.wait(0.5):
        for i, p in enumerate(procs):
            if p.is_alive():
                continue
            if time.monotonic() - started[i] < 5.0:
                time.sleep(1.0)  # dying at start: do not spin
            log.warning("consumer %s exited with %s; starting it again", p.pid, p.exitcode)
            count_restart(settings, p.exitcode)
            procs[i] = start(i)
            started[i] = time.monotonic()
    for p in procs:
        if p.is_alive():
            p.terminate()
    deadline = time.monotonic() + grace_s + 5.0
    for p in procs:
        p.join(max(deadline - time.monotonic(), 0.0))
    for p in procs:
        if p.is_alive():
            log.error("consumer %s did not stop in time; killing it", p.pid)
            p.kill()
            p.join(5.0)
    return 0
