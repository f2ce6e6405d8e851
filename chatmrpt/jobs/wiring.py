"""Opening a process's runtime: the store, the artifact storage and the job queue, with the
queue's messages bound to the job runner.

Every process that serves requests or runs jobs calls :func:`open_runtime` once after it
is forked (a Gunicorn worker, a consumer process); ``chatmrpt.runtime`` itself only
describes what a runtime holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# The analysis imports GeoPandas (with pyproj) and pyogrio only where boundaries are read,
# so that a command-line run on a table alone never loads them. Jobs run in processes
# forked from a server that preloads this module: loaded here, a job that reads or joins
# boundaries does not import them again each time.
import geopandas  # noqa: F401
import pyogrio  # noqa: F401

from chatmrpt.artifacts import open_artifacts

# the job kinds every process knows: importing a kind's module registers it (@job_kind)
from chatmrpt.jobs import analysis, covariates, ingest, prepare, tpr  # noqa: F401
from chatmrpt.jobs.queue import JobQueue, make_huey
from chatmrpt.jobs.runner import execute_job
from chatmrpt.runtime import Runtime
from chatmrpt.store import open_store

if TYPE_CHECKING:
    from chatmrpt.config import Settings


def open_runtime(settings: Settings) -> Runtime:
    """This process's runtime for ``settings``; close it (or use ``with``) when done."""
    settings.home.mkdir(parents=True, exist_ok=True)
    rt = Runtime(
        settings=settings,
        store=open_store(settings.store_url),
        artifacts=open_artifacts(settings.artifacts_url, settings),
        queue=JobQueue(make_huey(settings)),
    )
    rt.queue.bind(lambda job_id: execute_job(rt, job_id))
    return rt
