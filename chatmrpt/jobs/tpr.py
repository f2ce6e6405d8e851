"""The "tpr" job kind: ward test positivity rates from an uploaded facility export.

See ``chatmrpt.service.tpr`` for what a run produces and what ``join`` does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from chatmrpt.analysis.columns import POPULATION_ALIASES, find_column
from chatmrpt.analysis.declarations import FACILITY_EXTENSIONS
from chatmrpt.analysis.filenames import (
    TPR_BY_YEAR_CSV,
    TPR_REPORT_JSON,
    TPR_TREND_CSV,
    WARD_TPR_CSV,
)
from chatmrpt.analysis.ingest import read_table
from chatmrpt.analysis.tpr import (
    TREND_THRESHOLD,
    compute_ward_tpr,
    join_tpr_to_wards,
    read_facility_export,
)
from chatmrpt.csvsafe import write_csv
from chatmrpt.errors import ChatMRPTError
from chatmrpt.jobs.analysis import fetch_input, job_result, stored_wards
from chatmrpt.jobs.datasets import add_derived_dataset, table_stem
from chatmrpt.jobs.files import TABLE
from chatmrpt.jobs.kinds import JobContext, Outcome, job_kind
from chatmrpt.store.model import TPR, to_jsonable


def _csv(frame: Any, path: Path) -> Path:
    write_csv(frame, path)
    return path


@job_kind("tpr")
def run_tpr_job(ctx: JobContext) -> Outcome:
    session_id, tpr_id, record = job_result(ctx, TPR, "TPR run")
    store = ctx.rt.store
    params = record["params"]
    facility = record["facility"]
    if facility.get("ext") not in FACILITY_EXTENSIONS:
        raise ChatMRPTError("unsupported_file_type", "The facility export has an unknown type.")

    ctx.progress(0.0, "reading the facility export")
    inputs = ctx.workdir / "inputs"
    inputs.mkdir()
    # a server-chosen file name; the user's name only appears in messages
    path = ctx.rt.artifacts.fetch(facility["sha256"], inputs / f"facility.{facility['ext']}")
    export, info = read_facility_export(path, sheet=params.get("sheet"))
    info["file"] = facility["name"]

    dataset = ward_table = population = None
    if params.get("join"):
        dataset = store.get_dataset(session_id, record.get("join_dataset_id") or "")
        if dataset is None:
            raise ChatMRPTError(
                "not_found",
                "The ward data to join the TPR to no longer exists; upload it again.",
            )
        ward_table = _ward_table(ctx, dataset, inputs)
        if find_column(ward_table.columns, POPULATION_ALIASES):
            population = ward_table

    ctx.progress(0.4, "computing the TPR per ward")
    result = compute_ward_tpr(
        export,
        age=params["age"],
        facility_level=params["facility_level"],
        test=params["test"],
        by_year=params["by_year"],
        trend_threshold=params.get("trend_threshold", TREND_THRESHOLD),
        population=population,
        name=facility["name"],
    )
    ctx.check()

    ctx.progress(0.8, "storing the results")
    out = ctx.workdir / "out"
    out.mkdir()
    paths = [(_csv(result.wards, out / WARD_TPR_CSV), "text/csv")]
    if params["by_year"]:
        paths.append((_csv(result.by_year, out / TPR_BY_YEAR_CSV), "text/csv"))
        paths.append((_csv(result.trend, out / TPR_TREND_CSV), "text/csv"))
    report = result.report
    summary: dict[str, Any] = {
        "tpr_id": tpr_id,
        "variable": result.variable_name,
        "wards": report.get("wards"),
        "rows": report.get("rows"),
        "rows_used": report.get("rows_used"),
        "methods_used": report.get("methods_used"),
        "wards_without_tests": len(report.get("wards_without_tests") or []),
        "warnings": list(report.get("warnings") or []),
        "file": facility["name"],
    }
    # the range of the rates, for the people reading the result
    rates = [float(v) for v in result.wards["tpr"].tolist() if v == v and v is not None]
    if rates:
        summary["tpr_range"] = [round(min(rates), 4), round(max(rates), 4)]
    session_state: dict[str, Any] = {"last_tpr": tpr_id}
    if ward_table is not None and dataset is not None:
        joined, join_report = join_tpr_to_wards(ward_table, result)
        summary["join_report"] = join_report
        summary["dataset_id"] = add_derived_dataset(
            ctx.rt, session_id, dataset, joined,
            f"{table_stem(dataset)}_with_{result.variable_name}.csv",
        )
        session_state["current_dataset"] = summary["dataset_id"]
    report_path = out / TPR_REPORT_JSON
    report_path.write_text(
        json.dumps(
            to_jsonable({"params": params, "export": info, "report": report, "summary": summary}),
            ensure_ascii=False,
            allow_nan=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    paths.append((report_path, "application/json"))
    files = [ctx.store_file(p, p.name, media_type) for p, media_type in paths]
    return Outcome(
        subject={"summary": to_jsonable(summary)},
        files=files,
        session_state=session_state,
        result={"tpr_id": tpr_id},
    )


def _ward_table(ctx: JobContext, dataset: dict[str, Any], inputs: Path) -> Any:
    """The dataset's ward table as uploaded (its columns, before the join with the
    boundaries): from the frame stored at upload, else read from the upload again."""
    stored = stored_wards(ctx, dataset)
    if stored is not None:
        return stored.table_frame()

    table = dataset[TABLE]
    ward_table, _source, _notes = read_table(
        fetch_input(ctx, TABLE, table, inputs), name=table["name"], sheet=table.get("sheet")
    )
    return ward_table
