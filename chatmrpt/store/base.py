"""The ``Store`` interface: one set of operations over SQLite or Redis.

Backends implement a handful of primitives (read a record, list records, run a
transaction, append to a log); everything else — sessions, datasets, analyses, jobs,
artifact reference counts, heartbeats — is written once here on top of them, so both
backends behave the same by construction and one contract suite tests both.

A transaction is a function ``fn(txn)`` that reads records with ``txn.get`` and writes
with ``txn.put`` / ``txn.delete`` / ``txn.append``. The backend applies its writes
atomically, and only if nothing it read changed in the meantime: SQLite runs it under
``BEGIN IMMEDIATE``; Redis WATCHes every key read and retries ``fn`` on a conflict, so
``fn`` must not have side effects outside ``txn`` and must be quick.
"""

from __future__ import annotations

import copy
import hashlib
import math
import secrets
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar

from chatmrpt.errors import ChatMRPTError
from chatmrpt.store.model import (
    ACTIVE_STATES,
    ANALYSIS,
    ARTIFACT,
    BLOB_DELETING,
    BLOB_REFERENCED,
    BLOB_UNREFERENCED,
    DATASET,
    EVENTS,
    JOB,
    MESSAGES,
    PLAN,
    PROCESS,
    SESSION,
    Key,
    SessionState,
    legacy_plan_kind,
    now,
    valid_id,
)

T = TypeVar("T")

# A blob marked for deletion by a cleanup that died is taken back after this long.
BLOB_DELETE_MARK_S = 600.0


class NotFound(ChatMRPTError):
    def __init__(self, message: str, *, details: dict[str, Any] | None = None):
        super().__init__("not_found", message, details=details)


class Conflict(ChatMRPTError):
    """A compare-and-set lost: the record changed since it was read."""

    def __init__(self, message: str, *, details: dict[str, Any] | None = None):
        super().__init__("conflict", message, details=details)


class ArtifactBusy(Conflict):
    """The blob is being deleted by retention cleanup right now; retry shortly."""


class StoreUnavailable(ChatMRPTError):
    def __init__(self, message: str, *, details: dict[str, Any] | None = None):
        super().__init__("store_unavailable", message, details=details)


class Txn(Protocol):
    def get(self, key: Key) -> dict[str, Any] | None: ...

    def put(self, key: Key, record: dict[str, Any]) -> dict[str, Any]: ...

    def delete(self, key: Key) -> None: ...

    def owned(self, session_id: str) -> list[Key]: ...

    def append(self, log: str, session_id: str, body: dict[str, Any]) -> int | None: ...

    def drop_logs(self, session_id: str) -> None: ...


def stamp(old: dict[str, Any] | None, record: dict[str, Any], ts: float) -> dict[str, Any]:
    """The record as written: next version, timestamps. Shared by both backends."""
    out = copy.deepcopy(record)
    out["version"] = (int(old.get("version", 0)) if old else 0) + 1
    out.setdefault("created_at", old.get("created_at", ts) if old else ts)
    out["updated_at"] = ts
    return out


def _check_log(log: str, session_id: str) -> None:
    if log not in (MESSAGES, EVENTS):
        raise ValueError(f"unknown log {log!r}")
    if not valid_id(session_id):
        raise ValueError(f"invalid session id {session_id!r}")


class Store(ABC):
    """Shared state of every process. Holds no records in memory between calls."""

    backend: str = "?"
    described: str = "store"  # "the Redis store", in messages
    url: str = ""

    # ---- primitives (per backend) -----------------------------------------------------

    @abstractmethod
    def get(self, key: Key) -> dict[str, Any] | None: ...

    @abstractmethod
    def get_many(self, keys: Iterable[Key]) -> list[dict[str, Any] | None]: ...

    @abstractmethod
    def list(self, kind: str, session_id: str = "") -> list[dict[str, Any]]:
        """Every record of ``kind`` (in ``session_id`` for session-scoped kinds)."""

    @abstractmethod
    def list_by_status(self, kind: str, *statuses: str) -> list[dict[str, Any]]:
        """Records of an indexed-status kind (jobs, blobs) in any of ``statuses``."""

    @abstractmethod
    def list_owned(self, session_id: str, kind: str | None = None) -> list[dict[str, Any]]:
        """Records that belong to a session (including unscoped ones such as its jobs)."""

    @abstractmethod
    def list_expired(self, kind: str, before: float, limit: int = 100) -> list[str]:
        """Ids of records of ``kind`` whose ``expires_at`` is before ``before``."""

    @abstractmethod
    def transact(self, fn: Callable[[Txn], T]) -> T: ...

    @abstractmethod
    def append(self, log: str, session_id: str, body: dict[str, Any]) -> int:
        """Append to a session's log; returns the entry's sequence number."""

    @abstractmethod
    def read_log(
        self, log: str, session_id: str, after: int = 0, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """Entries with sequence number > ``after``, oldest first, each with ``seq``."""

    @abstractmethod
    def log_length(self, log: str, session_id: str) -> int: ...

    @abstractmethod
    def echo(self, value: str) -> Any:
        """Write ``value`` and read it back (what ``ping`` checks)."""

    def ping(self) -> dict[str, Any]:
        """A real write and read; raises StoreUnavailable when the store does not answer."""
        nonce = secrets.token_hex(8)
        t0 = time.perf_counter()
        if self.echo(nonce) != nonce:
            raise StoreUnavailable(f"The {self.described} returned another value than written.")
        return {
            "ok": True,
            "backend": self.backend,
            "latency_ms": round((time.perf_counter() - t0) * 1000, 3),
        }

    @abstractmethod
    def hit(self, counter: str, window_s: float) -> tuple[int, float]:
        """Count one event in ``counter``'s current fixed window of ``window_s`` seconds.

        Returns ``(events in this window including this one, seconds until it ends)``.
        Atomic across processes and machines (rate limits); windows start at multiples
        of ``window_s`` since the epoch, and a counter is forgotten after its window.
        """

    @abstractmethod
    def close(self) -> None: ...

    # ---- generic record operations ----------------------------------------------------

    def create(self, key: Key, record: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """Insert unless present: ``(stored record, True)`` or ``(existing, False)``.

        Atomic across processes: of two simultaneous creates exactly one returns True.
        """

        def fn(txn: Txn) -> tuple[dict[str, Any], bool]:
            existing = txn.get(key)
            if existing is not None:
                return existing, False
            return txn.put(key, record), True

        return self.transact(fn)

    def put(self, key: Key, record: dict[str, Any]) -> dict[str, Any]:
        """Write regardless of the current version (heartbeats and the like)."""
        return self.transact(lambda txn: txn.put(key, record))

    def update(
        self,
        key: Key,
        fn: Callable[[dict[str, Any]], dict[str, Any] | None],
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """Compare-and-set: apply ``fn`` to the current record and write the result.

        ``fn`` gets a private copy and returns the new record (or None after changing the
        copy in place). On a concurrent change the read and ``fn`` are repeated, so no
        update is lost. With ``expected_version``, a record at another version raises
        :class:`Conflict` instead.
        """

        def tx(txn: Txn) -> dict[str, Any]:
            current = txn.get(key)
            if current is None:
                raise NotFound(f"No {key.kind} {key.id!r}.", details={"id": key.id})
            if expected_version is not None and current.get("version") != expected_version:
                raise Conflict(
                    f"The {key.kind} changed since it was read (version "
                    f"{current.get('version')}, expected {expected_version}); "
                    "reload it and try again.",
                    details={"id": key.id, "version": current.get("version")},
                )
            work = copy.deepcopy(current)
            result = fn(work)
            new = work if result is None else result
            return txn.put(key, new)

        return self.transact(tx)

    def delete(self, key: Key) -> bool:
        def fn(txn: Txn) -> bool:
            if txn.get(key) is None:
                return False
            txn.delete(key)
            return True

        return self.transact(fn)

    # ---- sessions ---------------------------------------------------------------------

    def create_session(
        self,
        session_id: str,
        token_hash: str,
        ttl_s: float,
        state: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        ts = now()
        record = {
            "id": session_id,
            "token_hash": token_hash,
            "expires_at": ts + ttl_s,
            "state": dict(state or {}),
        }
        stored, created = self.create(Key.session(session_id), record)
        if not created:
            raise Conflict(f"Session {session_id!r} already exists.")
        return stored

    def get_session(self, session_id: str) -> dict[str, Any] | None:
        if not valid_id(session_id):
            return None
        return self.get(Key.session(session_id))

    def update_session(
        self,
        session_id: str,
        fn: Callable[[dict[str, Any]], dict[str, Any] | None],
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        return self.update(Key.session(session_id), fn, expected_version)

    def delete_session(self, session_id: str, *, expired_before: float | None = None) -> bool:
        """Delete a session and every record and log entry that belongs to it.

        Refuses (returns False) while one of its jobs is queued or running, and — with
        ``expired_before`` — unless the session expired before that time, both checked in
        the same transaction as the deletion. Artifact records release their blob
        references; the blobs themselves go in retention cleanup.
        """
        if not valid_id(session_id):
            return False

        def fn(txn: Txn) -> bool:
            skey = Key.session(session_id)
            session = txn.get(skey)
            if expired_before is not None and (
                session is None or session.get("expires_at", math.inf) >= expired_before
            ):
                return False
            owned = [k for k in txn.owned(session_id) if k != skey]
            records = [(k, txn.get(k)) for k in owned]
            for k, rec in records:
                if k.kind == JOB and rec is not None and rec.get("status") in ACTIVE_STATES:
                    return False
            if session is None and not records:
                return False
            for k, rec in records:
                if rec is None:
                    txn.delete(k)
                elif k.kind == ARTIFACT:
                    unlink_artifact(txn, k, rec)
                elif k.kind == DATASET:
                    txn.delete(k)
                    unlink_blob(txn, (rec.get("frame") or {}).get("sha256"))
                else:
                    txn.delete(k)
            if session is not None:
                txn.delete(skey)
            txn.drop_logs(session_id)
            return True

        return self.transact(fn)

    def expired_sessions(self, before: float, limit: int = 100) -> list[str]:
        return self.list_expired(SESSION, before, limit)

    # ---- session-scoped records -------------------------------------------------------

    def get_dataset(self, session_id: str, dataset_id: str) -> dict[str, Any] | None:
        return self.get_owned(DATASET, session_id, dataset_id)

    def list_datasets(self, session_id: str) -> list[dict[str, Any]]:
        return self.list(DATASET, session_id)

    def get_analysis(self, session_id: str, analysis_id: str) -> dict[str, Any] | None:
        return self.get_owned(ANALYSIS, session_id, analysis_id)

    def list_analyses(self, session_id: str) -> list[dict[str, Any]]:
        return self.list(ANALYSIS, session_id)

    def get_owned(self, kind: str, session_id: str, record_id: str) -> dict[str, Any] | None:
        """The session's record of ``kind`` with this id (None for ids that cannot be)."""
        if not (valid_id(session_id) and valid_id(record_id)):
            return None
        return self.get(Key(kind, record_id, session_id))

    def get_plan(self, session_id: str, plan_id: str) -> dict[str, Any] | None:
        """An ITN plan."""
        return self.get_result(PLAN, session_id, plan_id)

    def list_plans(self, session_id: str) -> list[dict[str, Any]]:
        """The session's ITN plans."""
        return self.list_results(PLAN, session_id)

    def get_result(self, kind: str, session_id: str, result_id: str) -> dict[str, Any] | None:
        """A derived result of ``kind`` (``PLAN``, ``REPRIORITIZATION``, ``TPR``...).

        A result stored before the kinds were separated (a ``plan`` record with this
        ``type``) is moved to its own kind on the way.
        """
        if not (valid_id(session_id) and valid_id(result_id)):
            return None
        key = Key.result(kind, session_id, result_id)
        record = self.get(key)
        if record is not None and (kind != PLAN or legacy_plan_kind(record) == PLAN):
            return record
        if kind == PLAN:
            if record is not None:  # an old record of another kind: move it, not a plan
                self.transact(lambda txn: move_legacy_result(txn, key))
            return None
        moved = self.transact(lambda txn: move_legacy_result(txn, Key.plan(session_id, result_id)))
        return moved if moved is not None and legacy_plan_kind(moved) == kind else None

    def list_results(self, kind: str, session_id: str) -> list[dict[str, Any]]:
        """The session's derived results of ``kind``, oldest first (old ones moved first)."""
        if not valid_id(session_id):
            return []
        moved = False
        for record in self.list(PLAN, session_id):
            if legacy_plan_kind(record) != PLAN:
                key = Key.plan(session_id, record["id"])
                self.transact(lambda txn, key=key: move_legacy_result(txn, key))
                moved = True
        records = self.list(kind, session_id)
        if moved:
            records.sort(key=lambda r: (r.get("created_at", 0), r.get("id", "")))
        return records

    def put_plan(self, session_id: str, record: dict[str, Any]) -> dict[str, Any]:
        return self.put_result(PLAN, session_id, record)

    def put_result(self, kind: str, session_id: str, record: dict[str, Any]) -> dict[str, Any]:
        record = dict(record, session_id=session_id)
        return self.put(Key.result(kind, session_id, record["id"]), record)

    def migrate_legacy_results(self) -> int:
        """Move every old ``plan`` record of another kind to its own kind (start-up,
        optional: reads do it too). Returns how many moved."""
        moved = 0
        for session in self.list(SESSION):
            sid = session.get("id")
            if not valid_id(sid):
                continue
            for record in self.list(PLAN, sid):
                if legacy_plan_kind(record) != PLAN:
                    key = Key.plan(sid, record["id"])
                    moved += self.transact(
                        lambda txn, key=key: move_legacy_result(txn, key)) is not None
        return moved

    def get_artifact(self, session_id: str, artifact_id: str) -> dict[str, Any] | None:
        return self.get_owned(ARTIFACT, session_id, artifact_id)

    def list_artifacts(self, session_id: str) -> list[dict[str, Any]]:
        return self.list(ARTIFACT, session_id)

    # ---- jobs -------------------------------------------------------------------------

    def get_job(self, job_id: str) -> dict[str, Any] | None:
        if not valid_id(job_id):
            return None
        return self.get(Key.job(job_id))

    def list_jobs(self, *statuses: str) -> list[dict[str, Any]]:
        return self.list_by_status(JOB, *statuses)

    def session_jobs(self, session_id: str) -> list[dict[str, Any]]:
        return self.list_owned(session_id, JOB)

    # ---- logs -------------------------------------------------------------------------

    def append_message(self, session_id: str, message: dict[str, Any]) -> int:
        return self.append(MESSAGES, session_id, message)

    def messages(
        self, session_id: str, after: int = 0, limit: int | None = None
    ) -> list[dict[str, Any]]:
        return self.read_log(MESSAGES, session_id, after, limit)

    def message_count(self, session_id: str) -> int:
        return self.log_length(MESSAGES, session_id)

    def append_event(self, session_id: str, event: dict[str, Any]) -> int:
        return self.append(EVENTS, session_id, event)

    def events(
        self, session_id: str, after: int = 0, limit: int | None = None
    ) -> list[dict[str, Any]]:
        return self.read_log(EVENTS, session_id, after, limit)

    # ---- process heartbeats -----------------------------------------------------------

    def beat(
        self,
        kind: str,
        host: str,
        pid: int,
        started_at: float,
        info: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Record that a web worker or job consumer is alive (``last_seen`` = now)."""
        key = Key.process(kind, host, pid)
        record = {
            "id": key.id,
            "kind": kind,
            "host": host,
            "pid": pid,
            "started_at": started_at,
            "last_seen": now(),
            "info": dict(info or {}),
        }
        return self.put(key, record)

    def live_processes(self, kind: str, ttl_s: float) -> list[dict[str, Any]]:
        """Processes of ``kind`` seen within the last ``ttl_s`` seconds."""
        cutoff = now() - ttl_s
        return sorted(
            (
                p
                for p in self.list(PROCESS)
                if p.get("kind") == kind and p.get("last_seen", 0) >= cutoff
            ),
            key=lambda p: (p.get("host", ""), p.get("pid", 0)),
        )

    def forget_process(self, kind: str, host: str, pid: int) -> bool:
        return self.delete(Key.process(kind, host, pid))

    def forget_stale_processes(self, older_than_s: float) -> int:
        cutoff = now() - older_than_s
        gone = 0
        for p in self.list(PROCESS):
            if p.get("last_seen", 0) < cutoff:
                key = Key(PROCESS, p["id"])

                def fn(txn: Txn, key: Key = key) -> bool:
                    rec = txn.get(key)
                    if rec is None or rec.get("last_seen", 0) >= cutoff:
                        return False
                    txn.delete(key)
                    return True

                gone += bool(self.transact(fn))
        return gone


# ---- session state (used inside transactions) -----------------------------------------------


def set_session_state(txn: Txn, session_id: str, **changes: Any) -> bool | None:
    """Set keys of a session's state (``SessionState`` names); no write when they are set
    already. Returns whether it wrote, None when the session is gone."""
    key = Key.session(session_id)
    session = txn.get(key)
    if session is None:
        return None
    new = SessionState.of(session).changed(**changes)
    if new is None:
        return False
    session["state"] = new.to_dict()
    txn.put(key, session)
    return True


# ---- results stored before each kind had its own record kind ------------------------------


def move_legacy_result(txn: Txn, old: Key) -> dict[str, Any] | None:
    """Inside a transaction: move the ``plan`` record at ``old`` to the kind its ``type``
    names, with its job's subject, and return it as stored (None if nothing to move)."""
    record = txn.get(old)
    if record is None:
        return None
    kind = legacy_plan_kind(record)
    if kind == PLAN:
        return None
    new = Key.result(kind, old.session_id, old.id)
    stored = txn.get(new)
    if stored is None:
        body = {k: v for k, v in record.items() if k not in ("version", "updated_at")}
        stored = txn.put(new, body)
    txn.delete(old)
    job_key = Key.job(record["job_id"]) if valid_id(record.get("job_id")) else None
    job = txn.get(job_key) if job_key is not None else None
    subject = (job or {}).get("subject") or {}
    if job_key is not None and job is not None and subject.get("kind") == PLAN and (
        subject.get("id") == old.id and subject.get("session_id") == old.session_id
    ):
        job["subject"] = dict(subject, kind=kind)
        txn.put(job_key, job)
    return stored


# ---- artifact records and blob reference counts (used inside transactions) ------------


def artifact_id(produced_by: dict[str, Any], name: str, sha256: str) -> str:
    """Same producer, name and content → same id, so repeating a step adds nothing."""
    blob = f"{produced_by.get('kind')}:{produced_by.get('id')}\n{name}\n{sha256}".encode()
    return hashlib.sha256(blob).hexdigest()[:32]


def link_artifact(txn: Txn, record: dict[str, Any]) -> dict[str, Any]:
    """Create an artifact record (if absent) and count its reference to the blob.

    Raises :class:`ArtifactBusy` while retention cleanup is deleting that blob. After the
    transaction commits, the caller must make sure the bytes are stored (``ensure``):
    a blob whose count went from 0 to 1 may just have been removed by cleanup.
    """
    key = Key.artifact(record["session_id"], record["id"])
    existing = txn.get(key)
    if existing is not None:
        return existing
    link_blob(txn, record["sha256"], record.get("size"))
    return txn.put(key, record)


def link_blob(txn: Txn, sha: str, size: int | None) -> None:
    """Count one more reference to a blob (an artifact record's, or a dataset's stored
    frame). Raises :class:`ArtifactBusy` while retention cleanup is deleting it."""
    bkey = Key.blob(sha)
    blob = txn.get(bkey)
    ts = now()
    refs = 0
    if blob is not None:
        if blob.get("status") == BLOB_DELETING:
            if ts - blob.get("delete_started_at", 0) < BLOB_DELETE_MARK_S:
                raise ArtifactBusy(
                    "A stored file is being removed by retention cleanup; try again in a moment.",
                    details={"sha256": sha},
                )
        else:
            refs = int(blob.get("refs", 0))
    txn.put(bkey, {"id": sha, "refs": refs + 1, "status": BLOB_REFERENCED, "size": size})


def unlink_artifact(txn: Txn, key: Key, record: dict[str, Any]) -> None:
    """Delete an artifact record and release its reference to the blob."""
    txn.delete(key)
    unlink_blob(txn, record.get("sha256"))


def unlink_blob(txn: Txn, sha: Any) -> None:
    """Release one reference to a blob; at none, retention cleanup may delete it."""
    if not valid_id(sha):
        return
    bkey = Key.blob(sha)
    blob = txn.get(bkey)
    if blob is None:
        return
    refs = max(int(blob.get("refs", 0)) - 1, 0)
    blob = dict(blob, refs=refs)
    if refs == 0 and blob.get("status") == BLOB_REFERENCED:
        blob["status"] = BLOB_UNREFERENCED
        blob["unreferenced_at"] = now()
    txn.put(bkey, blob)


def mark_blob_for_deletion(txn: Txn, sha256: str, *, orphan: bool = False) -> bool:
    """Step 1 of deleting a blob: only when nothing references it any more.

    ``orphan``: bytes that no blob record knows (written by an attempt that never
    committed); the mark makes a writer linking them right now wait until they are gone.
    """
    bkey = Key.blob(sha256)
    blob = txn.get(bkey)
    ts = now()
    if blob is None:
        if not orphan:
            return False
        txn.put(bkey, {"id": sha256, "refs": 0, "status": BLOB_DELETING, "delete_started_at": ts})
        return True
    if orphan or int(blob.get("refs", 0)) > 0:
        return False
    if blob.get("status") == BLOB_DELETING and ts - blob.get("delete_started_at", 0) < (
        BLOB_DELETE_MARK_S
    ):
        return False
    txn.put(bkey, dict(blob, status=BLOB_DELETING, delete_started_at=ts))
    return True


def forget_deleted_blob(txn: Txn, sha256: str) -> bool:
    """Step 2, after the bytes are gone: drop the blob record unless it was re-linked."""
    bkey = Key.blob(sha256)
    blob = txn.get(bkey)
    if blob is None or blob.get("status") != BLOB_DELETING or int(blob.get("refs", 0)) > 0:
        return False
    txn.delete(bkey)
    return True
