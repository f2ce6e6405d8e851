"""Urban reprioritisation of a session's finished analysis (METHODOLOGY §7), answered at once.

Like an ITN plan, a reprioritisation is a pure function of the analysis and its
parameters: its id is their hash, it is stored once (a ``plan`` record with
``type: "reprioritization"``, plus ``reprioritization.csv`` — the same table as
``chatmrpt reprioritize`` writes — and ``reprioritization.json``), and asking again
returns the stored result.
"""

from __future__ import annotations

import json
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
    store_result,
)
from chatmrpt.store.model import Key, to_jsonable

if TYPE_CHECKING:
    from chatmrpt.runtime import Runtime

REPRIORITIZATION = "reprioritization"
RESULT_CSV = "reprioritization.csv"
RESULT_JSON = "reprioritization.json"
METHODS = ("composite", "pca")
MAX_THRESHOLDS = 20


def _target(value: Any) -> float:
    from chatmrpt.analysis.urban import DEFAULT_TARGET_SHARE

    if value is None:
        return float(DEFAULT_TARGET_SHARE)
    rule = "The target population share must be a percentage above 0 and at most 100"
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InputError("invalid_parameter", f"{rule}, not {value!r}.")
    try:
        number = float(value)
    except (ValueError, OverflowError):
        raise InputError("invalid_parameter", f"{rule}, not {value!r}.") from None
    if not math.isfinite(number) or not 0 < number <= 100:
        raise InputError(
            "invalid_parameter",
            f"{rule}, not {value!r}.",
            details={"parameter": "target", "value": str(value)[:100]},
        )
    return number


def normalize_params(
    thresholds: Any = None, target: Any = None, method: Any = None,
    rank_column: Any = None, rank_order: Any = None,
) -> dict[str, Any]:
    from chatmrpt.analysis.urban import validate_thresholds

    if isinstance(thresholds, list | tuple) and len(thresholds) > MAX_THRESHOLDS:
        raise InputError(
            "invalid_parameter",
            f"{len(thresholds)} urban thresholds were given; give at most {MAX_THRESHOLDS}.",
        )
    if isinstance(thresholds, str) and len(thresholds) > 20 * MAX_THRESHOLDS:
        raise InputError("invalid_parameter", "The urban thresholds text is too long.")
    if thresholds is not None and not isinstance(thresholds, list | tuple | str | int | float):
        raise InputError(
            "invalid_parameter",
            "Urban thresholds must be a list of percentages, e.g. [20, 30, 50, 75].",
        )
    values = [float(t) for t in validate_thresholds(thresholds)]
    method = "composite" if method is None else method
    if not isinstance(method, str) or method.strip().lower() not in METHODS:
        raise InputError(
            "invalid_parameter",
            f"The ranking method must be 'composite' or 'pca', not {method!r}.",
            details={"parameter": "method"},
        )
    out = {"thresholds": values, "target": _target(target), "method": method.strip().lower()}
    # ranks made elsewhere: only in the parameters (and the id) when given
    from chatmrpt.analysis.itn import check_rank_column

    external = check_rank_column(rank_column, rank_order)
    if external is not None:
        out["rank_column"], out["rank_order"] = external
    return out


def _view(record: dict[str, Any], rows: dict[str, Any], reused: bool) -> dict[str, Any]:
    return dict(
        record,
        reprioritization_id=record["id"],
        selected=rows.get("selected", []),
        excluded=rows.get("excluded", []),
        reused=reused,
    )


def reprioritize(
    rt: Runtime,
    session_id: str,
    analysis_id: str | None = None,
    thresholds: Any = None,
    target: Any = None,
    method: str | None = None,
    rank_column: str | None = None,
    rank_order: str | None = None,
) -> dict[str, Any]:
    """Urban wards to de-prioritise per threshold, from a finished analysis.

    Returns ``id``, ``analysis_id``, ``params`` (thresholds, target, method), ``summary``
    (one row per threshold: urban wards, selected wards, population selected and its
    share, target reached), ``selected`` and ``excluded`` ward rows, ``warnings``,
    ``artifacts`` and ``reused`` — all JSON-able.
    """
    from chatmrpt.analysis.itn import RANK_COLUMNS
    from chatmrpt.analysis.urban import reprioritize as compute
    from chatmrpt.analysis.urban import threshold_label

    norm = normalize_params(thresholds, target, method, rank_column, rank_order)
    analysis = finished_analysis(rt, session_id, analysis_id)
    rid = content_id(REPRIORITIZATION, analysis=analysis["id"], params=norm)
    key = Key.plan(session_id, rid)
    existing = rt.store.get(key)
    if existing is not None and existing.get("type") == REPRIORITIZATION:
        remember(rt, session_id, last_reprioritization=rid)
        artifact = artifact_named(existing, RESULT_JSON)
        rows = read_artifact_json(rt, artifact) if artifact is not None else {}
        return _view(existing, rows, reused=True)

    wards = load_unified(rt, session_id, analysis["id"])
    result = compute(
        wards,
        thresholds=norm["thresholds"],
        target_share=norm["target"],
        rank_column=norm.get("rank_column") or RANK_COLUMNS[norm["method"]],
        rank_order=norm.get("rank_order") or "ascending",
    )
    from chatmrpt.service.plans import planning_sources

    result.parameters.update(planning_sources(analysis, result.parameters))
    summary = frame_records(result.summary)
    for row in summary:
        row["threshold_label"] = threshold_label(row["threshold"])
    rows = {
        "selected": frame_records(result.selected),
        "excluded": frame_records(result.excluded),
    }
    full = {
        "analysis_id": analysis["id"],
        "params": norm,
        "parameters": to_jsonable(result.parameters),
        "summary": summary,
        "warnings": [str(w) for w in result.warnings],
        **rows,
    }
    table = result.selection_table()
    files = [
        (RESULT_CSV, table.to_csv(index=False, lineterminator="\n").encode(), "text/csv"),
        (
            RESULT_JSON,
            (json.dumps(full, ensure_ascii=False, allow_nan=False, indent=1) + "\n").encode(),
            "application/json",
        ),
    ]
    record = {
        "id": rid,
        "type": REPRIORITIZATION,
        "analysis_id": analysis["id"],
        "params": norm,
        "parameters": full["parameters"],
        "summary": summary,
        "warnings": full["warnings"],
        "population_source": result.parameters.get("population_source"),
        "urban_share_source": result.parameters.get("urban_share_source"),
        "selected_wards": len(rows["selected"]),
        "excluded_wards": len(rows["excluded"]),
    }
    stored, created = store_result(
        rt,
        session_id,
        key,
        record,
        files,
        state={"last_reprioritization": rid},
        event={"type": "reprioritization.created", "reprioritization_id": rid},
    )
    return _view(stored, rows, reused=not created)


def get_reprioritization(rt: Runtime, session_id: str, reprioritization_id: str) -> dict[str, Any]:
    record = derived_result(rt, session_id, reprioritization_id, REPRIORITIZATION,
                            "reprioritisation", "reprioritization_id")
    artifact = artifact_named(record, RESULT_JSON)
    rows = read_artifact_json(rt, artifact) if artifact is not None else {}
    return _view(record, rows, reused=True)


def list_reprioritizations(rt: Runtime, session_id: str) -> list[dict[str, Any]]:
    return derived_results(rt, session_id, REPRIORITIZATION)
