"""The message queue (Huey) that wakes consumers up.

The queue only says "job X is waiting"; what the job is, whether it already ran, who
runs it now, all live in the job record in the store. Huey deletes a message before its
task runs, so a consumer killed mid-job loses the message — the record's lease is what
brings such a job back (``chatmrpt.jobs.reaper``). A message for a job that is no longer
queued is simply dropped, which makes duplicate messages harmless.

Embedded default: ``SqliteHuey`` in its own file ``$CHATMRPT_HOME/queue.db``. With a
Redis store: ``RedisHuey`` on the same Redis.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from huey import RedisHuey, SqliteHuey
from huey.api import Huey

if TYPE_CHECKING:
    from chatmrpt.config import Settings
    from chatmrpt.jobs.lease import Lease

QUEUE_NAME = "chatmrpt"
TASK_NAME = "chatmrpt.run_job"


def make_huey(settings: Settings) -> Huey:
    url = settings.store_url
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(QUEUE_NAME, url=url, results=False, blocking=True, read_timeout=1)
    settings.home.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(
        QUEUE_NAME,
        filename=str(settings.home / "queue.db"),
        results=False,
        journal_mode="wal",
        timeout=15,
    )


class ActiveJobs:
    """Leases held by this process right now, so a stopping consumer can hand them back,
    and the child processes running them, so it can end those first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._leases: dict[str, Lease] = {}
        self._procs: dict[str, Any] = {}

    def add(self, lease: Lease) -> None:
        with self._lock:
            self._leases[lease.lease_id] = lease

    def attach(self, lease: Lease, proc: Any) -> None:
        with self._lock:
            self._procs[lease.lease_id] = proc

    def remove(self, lease: Lease) -> None:
        with self._lock:
            self._leases.pop(lease.lease_id, None)
            self._procs.pop(lease.lease_id, None)

    def processes(self) -> list[Any]:
        with self._lock:
            return list(self._procs.values())

    def snapshot(self) -> list[Lease]:
        with self._lock:
            return list(self._leases.values())


class JobQueue:
    def __init__(self, huey: Huey):
        self.huey = huey
        self.active = ActiveJobs()
        self._handler: Callable[[str], Any] | None = None
        self._task = huey.task(name=TASK_NAME)(self._run)

    @property
    def backend(self) -> str:
        return "redis" if isinstance(self.huey, RedisHuey) else "sqlite"

    def bind(self, handler: Callable[[str], Any]) -> None:
        """What a consumer does with a job id (``chatmrpt.jobs.runner.execute_job``)."""
        self._handler = handler

    def _run(self, job_id: str) -> None:
        if self._handler is None:
            raise RuntimeError("job queue has no handler bound")
        self._handler(job_id)

    def dispatch(self, job_id: str) -> None:
        """Send the wake-up message. Call only after the job record is committed."""
        self.huey.enqueue(self._task.s(job_id))

    def pending_job_ids(self) -> set[str]:
        """Job ids with a message waiting in the queue."""
        ids = set()
        for data in self.huey.storage.enqueued_items():
            with contextlib.suppress(Exception):
                message = self.huey.serializer.deserialize(data)
                if message.name.endswith(TASK_NAME) and message.args:
                    ids.add(str(message.args[0]))
        return ids

    def size(self) -> int:
        return int(self.huey.storage.queue_size())

    def ping(self) -> dict[str, Any]:
        return {"ok": True, "backend": self.backend, "pending": self.size()}

    def close(self) -> None:
        storage = self.huey.storage
        with contextlib.suppress(Exception):
            if hasattr(storage, "pool"):
                storage.pool.disconnect()
            else:
                storage.close()
