"""The "analysis" job kind: rank the wards of a dataset with given parameters."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from chatmrpt.analysis.dataset import ward_dataset_from_bytes
from chatmrpt.analysis.filenames import UNIFIED_PARQUET
from chatmrpt.analysis.ingest import load_dataset
from chatmrpt.analysis.outputs import MEDIA_TYPES, write_analysis_outputs
from chatmrpt.analysis.params import AnalysisParams
from chatmrpt.analysis.pipeline import run_analysis
from chatmrpt.analysis.results_io import load_unified
from chatmrpt.errors import ChatMRPTError
from chatmrpt.jobs.datasets import check_configured_population, stored_planning_args
from chatmrpt.jobs.files import BOUNDARIES, TABLE, input_filename
from chatmrpt.jobs.kinds import JobContext, Outcome, job_kind
from chatmrpt.store.base import artifact_id, link_artifact
from chatmrpt.store.model import to_jsonable
from chatmrpt.viz.geojson import geojson_bytes, require_boundaries, simplify_for_web

if TYPE_CHECKING:
    import pandas as pd

    from chatmrpt.analysis.dataset import WardDataset

GEOJSON = "application/geo+json"
SHAPES_NAME = "wards.geojson"
BYTES_PER_WARD = 600  # shapes budget: ~300 KB for a 500-ward state


def web_shapes(frame: pd.DataFrame) -> pd.DataFrame:
    """The ward shapes of a unified dataset, simplified for the browser."""
    return simplify_for_web(frame, max(300_000, BYTES_PER_WARD * len(frame)))


def ward_shapes_bytes(frame: pd.DataFrame) -> bytes:
    """The ward shapes of a unified dataset, simplified for the browser (GeoJSON bytes)."""
    require_boundaries(frame)
    return geojson_bytes(web_shapes(frame))


def shapes_producer(analysis_id: str) -> dict[str, Any]:
    """The producer of an analysis' ward shapes (one artifact per analysis)."""
    return {"kind": "shapes", "id": analysis_id}


def fetch_input(ctx: JobContext, role: str, source: dict[str, Any], folder: Path) -> Path:
    """Copy an uploaded file from artifact storage to ``folder/<role>.<ext>``."""
    path = folder / input_filename(role, source["ext"])
    return ctx.rt.artifacts.fetch(source["sha256"], path)


def job_result(ctx: JobContext, kind: str, what: str) -> tuple[str, str, dict[str, Any]]:
    """``(session id, result id, record)`` of the result a job computes (a TPR run...):
    the payload names it as ``<kind>_id``; gone (its session deleted) is ``not_found``."""
    session_id = ctx.payload["session_id"]
    result_id = ctx.payload[f"{kind}_id"]
    record = ctx.rt.store.get_result(kind, session_id, result_id)
    if record is None:
        raise ChatMRPTError("not_found", f"The {what} {result_id[:12]}... no longer exists.")
    return session_id, result_id, record


def stored_wards(ctx: JobContext, dataset: dict[str, Any]) -> WardDataset | None:
    """The validated wards stored at upload (no parse, no join), or None for a dataset
    recorded before they were stored."""
    frame = dataset.get("frame")
    if not frame:
        return None
    return ward_dataset_from_bytes(ctx.rt.artifacts.read_bytes(frame["sha256"]))


def load_wards(ctx: JobContext, dataset: dict[str, Any]) -> WardDataset:
    """The dataset's validated wards: its frame stored at upload, read without parsing.

    A dataset recorded before frames were stored is read from its uploaded files again.
    """
    stored = stored_wards(ctx, dataset)
    if stored is not None:
        check_configured_population(ctx.rt.settings, dataset)
        return stored

    inputs = ctx.workdir / "inputs"
    inputs.mkdir(exist_ok=True)
    table = dataset[TABLE]
    boundaries = dataset.get(BOUNDARIES)
    return load_dataset(
        fetch_input(ctx, TABLE, table, inputs),
        fetch_input(ctx, BOUNDARIES, boundaries, inputs) if boundaries else None,
        sheet=table.get("sheet"),
        table_name=table["name"],
        boundaries_name=boundaries["name"] if boundaries else None,
        **stored_planning_args(
            ctx.rt.settings, dataset, lambda role, src: fetch_input(ctx, role, src, inputs)
        ),
        limits=ctx.rt.settings.read_limits(),
        scratch=ctx.workdir,
    )


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
    wards = load_wards(ctx, dataset)
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
        updates=ward_shapes_update(ctx, analysis_id, out),
    )


def ward_shapes_update(ctx: JobContext, analysis_id: str, out: Path) -> list:
    """The ward shapes the page draws its maps with, simplified here, in the job, from the
    unified dataset just written — so no web request has to — and linked with the results.
    """
    parquet = out / UNIFIED_PARQUET
    if not parquet.is_file():
        return []  # no boundaries: no shapes
    ctx.progress(0.995, "simplifying the ward shapes")
    path = ctx.workdir / SHAPES_NAME
    path.write_bytes(ward_shapes_bytes(load_unified(parquet)))
    stored = ctx.store_file(path, SHAPES_NAME, GEOJSON)
    producer = shapes_producer(analysis_id)
    record = {
        "id": artifact_id(producer, SHAPES_NAME, stored.sha256),
        "session_id": ctx.session_id,
        "sha256": stored.sha256,
        "name": SHAPES_NAME,
        "media_type": GEOJSON,
        "size": stored.size,
        "produced_by": producer,
    }
    return [lambda txn: link_artifact(txn, record)]
