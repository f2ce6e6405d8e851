"""The "ingest" job kind: read a large upload that the request only stored.

Reading a ward table or boundaries can take minutes and gigabytes for a large file; a web
worker must not do it. The request streams the files to artifact storage and queues this
job, which reads them with the same service function a small upload is read with in the
request (``chatmrpt.service.datasets.add_dataset``), under the job limits. Its result is
the same report; a refused upload leaves no bytes behind.
"""

from __future__ import annotations

from chatmrpt.jobs.kinds import JobContext, Outcome, job_kind


@job_kind("ingest")
def run_ingest_job(ctx: JobContext) -> Outcome:
    from chatmrpt.service.datasets import ingest_stored

    view = ingest_stored(ctx.rt, ctx.payload, progress=ctx.progress)
    ctx.check()
    return Outcome(result={"dataset": view, "dataset_id": view["dataset_id"]})
