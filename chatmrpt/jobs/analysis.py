"""The "analysis" job kind: rank the wards of a dataset with given parameters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chatmrpt.analysis.ingest import load_dataset
from chatmrpt.analysis.outputs import MEDIA_TYPES, write_analysis_outputs
from chatmrpt.analysis.params import AnalysisParams
from chatmrpt.analysis.pipeline import run_analysis
from chatmrpt.errors import ChatMRPTError
from chatmrpt.jobs.files import BOUNDARIES, TABLE, input_filename
from chatmrpt.jobs.kinds import JobContext, Outcome, job_kind
from chatmrpt.store.model import to_jsonable


def fetch_input(ctx: JobContext, role: str, source: dict[str, Any], folder: Path) -> Path:
    """Copy an uploaded file from artifact storage to ``folder/<role>.<ext>``."""
    path = folder / input_filename(role, source["ext"])
    return ctx.rt.artifacts.fetch(source["sha256"], path)


@job_kind("analysis")
def run_analysis_job(ctx: JobContext) -> Outcome:
    session_id = ctx.payload["session_id"]
    analysis_id = ctx.payload["analysis_id"]
    store = ctx.rt.store
    analysis = store.get_analysis(session_id, analysis_id)
    if analysis is None:
        raise ChatMRPTError("not_found", f"The analysis {analysis_id[:12]}... no longer exists.")
    dataset = store.get_dataset(session_id, analysis["dataset_id"])
    if dataset is None:
        raise ChatMRPTError(
            "not_found",
            "The ward data of this analysis no longer exists; upload it again.",
            details={"dataset_id": analysis["dataset_id"]},
        )

    ctx.progress(0.0, "loading the ward data")
    inputs = ctx.workdir / "inputs"
    inputs.mkdir()
    table = dataset[TABLE]
    boundaries = dataset.get(BOUNDARIES)
    table_path = fetch_input(ctx, TABLE, table, inputs)
    boundaries_path = fetch_input(ctx, BOUNDARIES, boundaries, inputs) if boundaries else None
    # an upward import (jobs -> service), listed in pyproject's import rules: this
    # job should return what it made in its Outcome instead (issue 10)
    from chatmrpt.service.datasets import stored_planning_args

    wards = load_dataset(
        table_path,
        boundaries_path,
        sheet=table.get("sheet"),
        table_name=table["name"],
        boundaries_name=boundaries["name"] if boundaries else None,
        **stored_planning_args(
            ctx.rt, dataset, lambda role, src: fetch_input(ctx, role, src, inputs)
        ),
        limits=ctx.rt.settings.read_limits(),
    )
    params = AnalysisParams.from_dict(analysis["params"])
    result = run_analysis(wards, params, progress=ctx.progress_callback())
    ctx.check()

    ctx.progress(0.99, "storing the results")
    out = ctx.workdir / "out"
    out.mkdir()
    files = []
    for path in write_analysis_outputs(result, out):
        path = Path(path)
        media_type = MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")
        files.append(ctx.store_file(path, path.name, media_type))
    return Outcome(
        subject={"summary": to_jsonable(result.summary())},
        files=files,
        session_state={"current_analysis": analysis_id},
        result={"analysis_id": analysis_id},
    )
