"""Recording ward data as a session's dataset: check the files, validate and join them,
store the raw files and the validated frame, record the dataset.

Used by an upload in the request (``chatmrpt.service.datasets``) and by the jobs that make
a dataset (a large upload read by the ``ingest`` job; a ward table with TPR or raster
columns added; a ward table prepared from a facility export). A dataset is content-
addressed, so a job that records one and is then run again finds the same dataset rather
than adding another; a refused upload keeps nothing.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chatmrpt.analysis.dataset import dataset_id_from_sources, sha256_file, ward_dataset_bytes
from chatmrpt.analysis.ingest import load_dataset
from chatmrpt.analysis.population import planning_summary
from chatmrpt.analysis.variables import candidate_columns
from chatmrpt.artifacts import media_type_for
from chatmrpt.errors import InputError
from chatmrpt.jobs.files import (
    BOUNDARIES,
    PLANNING_ROLES,
    POPULATION,
    POPULATION_KINDS,
    TABLE,
    URBAN,
    PlanningUploads,
    Upload,
    check_size,
    display_name,
    extension_of,
    input_filename,
)
from chatmrpt.jobs.retention import discard_blobs, transact_linking
from chatmrpt.jobs.runner import work_root
from chatmrpt.store.base import Txn, artifact_id, link_artifact, link_blob, set_session_state
from chatmrpt.store.model import Key, now, to_jsonable, valid_id

if TYPE_CHECKING:
    import pandas as pd

    from chatmrpt.config import Settings
    from chatmrpt.runtime import Runtime

# a checked upload: (bytes, display name, extension)
Checked = tuple[bytes, str, str]


def check_upload(settings: Settings, size: int, name: str) -> None:
    """Refuse an empty file or one over the upload limit (``size`` bytes), saying what to
    do about it."""
    check_size(size, name, settings, empty=" Upload the file again, with its data.",
               large=" Remove unused columns or split the file.")


def checked(settings: Settings, role: str, upload: Upload, kind: str | None = None) -> Checked:
    """An upload with its display name, its size checked and its extension checked for the
    file type ``kind`` (the role's own type by default)."""
    name = display_name(upload.name, role)
    check_upload(settings, len(upload.data), name)
    return upload.data, name, extension_of(name, kind or role)


def checked_planning(settings: Settings, planning: PlanningUploads | None) -> dict[str, Checked]:
    """The planning files given, checked (``checked``), by role; under-five and women
    15-49 rasters are refused without the total population they go with."""
    out = {role: checked(settings, role, upload)
           for role, upload in (planning or PlanningUploads()).present().items()}
    if any(role in out for role in POPULATION_KINDS) and POPULATION not in out:
        check_total(False)
    return out


def check_total(has_total: bool) -> None:
    if not has_total:
        raise InputError(
            "invalid_parameter",
            "Under-five and women 15-49 population rasters go with the total population: "
            "upload the total population raster too (population).",
            details={"parameter": "population"})


def require_session(rt: Runtime, session_id: str) -> dict[str, Any]:
    """The session's record; ``not_found`` when it does not exist or has expired."""
    record = rt.store.get_session(session_id) if valid_id(session_id) else None
    if record is None or record.get("expires_at", 0) <= now():
        raise InputError(
            "not_found",
            "This session does not exist or has expired; start a new one.",
            details={"session_id": session_id if valid_id(session_id) else None},
        )
    return record


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


def record_dataset(
    rt: Runtime,
    session_id: str,
    table: Upload,
    boundaries: Upload | None = None,
    sheet: str | int | None = None,
    planning: PlanningUploads | None = None,
) -> dict[str, Any]:
    """Store, validate and record a ward table (and boundaries) in a session.

    ``planning``: a population table (WardCode or WardName + LGA, Population) or a
    population raster, used for planning when the table has no population column (the
    deployment's ``CHATMRPT_POPULATION_FILE`` otherwise); under-five and women 15-49
    population rasters, next to a total population raster; a built-up raster for the
    urban share (otherwise the boundaries' Urban Yes/No attribute, when present).

    Idempotent by content: the same files give the same dataset id and the second call
    returns the first dataset (``reused``: True) without loading it again. Raises
    InputError naming the file and what to fix when the data cannot be used.
    """
    require_session(rt, session_id)
    uploads: dict[str, Checked] = {TABLE: checked(rt.settings, TABLE, table)}
    if boundaries is not None:
        uploads[BOUNDARIES] = checked(rt.settings, BOUNDARIES, boundaries)
    for role, upload in (planning or PlanningUploads()).present().items():
        uploads[role] = checked(rt.settings, role, upload)
    hashes = {role: hashlib.sha256(data).hexdigest() for role, (data, _, _) in uploads.items()}
    configured = configured_population(rt.settings) if POPULATION not in uploads else None

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
    uploads: dict[str, Checked],
    hashes: dict[str, str],
    sheet: str | int | None,
    configured: dict[str, Any] | None,
) -> tuple[dict[str, Any], bool, bytes]:
    """Validate the upload, store its ward frame once (GeoParquet: what the jobs read) and
    record the dataset. Returns ``(record, created, frame bytes)``."""
    scratch = work_root(rt.settings)
    with tempfile.TemporaryDirectory(prefix="upload-", dir=scratch) as tmp:
        paths: dict[str, Path] = {}
        for role in PLANNING_ROLES:  # rasters are read from files
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
            # columns added for planning (population, urban share) are no risk variables
            "variables": candidate_columns(wards.wards, [*wards.excluded_columns,
                                                         *wards.planning_columns]),
            "has_boundaries": bool(wards.has_boundaries),
            "columns": [str(c) for c in wards.wards.columns if c != "geometry"],
            "excluded": [str(c) for c in wards.excluded_columns],
            "added": [str(c) for c in wards.planning_columns],
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
    for role in PLANNING_ROLES:
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


def configured_population(settings: Settings) -> dict[str, Any] | None:
    """The deployment's population file (``CHATMRPT_POPULATION_FILE``), with its hash."""
    path = settings.population_file
    if path is None:
        return None
    if not path.is_file():
        raise InputError(
            "internal_error",
            "The population file configured for this service is missing; tell the "
            "administrator (CHATMRPT_POPULATION_FILE).",
        )
    return {"path": path, "name": path.name, "sha256": sha256_file(path)}


def _planning_args(
    population: tuple[Path, str] | None,
    urban: tuple[Path, str] | None,
    kinds: dict[str, tuple[Path, str]],
) -> dict[str, Any]:
    """``load_dataset`` arguments for a dataset's population and built-up files, each a
    ``(path, name)``; ``kinds``: the age-group population rasters by role."""
    args: dict[str, Any] = {}
    if population is not None:
        args.update(population=population[0], population_name=population[1])
    if urban is not None:
        args.update(urban_raster=urban[0], urban_raster_name=urban[1])
    if kinds:
        args["population_rasters"] = {POPULATION_KINDS[r]: p for r, (p, _) in kinds.items()}
        args["population_raster_names"] = {POPULATION_KINDS[r]: n for r, (_, n) in kinds.items()}
    return args


def planning_files(paths: dict[str, Path], uploads: dict[str, Checked],
                   configured: dict[str, Any] | None) -> dict[str, Any]:
    """``load_dataset`` arguments for the population and built-up files of an upload."""
    given = {role: (paths[role], uploads[role][1]) for role in PLANNING_ROLES if role in paths}
    population = given.get(POPULATION)
    if population is None and configured is not None:
        population = (configured["path"], configured["name"])
    kinds = {role: given[role] for role in POPULATION_KINDS if role in given}
    if kinds:
        check_total(population is not None)
    return _planning_args(population, given.get(URBAN), kinds)


def stored_planning_args(
    settings: Settings, record: dict[str, Any], fetch: Callable[[str, dict[str, Any]], Path]
) -> dict[str, Any]:
    """The same arguments when a job reloads a stored dataset: ``fetch(role, source)``
    copies a stored upload and returns its path."""
    given = {role: (fetch(role, record[role]), record[role]["name"])
             for role in PLANNING_ROLES if record.get(role)}
    population = given.get(POPULATION)
    if population is None and record.get("population_configured"):
        configured = check_configured_population(settings, record)
        population = (configured["path"], configured["name"])
    kinds = {role: given[role] for role in POPULATION_KINDS if role in given}
    return _planning_args(population, given.get(URBAN), kinds)


def check_configured_population(
    settings: Settings, record: dict[str, Any]
) -> dict[str, Any] | None:
    """The deployment's population file, when the dataset was made with it; refused when
    that file has changed since (the dataset's id covers the population it was made with:
    never swap it)."""
    if not record.get("population_configured"):
        return None
    configured = configured_population(settings)
    stored = ((record.get("sources") or {}).get(POPULATION) or {}).get("sha256")
    if configured is None or configured["sha256"] != stored:
        raise InputError(
            "invalid_request",
            "The population file of this service has changed since this ward data was "
            "uploaded; upload the ward data again to use the current population.",
        )
    return configured


def carried_files(rt: Runtime, record: dict[str, Any]) -> PlanningUploads:
    """A dataset's population and built-up files, to carry over to a dataset derived from
    it (its table with columns added), so planning keeps them."""
    return PlanningUploads(**{
        role: Upload(rt.artifacts.read_bytes(record[role]["sha256"]), record[role]["name"])
        for role in PLANNING_ROLES if record.get(role)
    })


def table_bytes(frame: pd.DataFrame) -> bytes:
    """A ward table made here, as the CSV bytes its dataset is recorded with."""
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def add_derived_dataset(
    rt: Runtime, session_id: str, dataset: dict[str, Any], table: pd.DataFrame, table_name: str
) -> str:
    """A ward table derived from ``dataset`` (its columns and some added), recorded as a new
    dataset with the same boundaries, population and built-up files; returns its id.

    Recorded before the job that makes it commits: the dataset is content-addressed, so a
    repeated attempt finds the same dataset rather than adding another.
    """
    boundaries = dataset.get(BOUNDARIES)
    view = record_dataset(
        rt,
        session_id,
        Upload(table_bytes(table), table_name),
        Upload(rt.artifacts.read_bytes(boundaries["sha256"]), boundaries["name"])
        if boundaries else None,
        planning=carried_files(rt, dataset),
    )
    return view["dataset_id"]


def table_stem(dataset: dict[str, Any]) -> str:
    """The dataset's ward table file name without its extension."""
    name = dataset[TABLE]["name"]
    return name.rsplit(".", 1)[0] if "." in name else name
