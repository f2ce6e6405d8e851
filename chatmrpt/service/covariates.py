"""The deployment's raster library, and adding its rasters to a session's ward data.

``CHATMRPT_RASTERS_URL`` (``settings.rasters_url``) is a folder or an ``s3://bucket/prefix``
holding ``catalogue.csv`` (or ``catalogue.json``, a list of objects) with one row per
raster:

==========  ==================================================================
name        the variable (column) it becomes, e.g. ``rainfall``; letters, digits, ``_``
file        the raster, relative to the library (or an absolute path / s3:// URL)
statistic   mean (default), sum, min, max, median, majority, nodata_share
unit        e.g. ``mm/year`` (shown to people)
direction   direct (higher value, higher risk) or inverse; empty: not a risk variable
year        e.g. 2020
source      e.g. CHIRPS
licence     e.g. CC-BY-4.0
title       optional, a readable name ("Annual rainfall")
bands       optional: mean (default) or each, for multi-band files
==========  ==================================================================

Adding rasters to a dataset is a job (kind ``covariates``, in ``chatmrpt.jobs.covariates``)
with progress. Its record is a ``covariates`` record, whose id is the
hash of the dataset id and the chosen catalogue rows: asking again returns the same run.
The run adds one column per raster to the dataset's ward table (exact zonal statistics over
the dataset's boundaries, ``chatmrpt.analysis.zonal``) and stores the result as a *new*
dataset of the session - content-addressed like an upload, with the same boundaries - which
becomes the current dataset. The original dataset stays as it was. Its summary names the
new ``dataset_id``, the columns added with their direction, unit, source and licence, and
warnings for wards without data.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chatmrpt.analysis.declarations import DIRECTIONS as DECLARED_DIRECTIONS
from chatmrpt.analysis.zonal import BAND_MODES, STATS
from chatmrpt.errors import ChatMRPTError, InputError, describe_rows
from chatmrpt.service.results import content_id, derived_result, derived_results, submit_run
from chatmrpt.service.sessions import require_session, session_dataset
from chatmrpt.store.model import COVARIATES, Key

if TYPE_CHECKING:
    from chatmrpt.config import Settings
    from chatmrpt.runtime import Runtime

COVARIATES_JOB = "covariates"
CATALOGUE_FILES = ("catalogue.csv", "catalogue.json")
FIELDS = ("name", "file", "statistic", "unit", "direction", "year", "source", "licence",
          "title", "bands")
DIRECTIONS = (*DECLARED_DIRECTIONS, "")  # "" = not given
MAX_RASTERS = 50
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")


def _library_error(message: str) -> ChatMRPTError:
    # the deployment's files are wrong, not the user's request
    return ChatMRPTError("internal_error", f"The raster library is misconfigured: {message}")


def _read_library_file(settings: Settings, name: str) -> bytes | None:
    url = settings.rasters_url
    assert url is not None
    if url.startswith("s3://"):
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError

        bucket, _, prefix = url[len("s3://") :].partition("/")
        key = f"{prefix.strip('/')}/{name}" if prefix.strip("/") else name
        client = boto3.client("s3", endpoint_url=settings.s3_endpoint_url)
        try:
            return client.get_object(Bucket=bucket, Key=key)["Body"].read()
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in ("404", "NoSuchKey", "NotFound"):
                return None
            raise ChatMRPTError(
                "store_unavailable", f"The raster library at {url} cannot be read ({code})."
            ) from exc
        except BotoCoreError as exc:
            raise ChatMRPTError(
                "store_unavailable", f"The raster library at {url} cannot be reached ({exc})."
            ) from exc
    path = Path(url) / name
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _library_error(f"{path} cannot be read ({exc.strerror or exc}).") from exc


def _parse_catalogue(data: bytes, name: str) -> list[dict[str, Any]]:
    text = data.decode("utf-8-sig")
    if name.endswith(".json"):
        try:
            rows = json.loads(text)
        except ValueError as exc:
            raise _library_error(f"{name} is not valid JSON ({exc}).") from exc
        if isinstance(rows, dict):
            rows = rows.get("rasters")
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise _library_error(f"{name} must be a list of objects (one per raster).")
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
    return rows


def _clean_entry(row: dict[str, Any], i: int, name: str) -> dict[str, Any]:
    def text(key: str) -> str:
        value = row.get(key)
        return "" if value is None else str(value).strip()

    where = f"{name} row {i + 1}"
    entry = {k: text(k) for k in FIELDS}
    if not _NAME.match(entry["name"]):
        raise _library_error(
            f"{where}: name {entry['name']!r} must start with a letter and hold only letters, "
            "digits and _ (it becomes a column name)."
        )
    if not entry["file"]:
        raise _library_error(f"{where} ({entry['name']}) has no file.")
    entry["statistic"] = entry["statistic"].lower() or "mean"
    if entry["statistic"] not in STATS:
        raise _library_error(
            f"{where} ({entry['name']}): statistic {entry['statistic']!r} is not one of "
            f"{', '.join(STATS)}."
        )
    entry["direction"] = entry["direction"].lower()
    if entry["direction"] not in DIRECTIONS:
        raise _library_error(
            f"{where} ({entry['name']}): direction must be direct, inverse or empty."
        )
    entry["bands"] = entry["bands"].lower() or "mean"
    if entry["bands"] not in BAND_MODES:
        raise _library_error(f"{where} ({entry['name']}): bands must be mean or each.")
    entry["title"] = entry["title"] or entry["name"]
    entry["year"] = entry["year"] or None
    entry["direction"] = entry["direction"] or None
    return entry


def raster_catalogue(settings: Settings) -> list[dict[str, Any]]:
    """The library's rasters (catalogue rows, checked), or [] when no library is configured.

    Each entry: name, title, file (as written in the catalogue), statistic, unit, direction
    (direct, inverse or None), year (text, e.g. "2020", or None), source, licence, bands.
    """
    if not settings.rasters_url:
        return []
    for name in CATALOGUE_FILES:
        data = _read_library_file(settings, name)
        if data is not None:
            break
    else:
        raise _library_error(
            f"{settings.rasters_url} holds neither {' nor '.join(CATALOGUE_FILES)}."
        )
    entries = [_clean_entry(row, i, name) for i, row in enumerate(_parse_catalogue(data, name))]
    seen: set[str] = set()
    for e in entries:
        if e["name"].lower() in seen:
            raise _library_error(f"{name} lists {e['name']} twice.")
        seen.add(e["name"].lower())
    return entries


def list_rasters(rt: Runtime) -> dict[str, Any]:
    """What ``GET /api/rasters`` answers: ``{"configured", "rasters": [catalogue entries]}``."""
    entries = raster_catalogue(rt.settings)
    return {"configured": bool(rt.settings.rasters_url), "rasters": entries}


def choose_rasters(settings: Settings, names: Any) -> list[dict[str, Any]]:
    """The catalogue entries for ``names`` (a list of raster names, any case), in that order."""
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise InputError(
            "invalid_parameter",
            'rasters must be a non-empty list of raster names, e.g. {"rasters": ["rainfall"]}.',
        )
    if len(names) > MAX_RASTERS:
        raise InputError("invalid_parameter", f"At most {MAX_RASTERS} rasters at once.")
    if not settings.rasters_url:
        raise InputError(
            "invalid_request",
            "This server has no raster library (CHATMRPT_RASTERS_URL is not set), so no "
            "environmental variables can be added here; add them to the ward table instead.",
        )
    catalogue = {e["name"].lower(): e for e in raster_catalogue(settings)}
    chosen, unknown = [], []
    for n in names:
        entry = catalogue.get(n.strip().lower())
        if entry is None:
            unknown.append(n)
        elif entry not in chosen:
            chosen.append(entry)
    if unknown:
        raise InputError(
            "unknown_variable",
            f"The raster library has no {describe_rows(unknown)}; it offers "
            f"{describe_rows([e['name'] for e in catalogue.values()], 30) or 'nothing'}.",
            details={"unknown": unknown, "available": [e["name"] for e in catalogue.values()]},
        )
    return chosen


def submit_covariates(
    rt: Runtime, session_id: str, dataset_id: str, rasters: Any
) -> dict[str, Any]:
    """Queue adding library rasters (names) to a dataset of the session.

    Returns the run's record plus ``reused`` (True when the same dataset and rasters were
    already added). Raises ``not_found`` for an unknown dataset, ``invalid_request`` when the
    dataset has no boundaries or there is no library, ``unknown_variable`` for a name the
    catalogue lacks.
    """
    require_session(rt, session_id)
    dataset = session_dataset(rt, session_id, dataset_id)
    if not dataset.get("boundaries"):
        raise InputError(
            "invalid_request",
            "Environmental variables are taken from rasters over the ward boundaries, and this "
            "ward table was uploaded without boundaries; upload it again with its boundaries "
            "(zipped shapefile, GeoJSON, GeoPackage).",
            details={"dataset_id": dataset_id},
        )
    chosen = choose_rasters(rt.settings, rasters)
    covariates_id = content_id(COVARIATES, dataset=dataset_id, rasters=chosen)
    key = Key.result(COVARIATES, session_id, covariates_id)

    record = {
        "id": covariates_id,
        "type": COVARIATES,
        "session_id": session_id,
        "dataset_id": dataset_id,
        "params": {"rasters": [e["name"] for e in chosen]},
        "rasters": chosen,
        "runs": 0,
    }
    stored, reused = submit_run(
        rt, session_id, key, COVARIATES_JOB, lambda: record,
        {"session_id": session_id, "covariates_id": covariates_id},
    )
    return dict(stored, reused=reused)


def get_covariates(rt: Runtime, session_id: str, covariates_id: str) -> dict[str, Any]:
    return derived_result(
        rt, session_id, covariates_id, COVARIATES, "run adding variables", "covariates_id"
    )


def list_covariates(rt: Runtime, session_id: str) -> list[dict[str, Any]]:
    return derived_results(rt, session_id, COVARIATES)
