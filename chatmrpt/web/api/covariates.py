"""The raster library over HTTP: the catalogue, and adding its rasters to a dataset (a job).

* ``GET /api/rasters`` - the deployment's raster library (``CHATMRPT_RASTERS_URL``):
  ``{"configured", "rasters": [{name, title, statistic, unit, direction, year, source,
  licence, ...}]}``; ``configured`` is false and the list empty when there is none.
* ``POST /api/sessions/{id}/datasets/{dataset_id}/covariates`` ``{"rasters": [names]}`` ->
  202 with the run (``covariates_id``, ``job_id``, ``status``), or 200 with ``reused`` when
  the same rasters were already added to that dataset. When it has succeeded, its
  ``summary.dataset_id`` is the new dataset (the session's current one).
* ``GET /api/sessions/{id}/covariates/{covariates_id}`` - the run: status, progress; summary
  and files when done.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from chatmrpt.web.api.common import PREFIX, S, check_id, job_subject_view, made
from chatmrpt.web.auth import session_required
from chatmrpt.web.inputs import read_json
from chatmrpt.web.openapi import (
    NULLABLE_STR,
    STR,
    array,
    documented,
    job_schema,
    json_content,
    linked,
    obj,
    ok,
)
from chatmrpt.web.responses import json_response
from chatmrpt.web.state import get_runtime

bp = Blueprint("covariates", __name__, url_prefix=PREFIX)

RASTER = obj(
    {
        "name": STR,
        "title": STR,
        "file": STR,
        "statistic": STR,
        "unit": STR,
        "direction": NULLABLE_STR,
        "year": NULLABLE_STR,
        "source": STR,
        "licence": STR,
        "bands": STR,
    },
    ("name", "statistic"),
)
RUN = job_schema("covariates_id", dataset_id=NULLABLE_STR)
GET_COVARIATES = {"GetCovariates": ("getCovariates", "covariates_id", "/covariates_id")}


def covariates_view(record: dict[str, Any]) -> dict[str, Any]:
    return job_subject_view(record, "covariates_id", dataset_id=record.get("dataset_id"))


@bp.get("/rasters")
@documented(
    "listRasters",
    "The deployment's raster library (environmental variables to add per ward).",
    {
        "200": ok(
            "The catalogue.",
            obj({"configured": {"type": "boolean"}, "rasters": array(RASTER)},
                ("configured", "rasters")),
        )
    },
)
def list_rasters() -> Response:
    from chatmrpt.service.covariates import list_rasters as catalogue

    return json_response(catalogue(get_runtime()))


@bp.post(S + "/datasets/<dataset_id>/covariates")
@documented(
    "submitCovariates",
    "Add library rasters to a dataset as new variables (a job); the result is a new dataset "
    "of the session.",
    {
        "202": linked(ok("Queued (or already queued or running).", RUN), **GET_COVARIATES),
        "200": linked(ok("These rasters were added before (reused).", RUN), **GET_COVARIATES),
    },
    body={
        "required": True,
        "content": json_content(
            obj(
                {"rasters": {"type": "array", "items": STR, "minItems": 1, "maxItems": 50}},
                ("rasters",),
                extra=False,
            )
        ),
    },
    errors=("415", "422"),
)
@session_required
def submit_covariates(session_id: str, dataset_id: str) -> Response:
    from chatmrpt.service.covariates import submit_covariates as submit

    data = read_json(("rasters",), required=("rasters",))
    record = submit(get_runtime(), session_id, check_id(dataset_id, "dataset"), data["rasters"])
    return made(session_id, "covariates", record, covariates_view(record))


@bp.get(S + "/covariates/<covariates_id>")
@documented(
    "getCovariates",
    "A run adding library rasters: status, progress; summary and files when done.",
    {"200": ok("The run.", RUN)},
)
@session_required
def get_covariates(session_id: str, covariates_id: str) -> Response:
    from chatmrpt.service.covariates import get_covariates as fetch

    record = fetch(get_runtime(), session_id, check_id(covariates_id, "run adding variables"))
    return json_response(covariates_view(record))
