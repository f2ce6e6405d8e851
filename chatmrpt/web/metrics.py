"""Prometheus metrics of the web service.

Under Gunicorn (``chatmrpt serve`` / ``chatmrpt web``) every worker writes its counters
to files in ``PROMETHEUS_MULTIPROC_DIR`` — a fresh folder per master under
``$CHATMRPT_HOME/metrics``, emptied at start — and ``GET /metrics`` on any worker adds
up the files of all workers (and of the consumers ``serve`` started) of that master. Job
and queue figures are read from the store when the page is scraped, so they are the same
whichever worker and machine answers:

* ``chatmrpt_http_requests_total{method,route,status}`` and
  ``chatmrpt_http_request_duration_seconds{method,route}`` (route = URL template);
* ``chatmrpt_queue_depth`` — wake-up messages waiting in the queue;
* ``chatmrpt_jobs{kind,status}`` — job records in the store by kind and state
  (queued, running, succeeded, failed); finished jobs leave with their session;
* ``chatmrpt_job_failures{kind,reason}`` — failed job records by kind and reason: the
  error's ``details.reason`` when it gives one (``memory_limit``, ``time_limit``,
  ``timeout``), otherwise its code;
* ``chatmrpt_job_retries{kind}`` — attempts beyond the first of the job records in the store;
* ``chatmrpt_process_restarts{process}`` — consumers (and, under ``chatmrpt serve``, the
  web master) started again after they died;
* ``chatmrpt_oom_kills{process}`` — job processes ended by their memory limit or by
  signal 9, and consumers killed by signal 9;
* ``chatmrpt_consumers_alive``, ``chatmrpt_web_workers_alive``, ``chatmrpt_store_up``.
"""

from __future__ import annotations

import os
import shutil
import socket
from collections import Counter as Tally
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chatmrpt.runtime import Runtime

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# job failure reasons reported apart from the error code (a job stopped by a limit)
LIMIT_REASONS = frozenset({"memory_limit", "time_limit", "timeout"})
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


@dataclass
class Metrics:
    registry: Any  # None in multiprocess mode (values live in files)
    requests: Any
    latency: Any

    @classmethod
    def create(cls) -> Metrics:
        from prometheus_client import CollectorRegistry, Counter, Histogram

        registry = None if multiprocess_dir() else CollectorRegistry()
        return cls(
            registry=registry,
            requests=Counter(
                "chatmrpt_http_requests",
                "HTTP requests answered, by method, route template and status.",
                ["method", "route", "status"],
                registry=registry,
            ),
            latency=Histogram(
                "chatmrpt_http_request_duration_seconds",
                "Time to answer an HTTP request (until the response starts), by route.",
                ["method", "route"],
                registry=registry,
                buckets=BUCKETS,
            ),
        )

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        method = method if method in METHODS else "OTHER"
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def render(self, rt: Runtime | None) -> bytes:
        from prometheus_client import CollectorRegistry, generate_latest

        parts = []
        if self.registry is None:
            from prometheus_client.multiprocess import MultiProcessCollector

            files = CollectorRegistry()
            MultiProcessCollector(files)
            parts.append(generate_latest(files))
        else:
            parts.append(generate_latest(self.registry))
        live = CollectorRegistry()
        live.register(StoreCollector(rt))
        parts.append(generate_latest(live))
        return b"".join(parts)


class StoreCollector:
    """Figures read from the shared store at scrape time."""

    def __init__(self, rt: Runtime | None):
        self.rt = rt

    def describe(self) -> list[Any]:
        return []

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import GaugeMetricFamily

        from chatmrpt.jobs.consumer import CONSUMER_TTL_S
        from chatmrpt.store.model import FAILED, QUEUED, RUNNING, SUCCEEDED
        from chatmrpt.web.health import WEB_TTL_S

        up = GaugeMetricFamily("chatmrpt_store_up", "1 when the store answered this scrape.")
        if self.rt is None:
            up.add_metric([], 0)
            yield up
            return
        try:
            statuses = (QUEUED, RUNNING, SUCCEEDED, FAILED)
            records = self.rt.store.list_jobs(*statuses)
            jobs = Tally((j.get("kind", "?"), j.get("status", "?")) for j in records)
            consumers = len(self.rt.store.live_processes("consumer", CONSUMER_TTL_S))
            web = len(self.rt.store.live_processes("web", WEB_TTL_S))
            depth = self.rt.queue.size()
            from chatmrpt.jobs.lease import fault_counts

            faults = fault_counts(self.rt.store)
        except Exception:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        family = GaugeMetricFamily(
            "chatmrpt_jobs",
            "Job records in the store, by kind and state.",
            labels=["kind", "status"],
        )
        for (kind, status), n in sorted(jobs.items()):
            family.add_metric([str(kind), str(status)], n)
        yield family
        yield from job_faults(records, FAILED)
        for name, metric, text in (
            ("restarts", "chatmrpt_process_restarts",
             "Processes started again after they died, by process."),
            ("oom_kills", "chatmrpt_oom_kills",
             "Processes ended by a memory limit or by signal 9, by process."),
        ):
            family = GaugeMetricFamily(metric, text, labels=["process"])
            for label in sorted(set(faults[name]) | {"consumer", "job"}):
                family.add_metric([label], faults[name].get(label, 0))
            yield family
        yield GaugeMetricFamily(
            "chatmrpt_queue_depth", "Job wake-up messages waiting in the queue.", value=depth
        )
        yield GaugeMetricFamily(
            "chatmrpt_consumers_alive", "Job consumers with a recent heartbeat.", value=consumers
        )
        yield GaugeMetricFamily(
            "chatmrpt_web_workers_alive", "Web workers with a recent heartbeat.", value=web
        )


def job_faults(records: list[dict[str, Any]], failed: str) -> Iterator[Any]:
    """Failures by kind and reason (the error's code) and retries by kind, from job records."""
    from prometheus_client.core import GaugeMetricFamily

    failures = Tally(
        (str(j.get("kind", "?")), failure_reason(j.get("error"))) for j in records
        if j.get("status") == failed
    )
    retries: Tally[str] = Tally()
    for j in records:
        retries[str(j.get("kind", "?"))] += max(int(j.get("attempts") or 0) - 1, 0)
    family = GaugeMetricFamily(
        "chatmrpt_job_failures",
        "Failed job records in the store, by kind and reason (the error code).",
        labels=["kind", "reason"],
    )
    for (kind, reason), n in sorted(failures.items()):
        family.add_metric([kind, reason], n)
    yield family
    family = GaugeMetricFamily(
        "chatmrpt_job_retries",
        "Attempts beyond the first of the job records in the store, by kind.",
        labels=["kind"],
    )
    for kind, n in sorted(retries.items()):
        family.add_metric([kind], n)
    yield family


def failure_reason(error: dict[str, Any] | None) -> str:
    """Why a job failed: ``details.reason`` when the error gives one, else its code."""
    error = error or {}
    reason = (error.get("details") or {}).get("reason")
    if reason in LIMIT_REASONS:
        return str(reason)
    return str(error.get("code") or "unknown")


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


def prepare_multiprocess_dir(home: Path) -> Path:
    """A fresh, empty metrics folder for one master: ``$HOME/metrics/<host>-<pid>``.

    Folders left by masters of this host that no longer run are removed, so counts of an
    earlier run never leak into this one.
    """
    host = socket.gethostname()
    root = home / "metrics"
    root.mkdir(parents=True, exist_ok=True)
    for old in root.glob(f"{host}-*"):
        pid = old.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)
    folder = root / f"{host}-{os.getpid()}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def mark_process_dead(pid: int) -> None:
    if multiprocess_dir():
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)
