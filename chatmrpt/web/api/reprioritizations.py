"""Reprioritisations: urban wards that could be de-prioritised, per urban threshold."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from chatmrpt.analysis.declarations import ReprioritizationParams
from chatmrpt.web.api.common import PREFIX, S, artifact_views, check_id, expect_declared
from chatmrpt.web.auth import session_required
from chatmrpt.web.inputs import expect_type, read_json
from chatmrpt.web.responses import json_response
from chatmrpt.web.state import get_runtime

bp = Blueprint("reprioritizations", __name__, url_prefix=PREFIX)


def reprioritization_view(result: dict[str, Any]) -> dict[str, Any]:
    return {
        "reprioritization_id": result["id"],
        "analysis_id": result.get("analysis_id"),
        "params": result.get("params"),
        "summary": result.get("summary"),
        "selected": result.get("selected", []),
        "excluded": result.get("excluded", []),
        "warnings": result.get("warnings", []),
        "parameters": result.get("parameters"),
        "artifacts": artifact_views(result["session_id"], result.get("artifacts")),
        "reused": bool(result.get("reused")),
        "created_at": result.get("created_at"),
    }


@bp.post(S + "/reprioritizations")
@session_required
def reprioritize(session_id: str) -> Response:
    from chatmrpt.service.urban import reprioritize as run

    data = read_json(("analysis_id", *ReprioritizationParams.names()))
    analysis_id = expect_type(data, "analysis_id", str)
    expect_declared(data, ReprioritizationParams)
    if analysis_id is not None:
        check_id(analysis_id, "analysis")
    result = run(
        get_runtime(),
        session_id,
        analysis_id,
        thresholds=data.get("thresholds"),
        target=data.get("target"),
        method=data.get("method"),
        rank_column=data.get("rank_column"),
        rank_order=data.get("rank_order"),
    )
    location = f"/api/sessions/{session_id}/reprioritizations/{result['id']}"
    return json_response(reprioritization_view(result), 200, {"Location": location})


@bp.get(S + "/reprioritizations/<reprioritization_id>")
@session_required
def get_reprioritization(session_id: str, reprioritization_id: str) -> Response:
    from chatmrpt.service.urban import get_reprioritization as fetch

    check_id(reprioritization_id, "reprioritisation")
    result = fetch(get_runtime(), session_id, reprioritization_id)
    return json_response(reprioritization_view(result))
