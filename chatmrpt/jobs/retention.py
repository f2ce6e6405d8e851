"""Retention: sessions expire after ``settings.session_ttl_hours``, with their records
and — once nothing else references them — their stored files.

Run periodically by consumers. A session is never removed while one of its jobs is
queued or running (checked in the deleting transaction). Blobs are shared between
sessions (content addressing), so a blob goes only when no artifact record references it:
mark it in the store, delete the bytes, drop the mark. Files that no record ever
referenced (an attempt that never committed) go after ``orphan_grace_s``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from chatmrpt.artifacts.local import LocalArtifacts
from chatmrpt.store.base import ArtifactBusy, Txn, forget_deleted_blob, mark_blob_for_deletion
from chatmrpt.store.model import BLOB, BLOB_DELETING, BLOB_UNREFERENCED, Key, now

if TYPE_CHECKING:
    from chatmrpt.runtime import Runtime

log = logging.getLogger(__name__)

ORPHAN_GRACE_S = 24 * 3600.0
STALE_PROCESS_S = 24 * 3600.0
_BUSY_RETRY_S = 30.0
T = TypeVar("T")


def transact_linking(rt: Runtime, fn: Callable[[Txn], T]) -> T:
    """Run a store transaction that links artifacts, waiting out retention cleanup.

    ``link_artifact`` refuses while cleanup is deleting the very bytes being linked
    (``ArtifactBusy``); the cleanup finishes within moments, after which the transaction
    goes through and the caller stores the bytes again (``ensure``).
    """
    deadline = time.monotonic() + _BUSY_RETRY_S
    while True:
        try:
            return rt.store.transact(fn)
        except ArtifactBusy:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def expire_sessions(rt: Runtime, *, at: float | None = None, limit: int = 200) -> dict[str, int]:
    ts = now() if at is None else at
    deleted = kept = 0
    for session_id in rt.store.expired_sessions(ts, limit):
        if rt.store.delete_session(session_id, expired_before=ts):
            deleted += 1
            log.info("session %s expired and was deleted", session_id)
        else:
            kept += 1  # a job of it is still queued or running, or it was renewed
    return {"sessions_deleted": deleted, "sessions_kept": kept}


def _delete_blob(rt: Runtime, sha256: str, *, orphan: bool = False) -> bool:
    if not rt.store.transact(lambda txn: mark_blob_for_deletion(txn, sha256, orphan=orphan)):
        return False
    rt.artifacts.delete(sha256)
    rt.store.transact(lambda txn: forget_deleted_blob(txn, sha256))
    return True


def discard_blobs(rt: Runtime, sha256s, *, orphan: bool = False) -> int:
    """Delete these blobs now if nothing references them (the same protocol as cleanup).

    ``orphan``: bytes stored for an upload that was then refused, which no blob record
    knows; a blob some record knows (another session's upload of the same bytes) is kept.
    Without ``orphan``: blobs whose last reference was just released (a deleted session).
    Never raises: what is missed here, periodic cleanup removes later.
    """
    removed = 0
    for sha256 in dict.fromkeys(sha256s):
        try:
            if _delete_blob(rt, sha256, orphan=orphan):
                removed += 1
        except Exception as exc:  # storage away: retention cleanup will get to it
            log.warning("blob %s not deleted now (%s); cleanup will retry", sha256[:12], exc)
    return removed


def collect_blobs(rt: Runtime) -> int:
    """Delete stored files that no artifact record references any more."""
    removed = 0
    for blob in rt.store.list_by_status(BLOB, BLOB_UNREFERENCED, BLOB_DELETING):
        if _delete_blob(rt, blob["id"]):
            removed += 1
    return removed


def sweep_orphans(rt: Runtime, *, grace_s: float = ORPHAN_GRACE_S, at: float | None = None) -> int:
    """Delete stored files older than ``grace_s`` that no blob record knows."""
    cutoff = (now() if at is None else at) - grace_s
    removed = 0
    for sha256, modified in rt.artifacts.iter_blobs():
        if modified >= cutoff or rt.store.get(Key.blob(sha256)) is not None:
            continue
        if _delete_blob(rt, sha256, orphan=True):
            removed += 1
    if isinstance(rt.artifacts, LocalArtifacts):
        rt.artifacts.sweep_temp_files(grace_s)
    return removed


def cleanup(rt: Runtime, *, at: float | None = None, orphans: bool = False) -> dict[str, int]:
    counts = expire_sessions(rt, at=at)
    counts["blobs_deleted"] = collect_blobs(rt)
    if orphans:
        counts["orphans_deleted"] = sweep_orphans(rt, at=at)
    counts["processes_forgotten"] = rt.store.forget_stale_processes(STALE_PROCESS_S)
    return counts
