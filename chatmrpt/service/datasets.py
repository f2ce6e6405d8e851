"""Adding ward data to a session: store the raw files, validate them, record the dataset."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chatmrpt.analysis.archives import list_zip_members
from chatmrpt.analysis.dataset import dataset_id_from_sources, sha256_file, ward_dataset_bytes
from chatmrpt.analysis.ingest import load_dataset
from chatmrpt.analysis.population import planning_summary
from chatmrpt.analysis.variables import candidate_columns
from chatmrpt.artifacts import media_type_for
from chatmrpt.errors import InputError
from chatmrpt.jobs.files import (
    BOUNDARIES,
    POPULATION,
    POPULATION_KINDS,
    TABLE,
    URBAN,
    check_size,
    display_name,
    extension_of,
    input_filename,
)
from chatmrpt.jobs.retention import discard_blobs
from chatmrpt.jobs.runner import enqueue_job, work_root
from chatmrpt.service.artifacts import transact_linking
from chatmrpt.service.sessions import require_session
from chatmrpt.store.base import Txn, artifact_id, link_artifact, link_blob, set_session_state
from chatmrpt.store.model import Key, to_jsonable

if TYPE_CHECKING:
    from chatmrpt.runtime import Runtime



def _check_upload(rt: Runtime, data: bytes, name: str) -> None:
    check_size(data, name, rt.settings, empty=" Upload the file again, with its data.",
               large=" Remove unused columns or split the file.")


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
        # where population and urban share come from (None: not available), and the data
        # quality findings, each with a plain ``message``
        "planning": record.get("planning"),
        "quality": record.get("quality", []),
    }


def _set_current(txn: Txn, session_id: str, dataset_id: str) -> None:
    """Make the dataset the session's current one (no write when it already is)."""
    if set_session_state(txn, session_id, current_dataset=dataset_id) is None:
        raise InputError("not_found", "This session was deleted meanwhile; start a new one.")


def add_dataset(
    rt: Runtime,
    session_id: str,
    table: bytes,
    table_name: str,
    boundaries: bytes | None = None,
    boundaries_name: str | None = None,
    sheet: str | int | None = None,
    population: bytes | None = None,
    population_name: str | None = None,
    urban: bytes | None = None,
    urban_name: str | None = None,
    population_u5: bytes | None = None,
    population_u5_name: str | None = None,
    population_women: bytes | None = None,
    population_women_name: str | None = None,
) -> dict[str, Any]:
    """Store, validate and record an uploaded ward table (and boundaries) in a session.

    ``population``: a population table (WardCode or WardName + LGA, Population) or a
    population raster, used for planning when the table has no population column (the
    deployment's ``CHATMRPT_POPULATION_FILE`` otherwise); ``population_u5`` and
    ``population_women``: under-five and women 15-49 population rasters, next to a total
    population raster; ``urban``: a built-up raster for the urban share (otherwise the
    boundaries' Urban Yes/No attribute, when present).

    Idempotent by content: the same files give the same dataset id and the second call
    returns the first dataset (``reused``: True) without loading it again. Raises
    InputError naming the file and what to fix when the data cannot be used.
    """
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
    for role, data, name in ((POPULATION, population, population_name),
                             (URBAN, urban, urban_name),
                             ("population_u5", population_u5, population_u5_name),
                             ("population_women", population_women, population_women_name)):
        if data is not None:
            name = display_name(name, role)
            _check_upload(rt, data, name)
            uploads[role] = (data, name, extension_of(name, role))
    hashes = {role: hashlib.sha256(data).hexdigest() for role, (data, _, _) in uploads.items()}
    configured = configured_population(rt) if POPULATION not in uploads else None

    # the same files again: answer from the store without loading them
    guess_sources = {
        role: {"sha256": hashes[role], "sheet": sheet if role == TABLE else None}
        for role in uploads
    }
    if configured is not None:
        guess_sources[POPULATION] = {"sha256": configured["sha256"], "sheet": None}
    guess = dataset_id_from_sources(guess_sources)
    existing = rt.store.get_dataset(session_id, guess)
    if existing is not None:
        rt.store.transact(lambda txn: _set_current(txn, session_id, existing["id"]))
        return dataset_view(existing, reused=True)

    try:
        for data, _, _ in uploads.values():
            rt.artifacts.put_bytes(data)  # early: a storage outage fails before any record
        stored, created, frame = _load_and_record(
            rt, session_id, uploads, hashes, sheet, configured
        )
    except BaseException:
        # a refused upload keeps nothing: its bytes go now, unless another record uses them
        discard_blobs(rt, hashes.values(), orphan=True)
        raise
    for data, _, _ in uploads.values():
        rt.artifacts.ensure(hashlib.sha256(data).hexdigest(), data)
    if created:
        rt.artifacts.ensure(stored["frame"]["sha256"], frame)
    return dataset_view(stored, reused=not created)


def _load_and_record(
    rt: Runtime,
    session_id: str,
    uploads: dict[str, tuple[bytes, str, str]],
    hashes: dict[str, str],
    sheet: str | int | None,
    configured: dict[str, Any] | None,
) -> tuple[dict[str, Any], bool, bytes]:
    """Validate the upload, store its ward frame once (GeoParquet: what the jobs read) and
    record the dataset. Returns ``(record, created, frame bytes)``."""
    scratch = work_root(rt.settings)
    with tempfile.TemporaryDirectory(prefix="upload-", dir=scratch) as tmp:
        paths: dict[str, Path] = {}
        for role in (POPULATION, URBAN, *POPULATION_KINDS):  # rasters are read from files
            if role in uploads:
                data, _, ext = uploads[role]
                paths[role] = Path(tmp) / input_filename(role, ext)
                paths[role].write_bytes(data)
        wards = load_dataset(
            uploads[TABLE][0],
            uploads[BOUNDARIES][0] if BOUNDARIES in uploads else None,
            sheet=sheet,
            table_name=uploads[TABLE][1],
            boundaries_name=uploads[BOUNDARIES][1] if BOUNDARIES in uploads else None,
            **planning_files(paths, uploads, configured),
            limits=rt.settings.read_limits(),
            scratch=scratch,
        )
        frame = ward_dataset_bytes(wards)
        dataset_id = wards.dataset_id
        planning = planning_summary(wards.planning)
        quality = to_jsonable(wards.quality)
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
        "planning": planning,
        "quality": quality,
        "population_configured": configured is not None,
        # the validated wards (joined with the boundaries), read by the jobs
        "frame": {"sha256": hashlib.sha256(frame).hexdigest(), "size": len(frame)},
    }
    for role in (POPULATION, URBAN, *POPULATION_KINDS):
        if role in files:
            record[role] = files[role]

    def commit(txn: Txn) -> tuple[dict[str, Any], bool]:
        _set_current(txn, session_id, dataset_id)
        dkey = Key.dataset(session_id, dataset_id)
        stored = txn.get(dkey)
        created = stored is None
        if created:
            link_blob(txn, record["frame"]["sha256"], len(frame))
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

    rt.artifacts.put_bytes(frame)
    try:
        stored, created = transact_linking(rt, commit)
    except BaseException:
        discard_blobs(rt, [record["frame"]["sha256"]], orphan=True)
        raise
    return stored, created, frame


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


def configured_population(rt: Runtime) -> dict[str, Any] | None:
    """The deployment's population file (``CHATMRPT_POPULATION_FILE``), with its hash."""
    path = rt.settings.population_file
    if path is None:
        return None
    if not path.is_file():
        raise InputError(
            "internal_error",
            "The population file configured for this service is missing; tell the "
            "administrator (CHATMRPT_POPULATION_FILE).",
        )
    return {"path": path, "name": path.name, "sha256": sha256_file(path)}


def planning_files(paths: dict[str, Path], uploads: dict[str, tuple[bytes, str, str]],
                   configured: dict[str, Any] | None) -> dict[str, Any]:
    """``load_dataset`` arguments for the population and built-up files of a dataset."""
    args: dict[str, Any] = {}
    if POPULATION in paths:
        args.update(population=paths[POPULATION], population_name=uploads[POPULATION][1])
    elif configured is not None:
        args.update(population=configured["path"], population_name=configured["name"])
    if URBAN in paths:
        args.update(urban_raster=paths[URBAN], urban_raster_name=uploads[URBAN][1])
    kinds = {kind: paths[role] for role, kind in POPULATION_KINDS.items() if role in paths}
    if kinds:
        _check_total(POPULATION in paths or configured is not None)
        args["population_rasters"] = kinds
        args["population_raster_names"] = {
            kind: uploads[role][1] for role, kind in POPULATION_KINDS.items() if role in paths}
    return args


def _check_total(has_total: bool) -> None:
    if not has_total:
        raise InputError(
            "invalid_parameter",
            "Under-five and women 15-49 population rasters go with the total population: "
            "upload the total population raster too (population).",
            details={"parameter": "population"})


def stored_planning_args(rt: Runtime, record: dict[str, Any], fetch) -> dict[str, Any]:
    """The same arguments when a job reloads a stored dataset: ``fetch(role, source)``
    copies a stored upload and returns its path."""
    args: dict[str, Any] = {}
    if record.get(POPULATION):
        src = record[POPULATION]
        args.update(population=fetch(POPULATION, src), population_name=src["name"])
    elif record.get("population_configured"):
        configured = check_configured_population(rt, record)
        args.update(population=configured["path"], population_name=configured["name"])
    if record.get(URBAN):
        src = record[URBAN]
        args.update(urban_raster=fetch(URBAN, src), urban_raster_name=src["name"])
    kinds = {kind: fetch(role, record[role]) for role, kind in POPULATION_KINDS.items()
             if record.get(role)}
    if kinds:
        args["population_rasters"] = kinds
        args["population_raster_names"] = {
            kind: record[role]["name"] for role, kind in POPULATION_KINDS.items()
            if record.get(role)}
    return args


def check_configured_population(rt: Runtime, record: dict[str, Any]) -> dict[str, Any] | None:
    """The deployment's population file, when the dataset was made with it; refused when
    that file has changed since (the dataset's id covers the population it was made with:
    never swap it)."""
    if not record.get("population_configured"):
        return None
    configured = configured_population(rt)
    stored = ((record.get("sources") or {}).get(POPULATION) or {}).get("sha256")
    if configured is None or configured["sha256"] != stored:
        raise InputError(
            "invalid_request",
            "The population file of this service has changed since this ward data was "
            "uploaded; upload the ward data again to use the current population.",
        )
    return configured


def carried_files(rt: Runtime, record: dict[str, Any]) -> dict[str, Any]:
    """``add_dataset`` arguments that carry a dataset's population and built-up files over
    to a dataset derived from it (its table with columns added), so planning keeps them."""
    args: dict[str, Any] = {}
    for role in (POPULATION, URBAN, *POPULATION_KINDS):
        src = record.get(role)
        if src:
            args[role] = rt.artifacts.read_bytes(src["sha256"])
            args[f"{role}_name"] = src["name"]
    return args


# ---- large uploads: stored now, read by an "ingest" job -----------------------------------

INGEST_KIND = "ingest"


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
        _check_upload_size(rt, size, name)
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


def _check_upload_size(rt: Runtime, size: int, name: str) -> None:
    if size == 0:
        raise InputError(
            "empty_file",
            f"{name!r} is empty. Upload the file again, with its data.",
            details={"file": name},
        )
    if size > rt.settings.max_upload_bytes:
        raise InputError(
            "file_too_large",
            f"{name!r} is {size / 1e6:.1f} MB; the most accepted is "
            f"{rt.settings.max_upload_mb} MB. Remove unused columns or split the file.",
            details={"file": name, "max_mb": rt.settings.max_upload_mb},
        )


def ingest_stored(rt: Runtime, payload: dict[str, Any], progress=None) -> dict[str, Any]:
    """In the ``ingest`` job: read the stored files with ``add_dataset``, exactly as a small
    upload is read in the request; returns the same report."""
    files = payload["files"]

    def load(role: str) -> tuple[bytes | None, str | None]:
        src = files.get(role)
        if not src:
            return None, None
        return rt.artifacts.read_bytes(src["sha256"]), src["name"]

    if progress is not None:
        progress(0.05, "reading the upload")
    table, table_name = load(TABLE)
    boundaries, boundaries_name = load(BOUNDARIES)
    population, population_name = load(POPULATION)
    urban, urban_name = load(URBAN)
    if progress is not None:
        progress(0.2, "checking the ward data")
    return add_dataset(
        rt, payload["session_id"], table or b"", table_name or "", boundaries, boundaries_name,
        sheet=payload.get("sheet"), population=population, population_name=population_name,
        urban=urban, urban_name=urban_name,
    )


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
