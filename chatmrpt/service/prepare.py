"""From a facility export and ward boundaries to a session's dataset (prepare.py's flow).

``submit_prepare`` stores the uploaded files and queues a job (kind ``prepare``, in
``chatmrpt.jobs.prepare``) whose record is a ``prepare`` record; its
id is the hash of the files and the parameters, so the same upload again returns the same
run. The job calls ``prepare_dataset``, which builds the ward table and adds it to the
session as a new dataset (its id in the run's summary as ``dataset_id``; it becomes the
session's current dataset). ``prepare_dataset`` can also be called directly.

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
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chatmrpt.analysis.ingest import load_dataset, read_boundaries
from chatmrpt.analysis.params import AnalysisParams
from chatmrpt.analysis.pipeline import run_analysis
from chatmrpt.analysis.prepare import BURDEN, prepare_ward_table, ranking_by_year, year_table
from chatmrpt.analysis.tpr import AGES, LEVEL_CHOICES, TESTS, TREND_THRESHOLD, check_trend_threshold
from chatmrpt.artifacts import media_type_for
from chatmrpt.errors import InputError
from chatmrpt.jobs.files import (
    BOUNDARIES,
    POPULATION,
    POPULATION_KINDS,
    TABLE,
    URBAN,
    display_name,
    extension_of,
)
from chatmrpt.jobs.runner import work_root
from chatmrpt.service.datasets import _check_total, _check_upload, add_dataset
from chatmrpt.service.results import content_id, derived_result, derived_results, submit_run
from chatmrpt.service.sessions import require_session
from chatmrpt.service.tpr import _sniff
from chatmrpt.store.base import Txn, artifact_id, link_artifact
from chatmrpt.store.model import PREPARE, Key, to_jsonable
from chatmrpt.viz.png import map_png

if TYPE_CHECKING:
    from chatmrpt.runtime import Runtime

_STEM = re.compile(r"[^A-Za-z0-9_-]+")
PREPARE_JOB = "prepare"
EXPORT = "export"
PARAMS = ("age", "facility_level", "test", "sheet", "by_year", "trend_threshold", "per_year")
_YES = frozenset({"true", "1", "yes", "on"})
_NO = frozenset({"false", "0", "no", "off", ""})


def prepare_dataset(
    rt: Runtime,
    session_id: str,
    export: bytes,
    export_name: str,
    boundaries: bytes,
    boundaries_name: str,
    *,
    population: bytes | None = None,
    population_name: str | None = None,
    urban: bytes | None = None,
    urban_name: str | None = None,
    age: str = "u5",
    facility_level: str = "all",
    test: str = "both",
    sheet: str | None = None,
    rasters: list | None = None,
    population_u5: bytes | None = None,
    population_u5_name: str | None = None,
    population_women: bytes | None = None,
    population_women_name: str | None = None,
    by_year: bool = False,
    trend_threshold: float | None = None,
    per_year: bool = False,
) -> dict[str, Any]:
    """Build the ward table from a facility export and add it to the session as a dataset.

    ``rasters``: ``RasterSpec`` list (environmental variables, e.g. from the deployment's
    raster library); ``population_u5`` / ``population_women``: age-group population rasters
    next to a total population raster. Returns the dataset view (as ``add_dataset``) plus
    ``prepare``: the report of every step (TPR join, population, burden, covariates,
    warnings), and with ``by_year`` ``years``: ``{"by_year", "trend", "ranking", "maps"}``
    (frames, and PNG bytes per year). Raises InputError for anything the user can fix;
    nothing is stored then.
    """
    require_session(rt, session_id)
    export_name = display_name(export_name, "facility export")
    boundaries_name = display_name(boundaries_name, BOUNDARIES)
    _check_upload(rt, export, export_name)
    _check_upload(rt, boundaries, boundaries_name)
    if population is not None:
        population_name = display_name(population_name, POPULATION)
        _check_upload(rt, population, population_name)
    export_ext = extension_of(export_name, TABLE)
    boundaries_ext = extension_of(boundaries_name, BOUNDARIES)
    population_ext = extension_of(population_name, POPULATION) if population is not None else None
    kinds: dict[str, tuple[bytes, str, str]] = {}
    for role, data, name in (("population_u5", population_u5, population_u5_name),
                             ("population_women", population_women, population_women_name)):
        if data is not None:
            name = display_name(name, role)
            _check_upload(rt, data, name)
            kinds[role] = (data, name, extension_of(name, role))
    if kinds and population is None:
        _check_total(False)
    years_out: dict[str, Any] | None = None
    with tempfile.TemporaryDirectory(prefix="prepare-", dir=work_root(rt.settings)) as tmp:
        folder = Path(tmp)
        export_path = folder / f"export.{export_ext}"
        export_path.write_bytes(export)
        boundaries_path = folder / f"boundaries.{boundaries_ext}"
        boundaries_path.write_bytes(boundaries)
        population_path = None
        if population is not None:
            population_path = folder / f"population.{population_ext}"
            population_path.write_bytes(population)
        kind_paths = {}
        for role, (data, _name, ext) in kinds.items():
            kind_paths[POPULATION_KINDS[role]] = folder / f"{role}.{ext}"
            kind_paths[POPULATION_KINDS[role]].write_bytes(data)
        prepared = prepare_ward_table(
            export_path,
            boundaries_path,
            population=population_path,
            population_name=population_name,
            population_rasters=kind_paths or None,
            rasters=rasters,
            age=age,
            facility_level=facility_level,
            test=test,
            sheet=sheet,
            export_name=export_name,
            boundaries_name=boundaries_name,
            include_population=False,  # the dataset carries the population file itself
            s3_endpoint_url=rt.settings.s3_endpoint_url,
            by_year=by_year,
            **({} if trend_threshold is None else {"trend_threshold": trend_threshold}),
            scratch=folder,
        )
        if by_year and not prepared.table.empty:
            years_out = _years_outputs(prepared, boundaries_path, folder, per_year)
    if prepared.table.empty:
        raise InputError("empty_file", f"{boundaries_name} has no wards.")
    stem = _STEM.sub("_", Path(export_name).stem)[:60] or "facility_export"
    table = prepared.table.to_csv(index=False, lineterminator="\n").encode()
    view = add_dataset(
        rt,
        session_id,
        table,
        f"ward_table_{stem}.csv",
        boundaries,
        boundaries_name,
        population=population,
        population_name=population_name,
        urban=urban,
        urban_name=urban_name,
        **{key: value for role, (data, name, _ext) in kinds.items()
           for key, value in ((role, data), (f"{role}_name", name))},
    )
    out = dict(view, prepare=to_jsonable(prepared.report))
    if years_out is not None:
        out["years"] = years_out
    return out


def _years_outputs(prepared, boundaries_path: Path, folder: Path, per_year: bool) -> dict:
    """The by-year and trend tables, one map per year (burden per 1,000, or TPR without a
    population), and with ``per_year`` each year's ranking side by side."""
    features = read_boundaries(boundaries_path)[0]
    column = BURDEN if BURDEN in prepared.by_year.columns else prepared.report["tpr_column"]
    maps: dict[int, bytes] = {}
    results = {}
    for year in prepared.years:
        table = year_table(prepared, year)
        shapes = features.reset_index(drop=True)
        frame = shapes[["geometry"]].join(table.reset_index(drop=True))
        import geopandas as gpd

        frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=shapes.crs).to_crs("EPSG:4326")
        maps[year] = map_png(frame, "variable", variable=column)
        if per_year:
            path = folder / f"ward_table_{year}.csv"
            table.to_csv(path, index=False, lineterminator="\n")
            dataset = load_dataset(path, boundaries_path)
            results[year] = run_analysis(dataset, AnalysisParams.from_dict({}))
    return {"by_year": prepared.by_year, "trend": prepared.trend, "maps": maps,
            "column": column, "ranking": ranking_by_year(results) if per_year else None}


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
    population: bytes | None = None,
    population_name: str | None = None,
    urban: bytes | None = None,
    urban_name: str | None = None,
    population_u5: bytes | None = None,
    population_u5_name: str | None = None,
    population_women: bytes | None = None,
    population_women_name: str | None = None,
) -> dict[str, Any]:
    """Store the files and queue the ``prepare`` job; returns its record plus ``reused``
    (True when the same files and parameters already succeeded)."""
    require_session(rt, session_id)
    norm = normalize_prepare_params(params)
    given = {
        EXPORT: (export, display_name(export_name, "facility export"), TABLE),
        BOUNDARIES: (boundaries, display_name(boundaries_name, BOUNDARIES), BOUNDARIES),
    }
    if population is not None:
        given[POPULATION] = (population, display_name(population_name, POPULATION), POPULATION)
    if urban is not None:
        given[URBAN] = (urban, display_name(urban_name, URBAN), URBAN)
    for role, data, name in (("population_u5", population_u5, population_u5_name),
                             ("population_women", population_women, population_women_name)):
        if data is not None:
            given[role] = (data, display_name(name, role), role)
    if any(role in given for role in POPULATION_KINDS) and POPULATION not in given:
        _check_total(False)
    inputs: dict[str, dict[str, Any]] = {}
    for role, (data, name, kind) in given.items():
        _check_upload(rt, data, name)
        ext = extension_of(name, kind)
        if role == EXPORT:
            _sniff(data, name)
        sha = hashlib.sha256(data).hexdigest()
        inputs[role] = {"name": name, "ext": ext, "sha256": sha, "size": len(data),
                        "artifact_id": artifact_id({"kind": "upload", "id": role}, name, sha)}
    prepare_id = content_id(PREPARE, files={r: i["sha256"] for r, i in inputs.items()},
                            params=norm)
    key = Key.result(PREPARE, session_id, prepare_id)
    for data, _name, _kind in given.values():
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
        for data, _name, _kind in given.values():
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
