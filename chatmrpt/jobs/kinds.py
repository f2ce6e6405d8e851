"""Job kinds: what a consumer can do with a job, registered by name.

A kind is a function ``run(ctx) -> Outcome`` decorated with ``@job_kind("name")``. It
gets ids only (``ctx.payload``), reads its inputs from the store and artifact storage,
reports progress through ``ctx.progress`` and returns an :class:`Outcome`, which the
runner commits atomically with the job's final state change — so a kind never writes its
results directly and a stale attempt can never commit.

Kinds must be idempotent in effect: running one twice must give the same records (store
files with ``ctx.store_file``, which is content-addressed).

The registry is filled by decorators when the modules defining kinds are imported: the
built-in ones by plain imports in ``chatmrpt.jobs.wiring``, further ones named on the
command line (``chatmrpt worker --kinds MODULE``) by ``load_kinds``. It holds code, never
session data.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chatmrpt.artifacts import media_type_for
from chatmrpt.errors import ChatMRPTError
from chatmrpt.jobs.lease import Lease, report_progress
from chatmrpt.store.base import StoreUnavailable, Txn

if TYPE_CHECKING:
    from chatmrpt.runtime import Runtime

log = logging.getLogger(__name__)

# progress is written at most this often per job unless the stage changes
PROGRESS_INTERVAL_S = 0.5


class LeaseLost(Exception):
    """This attempt no longer owns the job (its lease expired and was taken over)."""


@dataclass(frozen=True)
class OutputFile:
    name: str
    path: Path
    sha256: str
    size: int
    media_type: str


@dataclass
class Outcome:
    """What a successful job commits, atomically with its final state change."""

    subject: dict[str, Any] = field(default_factory=dict)  # merged into the subject record
    files: list[OutputFile] = field(default_factory=list)  # become the session's artifacts
    session_state: dict[str, Any] = field(default_factory=dict)  # merged into session.state
    result: dict[str, Any] = field(default_factory=dict)  # small summary on the job record
    updates: list[Callable[[Txn], None]] = field(default_factory=list)  # further writes


@dataclass(frozen=True)
class JobKind:
    name: str
    run: Callable[[JobContext], Outcome | None]


_KINDS: dict[str, JobKind] = {}
_KINDS_LOCK = threading.Lock()


def job_kind(name: str) -> Callable[[Callable[[JobContext], Outcome | None]], Callable]:
    """Register ``run(ctx) -> Outcome`` as the job kind ``name``."""

    def decorator(fn: Callable[[JobContext], Outcome | None]) -> Callable:
        with _KINDS_LOCK:
            existing = _KINDS.get(name)
            if existing is not None and (
                existing.run.__module__,
                existing.run.__qualname__,
            ) != (fn.__module__, fn.__qualname__):
                raise ValueError(f"job kind {name!r} is already registered by {existing.run}")
            _KINDS[name] = JobKind(name, fn)
        return fn

    return decorator


def get_kind(name: str) -> JobKind | None:
    return _KINDS.get(name)


def registered_kinds() -> list[str]:
    return sorted(_KINDS)


def load_kinds(extra_modules: Iterable[str] = ()) -> list[str]:
    """Import further modules that define job kinds; returns the known kind names."""
    for module in extra_modules:
        importlib.import_module(module)
    return registered_kinds()


class JobContext:
    """What a running job may use: the runtime, its ids, a work folder, progress."""

    def __init__(
        self,
        rt: Runtime,
        job: dict[str, Any],
        lease: Lease,
        lost: threading.Event,
        workdir: Path,
    ):
        self.rt = rt
        self.job = job
        self.lease = lease
        self.workdir = workdir
        self._lost = lost
        self._last_write = 0.0
        self._last_stage: str | None = None
        self._last_fraction = 0.0
        timeout = getattr(rt.settings, "job_timeout_s", None)
        self.timeout_s = timeout
        self._deadline = time.monotonic() + timeout if timeout else None

    @property
    def job_id(self) -> str:
        return self.job["id"]

    @property
    def kind(self) -> str:
        return self.job["kind"]

    @property
    def session_id(self) -> str:
        return self.job["session_id"]

    @property
    def payload(self) -> dict[str, Any]:
        return self.job.get("payload") or {}

    @property
    def attempt(self) -> int:
        return self.lease.attempt

    def check(self) -> None:
        """Raise LeaseLost when another attempt has taken this job over, and stop the job
        (failed, ``job_failed``) once it has run longer than ``job_timeout_s``."""
        if self._lost.is_set():
            raise LeaseLost(self.job_id)
        if self._deadline is not None and time.monotonic() > self._deadline:
            what = {"analysis": "The analysis", "tpr": "The TPR run"}.get(self.kind, "This job")
            raise ChatMRPTError(
                "job_failed",
                f"{what} ran longer than {self.timeout_s:g} seconds, the most one job may run "
                "here, and was stopped. Try fewer variables or a smaller table, or ask the "
                "administrator to raise CHATMRPT_JOB_TIMEOUT_S.",
                details={"reason": "timeout", "timeout_s": self.timeout_s},
            )

    def progress(self, fraction: float, stage: str | None = None) -> None:
        self.check()
        try:
            fraction = min(max(float(fraction), 0.0), 1.0)
        except (TypeError, ValueError):
            fraction = 0.0
        # a progress bar never goes back, whatever order the steps report in
        fraction = max(fraction, self._last_fraction)
        t = time.monotonic()
        if stage == self._last_stage and t - self._last_write < PROGRESS_INTERVAL_S:
            return
        try:
            held = report_progress(self.rt.store, self.lease, fraction, stage)
        except StoreUnavailable as exc:
            # progress is advisory; the heartbeat keeps the lease and the final commit
            # tells whether this attempt still counts
            log.warning("progress of job %s not recorded: %s", self.job_id, exc.message)
            return
        if not held:
            self._lost.set()
            raise LeaseLost(self.job_id)
        self._last_write = t
        self._last_stage = stage
        self._last_fraction = fraction

    def progress_callback(self) -> Callable[..., None]:
        """A callback for analysis code: ``cb(fraction, stage)`` (either order accepted)."""

        def callback(*args: Any, **kwargs: Any) -> None:
            fraction = kwargs.get("fraction", kwargs.get("progress"))
            stage = kwargs.get("stage", kwargs.get("message"))
            for a in args:
                if isinstance(a, str) and stage is None:
                    stage = a
                elif isinstance(a, int | float) and fraction is None:
                    fraction = a
            self.progress(0.0 if fraction is None else fraction, stage)

        return callback

    def store_file(
        self, path: str | Path, name: str | None = None, media_type: str | None = None
    ) -> OutputFile:
        """Put a result file into artifact storage (content-addressed, idempotent)."""
        path = Path(path)
        name = name or path.name
        sha = self.rt.artifacts.put_file(path)
        return OutputFile(
            name=name,
            path=path,
            sha256=sha,
            size=path.stat().st_size,
            media_type=media_type or media_type_for(name),
        )
