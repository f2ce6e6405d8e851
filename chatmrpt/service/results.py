"""Reading a finished analysis back: its record, its unified dataset, its stored files.

Planning steps (ITN plans, urban reprioritisation), the ward table of the HTTP API and the
chat tools all start from here, so "is the analysis finished?" has one answer: the
analysis record's ``status`` in the store, never a probe for files.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chatmrpt.analysis.filenames import ANALYSIS_JSON, UNIFIED_CSV, UNIFIED_PARQUET
from chatmrpt.analysis.lga_names import read_lga_names, with_lga_names
from chatmrpt.analysis.results_io import load_unified as read_unified
from chatmrpt.errors import InputError
from chatmrpt.jobs.lease import queue_subject
from chatmrpt.jobs.retention import transact_linking
from chatmrpt.jobs.runner import work_root
from chatmrpt.service.sessions import found, require_session, session_analysis
from chatmrpt.store.base import Txn, artifact_id, link_artifact, set_session_state
from chatmrpt.store.model import (
    FAILED,
    RESULT_KINDS,
    SUCCEEDED,
    Key,
    SessionState,
    to_jsonable,
    valid_id,
)

if TYPE_CHECKING:
    import pandas as pd

    from chatmrpt.runtime import Runtime



def latest_analysis(rt: Runtime, session_id: str) -> dict[str, Any] | None:
    """The session's current analysis (the last one that succeeded), else its newest
    analysis in any state, else None."""
    session = require_session(rt, session_id)
    current = SessionState.of(session).current_analysis
    if valid_id(current):
        record = rt.store.get_analysis(session_id, current)
        if record is not None:
            return record
    analyses = rt.store.list_analyses(session_id)
    return analyses[-1] if analyses else None


def finished_analysis(
    rt: Runtime, session_id: str, analysis_id: str | None = None
) -> dict[str, Any]:
    """The succeeded analysis ``analysis_id`` (default: the session's current analysis).

    Raises ``not_found`` for an unknown id and ``analysis_not_ready`` while it is queued
    or running, after it failed, or when the session has no finished analysis yet.
    """
    session = require_session(rt, session_id)
    if analysis_id is None:
        analysis_id = SessionState.of(session).current_analysis
        if analysis_id is None:
            running = [a for a in rt.store.list_analyses(session_id) if a.get("status") != FAILED]
            hint = (
                "The analysis is still running; wait until it has finished."
                if running
                else "Run the analysis first."
            )
            raise InputError(
                "analysis_not_ready",
                f"There is no finished analysis in this session yet. {hint}",
            )
    record = session_analysis(rt, session_id, analysis_id)
    status = record.get("status")
    if status == SUCCEEDED:
        return record
    if status == FAILED:
        reason = (record.get("error") or {}).get("message") or "it failed"
        raise InputError(
            "analysis_not_ready",
            f"This analysis failed, so it has no results: {reason} Fix the problem and run "
            "the analysis again.",
            details={"analysis_id": analysis_id, "status": status},
        )
    raise InputError(
        "analysis_not_ready",
        f"This analysis is {status} ({round(100 * float(record.get('progress') or 0))}% done); "
        "wait until it has finished.",
        details={"analysis_id": analysis_id, "status": status},
    )


def artifact_named(record: dict[str, Any], name: str) -> dict[str, Any] | None:
    """The output file ``name`` of an analysis (or plan) record, or None."""
    for art in record.get("artifacts") or []:
        if art.get("name") == name:
            return art
    return None


def read_artifact_bytes(rt: Runtime, artifact: dict[str, Any]) -> bytes:
    return rt.artifacts.read_bytes(artifact["sha256"])


def read_artifact_json(rt: Runtime, artifact: dict[str, Any]) -> Any:
    return json.loads(read_artifact_bytes(rt, artifact).decode("utf-8"))


def record_json(rt: Runtime, record: dict[str, Any], name: str) -> Any:
    """The record's JSON artifact ``name``, read; None when it has none of that name."""
    artifact = artifact_named(record, name)
    return read_artifact_json(rt, artifact) if artifact is not None else None


def load_unified(rt: Runtime, session_id: str, analysis_id: str | None = None) -> pd.DataFrame:
    """The unified dataset of a finished analysis (a GeoDataFrame when it has boundaries).

    Read from the analysis' stored GeoParquet when there is one, else its CSV, through the
    same reader as the command line (``chatmrpt.analysis.results_io``).
    """
    record = finished_analysis(rt, session_id, analysis_id)
    artifact = artifact_named(record, UNIFIED_PARQUET) or artifact_named(record, UNIFIED_CSV)
    if artifact is None:
        raise InputError(
            "not_found",
            "The results of this analysis are missing; run the analysis again.",
            details={"analysis_id": record["id"]},
        )
    with tempfile.TemporaryDirectory(prefix="unified-", dir=work_root(rt.settings)) as tmp:
        # server-chosen name: the recorded name is only ever displayed
        suffix = ".geoparquet" if artifact["name"] == UNIFIED_PARQUET else ".csv"
        path = rt.artifacts.fetch(artifact["sha256"], Path(tmp) / f"unified{suffix}")
        frame = read_unified(path)
    # LGA codes named from the deployment's names file (maps, tables, downloads, reports)
    if rt.settings.lga_names_file is not None:
        frame = with_lga_names(frame, read_lga_names(rt.settings.lga_names_file))
    return frame


def derived_result(
    rt: Runtime, session_id: str, result_id: str, kind: str, what: str, id_field: str
) -> dict[str, Any]:
    """The session's stored result of record ``kind`` (ITN plan, reprioritization, TPR run...)."""
    require_session(rt, session_id)
    return found(
        rt.store.get_result(kind, session_id, result_id) if valid_id(result_id) else None,
        f"There is no such {what} in this session.", id_field, result_id,
    )


def derived_results(rt: Runtime, session_id: str, kind: str) -> list[dict[str, Any]]:
    require_session(rt, session_id)
    return rt.store.list_results(kind, session_id)


def analysis_metadata(rt: Runtime, record: dict[str, Any]) -> dict[str, Any] | None:
    """The analysis.json of a finished analysis (parameters, variables, PCA report...)."""
    return record_json(rt, record, ANALYSIS_JSON)


# ---- storing a computed result with its files ----------------------------------------------



def frame_records(frame: Any) -> list[dict[str, Any]]:
    """Rows of a frame as JSON-ready dicts (NaN, NA and infinities as None), geometry left out."""
    columns = [c for c in frame.columns if str(c) != "geometry"]
    return to_jsonable(frame[columns].to_dict(orient="records"))


def store_result(
    rt: Runtime,
    session_id: str,
    key: Any,
    record: dict[str, Any],
    files: list[tuple[str, bytes, str]],
    *,
    state: dict[str, Any] | None = None,
    event: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], bool]:
    """Record a result computed in the request, with its files as the session's artifacts.

    ``files`` are ``(name, bytes, media_type)``. One transaction creates the record (unless
    a record with this content-derived key exists already), links the files, updates the
    session state (compare-and-set with everything else) and appends ``event``. Returns
    ``(stored record, created)``.
    """
    producer = {"kind": key.kind, "id": key.id}
    blobs = []
    artifacts = []
    for name, data, media_type in files:
        sha = hashlib.sha256(data).hexdigest()
        blobs.append((sha, data))
        artifacts.append(
            {
                "id": artifact_id(producer, name, sha),
                "name": name,
                "media_type": media_type,
                "size": len(data),
                "sha256": sha,
            }
        )
    for _, data in blobs:
        rt.artifacts.put_bytes(data)  # early: a storage outage fails before any record
    record = dict(record, session_id=session_id, artifacts=artifacts)

    def commit(txn: Any) -> tuple[dict[str, Any], bool]:
        if set_session_state(txn, session_id, **(state or {})) is None:
            raise InputError("not_found", "This session was deleted meanwhile; start a new one.")
        stored = txn.get(key)
        created = stored is None
        if created:
            for art in artifacts:
                link_artifact(txn, dict(art, session_id=session_id, produced_by=dict(producer)))
            stored = txn.put(key, record)
            if event is not None:
                txn.append("events", session_id, event)
        return stored, created

    stored, created = transact_linking(rt, commit)
    for sha, data in blobs:
        rt.artifacts.ensure(sha, data)
    return stored, created


def submit_run(
    rt: Runtime,
    session_id: str,
    key: Key,
    job_kind: str,
    new_record: Callable[[], dict[str, Any]],
    payload: dict[str, Any],
    *,
    link: Callable[[Txn], None] | None = None,
    after_commit: Callable[[], None] | None = None,
) -> tuple[dict[str, Any], bool]:
    """Queue the work a result record stands for (an analysis, a TPR run...), once.

    One transaction: a record at ``key`` that is queued, running or succeeded is returned
    as it is (``reused`` True when it succeeded); otherwise ``link(txn)`` records the
    inputs and the record (``new_record()``, or the failed one again) is queued with a new
    job. After the commit ``after_commit()`` runs and the job is dispatched. Returns
    ``(record, reused)``. A result stored under the old ``plan`` kind is moved first.
    """
    if key.kind in RESULT_KINDS:
        rt.store.get_result(key.kind, session_id, key.id)

    def fn(txn: Txn) -> tuple[dict[str, Any], bool, str | None]:
        existing = txn.get(key)
        if existing is not None and existing.get("status") != FAILED:
            return existing, existing.get("status") == SUCCEEDED, None
        if txn.get(Key.session(session_id)) is None:
            raise InputError("not_found", "This session was deleted meanwhile; start a new one.")
        if link is not None:
            link(txn)
        stored, job = queue_subject(
            txn, job_kind, key, existing or new_record(), payload,
            max_attempts=rt.settings.job_max_attempts,
        )
        return stored, False, job["id"]

    record, reused, job_id = transact_linking(rt, fn)
    if after_commit is not None:
        after_commit()
    if job_id is not None:
        rt.queue.dispatch(job_id)
    return record, reused


def derived_once(
    rt: Runtime,
    session_id: str,
    kind: str,
    analysis_id: str | None,
    params: dict[str, Any],
    remember_as: str,
    make: Callable[[dict[str, Any], pd.DataFrame, str], tuple[dict, list, dict]],
    *,
    id_kind: str | None = None,
) -> tuple[dict[str, Any], bool]:
    """A result of record ``kind`` derived from a finished analysis (default: the current
    one) with ``params``, made once: ``(record, reused)``.

    Its id is the content id (``id_kind``, default ``kind``) of the analysis and the
    parameters, so the same request again returns the stored record. Otherwise
    ``make(analysis, wards, result_id)`` computes ``(record, files, event)`` from the
    analysis' unified wards, stored together by ``store_result``. Either way the session's
    ``state[remember_as]`` becomes the result's id.
    """
    analysis = finished_analysis(rt, session_id, analysis_id)
    rid = content_id(id_kind or kind, analysis=analysis["id"], params=params)
    existing = rt.store.get_result(kind, session_id, rid)
    if existing is not None:
        remember(rt, session_id, **{remember_as: rid})
        return existing, True
    record, files, event = make(analysis, load_unified(rt, session_id, analysis["id"]), rid)
    stored, created = store_result(rt, session_id, Key.result(kind, session_id, rid), record,
                                   files, state={remember_as: rid}, event=event)
    return stored, not created


def remember(rt: Runtime, session_id: str, **state: Any) -> None:
    """Set keys of the session state (compare-and-set; no write when already set)."""
    rt.store.transact(lambda txn: set_session_state(txn, session_id, **state))


def content_id(kind: str, **parts: Any) -> str:
    """Content address of a derived result: its kind and everything it depends on."""
    blob = json.dumps(
        {"kind": kind, "v": 1, **parts}, sort_keys=True, separators=(",", ":"), allow_nan=False
    ).encode()
    return hashlib.sha256(blob).hexdigest()
