"""Analyses: rank the wards of a dataset (a job), read its state, page through its wards."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from chatmrpt.analysis.params import AnalysisParams
from chatmrpt.csvsafe import csv_text
from chatmrpt.errors import InputError
from chatmrpt.web.api.common import (
    DEFAULT_WARD_LIMIT,
    MAX_OFFSET,
    MAX_WARD_LIMIT,
    PREFIX,
    S,
    check_id,
    csv_download,
    expect_declared,
    job_subject_view,
)
from chatmrpt.web.auth import session_required
from chatmrpt.web.inputs import expect_type, query_choice, query_int, read_json
from chatmrpt.web.ratelimit import admit_job
from chatmrpt.web.responses import json_response
from chatmrpt.web.state import get_runtime

bp = Blueprint("analyses", __name__, url_prefix=PREFIX)

ANALYSIS_FIELDS = ("dataset_id", *AnalysisParams.names())
WARD_SORTS = ("composite_rank", "pca_rank", "composite_score", "pca_score", "WardName")
CATEGORIES = ("High", "Medium", "Low")


def analysis_view(record: dict[str, Any]) -> dict[str, Any]:
    return job_subject_view(record, "analysis_id", dataset_id=record.get("dataset_id"))


@bp.post(S + "/analyses")
@session_required
def submit_analysis(session_id: str) -> Response:
    from chatmrpt.service.analyses import submit_analysis as submit

    data = read_json(ANALYSIS_FIELDS)
    dataset_id = expect_type(data, "dataset_id", str)
    expect_declared(data, AnalysisParams)
    if dataset_id is not None:
        check_id(dataset_id, "dataset")
    params = {k: v for k, v in data.items() if k != "dataset_id"}
    record, reused = submit(get_runtime(), session_id, dataset_id, params,
                            admit=lambda: admit_job(session_id))
    body = analysis_view(record)
    body["reused"] = reused
    location = f"/api/sessions/{session_id}/analyses/{record['id']}"
    return json_response(body, 200 if reused else 202, {"Location": location})


@bp.get(S + "/analyses/<analysis_id>")
@session_required
def get_analysis(session_id: str, analysis_id: str) -> Response:
    from chatmrpt.service.analyses import get_analysis as fetch

    record = fetch(get_runtime(), session_id, check_id(analysis_id, "analysis"))
    return json_response(analysis_view(record))


@bp.get(S + "/analyses/<analysis_id>/wards")
@session_required
def analysis_wards(session_id: str, analysis_id: str) -> Response:
    from chatmrpt.service.results import frame_records, load_unified

    check_id(analysis_id, "analysis")
    fmt = query_choice("format", ("json", "csv"), "json")
    sort = query_choice("sort", WARD_SORTS, "composite_rank")
    order = query_choice("order", ("asc", "desc"), "asc")
    category = query_choice("category", CATEGORIES, "")
    offset = query_int("offset", 0, 0, MAX_OFFSET) or 0
    limit = query_int("limit", DEFAULT_WARD_LIMIT if fmt == "json" else None, 1, MAX_WARD_LIMIT)
    q = request.args.get("q", "")
    if len(q) > 200:
        raise InputError("invalid_parameter", "q (the ward name to look for) is too long.")

    wards = load_unified(get_runtime(), session_id, analysis_id)
    frame = wards.drop(columns=["geometry"], errors="ignore")
    if sort not in frame.columns:
        raise InputError(
            "invalid_parameter",
            f"This analysis has no {sort} column (PCA did not run or was not suitable); "
            "sort by composite_rank instead.",
            details={"parameter": "sort"},
        )
    method = "pca" if sort.startswith("pca") else "composite"
    if category:
        column = f"{method}_category"
        if column not in frame.columns:
            raise InputError("invalid_parameter", f"This analysis has no {column} column.")
        frame = frame[frame[column].astype("string") == category]
    if q and "WardName" in frame.columns:
        frame = frame[frame["WardName"].astype("string").str.contains(q, case=False, regex=False)]
    ascending = order == "asc"
    if sort.endswith("_score"):
        ascending = not ascending  # scores: highest (most vulnerable) first by default
    frame = frame.sort_values(sort, ascending=ascending, kind="stable", na_position="last")
    total = len(frame)
    page = frame.iloc[offset : offset + limit] if limit is not None else frame.iloc[offset:]
    if fmt == "csv":
        return csv_download(csv_text(page), f"wards_{analysis_id[:12]}.csv")
    return json_response(
        {
            "analysis_id": analysis_id,
            "total": total,
            "offset": offset,
            "limit": limit,
            "sort": sort,
            "order": order,
            "columns": [str(c) for c in page.columns],
            "wards": frame_records(page),
        }
    )
