"""From a facility export and ward boundaries to a session's dataset (prepare.py's flow).

``submit_prepare`` stores the uploaded files and queues a job (kind ``prepare``, in
``chatmrpt.jobs.prepare``) whose record is a ``prepare`` record; its
id is the hash of the files and the parameters, so the same upload again returns the same
run. The job calls ``chatmrpt.jobs.prepare.prepare_dataset``, which builds the ward table
and adds it to the session as a new dataset (its id in the run's summary as ``dataset_id``;
it becomes the session's current dataset).

The ward table built from the export (TPR, tested and positive counts, burden per 1,000
and environmental variables) becomes the dataset's table; the boundaries, the population
file and the built-up raster are stored with it like any upload, so the analysis job,
net planning and reprioritisation read them as they do for an uploaded ward table, and
every result names where the population came from.

Several years (``by_year``): the run also stores ``tpr_by_year.csv`` (TPR, counts and
burden per ward and year), ``trend.csv`` (slope per year, years used and the label, with
``trend_threshold``) and one burden (or TPR) map per year, ``year_map_<YEAR>.png``; with
``per_year`` the wards of each year are ranked too (``ranking_by_year.csv``).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from chatmrpt.analysis.tpr import AGES, LEVEL_CHOICES, TESTS, TREND_THRESHOLD, check_trend_threshold
from chatmrpt.artifacts import media_type_for
from chatmrpt.errors import InputError
from chatmrpt.jobs.datasets import checked, checked_planning
from chatmrpt.jobs.files import BOUNDARIES, TABLE, PlanningUploads, Upload
from chatmrpt.jobs.prepare import EXPORT
from chatmrpt.service.results import content_id, derived_result, derived_results, submit_run
from chatmrpt.service.sessions import require_session
from chatmrpt.service.tpr import _sniff
from chatmrpt.store.base import Txn, artifact_id, link_artifact
from chatmrpt.store.model import PREPARE, Key

if TYPE_CHECKING:
    from chatmrpt.runtime import Runtime

PREPARE_JOB = "prepare"
PARAMS = ("age", "facility_level", "test", "sheet", "by_year", "trend_threshold", "per_year")
_YES = frozenset({"true", "1", "yes", "on"})
_NO = frozenset({"false", "0", "no", "off", ""})


def normalize_prepare_params(params: dict[str, Any] | None) -> dict[str, Any]:
    """Age group, facility level, test and sheet, checked; defaults filled in."""
    given = {k: v for k, v in dict(params or {}).items() if v not in (None, "")}
    unknown = sorted(set(given) - set(PARAMS))
    if unknown:
        raise InputError("invalid_parameter", f"Unknown parameter(s): {', '.join(unknown)}. "
                         f"Accepted: {', '.join(PARAMS)}.", details={"unknown": unknown})
    out: dict[str, Any] = {}
    for name, allowed, default in (("age", AGES, "u5"), ("facility_level", LEVEL_CHOICES, "all"),
                                   ("test", TESTS, "both")):
        value = given.get(name, default)
        value = value.strip().lower() if isinstance(value, str) else value
        if value not in allowed:
            raise InputError(
                "invalid_parameter",
                f"{name} must be one of {', '.join(allowed)}, not {str(value)[:40]!r}.",
                details={"parameter": name},
            )
        out[name] = value
    sheet = given.get("sheet")
    if sheet is not None and (not isinstance(sheet, str) or len(sheet) > 100):
        raise InputError("invalid_parameter",
                         "sheet must be a worksheet name of at most 100 characters.")
    out["sheet"] = sheet
    by_year = _flag(given, "by_year")
    per_year = _flag(given, "per_year")
    if "trend_threshold" in given and not by_year:
        raise InputError("invalid_parameter",
                         "trend_threshold applies to a facility export prepared by year: "
                         "add by_year=true.", details={"parameter": "trend_threshold"})
    if per_year and not by_year:
        raise InputError("invalid_parameter",
                         "per_year ranks the wards of each year: add by_year=true.",
                         details={"parameter": "per_year"})
    if by_year:  # only then, so runs without years keep their ids
        out["by_year"] = True
        out["trend_threshold"] = check_trend_threshold(given.get("trend_threshold",
                                                                 TREND_THRESHOLD))
        out["per_year"] = per_year
    return out


def _flag(given: dict[str, Any], name: str) -> bool:
    value = given.get(name, False)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _YES or text in _NO:
        return text in _YES
    raise InputError("invalid_parameter", f"{name} must be true or false, not {text[:40]!r}.",
                     details={"parameter": name})


def submit_prepare(
    rt: Runtime,
    session_id: str,
    export: bytes,
    export_name: str,
    boundaries: bytes,
    boundaries_name: str,
    params: dict[str, Any] | None = None,
    *,
    planning: PlanningUploads | None = None,
) -> dict[str, Any]:
    """Store the files and queue the ``prepare`` job; returns its record plus ``reused``
    (True when the same files and parameters already succeeded). ``planning``: the
    population and built-up files uploaded with the export."""
    require_session(rt, session_id)
    norm = normalize_prepare_params(params)
    given = {EXPORT: checked(rt.settings, "facility export", Upload(export, export_name), TABLE),
             BOUNDARIES: checked(rt.settings, BOUNDARIES, Upload(boundaries, boundaries_name))}
    given.update(checked_planning(rt.settings, planning))
    _sniff(export, given[EXPORT][1])
    inputs: dict[str, dict[str, Any]] = {}
    for role, (data, name, ext) in given.items():
        sha = hashlib.sha256(data).hexdigest()
        inputs[role] = {"name": name, "ext": ext, "sha256": sha, "size": len(data),
                        "artifact_id": artifact_id({"kind": "upload", "id": role}, name, sha)}
    prepare_id = content_id(PREPARE, files={r: i["sha256"] for r, i in inputs.items()},
                            params=norm)
    key = Key.result(PREPARE, session_id, prepare_id)
    for data, _name, _ext in given.values():
        rt.artifacts.put_bytes(data)

    def link(txn: Txn) -> None:
        for role, info in inputs.items():
            link_artifact(txn, {
                "id": info["artifact_id"], "session_id": session_id, "sha256": info["sha256"],
                "name": info["name"], "media_type": media_type_for(info["name"]),
                "size": info["size"],
                "produced_by": {"kind": "upload", "id": role, "prepare_id": prepare_id},
            })

    def stored_inputs() -> None:
        for data, _name, _ext in given.values():
            rt.artifacts.ensure(hashlib.sha256(data).hexdigest(), data)

    record, reused = submit_run(
        rt, session_id, key, PREPARE_JOB,
        lambda: {"id": prepare_id, "type": PREPARE, "session_id": session_id, "params": norm,
                 "inputs": inputs, "runs": 0},
        {"session_id": session_id, "prepare_id": prepare_id},
        link=link, after_commit=stored_inputs,
    )
    return dict(record, reused=reused)


def get_prepare(rt: Runtime, session_id: str, prepare_id: str) -> dict[str, Any]:
    return derived_result(rt, session_id, prepare_id, PREPARE, "prepared dataset", "prepare_id")


def list_prepares(rt: Runtime, session_id: str) -> list[dict[str, Any]]:
    return derived_results(rt, session_id, PREPARE)
