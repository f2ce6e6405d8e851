"""TPR runs: test positivity rate per ward from a DHIS2 facility export (a job)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from chatmrpt.analysis.declarations import TprParams
from chatmrpt.web.api.common import PREFIX, S, check_id, job_subject_view, made
from chatmrpt.web.auth import session_required
from chatmrpt.web.inputs import read_form
from chatmrpt.web.openapi import FILE, documented, linked, ok, ref, request_schema
from chatmrpt.web.responses import json_response
from chatmrpt.web.state import get_runtime

bp = Blueprint("tpr", __name__, url_prefix=PREFIX)

GET_TPR = {"GetTpr": ("getTpr", "tpr_id", "/tpr_id")}


def tpr_view(record: dict[str, Any]) -> dict[str, Any]:
    return job_subject_view(record, "tpr_id", file=(record.get("facility") or {}).get("name"))


@bp.post(S + "/tpr")
@documented(
    "submitTpr",
    "Test positivity rate per ward from a DHIS2 facility export (a job).",
    {
        "202": linked(ok("Queued (or already queued or running).", ref("Tpr")), **GET_TPR),
        "200": linked(ok("The same export was processed before (reused).", ref("Tpr")), **GET_TPR),
    },
    body={
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": request_schema(
                    TprParams, {"facility": FILE}, required=("facility",), form=True
                )
            }
        },
    },
    errors=("413", "415", "422"),
)
@session_required
def submit_tpr(session_id: str) -> Response:
    from chatmrpt.service.tpr import PARAMS
    from chatmrpt.service.tpr import submit_tpr as submit

    files, fields = read_form(("facility",), PARAMS, required_files=("facility",))
    facility = files["facility"]
    record = submit(get_runtime(), session_id, facility.read(), facility.filename or "", fields)
    return made(session_id, "tpr", record, tpr_view(record))


@bp.get(S + "/tpr/<tpr_id>")
@documented(
    "getTpr",
    "A TPR run: status, progress; summary and files when done.",
    {"200": ok("The run.", ref("Tpr"))},
)
@session_required
def get_tpr(session_id: str, tpr_id: str) -> Response:
    from chatmrpt.service.tpr import get_tpr as fetch

    record = fetch(get_runtime(), session_id, check_id(tpr_id, "TPR run"))
    return json_response(tpr_view(record))
