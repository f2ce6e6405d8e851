"""The per-process runtime: settings plus the connections to shared state.

Built in each process *after* it is forked (a Gunicorn worker's ``post_fork``, a consumer
process's start), never at import time and never shared between processes. It holds
resources — connections, a queue client — and no session data: every fact is read from
the store when needed.

This module only describes the runtime; ``chatmrpt.jobs.wiring.open_runtime`` opens one
(the store, the artifact storage and the job queue bound to the job runner), so that the
runtime, which service and job code receive as a parameter, imports nothing above the
store and the artifact storage.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from chatmrpt.artifacts import ArtifactStore
from chatmrpt.store import Store

if TYPE_CHECKING:
    from chatmrpt.config import Settings


class Queue(Protocol):
    """What the service and web layers ask of the job queue (``chatmrpt.jobs.queue``)."""

    def dispatch(self, job_id: str) -> None: ...

    def pending_job_ids(self) -> set[str]: ...

    def size(self) -> int: ...

    def ping(self) -> dict[str, Any]: ...

    def close(self) -> None: ...


@dataclass
class Runtime:
    settings: Settings
    store: Store
    artifacts: ArtifactStore
    queue: Queue
    pid: int = field(default_factory=os.getpid)

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
