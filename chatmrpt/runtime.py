"""The per-process runtime: settings plus the connections to shared state.

Built in each process *after* it is forked (a Gunicorn worker's ``post_fork``, a consumer
process's start), never at import time and never shared between processes. It holds
resources — connections, a queue client — and no session data: every fact is read from
the store when needed.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chatmrpt.artifacts import ArtifactStore, open_artifacts
from chatmrpt.store import Store, open_store

if TYPE_CHECKING:
    from chatmrpt.config import Settings
    from chatmrpt.jobs.queue import JobQueue


@dataclass
class Runtime:
    settings: Settings
    store: Store
    artifacts: ArtifactStore
    queue: JobQueue
    pid: int = field(default_factory=os.getpid)

    @classmethod
    def from_settings(cls, settings: Settings) -> Runtime:
        from chatmrpt.jobs.queue import JobQueue, make_huey
        from chatmrpt.jobs.runner import execute_job

        settings.home.mkdir(parents=True, exist_ok=True)
        rt = cls(
            settings=settings,
            store=open_store(settings.store_url),
            artifacts=open_artifacts(settings.artifacts_url, settings),
            queue=JobQueue(make_huey(settings)),
        )
        rt.queue.bind(lambda job_id: execute_job(rt, job_id))
        return rt

    def health(self) -> dict[str, Any]:
        """A real round trip to each part; raises when one does not answer."""
        return {
            "store": self.store.ping(),
            "artifacts": self.artifacts.ping(),
            "queue": self.queue.ping(),
        }

    def close(self) -> None:
        for part in (self.queue, self.artifacts, self.store):
            with contextlib.suppress(Exception):
                part.close()

    def __enter__(self) -> Runtime:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
