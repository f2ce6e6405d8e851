"""Reprioritisations: urban wards that could be de-prioritised, per urban threshold."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from chatmrpt.analysis.declarations import ReprioritizationParams
from chatmrpt.service import urban as service
from chatmrpt.web import urls
from chatmrpt.web.api.common import PREFIX, S, analysis_result_view, read_declared, record_route
from chatmrpt.web.auth import session_required
from chatmrpt.web.openapi import documented, json_content, linked, ok, ref
from chatmrpt.web.responses import json_response
from chatmrpt.web.state import get_runtime

bp = Blueprint("reprioritizations", __name__, url_prefix=PREFIX)


def reprioritization_view(result: dict[str, Any]) -> dict[str, Any]:
    return analysis_result_view(
        result, "reprioritization_id", ("selected", "excluded"),
        parameters=result.get("parameters"), reused=bool(result.get("reused")),
    )  # fmt: skip


@bp.post(S + "/reprioritizations")
@documented(
    "reprioritize",
    "Urban wards that could be de-prioritised, per urban threshold.",
    {
        "200": linked(
            ok("The result (stored, with its files).", ref("Reprioritization")),
            GetReprioritization=(
                "getReprioritization", "reprioritization_id", "/reprioritization_id",
            ),
        )
    },
    body={"required": False, "content": json_content(ref("ReprioritizationRequest"))},
    errors=("409", "413", "415", "422"),
)
@session_required
def reprioritize(session_id: str) -> Response:
    analysis_id, data = read_declared(ReprioritizationParams, "analysis_id", "analysis")
    result = service.reprioritize(
        get_runtime(),
        session_id,
        analysis_id,
        thresholds=data.get("thresholds"),
        target=data.get("target"),
        method=data.get("method"),
        rank_column=data.get("rank_column"),
        rank_order=data.get("rank_order"),
    )
    location = urls.link("reprioritization", session_id, result["id"])
    return json_response(reprioritization_view(result), 200, {"Location": location})


record_route(
    bp, "/reprioritizations/<reprioritization_id>", "getReprioritization",
    "A stored reprioritisation.", service.get_reprioritization, what="reprioritisation",
    answer=("The result.", "Reprioritization"), view=reprioritization_view,
)  # fmt: skip
