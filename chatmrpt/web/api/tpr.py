"""TPR runs: test positivity rate per ward from a DHIS2 facility export (a job)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from chatmrpt.analysis.declarations import TprParams
from chatmrpt.service import tpr as service
from chatmrpt.web.api.common import (
    PREFIX,
    S,
    form_body,
    job_subject_view,
    made,
    made_responses,
    record_route,
)
from chatmrpt.web.auth import session_required
from chatmrpt.web.inputs import read_form
from chatmrpt.web.openapi import FILE, documented, request_schema
from chatmrpt.web.state import get_runtime

bp = Blueprint("tpr", __name__, url_prefix=PREFIX)

GET_TPR = {"GetTpr": ("getTpr", "tpr_id", "/tpr_id")}


def tpr_view(record: dict[str, Any]) -> dict[str, Any]:
    return job_subject_view(record, "tpr_id", file=(record.get("facility") or {}).get("name"))


@bp.post(S + "/tpr")
@documented(
    "submitTpr",
    "Test positivity rate per ward from a DHIS2 facility export (a job).",
    made_responses("Tpr", GET_TPR, "The same export was processed before (reused)."),
    body=form_body(
        request_schema(
            TprParams, {"facility": FILE}, required=("facility",), form=True
        )
    ),
    errors=("413", "415", "422"),
)
@session_required
def submit_tpr(session_id: str) -> Response:
    files, fields = read_form(("facility",), service.PARAMS, required_files=("facility",))
    facility = files["facility"]
    record = service.submit_tpr(get_runtime(), session_id, facility.read(), facility.filename or "", fields)
    return made(session_id, "tpr", record, tpr_view(record))


record_route(
    bp, "/tpr/<tpr_id>", "getTpr", "A TPR run: status, progress; summary and files when done.",
    service.get_tpr, what="TPR run", answer=("The run.", "Tpr"), view=tpr_view,
)  # fmt: skip
