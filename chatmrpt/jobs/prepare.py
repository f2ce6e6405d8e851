"""The "prepare" job kind: a ward table from a facility export and boundaries, added to the
session as a dataset (``prepare_dataset``; the request side is ``chatmrpt.service.prepare``)."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chatmrpt.analysis.filenames import RANKING_BY_YEAR_CSV, TPR_BY_YEAR_CSV, TREND_CSV
from chatmrpt.analysis.ingest import load_dataset, read_boundaries
from chatmrpt.analysis.params import AnalysisParams
from chatmrpt.analysis.pipeline import run_analysis
from chatmrpt.analysis.prepare import BURDEN, prepare_ward_table, ranking_by_year, year_table
from chatmrpt.csvsafe import write_csv
from chatmrpt.errors import InputError
from chatmrpt.jobs.analysis import job_result
from chatmrpt.jobs.datasets import (
    checked,
    checked_planning,
    record_dataset,
    require_session,
    table_bytes,
)
from chatmrpt.jobs.files import (
    BOUNDARIES,
    PLANNING_ROLES,
    POPULATION,
    POPULATION_KINDS,
    TABLE,
    PlanningUploads,
    Upload,
)
from chatmrpt.jobs.kinds import JobContext, Outcome, job_kind
from chatmrpt.jobs.runner import work_root
from chatmrpt.store.model import PREPARE, to_jsonable
from chatmrpt.viz.png import map_png

if TYPE_CHECKING:
    from chatmrpt.runtime import Runtime

REPORT_JSON = "prepare_report.json"
EXPORT = "export"
_STEM = re.compile(r"[^A-Za-z0-9_-]+")


def prepare_dataset(
    rt: Runtime,
    session_id: str,
    export: Upload,
    boundaries: Upload,
    *,
    planning: PlanningUploads | None = None,
    age: str = "u5",
    facility_level: str = "all",
    test: str = "both",
    sheet: str | None = None,
    rasters: list | None = None,
    by_year: bool = False,
    trend_threshold: float | None = None,
    per_year: bool = False,
) -> dict[str, Any]:
    """Build the ward table from a facility export and add it to the session as a dataset.

    ``planning``: the population table or raster, the built-up raster and the age-group
    population rasters (next to a total population raster) that go with it; ``rasters``:
    ``RasterSpec`` list (environmental variables, e.g. from the deployment's raster
    library). Returns the dataset view (as ``record_dataset``) plus ``prepare``: the report
    of every step (TPR join, population, burden, covariates, warnings), and with
    ``by_year`` ``years``: ``{"by_year", "trend", "ranking", "maps"}`` (frames, and PNG
    bytes per year). Raises InputError for anything the user can fix; nothing is stored
    then.
    """
    require_session(rt, session_id)
    given = {EXPORT: checked(rt.settings, "facility export", export, TABLE),
             BOUNDARIES: checked(rt.settings, BOUNDARIES, boundaries)}
    given.update(checked_planning(rt.settings, planning))
    export_name, boundaries_name = given[EXPORT][1], given[BOUNDARIES][1]
    population = given.get(POPULATION)
    years_out: dict[str, Any] | None = None
    with tempfile.TemporaryDirectory(prefix="prepare-", dir=work_root(rt.settings)) as tmp:
        folder = Path(tmp)
        paths = {}
        for role, (data, _name, ext) in given.items():
            if role in (EXPORT, BOUNDARIES, POPULATION, *POPULATION_KINDS):
                paths[role] = folder / f"{role}.{ext}"
                paths[role].write_bytes(data)
        kind_paths = {kind: paths[role] for role, kind in POPULATION_KINDS.items()
                      if role in paths}
        prepared = prepare_ward_table(
            paths[EXPORT],
            paths[BOUNDARIES],
            population=paths.get(POPULATION),
            population_name=population[1] if population else None,
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
            years_out = _years_outputs(prepared, paths[BOUNDARIES], folder, per_year)
    if prepared.table.empty:
        raise InputError("empty_file", f"{boundaries_name} has no wards.")
    stem = _STEM.sub("_", Path(export_name).stem)[:60] or "facility_export"
    view = record_dataset(
        rt,
        session_id,
        Upload(table_bytes(prepared.table), f"ward_table_{stem}.csv"),
        Upload(boundaries.data, boundaries_name),
        planning=planning,
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


def year_map_name(year: int) -> str:
    return f"year_map_{int(year)}.png"


def _year_files(ctx: JobContext, years: dict) -> list:
    files = []
    tables = [(TPR_BY_YEAR_CSV, years["by_year"]), (TREND_CSV, years["trend"])]
    if years.get("ranking") is not None:
        tables.append((RANKING_BY_YEAR_CSV, years["ranking"]))
    for name, frame in tables:
        path = ctx.workdir / name
        with open(path, "w", encoding="utf-8", newline="") as fh:
            write_csv(frame, fh)
        files.append(ctx.store_file(path, name, "text/csv"))
    for year, png in sorted(years["maps"].items()):
        path = ctx.workdir / year_map_name(year)
        path.write_bytes(png)
        files.append(ctx.store_file(path, path.name, "image/png"))
    return files


@job_kind("prepare")
def run_prepare_job(ctx: JobContext) -> Outcome:
    session_id, prepare_id, record = job_result(ctx, PREPARE, "prepared dataset")
    inputs = record["inputs"]
    params = record["params"]

    stored = {role: Upload(ctx.rt.artifacts.read_bytes(info["sha256"]), info["name"])
              for role, info in inputs.items() if info}

    ctx.progress(0.05, "building the ward table")
    view = prepare_dataset(
        ctx.rt,
        session_id,
        stored[EXPORT],
        stored[BOUNDARIES],
        planning=PlanningUploads(**{r: stored[r] for r in PLANNING_ROLES if r in stored}),
        age=params["age"],
        facility_level=params["facility_level"],
        test=params["test"],
        sheet=params.get("sheet"),
        by_year=bool(params.get("by_year")),
        trend_threshold=params.get("trend_threshold"),
        per_year=bool(params.get("per_year")),
    )
    ctx.check()
    ctx.progress(0.95, "storing the report")
    report = view.pop("prepare")
    years = view.pop("years", None)
    files = []
    if years is not None:
        files = _year_files(ctx, years)
    path = ctx.workdir / REPORT_JSON
    path.write_text(json.dumps(to_jsonable(report), ensure_ascii=False, allow_nan=False,
                               indent=1) + "\n", encoding="utf-8")
    summary = {
        "dataset_id": view["dataset_id"],
        "wards": view.get("wards"),
        "variables": view.get("variables"),
        "planning": view.get("planning"),
        "tpr_wards_matched": (report.get("tpr_join") or {}).get("matched"),
        "burden": report.get("burden"),
        "warnings": list(report.get("warnings") or []),
    }
    if years is not None:
        summary["years"] = report.get("years")
        summary["year_maps"] = {str(y): year_map_name(y) for y in years["maps"]}
        summary["year_map_column"] = years["column"]
    return Outcome(
        subject={"summary": to_jsonable(summary)},
        files=[ctx.store_file(path, REPORT_JSON, "application/json"), *files],
        session_state={"current_dataset": view["dataset_id"]},
        result={"prepare_id": prepare_id, "dataset_id": view["dataset_id"]},
    )
