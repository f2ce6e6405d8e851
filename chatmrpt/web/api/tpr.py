"""TPR runs: test positivity rate per ward from a DHIS2 facility export (a job)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from chatmrpt.web.api.common import PREFIX, S, check_id, job_subject_view
from chatmrpt.web.auth import session_required
from chatmrpt.web.inputs import read_form
from chatmrpt.web.responses import json_response
from chatmrpt.web.state import get_runtime

bp = Blueprint("tpr", __name__, url_prefix=PREFIX)


def tpr_view(record: dict[str, Any]) -> dict[str, Any]:
    return job_subject_view(record, "tpr_id", file=(record.get("facility") or {}).get("name"))


@bp.post(S + "/tpr")
@session_required
def submit_tpr(session_id: str) -> Response:
    from chatmrpt.service.tpr import PARAMS
    from chatmrpt.service.tpr import submit_tpr as submit

    files, fields = read_form(("facility",), PARAMS, required_files=("facility",))
    facility = files["facility"]
    record = submit(get_runtime(), session_id, facility.read(), facility.filename or "", fields)
    body = tpr_view(record)
    body["reused"] = bool(record.get("reused"))
    location = f"/api/sessions/{session_id}/tpr/{record['id']}"
    return json_response(body, 200 if body["reused"] else 202, {"Location": location})


@bp.get(S + "/tpr/<tpr_id>")
@session_required
def get_tpr(session_id: str, tpr_id: str) -> Response:
    from chatmrpt.service.tpr import get_tpr as fetch

    record = fetch(get_runtime(), session_id, check_id(tpr_id, "TPR run"))
    return json_response(tpr_view(record))
