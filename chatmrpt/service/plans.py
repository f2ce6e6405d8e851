"""ITN distribution plans of a session (METHODOLOGY §8), answered at once.

A plan is a pure function of a finished analysis and the plan parameters, so its id is
the hash of the analysis id and the *normalised* parameters: asking again — from another
worker, with ``"5"`` instead of ``5`` — finds the stored plan instead of planning again.
The plan's files (``itn_plan.csv``, ``itn_plan.json``, ``itn_plan_by_lga.csv``, the same
bytes as ``chatmrpt itn`` writes) become artifacts of the session.

Plans are stored as ``plan`` records (with ``type: "itn"``); reprioritizations and TPR
runs have record kinds of their own (see ``service.urban`` and ``service.tpr``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chatmrpt.analysis.declarations import ItnParams
from chatmrpt.analysis.filenames import ITN_PLAN_BY_LGA_CSV, ITN_PLAN_CSV, ITN_PLAN_JSON
from chatmrpt.analysis.itn import plan_itn
from chatmrpt.analysis.population import planning_source_text
from chatmrpt.csvsafe import csv_bytes
from chatmrpt.service.results import (
    derived_once,
    derived_result,
    derived_results,
    frame_records,
    record_json,
)
from chatmrpt.store.model import ITN, PLAN, to_jsonable

if TYPE_CHECKING:
    from chatmrpt.runtime import Runtime

PARAMS = ItnParams.names()
SUMMARY_KEYS = (
    "total_nets",
    "nets_allocated",
    "nets_remaining",
    "total_need",
    "population",
    "population_covered",
    "population_covered_percent",
    "wards",
    "wards_fully_covered",
    "wards_partly_covered",
    "wards_not_covered",
    "tier1_wards",
    "tier2_wards",
)


def normalize_plan_params(params: dict[str, Any] | None) -> dict[str, Any]:
    """The plan parameters in canonical form (defaults filled in, numbers as numbers),
    checked against their declaration (``chatmrpt.analysis.declarations.ItnParams``)."""
    return ItnParams.from_dict(params).normalized()


def planning_sources(analysis: dict[str, Any], parameters: dict[str, Any]) -> dict[str, Any]:
    """Where the population and urban share used came from, in plain words."""
    inputs = (analysis.get("summary") or {}).get("planning_inputs")
    return planning_source_text(
        inputs, parameters.get("population_column"), parameters.get("urban_column")
    )


def create_plan(
    rt: Runtime, session_id: str, params: dict[str, Any], analysis_id: str | None = None
) -> dict[str, Any]:
    """Plan the nets over the wards of a finished analysis (default: the current one).

    Returns the plan record (id, analysis_id, params, summary, totals, warnings, by_lga,
    artifacts) plus ``reused``: True when the same plan was already stored. The session's
    ``state.last_plan`` becomes this plan's id.
    """
    params = dict(params or {})
    requested = params.pop("analysis_id", None)
    if analysis_id is None:
        analysis_id = requested
    norm = normalize_plan_params(params)
    record, reused = derived_once(
        rt, session_id, PLAN, analysis_id, norm, "last_plan",
        lambda analysis, wards, pid: _make_plan(analysis, wards, pid, norm), id_kind=ITN,
    )
    return dict(record, reused=reused)


def _make_plan(analysis: dict[str, Any], wards: Any, pid: str,
               norm: dict[str, Any]) -> tuple[dict, list, dict]:
    """The plan's record, files and event (see ``derived_once``)."""
    plan = plan_itn(wards, **norm)
    sources = planning_sources(analysis, plan.parameters)
    plan.parameters.update(sources)
    files = [
        (ITN_PLAN_CSV, csv_bytes(plan.wards), "text/csv"),
        (ITN_PLAN_JSON, (plan.to_json() + "\n").encode(), "application/json"),
        (
            ITN_PLAN_BY_LGA_CSV,
            csv_bytes(plan.by_lga),
            "text/csv",
        ),
    ]
    totals = to_jsonable(plan.totals)
    summary = {k: totals.get(k) for k in SUMMARY_KEYS}
    summary.update(
        method=norm["method"], strategy=norm["strategy"], urban_threshold=norm["urban_threshold"]
    )
    summary.update(sources)
    record = {
        "id": pid,
        "type": ITN,
        "analysis_id": analysis["id"],
        "dataset_id": analysis.get("dataset_id"),
        "params": norm,
        "summary": summary,
        "totals": totals,
        "warnings": [str(w) for w in plan.warnings],
        "parameters": to_jsonable(plan.parameters),
        "by_lga": frame_records(plan.by_lga),
    }
    return record, files, {"type": "plan.created", "plan_id": pid, "analysis_id": analysis["id"]}


def get_plan(rt: Runtime, session_id: str, plan_id: str) -> dict[str, Any]:
    return derived_result(rt, session_id, plan_id, PLAN, "ITN plan", "plan_id")


def list_plans(rt: Runtime, session_id: str) -> list[dict[str, Any]]:
    return derived_results(rt, session_id, PLAN)


def plan_wards(rt: Runtime, record: dict[str, Any]) -> list[dict[str, Any]]:
    """The plan's ward rows, in allocation order (from its stored itn_plan.json)."""
    return list((record_json(rt, record, ITN_PLAN_JSON) or {}).get("wards") or [])
