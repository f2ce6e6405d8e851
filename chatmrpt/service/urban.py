"""Urban reprioritization of a session's finished analysis (METHODOLOGY §7), answered at once.

Like an ITN plan, a reprioritization is a pure function of the analysis and its
parameters: its id is their hash, it is stored once (a ``reprioritization`` record, plus ``reprioritization.csv`` — the same table as
``chatmrpt reprioritize`` writes — and ``reprioritization.json``), and asking again
returns the stored result.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chatmrpt.analysis.declarations import ReprioritizationParams
from chatmrpt.analysis.filenames import REPRIORITIZATION_CSV, REPRIORITIZATION_JSON
from chatmrpt.analysis.itn import RANK_COLUMNS
from chatmrpt.analysis.urban import reprioritize as compute
from chatmrpt.analysis.urban import threshold_label
from chatmrpt.csvsafe import csv_bytes
from chatmrpt.service.plans import planning_sources
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
from chatmrpt.store.model import REPRIORITIZATION, Key, to_jsonable

if TYPE_CHECKING:
    from chatmrpt.runtime import Runtime


def normalize_params(
    thresholds: Any = None, target: Any = None, method: Any = None,
    rank_column: Any = None, rank_order: Any = None,
) -> dict[str, Any]:
    """The parameters in canonical form, checked against their declaration
    (``chatmrpt.analysis.declarations.ReprioritizationParams``). A rank column (ranks made
    elsewhere) and its order appear only when given, so earlier ids stay what they were."""
    given = {"thresholds": thresholds, "target": target, "method": method,
             "rank_column": rank_column, "rank_order": rank_order}  # fmt: skip
    norm = ReprioritizationParams.from_dict(given).normalized()
    norm["thresholds"] = [float(t) for t in norm["thresholds"]]
    return norm


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
    norm = normalize_params(thresholds, target, method, rank_column, rank_order)
    analysis = finished_analysis(rt, session_id, analysis_id)
    rid = content_id(REPRIORITIZATION, analysis=analysis["id"], params=norm)
    key = Key.result(REPRIORITIZATION, session_id, rid)
    existing = rt.store.get_result(REPRIORITIZATION, session_id, rid)
    if existing is not None:
        remember(rt, session_id, last_reprioritization=rid)
        artifact = artifact_named(existing, REPRIORITIZATION_JSON)
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
        (REPRIORITIZATION_CSV, csv_bytes(table), "text/csv"),
        (
            REPRIORITIZATION_JSON,
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
    artifact = artifact_named(record, REPRIORITIZATION_JSON)
    rows = read_artifact_json(rt, artifact) if artifact is not None else {}
    return _view(record, rows, reused=True)


def list_reprioritizations(rt: Runtime, session_id: str) -> list[dict[str, Any]]:
    return derived_results(rt, session_id, REPRIORITIZATION)
