"""Prepared datasets: a ward table built (by a job) from a DHIS2 facility export and ward
boundaries, with a population table or raster and a built-up raster."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from chatmrpt.web.api.common import (
    PREFIX,
    S,
    check_id,
    job_subject_view,
    made,
    optional_files,
)
from chatmrpt.web.auth import session_required
from chatmrpt.web.inputs import read_form
from chatmrpt.web.openapi import FILE, documented, linked, obj, ok, ref
from chatmrpt.web.responses import json_response
from chatmrpt.web.state import get_runtime

bp = Blueprint("prepared", __name__, url_prefix=PREFIX)

GET_PREPARE = {"GetPrepare": ("getPrepare", "prepare_id", "/prepare_id")}


def prepare_view(record: dict[str, Any]) -> dict[str, Any]:
    export = (record.get("inputs") or {}).get("export") or {}
    return job_subject_view(record, "prepare_id", file=export.get("name"))


@bp.post(S + "/prepared-datasets")
@documented(
    "submitPrepare",
    "Build a ward table (TPR, tested/positive counts, burden per 1,000) from a DHIS2 facility "
    "export and ward boundaries, with a population table or raster and a built-up raster, "
    "and add it as a dataset (a job).",
    {
        "202": linked(ok("Queued (or already queued or running).", ref("Prepare")), **GET_PREPARE),
        "200": linked(
            ok("The same files were prepared before (reused).", ref("Prepare")), **GET_PREPARE
        ),
    },
    body={
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": obj(
                    {
                        "export": FILE,
                        "boundaries": FILE,
                        "population": FILE,
                        "urban": FILE,
                        "age": {"type": "string", "enum": ["u5", "o5", "pw", "all"]},
                        "facility_level": {
                            "type": "string",
                            "enum": ["all", "primary", "secondary", "tertiary"],
                        },
                        "test": {"type": "string", "enum": ["both", "rdt", "microscopy"]},
                        "sheet": {"type": "string", "maxLength": 100},
                        "population_u5": FILE,
                        "population_women": FILE,
                        "by_year": {"type": "string",
                                    "enum": ["true", "false", "1", "0", "yes", "no"]},
                        "trend_threshold": {"type": "string"},
                        "per_year": {"type": "string",
                                     "enum": ["true", "false", "1", "0", "yes", "no"]},
                    },
                    ("export", "boundaries"),
                    extra=False,
                )
            }
        },
    },
    errors=("413", "415", "422"),
)
@session_required
def submit_prepare(session_id: str) -> Response:
    from chatmrpt.service.prepare import PARAMS
    from chatmrpt.service.prepare import submit_prepare as submit

    files, fields = read_form(("export", "boundaries", "population", "urban",
                               "population_u5", "population_women"), PARAMS,
                              required_files=("export", "boundaries"))
    export, boundaries = files["export"], files["boundaries"]
    record = submit(
        get_runtime(),
        session_id,
        export.read(),
        export.filename or "",
        boundaries.read(),
        boundaries.filename or "",
        dict(fields),
        planning=optional_files(files),
    )
    return made(session_id, "prepared", record, prepare_view(record))


@bp.get(S + "/prepared-datasets/<prepare_id>")
@documented(
    "getPrepare",
    "A prepared dataset run: status, progress; the new dataset's id (summary.dataset_id) and "
    "prepare_report.json when done.",
    {"200": ok("The run.", ref("Prepare"))},
)
@session_required
def get_prepare(session_id: str, prepare_id: str) -> Response:
    from chatmrpt.service.prepare import get_prepare as fetch

    record = fetch(get_runtime(), session_id, check_id(prepare_id, "prepared dataset"))
    return json_response(prepare_view(record))
