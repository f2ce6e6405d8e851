"""Adding ward data to a session: store the raw files, validate them, record the dataset."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chatmrpt.analysis.variables import candidate_columns
from chatmrpt.artifacts import media_type_for
from chatmrpt.errors import InputError
from chatmrpt.jobs.runner import work_root
from chatmrpt.service.artifacts import transact_linking
from chatmrpt.service.files import BOUNDARIES, TABLE, display_name, extension_of, input_filename
from chatmrpt.service.sessions import require_session
from chatmrpt.store.base import Txn, artifact_id, link_artifact
from chatmrpt.store.model import Key, to_jsonable

if TYPE_CHECKING:
    from chatmrpt.runtime import Runtime



def _check_upload(rt: Runtime, data: bytes, name: str) -> None:
    if not data:
        raise InputError(
            "empty_file",
            f"{name!r} is empty. Upload the file again, with its data.",
            details={"file": name},
        )
    if len(data) > rt.settings.max_upload_bytes:
        raise InputError(
            "file_too_large",
            f"{name!r} is {len(data) / 1e6:.1f} MB; the most accepted is "
            f"{rt.settings.max_upload_mb} MB. Remove unused columns or split the file.",
            details={"file": name, "max_mb": rt.settings.max_upload_mb},
        )


def dataset_view(record: dict[str, Any], *, reused: bool) -> dict[str, Any]:
    summary = record.get("summary", {})
    return {
        "dataset_id": record["id"],
        "wards": summary.get("wards"),
        "variables": summary.get("variables", []),
        "has_boundaries": summary.get("has_boundaries", False),
        "join_report": record.get("join_report"),
        "warnings": record.get("warnings", []),
        "table": record[TABLE]["name"],
        "boundaries": (record.get(BOUNDARIES) or {}).get("name"),
        "reused": reused,
    }


def _set_current(txn: Txn, session_id: str, dataset_id: str) -> None:
    """Make the dataset the session's current one (no write when it already is)."""
    skey = Key.session(session_id)
    session = txn.get(skey)
    if session is None:
        raise InputError("not_found", "This session was deleted meanwhile; start a new one.")
    state = dict(session.get("state") or {})
    if state.get("current_dataset") != dataset_id:
        state["current_dataset"] = dataset_id
        session["state"] = state
        txn.put(skey, session)


def add_dataset(
    rt: Runtime,
    session_id: str,
    table: bytes,
    table_name: str,
    boundaries: bytes | None = None,
    boundaries_name: str | None = None,
    sheet: str | int | None = None,
) -> dict[str, Any]:
    """Store, validate and record an uploaded ward table (and boundaries) in a session.

    Idempotent by content: the same files give the same dataset id and the second call
    returns the first dataset (``reused``: True) without loading it again. Raises
    InputError naming the file and what to fix when the data cannot be used.
    """
    from chatmrpt.analysis.dataset import dataset_id_from_sources

    require_session(rt, session_id)
    uploads: dict[str, tuple[bytes, str, str]] = {}
    table_name = display_name(table_name, TABLE)
    _check_upload(rt, table, table_name)
    uploads[TABLE] = (table, table_name, extension_of(table_name, TABLE))
    if boundaries is not None:
        boundaries_name = display_name(boundaries_name, BOUNDARIES)
        _check_upload(rt, boundaries, boundaries_name)
        uploads[BOUNDARIES] = (
            boundaries,
            boundaries_name,
            extension_of(boundaries_name, BOUNDARIES),
        )
    hashes = {role: hashlib.sha256(data).hexdigest() for role, (data, _, _) in uploads.items()}

    # the same files again: answer from the store without loading them
    guess = dataset_id_from_sources(
        {
            role: {"sha256": hashes[role], "sheet": sheet if role == TABLE else None}
            for role in uploads
        }
    )
    existing = rt.store.get_dataset(session_id, guess)
    if existing is not None:
        rt.store.transact(lambda txn: _set_current(txn, session_id, existing["id"]))
        return dataset_view(existing, reused=True)

    try:
        for data, _, _ in uploads.values():
            rt.artifacts.put_bytes(data)  # early: a storage outage fails before any record
        stored, created = _load_and_record(rt, session_id, uploads, hashes, sheet)
    except BaseException:
        # a refused upload keeps nothing: its bytes go now, unless another record uses them
        from chatmrpt.jobs.retention import discard_blobs

        discard_blobs(rt, hashes.values(), orphan=True)
        raise
    for data, _, _ in uploads.values():
        rt.artifacts.ensure(hashlib.sha256(data).hexdigest(), data)
    return dataset_view(stored, reused=not created)


def _load_and_record(
    rt: Runtime,
    session_id: str,
    uploads: dict[str, tuple[bytes, str, str]],
    hashes: dict[str, str],
    sheet: str | int | None,
) -> tuple[dict[str, Any], bool]:
    from chatmrpt.analysis.ingest import load_dataset

    with tempfile.TemporaryDirectory(prefix="upload-", dir=work_root(rt.settings)) as tmp:
        paths: dict[str, Path] = {}
        for role, (data, _, ext) in uploads.items():
            paths[role] = Path(tmp) / input_filename(role, ext)
            paths[role].write_bytes(data)
        wards = load_dataset(
            paths[TABLE],
            paths.get(BOUNDARIES),
            sheet=sheet,
            table_name=uploads[TABLE][1],
            boundaries_name=uploads[BOUNDARIES][1] if BOUNDARIES in uploads else None,
            limits=rt.settings.read_limits(),
        )
        dataset_id = wards.dataset_id
        summary = {
            "wards": len(wards),
            "variables": candidate_columns(wards.wards, wards.excluded_columns),
            "has_boundaries": bool(wards.has_boundaries),
            "columns": [str(c) for c in wards.wards.columns if c != "geometry"],
            "excluded": [str(c) for c in wards.excluded_columns],
        }
        join_report = to_jsonable(wards.join_report)
        warnings = [str(w) for w in wards.warnings]
        sources = to_jsonable(wards.sources)

    files: dict[str, dict[str, Any]] = {}
    for role, (data, name, ext) in uploads.items():
        producer = {"kind": "upload", "id": role}
        files[role] = {
            "name": name,
            "ext": ext,
            "sha256": hashes[role],
            "size": len(data),
            "artifact_id": artifact_id(producer, name, hashes[role]),
            "sheet": sheet if role == TABLE else None,
        }
    record = {
        "id": dataset_id,
        "session_id": session_id,
        TABLE: files[TABLE],
        BOUNDARIES: files.get(BOUNDARIES),
        "summary": summary,
        "join_report": join_report,
        "warnings": warnings,
        "sources": sources,
    }

    def commit(txn: Txn) -> tuple[dict[str, Any], bool]:
        _set_current(txn, session_id, dataset_id)
        dkey = Key.dataset(session_id, dataset_id)
        stored = txn.get(dkey)
        created = stored is None
        if created:
            for role, (data, name, _) in uploads.items():
                link_artifact(
                    txn,
                    {
                        "id": files[role]["artifact_id"],
                        "session_id": session_id,
                        "sha256": hashes[role],
                        "name": name,
                        "media_type": media_type_for(name),
                        "size": len(data),
                        "produced_by": {"kind": "upload", "id": role, "dataset_id": dataset_id},
                    },
                )
            stored = txn.put(dkey, record)
            txn.append("events", session_id, {"type": "dataset.added", "dataset_id": dataset_id})
        return stored, created

    return transact_linking(rt, commit)


def get_dataset(rt: Runtime, session_id: str, dataset_id: str) -> dict[str, Any]:
    require_session(rt, session_id)
    record = rt.store.get_dataset(session_id, dataset_id)
    if record is None:
        raise InputError(
            "not_found",
            "There is no such dataset in this session; upload the ward table first.",
            details={"dataset_id": dataset_id},
        )
    return record
