"""ITN plans: plan the distribution of nets over the wards of a finished analysis."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from chatmrpt.analysis.declarations import ItnParams
from chatmrpt.service import plans as service
from chatmrpt.web.api.common import (
    DEFAULT_WARD_LIMIT,
    LIMIT,
    OFFSET,
    PREFIX,
    S,
    analysis_result_view,
    check_id,
    made,
    made_responses,
    read_declared,
)
from chatmrpt.web.auth import session_required
from chatmrpt.web.openapi import documented, json_content, ok, ref
from chatmrpt.web.responses import json_response
from chatmrpt.web.state import get_runtime

bp = Blueprint("plans", __name__, url_prefix=PREFIX)

GET_PLAN = {"GetPlan": ("getItnPlan", "plan_id", "/plan_id")}


def plan_view(record: dict[str, Any]) -> dict[str, Any]:
    return analysis_result_view(record, "plan_id")


@bp.post(S + "/itn-plans")
@documented(
    "createItnPlan",
    "Plan the distribution of ITNs over the wards of a finished analysis.",
    made_responses("Plan", GET_PLAN, "The same plan was made before (reused).",
                   new="A new plan.", new_status="201"),
    body={"required": True, "content": json_content(ref("PlanRequest"))},
    errors=("409", "413", "415", "422"),
)
@session_required
def create_plan(session_id: str) -> Response:
    analysis_id, params = read_declared(ItnParams, "analysis_id", "analysis")
    record = service.create_plan(get_runtime(), session_id, params, analysis_id)
    return made(session_id, "plan", record, plan_view(record), new_status=201)


@bp.get(S + "/itn-plans/<plan_id>")
@documented(
    "getItnPlan",
    "An ITN plan: summary, totals, warnings, per LGA and per ward.",
    {"200": ok("The plan.", ref("Plan"))},
    query=(LIMIT, OFFSET),
)
@session_required
def get_plan(session_id: str, plan_id: str) -> Response:
    offset = OFFSET.read() or 0
    limit = LIMIT.read() or DEFAULT_WARD_LIMIT
    rt = get_runtime()
    record = service.get_plan(rt, session_id, check_id(plan_id, "ITN plan"))
    wards = service.plan_wards(rt, record)
    body = plan_view(record)
    body.update(
        totals=record.get("totals"),
        parameters=record.get("parameters"),
        by_lga=record.get("by_lga", []),
        wards_total=len(wards),
        offset=offset,
        limit=limit,
        wards=wards[offset : offset + limit],
    )
    return json_response(body)
