"""Adding ward data to a session: an upload read in the request, or a large one stored and
read by an ``ingest`` job (the recording itself is ``chatmrpt.jobs.datasets``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from chatmrpt.analysis.archives import list_zip_members
from chatmrpt.errors import InputError
from chatmrpt.jobs.datasets import check_upload, record_dataset
from chatmrpt.jobs.files import TABLE, PlanningUploads, Upload, display_name, extension_of
from chatmrpt.jobs.ingest import INGEST_KIND
from chatmrpt.jobs.retention import discard_blobs
from chatmrpt.jobs.runner import enqueue_job
from chatmrpt.service.sessions import require_session, session_dataset

if TYPE_CHECKING:
    from chatmrpt.runtime import Runtime


def add_dataset(
    rt: Runtime,
    session_id: str,
    table: bytes,
    table_name: str,
    boundaries: bytes | None = None,
    boundaries_name: str | None = None,
    sheet: str | int | None = None,
    planning: PlanningUploads | None = None,
) -> dict[str, Any]:
    """Store, validate and record an uploaded ward table (and boundaries) in a session;
    ``planning``: the population and built-up files uploaded with it. See
    ``chatmrpt.jobs.datasets.record_dataset``: idempotent by content (``reused``), and an
    InputError naming the file and what to fix when the data cannot be used."""
    return record_dataset(
        rt,
        session_id,
        Upload(table, table_name),
        Upload(boundaries, boundaries_name or "") if boundaries is not None else None,
        sheet=sheet,
        planning=planning,
    )


def get_dataset(rt: Runtime, session_id: str, dataset_id: str) -> dict[str, Any]:
    require_session(rt, session_id)
    return session_dataset(rt, session_id, dataset_id)



# ---- large uploads: stored now, read by an "ingest" job -----------------------------------


def needs_ingest_job(rt: Runtime, sizes: list[int]) -> bool:
    """True when an upload is too large to read in the request (``ingest_sync_max_mb``)."""
    limit = float(getattr(rt.settings, "ingest_sync_max_mb", 0.0) or 0.0) * 1024 * 1024
    return any(size > limit for size in sizes)


def stage_dataset(
    rt: Runtime,
    session_id: str,
    files: dict[str, tuple[Path, str]],
    sheet: str | int | None = None,
) -> dict[str, Any]:
    """Store uploaded files (``role -> (path, name)``, streamed from disk) and queue an
    ``ingest`` job that reads them with ``add_dataset``, as a smaller upload is read in the
    request. Returns the job's view (``upload_view``)."""
    require_session(rt, session_id)
    if TABLE not in files:
        raise InputError("invalid_request", "The upload has no 'table' file.")
    staged: dict[str, dict[str, Any]] = {}
    for role, (path, name) in files.items():
        name = display_name(name, role)
        size = path.stat().st_size
        check_upload(rt.settings, size, name)
        if extension_of(name, role) == "zip":  # a file of the wrong type: refused now
            list_zip_members(path, display_name=name)  # not a zip: refused now, too
        staged[role] = {"sha256": None, "name": name, "size": size}
    try:
        for role, (path, _) in files.items():
            staged[role]["sha256"] = rt.artifacts.put_file(path)
        job = enqueue_job(rt, INGEST_KIND, session_id,
                          {"session_id": session_id, "files": staged, "sheet": sheet})
    except BaseException:
        discard_blobs(rt, [s["sha256"] for s in staged.values() if s["sha256"]], orphan=True)
        raise
    return upload_view(job)


def upload_view(job: dict[str, Any]) -> dict[str, Any]:
    """An upload being read by its job: status and progress, and once it has succeeded the
    dataset report a smaller upload gets at once."""
    view: dict[str, Any] = {
        "job_id": job["id"],
        "status": job.get("status"),
        "progress": job.get("progress"),
        "stage": job.get("stage"),
        "error": job.get("error"),
    }
    result = job.get("result") or {}
    if job.get("status") == "succeeded" and result.get("dataset"):
        view.update(result["dataset"])
    return view


def get_upload(rt: Runtime, session_id: str, job_id: str) -> dict[str, Any]:
    require_session(rt, session_id)
    job = rt.store.get_job(job_id)
    if job is None or job.get("session_id") != session_id or job.get("kind") != INGEST_KIND:
        raise InputError(
            "not_found", "There is no such upload in this session.", details={"job_id": job_id}
        )
    return upload_view(job)
