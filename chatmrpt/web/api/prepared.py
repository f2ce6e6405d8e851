"""Prepared datasets: a ward table built (by a job) from a DHIS2 facility export and ward
boundaries, with a population table or raster and a built-up raster."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from chatmrpt.service import prepare as service
from chatmrpt.web.api.common import (
    PREFIX,
    S,
    form_body,
    job_subject_view,
    made,
    made_responses,
    optional_files,
    record_route,
)
from chatmrpt.web.auth import session_required
from chatmrpt.web.inputs import read_form
from chatmrpt.web.openapi import FILE, documented, obj
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
    made_responses("Prepare", GET_PREPARE, "The same files were prepared before (reused)."),
    body=form_body(
        obj(
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
    ),
    errors=("413", "415", "422"),
)
@session_required
def submit_prepare(session_id: str) -> Response:
    files, fields = read_form(("export", "boundaries", "population", "urban",
                               "population_u5", "population_women"), service.PARAMS,
                              required_files=("export", "boundaries"))
    export, boundaries = files["export"], files["boundaries"]
    record = service.submit_prepare(
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


record_route(
    bp, "/prepared-datasets/<prepare_id>", "getPrepare",
    "A prepared dataset run: status, progress; the new dataset's id (summary.dataset_id) and "
    "prepare_report.json when done.",
    service.get_prepare, what="prepared dataset", answer=("The run.", "Prepare"),
    view=prepare_view,
)  # fmt: skip
