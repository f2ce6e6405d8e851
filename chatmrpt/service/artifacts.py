"""Results made in a request (maps, exports, reports) stored like any other artifact."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chatmrpt.jobs.retention import transact_linking
from chatmrpt.store.base import artifact_id, link_artifact
from chatmrpt.store.model import Key

if TYPE_CHECKING:
    from chatmrpt.runtime import Runtime

def store_artifact(rt: Runtime, session_id: str, data: bytes, name: str, media_type: str,
                   produced_by: dict[str, Any]) -> dict[str, Any]:
    """Put ``data`` in artifact storage and record it in the session; idempotent.

    Same producer, name and content give the same artifact id, so asking for the same map
    twice stores nothing new. ``name`` is for display and downloads only; the storage key
    comes from the content hash.
    """
    sha = rt.artifacts.put_bytes(data)
    record = {
        "id": artifact_id(produced_by, name, sha),
        "session_id": session_id,
        "sha256": sha,
        "name": name,
        "media_type": media_type,
        "size": len(data),
        "produced_by": produced_by,
    }
    stored = transact_linking(rt, lambda txn: link_artifact(txn, record))
    rt.artifacts.ensure(sha, data)
    return stored


def find_artifact(rt: Runtime, session_id: str, produced_by: dict[str, Any],
                  name: str) -> dict[str, Any] | None:
    """An artifact this producer already made under this name, if any."""
    for record in rt.store.list_artifacts(session_id):
        if record.get("name") == name and record.get("produced_by") == produced_by:
            return record
    return None


def artifact_record(rt: Runtime, session_id: str, artifact_id_: str) -> dict[str, Any] | None:
    return rt.store.get(Key.artifact(session_id, artifact_id_))
