"""The "ingest" job kind: read a large upload that the request only stored.

Reading a ward table or boundaries can take minutes and gigabytes for a large file; a web
worker must not do it. The request streams the files to artifact storage and queues this
job (``chatmrpt.service.datasets.stage_dataset``), which reads them with the same function
a small upload is read with in the request (``chatmrpt.jobs.datasets.record_dataset``),
under the job limits. Its result is the same report; a refused upload leaves no bytes
behind.
"""

from __future__ import annotations

from chatmrpt.jobs.datasets import record_dataset
from chatmrpt.jobs.files import BOUNDARIES, TABLE, PlanningUploads, Upload
from chatmrpt.jobs.kinds import JobContext, Outcome, job_kind

INGEST_KIND = "ingest"


@job_kind(INGEST_KIND)
def run_ingest_job(ctx: JobContext) -> Outcome:
    files = ctx.payload["files"]
    ctx.progress(0.05, "reading the upload")
    stored = {role: Upload(ctx.rt.artifacts.read_bytes(src["sha256"]), src["name"])
              for role, src in files.items() if src}
    ctx.progress(0.2, "checking the ward data")
    view = record_dataset(
        ctx.rt,
        ctx.payload["session_id"],
        stored.get(TABLE) or Upload(b"", ""),
        stored.get(BOUNDARIES),
        sheet=ctx.payload.get("sheet"),
        planning=PlanningUploads(**{role: stored[role] for role in stored
                                    if role not in (TABLE, BOUNDARIES)}),
    )
    ctx.check()
    return Outcome(result={"dataset": view, "dataset_id": view["dataset_id"]})
