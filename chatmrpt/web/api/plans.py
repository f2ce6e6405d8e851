"""ITN plans: plan the distribution of nets over the wards of a finished analysis."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from chatmrpt.analysis.declarations import ItnParams
from chatmrpt.web.api.common import (
    DEFAULT_WARD_LIMIT,
    LIMIT,
    OFFSET,
    PREFIX,
    S,
    artifact_views,
    check_id,
    expect_declared,
    made,
)
from chatmrpt.web.auth import session_required
from chatmrpt.web.inputs import expect_type, read_json
from chatmrpt.web.openapi import documented, json_content, linked, ok, ref
from chatmrpt.web.responses import json_response
from chatmrpt.web.state import get_runtime

bp = Blueprint("plans", __name__, url_prefix=PREFIX)

PLAN_FIELDS = ("analysis_id", *ItnParams.names())
GET_PLAN = {"GetPlan": ("getItnPlan", "plan_id", "/plan_id")}


def plan_view(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "plan_id": record["id"],
        "analysis_id": record.get("analysis_id"),
        "params": record.get("params"),
        "summary": record.get("summary"),
        "warnings": record.get("warnings", []),
        "artifacts": artifact_views(record["session_id"], record.get("artifacts")),
        "created_at": record.get("created_at"),
    }


@bp.post(S + "/itn-plans")
@documented(
    "createItnPlan",
    "Plan the distribution of ITNs over the wards of a finished analysis.",
    {
        "201": linked(ok("A new plan.", ref("Plan")), **GET_PLAN),
        "200": linked(ok("The same plan was made before (reused).", ref("Plan")), **GET_PLAN),
    },
    body={"required": True, "content": json_content(ref("PlanRequest"))},
    errors=("409", "413", "415", "422"),
)
@session_required
def create_plan(session_id: str) -> Response:
    from chatmrpt.service.plans import create_plan as plan

    data = read_json(PLAN_FIELDS, required=tuple(o.name for o in ItnParams.OPTIONS if o.required))
    analysis_id = expect_type(data, "analysis_id", str)
    expect_declared(data, ItnParams)
    if analysis_id is not None:
        check_id(analysis_id, "analysis")
    params = {k: v for k, v in data.items() if k != "analysis_id"}
    record = plan(get_runtime(), session_id, params, analysis_id)
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
    from chatmrpt.service.plans import get_plan as fetch
    from chatmrpt.service.plans import plan_wards

    offset = OFFSET.read() or 0
    limit = LIMIT.read() or DEFAULT_WARD_LIMIT
    rt = get_runtime()
    record = fetch(rt, session_id, check_id(plan_id, "ITN plan"))
    wards = plan_wards(rt, record)
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
