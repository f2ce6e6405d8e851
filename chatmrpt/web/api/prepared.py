"""Prepared datasets: a ward table built (by a job) from a DHIS2 facility export and ward
boundaries, with a population table or raster and a built-up raster."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from chatmrpt.web.api.common import PREFIX, S, check_id, job_subject_view, optional_files
from chatmrpt.web.auth import session_required
from chatmrpt.web.inputs import read_form
from chatmrpt.web.responses import json_response
from chatmrpt.web.state import get_runtime

bp = Blueprint("prepared", __name__, url_prefix=PREFIX)


def prepare_view(record: dict[str, Any]) -> dict[str, Any]:
    export = (record.get("inputs") or {}).get("export") or {}
    return job_subject_view(record, "prepare_id", file=export.get("name"))


@bp.post(S + "/prepared-datasets")
@session_required
def submit_prepare(session_id: str) -> Response:
    from chatmrpt.service.prepare import PARAMS
    from chatmrpt.service.prepare import submit_prepare as submit

    files, fields = read_form(("export", "boundaries", "population", "urban"), PARAMS,
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
        **optional_files(files, "population", "urban"),
    )
    body = prepare_view(record)
    body["reused"] = bool(record.get("reused"))
    location = f"/api/sessions/{session_id}/prepared-datasets/{record['id']}"
    return json_response(body, 200 if body["reused"] else 202, {"Location": location})


@bp.get(S + "/prepared-datasets/<prepare_id>")
@session_required
def get_prepare(session_id: str, prepare_id: str) -> Response:
    from chatmrpt.service.prepare import get_prepare as fetch

    record = fetch(get_runtime(), session_id, check_id(prepare_id, "prepared dataset"))
    return json_response(prepare_view(record))
