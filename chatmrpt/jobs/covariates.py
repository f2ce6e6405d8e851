"""The "covariates" job kind: library rasters added to a session's ward data as variables.

See ``chatmrpt.service.covariates`` for the catalogue, the record and what a run produces;
the catalogue entries become ``RasterSpec``s here (``raster_spec``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chatmrpt.analysis.ingest import load_dataset, read_table
from chatmrpt.analysis.zonal import (
    NODATA_SUFFIX,
    RasterSpec,
    covariate_columns_report,
    ward_raster_stats,
)
from chatmrpt.csvsafe import write_csv
from chatmrpt.errors import ChatMRPTError
from chatmrpt.jobs.analysis import fetch_input, job_result, stored_wards
from chatmrpt.jobs.datasets import add_derived_dataset, table_stem
from chatmrpt.jobs.files import BOUNDARIES, TABLE
from chatmrpt.jobs.kinds import JobContext, Outcome, job_kind
from chatmrpt.store.model import COVARIATES, to_jsonable

if TYPE_CHECKING:
    from chatmrpt.config import Settings

COVARIATES_CSV = "ward_covariates.csv"
REPORT_JSON = "covariates_report.json"


@job_kind("covariates")
def run_covariates_job(ctx: JobContext) -> Outcome:
    session_id, covariates_id, record = job_result(ctx, COVARIATES, "run")
    store = ctx.rt.store
    dataset = store.get_dataset(session_id, record["dataset_id"])
    if dataset is None or not dataset.get(BOUNDARIES):
        raise ChatMRPTError(
            "not_found", "The ward data to add the variables to no longer exists; upload it again."
        )

    ctx.progress(0.0, "reading the ward data")
    stored = stored_wards(ctx, dataset)  # validated at upload: no parse, no join
    if stored is not None:
        wards, ward_table = stored.wards, stored.table_frame()
    else:
        inputs = ctx.workdir / "inputs"
        inputs.mkdir()
        table, boundaries = dataset[TABLE], dataset[BOUNDARIES]
        table_path = fetch_input(ctx, TABLE, table, inputs)
        boundaries_path = fetch_input(ctx, BOUNDARIES, boundaries, inputs)
        wards = load_dataset(
            table_path,
            boundaries_path,
            sheet=table.get("sheet"),
            table_name=table["name"],
            boundaries_name=boundaries["name"],
            scratch=ctx.workdir,
        ).wards
        ward_table, _source, _notes = read_table(
            table_path, name=table["name"], sheet=table.get("sheet")
        )
    if len(ward_table) != len(wards):  # both read the same file in the same order
        raise ChatMRPTError("internal_error", "The ward table was read differently twice.")

    entries = record["rasters"]
    specs = [raster_spec(ctx.rt.settings, e) for e in entries]

    def progress(fraction: float, message: str) -> None:
        ctx.progress(0.05 + 0.8 * fraction, f"reading {message}" if message != "done" else None)

    stats = ward_raster_stats(
        wards, specs, progress=progress, s3_endpoint_url=ctx.rt.settings.s3_endpoint_url
    )
    ctx.check()
    report = covariate_columns_report(stats, specs, wards)

    ctx.progress(0.9, "storing the new ward data")
    value_columns = [c for c in stats.columns if not c.endswith(NODATA_SUFFIX)]
    replaced = [c for c in value_columns if c in ward_table.columns]
    joined = ward_table.copy()
    for col in value_columns:
        joined[col] = stats[col].to_numpy()
    by_name = {e["name"]: e for e in entries}
    added = []
    for item in report:
        entry = by_name[item["name"]]
        added.append(
            {
                "column": item["column"],
                "raster": entry["name"],
                "title": entry["title"],
                "statistic": entry["statistic"],
                "unit": entry["unit"],
                "direction": entry["direction"],
                "year": entry["year"],
                "source": entry["source"],
                "licence": entry["licence"],
                "wards_with_value": item["with_value"],
                "wards": item["wards"],
            }
        )
    warnings = [w for item in report for w in item["warnings"]]
    if replaced:
        warnings.append(
            f"The ward table already had column(s) {', '.join(replaced)}; they were replaced by "
            "the values from the raster library."
        )
    stem = table_stem(dataset).removesuffix("_with_covariates")
    new_dataset_id = add_derived_dataset(
        ctx.rt, session_id, dataset, joined, f"{stem}_with_covariates.csv"
    )

    out = ctx.workdir / "out"
    out.mkdir()
    identity = [c for c in ("WardName", "WardCode", "LGA", "LGACode") if c in wards.columns]
    table_out = wards[identity].copy() if identity else wards.iloc[:, :0].copy()
    for col in stats.columns:
        table_out[col] = stats[col].to_numpy()
    csv_path = out / COVARIATES_CSV
    write_csv(table_out.drop(columns=["geometry"], errors="ignore"), csv_path)
    summary: dict[str, Any] = {
        "covariates_id": covariates_id,
        "dataset_id": new_dataset_id,
        "from_dataset_id": record["dataset_id"],
        "added": added,
        "directions": {a["column"]: a["direction"] for a in added if a["direction"]},
        "wards": len(joined),
        "warnings": warnings,
    }
    report_path = out / REPORT_JSON
    report_path.write_text(
        json.dumps(to_jsonable({"summary": summary, "columns": report}), ensure_ascii=False,
                   allow_nan=False, indent=1) + "\n",
        encoding="utf-8",
    )
    files = [
        ctx.store_file(csv_path, csv_path.name, "text/csv"),
        ctx.store_file(report_path, report_path.name, "application/json"),
    ]
    return Outcome(
        subject={"summary": to_jsonable(summary)},
        files=files,
        session_state={"current_dataset": new_dataset_id, "last_covariates": covariates_id},
        result={"covariates_id": covariates_id, "dataset_id": new_dataset_id},
    )


def raster_location(settings: Settings, file: str) -> str:
    """Where a catalogue entry's file is: under the raster library unless absolute."""
    base = settings.rasters_url or ""
    if file.startswith("s3://") or Path(file).is_absolute():
        return file
    if base.startswith("s3://"):
        return f"{base.rstrip('/')}/{file.lstrip('/')}"
    return str(Path(base) / file)


def raster_spec(settings: Settings, entry: dict[str, Any]):
    """The ``RasterSpec`` of a catalogue entry (for ``ward_raster_stats``)."""
    return RasterSpec(
        name=entry["name"],
        path_or_url=raster_location(settings, entry["file"]),
        stat=entry["statistic"],
        bands=entry["bands"],
    )
