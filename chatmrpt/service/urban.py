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
    derived_once,
    derived_result,
    derived_results,
    frame_records,
    record_json,
)
from chatmrpt.store.model import REPRIORITIZATION, to_jsonable

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
    record, reused = derived_once(
        rt, session_id, REPRIORITIZATION, analysis_id, norm, "last_reprioritization",
        lambda analysis, wards, rid: _make(analysis, wards, rid, norm),
    )
    return _view(record, _rows(rt, record), reused)


def _rows(rt: Runtime, record: dict[str, Any]) -> dict[str, Any]:
    """The selected and excluded ward rows of a stored reprioritisation."""
    return record_json(rt, record, REPRIORITIZATION_JSON) or {}


def _make(analysis: dict[str, Any], wards: Any, rid: str,
          norm: dict[str, Any]) -> tuple[dict, list, dict]:
    """The reprioritisation's record, files and event (see ``derived_once``)."""
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
    return record, files, {"type": "reprioritization.created", "reprioritization_id": rid}


def get_reprioritization(rt: Runtime, session_id: str, reprioritization_id: str) -> dict[str, Any]:
    record = derived_result(rt, session_id, reprioritization_id, REPRIORITIZATION,
                            "reprioritisation", "reprioritization_id")
    return _view(record, _rows(rt, record), reused=True)


def list_reprioritizations(rt: Runtime, session_id: str) -> list[dict[str, Any]]:
    return derived_results(rt, session_id, REPRIORITIZATION)
