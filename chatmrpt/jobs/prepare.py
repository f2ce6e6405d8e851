"""The "prepare" job kind: a ward table from a facility export and boundaries, added to the
session as a dataset (see ``chatmrpt.service.prepare``)."""

from __future__ import annotations

import json

from chatmrpt.errors import ChatMRPTError
from chatmrpt.jobs.kinds import JobContext, Outcome, job_kind
from chatmrpt.store.model import to_jsonable

REPORT_JSON = "prepare_report.json"


@job_kind("prepare")
def run_prepare_job(ctx: JobContext) -> Outcome:
    session_id = ctx.payload["session_id"]
    prepare_id = ctx.payload["prepare_id"]
    record = ctx.rt.store.get_plan(session_id, prepare_id)
    if record is None or record.get("type") != "prepare":
        raise ChatMRPTError("not_found", f"The prepared dataset {prepare_id[:12]}... no longer "
                            "exists.")
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
    from chatmrpt.service.prepare import prepare_dataset

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
    )
    ctx.check()
    ctx.progress(0.95, "storing the report")
    report = view.pop("prepare")
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
    return Outcome(
        subject={"summary": to_jsonable(summary)},
        files=[ctx.store_file(path, REPORT_JSON, "application/json")],
        session_state={"current_dataset": view["dataset_id"]},
        result={"prepare_id": prepare_id, "dataset_id": view["dataset_id"]},
    )
