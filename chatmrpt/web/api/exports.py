"""Exports: a file to download (tables, maps as HTML or PNG, charts as PNG, the report),
made now or found again, answered with its artifact record and URL."""

from __future__ import annotations

from flask import Blueprint, Response

from chatmrpt.web.api.common import PREFIX, S, artifact_view, check_id
from chatmrpt.web.auth import session_required
from chatmrpt.web.inputs import expect_type, read_json
from chatmrpt.web.responses import json_response
from chatmrpt.web.state import get_runtime

bp = Blueprint("exports", __name__, url_prefix=PREFIX)

EXPORT_FIELDS = ("what", "format", "analysis_id", "kind", "variable", "threshold", "plan_id", "n")
# what, format, kind, variable, threshold and n are declared (with their limits) in
# chatmrpt.analysis.declarations.ExportRequest and checked by the service


@bp.post(S + "/exports")
@session_required
def create_export(session_id: str) -> Response:
    """A download made now (or found again): ``{what, format?, kind?, ...}`` → its record."""
    from chatmrpt.service.views import export

    data = read_json(EXPORT_FIELDS, required=("what",))
    what = expect_type(data, "what", str, nullable=False)
    fmt = expect_type(data, "format", str)
    analysis_id = check_id(expect_type(data, "analysis_id", str), "analysis")
    plan_id = check_id(expect_type(data, "plan_id", str), "ITN plan")
    kind = expect_type(data, "kind", str)
    variable = expect_type(data, "variable", str)
    threshold = expect_type(data, "threshold", int, float)
    n = expect_type(data, "n", int)
    record = export(
        get_runtime(),
        session_id,
        what,
        fmt,
        analysis_id=analysis_id,
        map_kind=kind,
        variable=variable,
        threshold=threshold,
        plan_id=plan_id,
        n=n,
    )
    body = {"what": what, "artifact": artifact_view(session_id, record)}
    return json_response(body, 200, {"Location": body["artifact"]["url"]})
