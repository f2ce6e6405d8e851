"""ITN distribution plans of a session (METHODOLOGY §8), answered at once.

A plan is a pure function of a finished analysis and the plan parameters, so its id is
the hash of the analysis id and the *normalised* parameters: asking again — from another
worker, with ``"5"`` instead of ``5`` — finds the stored plan instead of planning again.
The plan's files (``itn_plan.csv``, ``itn_plan.json``, ``itn_plan_by_lga.csv``, the same
bytes as ``chatmrpt itn`` writes) become artifacts of the session.

Plans are stored as ``plan`` records with ``type: "itn"``; the same record kind holds the
session's urban reprioritisations and TPR runs (see ``service.urban`` and ``service.tpr``),
which the functions here leave out.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from chatmrpt.errors import InputError
from chatmrpt.service.results import (
    artifact_named,
    content_id,
    derived_result,
    derived_results,
    finished_analysis,
    frame_records,
    load_unified,
    read_artifact_json,
    remember,
    result_type,
    store_result,
)
from chatmrpt.store.model import Key, to_jsonable

if TYPE_CHECKING:
    from chatmrpt.runtime import Runtime

ITN = "itn"
PLAN_CSV = "itn_plan.csv"
PLAN_JSON = "itn_plan.json"
PLAN_BY_LGA_CSV = "itn_plan_by_lga.csv"

REQUIRED = ("total_nets", "household_size")
DEFAULTS: dict[str, Any] = {
    "urban_threshold": 75.0,
    "method": "composite",
    "strategy": "stop",
    "max_ward_share": None,
    "people_per_net": 1.8,
    "buffer": 1.0,
    "bale_size": 1,
    "fill_population": None,
}
# ranks made elsewhere: only in the parameters (and the plan id) when given
OPTIONAL = ("rank_column", "rank_order")
PARAMS = (*REQUIRED, *DEFAULTS, *OPTIONAL)
_LABELS = {
    "household_size": "household size",
    "urban_threshold": "urban threshold",
    "max_ward_share": "maximum ward share",
    "people_per_net": "people per net",
    "buffer": "buffer",
    "bale_size": "bale size",
    "fill_population": "population fill rule",
    "rank_column": "rank column",
    "rank_order": "rank order",
}
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


def _invalid(name: str, value: Any, rule: str) -> InputError:
    return InputError(
        "invalid_parameter",
        f"The {_LABELS.get(name, name)} {rule}; got {value!r}.",
        details={"parameter": name, "value": str(value)[:100]},
    )


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _invalid(name, value, "must be a number")
    try:
        number = float(value.replace(",", "") if isinstance(value, str) else value)
    except (ValueError, OverflowError):
        raise _invalid(name, value, "must be a number") from None
    if not math.isfinite(number):
        raise _invalid(name, value, "must be a finite number")
    return number


def _choice(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise _invalid(name, value, "must be a word such as " + repr(DEFAULTS[name]))
    return value.strip().lower()


def normalize_plan_params(params: dict[str, Any] | None) -> dict[str, Any]:
    """The plan parameters in canonical form (defaults filled in, numbers as numbers).

    Only types are checked here; ranges and choices are checked by the planner itself
    (``chatmrpt.analysis.itn.plan_itn``), which gets exactly these values.
    """
    from chatmrpt.analysis.itn import parse_net_count

    given = {k: v for k, v in dict(params or {}).items() if v is not None}
    unknown = sorted(set(given) - set(PARAMS))
    if unknown:
        raise InputError(
            "invalid_parameter",
            f"Unknown ITN plan parameter(s): {', '.join(unknown)}. Accepted: {', '.join(PARAMS)}.",
            details={"unknown": unknown},
        )
    missing = [k for k in REQUIRED if k not in given]
    if missing:
        raise InputError(
            "invalid_parameter",
            "An ITN plan needs the number of nets available (total_nets) and the average "
            f"household size (household_size); missing: {', '.join(missing)}.",
            details={"missing": missing},
        )
    out = dict(DEFAULTS)
    out.update(given)
    if isinstance(out["total_nets"], bool) or not isinstance(out["total_nets"], int | float | str):
        raise _invalid("total_nets", out["total_nets"], "must be a whole number above 0")
    out["total_nets"] = parse_net_count(out["total_nets"], "number of nets")
    for name in ("household_size", "urban_threshold", "people_per_net", "buffer"):
        out[name] = _number(name, out[name])
    if out["max_ward_share"] is not None:
        out["max_ward_share"] = _number("max_ward_share", out["max_ward_share"])
    bale = _number("bale_size", out["bale_size"])
    if not bale.is_integer():
        raise _invalid("bale_size", out["bale_size"], "must be a whole number of nets")
    out["bale_size"] = int(bale)
    out["method"] = _choice("method", out["method"])
    out["strategy"] = _choice("strategy", out["strategy"])
    for name in OPTIONAL:
        if name in out and not isinstance(out[name], str):
            raise _invalid(name, out[name], "must be text")
    if "rank_order" in out:
        out["rank_order"] = out["rank_order"].strip().lower()
    fill = out["fill_population"]
    if fill is not None:
        if isinstance(fill, str) and fill.strip().lower() in ("mean", "median"):
            out["fill_population"] = fill.strip().lower()
        else:
            out["fill_population"] = _number("fill_population", fill)
    return out


def planning_sources(analysis: dict[str, Any], parameters: dict[str, Any]) -> dict[str, Any]:
    """Where the population and urban share used came from, in plain words."""
    from chatmrpt.analysis.population import planning_source_text

    inputs = (analysis.get("summary") or {}).get("planning_inputs")
    return planning_source_text(
        inputs, parameters.get("population_column"), parameters.get("urban_column")
    )


def plan_id(analysis_id: str, params: dict[str, Any]) -> str:
    return content_id(ITN, analysis=analysis_id, params=params)


def create_plan(
    rt: Runtime, session_id: str, params: dict[str, Any], analysis_id: str | None = None
) -> dict[str, Any]:
    """Plan the nets over the wards of a finished analysis (default: the current one).

    Returns the plan record (id, analysis_id, params, summary, totals, warnings, by_lga,
    artifacts) plus ``reused``: True when the same plan was already stored. The session's
    ``state.last_plan`` becomes this plan's id.
    """
    from chatmrpt.analysis.itn import plan_itn

    params = dict(params or {})
    requested = params.pop("analysis_id", None)
    if analysis_id is None:
        analysis_id = requested
    norm = normalize_plan_params(params)
    analysis = finished_analysis(rt, session_id, analysis_id)
    pid = plan_id(analysis["id"], norm)
    key = Key.plan(session_id, pid)
    existing = rt.store.get(key)
    if result_type(existing) == ITN:
        remember(rt, session_id, last_plan=pid)
        return dict(existing, reused=True)

    wards = load_unified(rt, session_id, analysis["id"])
    plan = plan_itn(wards, **norm)
    sources = planning_sources(analysis, plan.parameters)
    plan.parameters.update(sources)
    files = [
        (PLAN_CSV, plan.wards.to_csv(index=False, lineterminator="\n").encode(), "text/csv"),
        (PLAN_JSON, (plan.to_json() + "\n").encode(), "application/json"),
        (
            PLAN_BY_LGA_CSV,
            plan.by_lga.to_csv(index=False, lineterminator="\n").encode(),
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
    stored, created = store_result(
        rt,
        session_id,
        key,
        record,
        files,
        state={"last_plan": pid},
        event={"type": "plan.created", "plan_id": pid, "analysis_id": analysis["id"]},
    )
    return dict(stored, reused=not created)


def get_plan(rt: Runtime, session_id: str, plan_id: str) -> dict[str, Any]:
    return derived_result(rt, session_id, plan_id, ITN, "ITN plan", "plan_id")


def list_plans(rt: Runtime, session_id: str) -> list[dict[str, Any]]:
    return derived_results(rt, session_id, ITN)


def plan_wards(rt: Runtime, record: dict[str, Any]) -> list[dict[str, Any]]:
    """The plan's ward rows, in allocation order (from its stored itn_plan.json)."""
    artifact = artifact_named(record, PLAN_JSON)
    if artifact is None:
        return []
    return list(read_artifact_json(rt, artifact).get("wards") or [])
