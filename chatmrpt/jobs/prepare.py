"""The "prepare" job kind: a ward table from a facility export and boundaries, added to the
session as a dataset (see ``chatmrpt.service.prepare``)."""

from __future__ import annotations

import json

from chatmrpt.analysis.filenames import RANKING_BY_YEAR_CSV, TPR_BY_YEAR_CSV, TREND_CSV
from chatmrpt.csvsafe import write_csv
from chatmrpt.jobs.analysis import job_result
from chatmrpt.jobs.kinds import JobContext, Outcome, job_kind
from chatmrpt.service.prepare import prepare_dataset
from chatmrpt.store.model import PREPARE, to_jsonable

REPORT_JSON = "prepare_report.json"


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

    def data(role: str) -> bytes | None:
        info = inputs.get(role)
        return ctx.rt.artifacts.read_bytes(info["sha256"]) if info else None

    def name(role: str) -> str | None:
        info = inputs.get(role)
        return info["name"] if info else None

    ctx.progress(0.05, "building the ward table")
    # an upward import (jobs -> service), listed in pyproject's import rules: this
    # job should return what it made in its Outcome instead (issue 10)

    view = prepare_dataset(
        ctx.rt,
        session_id,
        data("export"),
        name("export"),
        data("boundaries"),
        name("boundaries"),
        population=data("population"),
        population_name=name("population"),
        urban=data("urban"),
        urban_name=name("urban"),
        age=params["age"],
        facility_level=params["facility_level"],
        test=params["test"],
        sheet=params.get("sheet"),
        population_u5=data("population_u5"),
        population_u5_name=name("population_u5"),
        population_women=data("population_women"),
        population_women_name=name("population_women"),
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
