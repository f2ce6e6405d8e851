"""Job records and their state changes: claim, heartbeat, progress, finish, give back.

A job is ``queued`` → ``running`` (claimed with a lease) → ``succeeded`` | ``failed``.
Every change is one store transaction that first checks the job is in the state the
caller believes: only the holder of the current lease (``lease_id``, a fresh random id
per claim) can report progress or finish, so an attempt whose lease expired and was taken
over can never overwrite the newer attempt's work.

A job may have a *subject*: the record the user asked for (an analysis). Its ``status``,
``progress``, ``stage`` and ``error`` follow the job's, in the same transactions, and on
success the job's outcome (summary, artifacts, session state) is written with it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from chatmrpt.store.base import Txn, artifact_id, link_artifact
from chatmrpt.store.model import (
    FAILED,
    PROCESS,
    QUEUED,
    RUNNING,
    SUCCEEDED,
    Key,
    now,
    to_jsonable,
    valid_id,
)

if TYPE_CHECKING:
    from chatmrpt.jobs.kinds import Outcome
    from chatmrpt.store.base import Store

INTERNAL_ERROR_MESSAGE = (
    "The job stopped because of an internal error; it has been logged. "
    "Try again, and report the problem if it happens again."
)


@dataclass(frozen=True)
class Lease:
    job_id: str
    lease_id: str
    owner: str  # host:pid:thread, for people reading the record
    attempt: int
    lease_s: float


# what a job and its subject show while queued
WAITING = MappingProxyType({"status": QUEUED, "progress": 0.0, "stage": "waiting for a worker"})


def new_job(
    kind: str,
    session_id: str,
    payload: dict[str, Any],
    *,
    max_attempts: int,
    subject: Key | None = None,
    job_id: str | None = None,
) -> dict[str, Any]:
    """A queued job record. ``payload`` holds ids only; inputs are read from the store."""
    ts = now()
    return {
        "id": job_id or uuid.uuid4().hex,
        "kind": kind,
        "session_id": session_id,
        "payload": dict(payload),
        "subject": (
            {"kind": subject.kind, "session_id": subject.session_id, "id": subject.id}
            if subject is not None
            else None
        ),
        **WAITING,
        "attempts": 0,
        "max_attempts": int(max_attempts),
        "dispatches": 1,
        "dispatched_at": ts,
        "lease_owner": None,
        "lease_id": None,
        "lease_expires_at": None,
        "heartbeat_at": None,
        "started_at": None,
        "finished_at": None,
        "error": None,
        "result": None,
    }


def queue_subject(
    txn: Txn,
    kind: str,
    subject: Key,
    record: dict[str, Any],
    payload: dict[str, Any],
    *,
    max_attempts: int,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Inside a transaction: (re)queue the work a subject record stands for.

    The subject (an analysis, a TPR run) is reset to ``queued`` with a fresh job, the job
    is written and ``job.queued`` goes to the session's event log, all in ``txn``, so the
    subject, its job and the event appear together or not at all. Returns
    ``(stored subject, job)``; the caller dispatches the job after the commit.
    """
    job = new_job(kind, subject.session_id, payload, max_attempts=max_attempts, subject=subject)
    record = dict(record)
    record.update(
        WAITING,
        error=None,
        summary=None,
        artifacts=[],
        job_id=job["id"],
        runs=int(record.get("runs", 0)) + 1,
        started_at=None,
        finished_at=None,
    )
    stored = txn.put(subject, record)
    txn.put(Key.job(job["id"]), job)
    _event(txn, job, "job.queued")
    return stored, job


def internal_error(job_id: str) -> dict[str, Any]:
    return {
        "code": "internal_error",
        "message": INTERNAL_ERROR_MESSAGE,
        "details": {"job_id": job_id},
    }


def interrupted_error(job: dict[str, Any]) -> dict[str, Any]:
    n = job.get("attempts", 0)
    return {
        "code": "job_failed",
        "message": (
            f"The job was interrupted {n} time{'s' if n != 1 else ''}: the process running "
            "it stopped before it finished, and it was not retried again. Submit it again "
            "to retry; if it keeps stopping, the data may be too large for the workers."
        ),
        "details": {"job_id": job["id"], "attempts": n},
    }


def _subject_key(job: dict[str, Any]) -> Key | None:
    sub = job.get("subject")
    if not sub:
        return None
    return Key(sub["kind"], sub["id"], sub.get("session_id") or "")


def _mirror(txn: Txn, job: dict[str, Any], **fields: Any) -> dict[str, Any] | None:
    """Copy job state onto its subject, unless the subject now belongs to a newer job."""
    key = _subject_key(job)
    if key is None:
        return None
    subject = txn.get(key)
    if subject is None or subject.get("job_id") != job["id"]:
        return None
    subject.update(fields)
    return txn.put(key, subject)


def _event(txn: Txn, job: dict[str, Any], type_: str, **fields: Any) -> None:
    session_id = job.get("session_id")
    if not valid_id(session_id):
        return
    event = {"type": type_, "job_id": job["id"], "kind": job["kind"], "status": job["status"]}
    if job.get("subject"):
        event["subject"] = job["subject"]
    event.update(fields)
    txn.append("events", session_id, event)


def _job_in(txn: Txn, job_id: str, status: str) -> dict[str, Any] | None:
    """The job's record when it is in ``status``, else None."""
    job = txn.get(Key.job(job_id))
    return job if job is not None and job.get("status") == status else None


def _holds(job: dict[str, Any] | None, lease: Lease) -> bool:
    return (
        job is not None and job.get("status") == RUNNING and job.get("lease_id") == lease.lease_id
    )


def _as_holder(
    store: Store, lease: Lease, change: Callable[[Txn, Key, dict[str, Any]], None]
) -> bool:
    """Apply ``change(txn, key, job)`` to the job in one transaction if ``lease`` still holds
    it; False (and nothing written) when the lease was lost."""

    def fn(txn: Txn) -> bool:
        key = Key.job(lease.job_id)
        job = txn.get(key)
        if not _holds(job, lease):
            return False
        change(txn, key, job)
        return True

    return store.transact(fn)


def _requeue(txn: Txn, key: Key, job: dict[str, Any], ts: float, reason: str,
             **fields: Any) -> None:
    """Back to queued (``fields`` added), noted as a new dispatch; the caller sends it."""
    job.update(
        fields,
        **WAITING,
        lease_owner=None,
        lease_id=None,
        lease_expires_at=None,
        dispatched_at=ts,
        dispatches=int(job.get("dispatches", 0)) + 1,
    )
    job = txn.put(key, job)
    _mirror(txn, job, **WAITING)
    _event(txn, job, "job.requeued", reason=reason)


def claim(store: Store, job_id: str, owner: str, lease_s: float) -> tuple[Lease, dict] | None:
    """queued → running with a new lease; None when the job is not queued (any more)."""
    lease_id = uuid.uuid4().hex

    def fn(txn: Txn) -> tuple[Lease, dict] | None:
        key = Key.job(job_id)
        job = _job_in(txn, job_id, QUEUED)
        if job is None:
            return None
        ts = now()
        job.update(
            status=RUNNING,
            attempts=int(job.get("attempts", 0)) + 1,
            lease_owner=owner,
            lease_id=lease_id,
            lease_expires_at=ts + lease_s,
            heartbeat_at=ts,
            started_at=ts,
            finished_at=None,
            progress=0.0,
            stage="started",
            error=None,
        )
        job = txn.put(key, job)
        _mirror(txn, job, status=RUNNING, progress=0.0, stage="started", started_at=ts, error=None)
        _event(txn, job, "job.started", attempt=job["attempts"])
        return Lease(job_id, lease_id, owner, job["attempts"], lease_s), job

    return store.transact(fn)


def renew(store: Store, lease: Lease) -> bool:
    """Heartbeat: extend the lease. False when it was lost (expired and taken over)."""

    def change(txn: Txn, key: Key, job: dict[str, Any]) -> None:
        ts = now()
        job.update(lease_expires_at=ts + lease.lease_s, heartbeat_at=ts)
        txn.put(key, job)

    return _as_holder(store, lease, change)


def report_progress(store: Store, lease: Lease, fraction: float, stage: str | None) -> bool:
    """Progress into the job, its subject and the session's event log (renews the lease)."""

    def change(txn: Txn, key: Key, job: dict[str, Any]) -> None:
        ts = now()
        job.update(
            progress=fraction,
            stage=stage or job.get("stage"),
            lease_expires_at=ts + lease.lease_s,
            heartbeat_at=ts,
        )
        job = txn.put(key, job)
        _mirror(txn, job, progress=fraction, stage=job["stage"])
        _event(txn, job, "job.progress", progress=fraction, stage=job["stage"])

    return _as_holder(store, lease, change)


def finish(
    store: Store,
    lease: Lease,
    status: str,
    *,
    outcome: Outcome | None = None,
    error: dict[str, Any] | None = None,
) -> bool:
    """running → succeeded | failed, with the outcome, atomically; only by the lease holder.

    Returns False (and writes nothing) when the lease was lost. On success the outcome's
    files are linked as artifact records of the session; the caller must ``ensure`` their
    bytes afterwards (see ``chatmrpt.artifacts``).
    """
    if status not in (SUCCEEDED, FAILED):
        raise ValueError(f"a job finishes as succeeded or failed, not {status!r}")

    def change(txn: Txn, key: Key, job: dict[str, Any]) -> None:
        ts = now()
        result: dict[str, Any] | None = None
        if status == SUCCEEDED:
            result = _apply_outcome(txn, job, outcome, ts)
        else:
            _mirror(txn, job, status=FAILED, stage="failed", error=error, finished_at=ts)
        job.update(
            status=status,
            finished_at=ts,
            lease_owner=None,
            lease_id=None,
            lease_expires_at=None,
            progress=1.0 if status == SUCCEEDED else job.get("progress", 0.0),
            stage="done" if status == SUCCEEDED else "failed",
            error=error,
            result=result,
        )
        job = txn.put(key, job)
        fields: dict[str, Any] = {"attempt": job["attempts"]}
        if error:
            fields["error"] = error
        _event(txn, job, f"job.{status}", **fields)

    return _as_holder(store, lease, change)


def _apply_outcome(
    txn: Txn, job: dict[str, Any], outcome: Outcome | None, ts: float
) -> dict[str, Any]:
    session_id = job["session_id"]
    subject_key = _subject_key(job)
    producer = (
        {"kind": subject_key.kind, "id": subject_key.id}
        if subject_key is not None
        else {"kind": "job", "id": job["id"]}
    )
    artifacts = []
    if outcome is not None:
        for f in outcome.files:
            record = {
                "id": artifact_id(producer, f.name, f.sha256),
                "session_id": session_id,
                "sha256": f.sha256,
                "name": f.name,
                "media_type": f.media_type,
                "size": f.size,
                "produced_by": dict(producer, job_id=job["id"]),
            }
            stored = link_artifact(txn, record)
            artifacts.append({k: stored[k] for k in ("id", "name", "media_type", "size", "sha256")})
    subject_fields = dict(to_jsonable(outcome.subject) if outcome is not None else {})
    subject_fields.update(
        status=SUCCEEDED,
        progress=1.0,
        stage="done",
        error=None,
        finished_at=ts,
        artifacts=artifacts,
    )
    _mirror(txn, job, **subject_fields)
    if outcome is not None and outcome.session_state:
        skey = Key.session(session_id)
        session = txn.get(skey)
        if session is not None:
            state = dict(session.get("state") or {})
            state.update(to_jsonable(outcome.session_state))
            session["state"] = state
            txn.put(skey, session)
    if outcome is not None:
        for update in outcome.updates:
            update(txn)
    result = dict(to_jsonable(outcome.result) if outcome is not None else {})
    result["artifacts"] = [a["id"] for a in artifacts]
    return result


def release(store: Store, lease: Lease) -> bool:
    """Give a running job back to the queue (consumer shutting down). Caller dispatches.

    The interrupted attempt is not counted: stopping a consumer is not the job's fault.
    """

    def change(txn: Txn, key: Key, job: dict[str, Any]) -> None:
        _requeue(txn, key, job, now(), "worker stopping",
                 attempts=max(int(job.get("attempts", 1)) - 1, 0))

    return _as_holder(store, lease, change)


def requeue_expired(store: Store, job_id: str, at: float | None = None) -> str | None:
    """A running job whose lease expired: back to queued, or failed after max attempts.

    Returns "requeued" (caller dispatches), "failed", or None when nothing was to do.
    """

    def fn(txn: Txn) -> str | None:
        ts = now() if at is None else at
        key = Key.job(job_id)
        job = _job_in(txn, job_id, RUNNING)
        if job is None or (job.get("lease_expires_at") or 0) >= ts:
            return None
        if int(job.get("attempts", 0)) >= int(job.get("max_attempts", 1)):
            error = interrupted_error(job)
            job.update(status=FAILED, finished_at=ts, stage="failed", error=error,
                       lease_owner=None, lease_id=None, lease_expires_at=None)
            job = txn.put(key, job)
            _mirror(txn, job, status=FAILED, stage="failed", error=error, finished_at=ts)
            _event(txn, job, "job.failed", error=error, attempt=job["attempts"])
            return FAILED
        _requeue(txn, key, job, ts, f"lease of {job.get('lease_owner')} expired")
        return "requeued"

    return store.transact(fn)


def redispatch(store: Store, job_id: str, dispatched_before: float) -> bool:
    """A queued job whose wake-up message is gone: note a new dispatch (caller sends it)."""

    def fn(txn: Txn) -> bool:
        key = Key.job(job_id)
        job = _job_in(txn, job_id, QUEUED)
        if job is None or (job.get("dispatched_at") or 0) >= dispatched_before:
            return False
        job.update(dispatched_at=now(), dispatches=int(job.get("dispatches", 0)) + 1)
        txn.put(key, job)
        return True

    return store.transact(fn)


# ---- fault counters: restarts and kills, shared by every machine through the store ------

FAULTS_ID = "faults"


def count_fault(store: Store, name: str, label: str, n: int = 1) -> None:
    """Add ``n`` to the fault counter ``name`` (e.g. ``restarts``) for ``label``.

    One small record in the store, so ``/metrics`` on any machine reads the same figures.
    It is kept while faults keep happening and forgotten with stale process records.
    """
    key = Key(PROCESS, FAULTS_ID)

    def fn(txn: Txn) -> None:
        record = txn.get(key) or {"id": FAULTS_ID, "kind": FAULTS_ID}
        counts = dict(record.get(name) or {})
        counts[label] = int(counts.get(label, 0)) + n
        record[name] = counts
        record["last_seen"] = now()
        txn.put(key, record)

    store.transact(fn)


def fault_counts(store: Store) -> dict[str, dict[str, int]]:
    """``{counter: {label: n}}`` as written by ``count_fault``."""
    record = store.get(Key(PROCESS, FAULTS_ID)) or {}
    return {
        name: {str(k): int(v) for k, v in (record.get(name) or {}).items()}
        for name in ("restarts", "oom_kills")
    }
