"""Analyses: rank the wards of a dataset (a job), read its state, page through its wards."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from chatmrpt.analysis.params import AnalysisParams
from chatmrpt.csvsafe import csv_text
from chatmrpt.errors import InputError
from chatmrpt.service import analyses as service
from chatmrpt.service.results import frame_records, load_unified
from chatmrpt.web.api.common import (
    DEFAULT_WARD_LIMIT,
    LIMIT,
    OFFSET,
    PREFIX,
    S,
    check_id,
    csv_download,
    job_subject_view,
    made,
    made_responses,
    read_declared,
    record_route,
)
from chatmrpt.web.auth import session_required
from chatmrpt.web.inputs import Query
from chatmrpt.web.openapi import STR, documented, json_content, ref
from chatmrpt.web.ratelimit import admit_job
from chatmrpt.web.responses import json_response
from chatmrpt.web.state import get_runtime

bp = Blueprint("analyses", __name__, url_prefix=PREFIX)

WARD_SORTS = ("composite_rank", "pca_rank", "composite_score", "pca_score", "WardName")
CATEGORIES = ("High", "Medium", "Low")
FORMAT = Query("format", "json, or csv to download the rows.", choices=("json", "csv"),
               default="json")
SORT = Query("sort", "The column to sort by.", choices=WARD_SORTS, default="composite_rank")
ORDER = Query("order", "asc (scores: highest first) or desc.", choices=("asc", "desc"),
              default="asc")
CATEGORY = Query("category", "Only the wards of this vulnerability category.",
                 choices=CATEGORIES, default="")
SEARCH = Query("q", "Only the wards whose name contains this text.", max_length=200,
               default="")
GET_ANALYSIS = {
    "GetAnalysis": ("getAnalysis", "analysis_id", "/analysis_id"),
    "GetWards": ("getAnalysisWards", "analysis_id", "/analysis_id"),
}


def analysis_view(record: dict[str, Any]) -> dict[str, Any]:
    return job_subject_view(record, "analysis_id", dataset_id=record.get("dataset_id"))


@bp.post(S + "/analyses")
@documented(
    "submitAnalysis",
    "Rank the wards of a dataset (runs as a job; asked again, the same analysis).",
    made_responses("Analysis", GET_ANALYSIS, "Already analysed: the stored analysis (reused)."),
    body={"required": False, "content": json_content(ref("AnalysisRequest"))},
    errors=("413", "415", "422"),
)
@session_required
def submit_analysis(session_id: str) -> Response:
    dataset_id, params = read_declared(AnalysisParams, "dataset_id", "dataset")
    record, reused = service.submit_analysis(get_runtime(), session_id, dataset_id, params,
                                             admit=lambda: admit_job(session_id))
    return made(session_id, "analysis", record, analysis_view(record), reused=reused)


record_route(
    bp, "/analyses/<analysis_id>", "getAnalysis",
    "An analysis: status, progress (0-1), stage; error or summary when done.",
    service.get_analysis, what="analysis", answer=("The analysis.", "Analysis"), view=analysis_view,
)  # fmt: skip


@bp.get(S + "/analyses/<analysis_id>/wards")
@documented(
    "getAnalysisWards",
    "The ranked wards of a finished analysis (JSON, or CSV with format=csv).",
    {
        "200": {
            "description": "Ward rows, sorted.",
            "content": {"application/json": {"schema": ref("Wards")}, "text/csv": {"schema": STR}},
        }
    },
    query=(FORMAT, SORT, ORDER, CATEGORY, SEARCH, LIMIT, OFFSET),
    errors=("409",),
)
@session_required
def analysis_wards(session_id: str, analysis_id: str) -> Response:
    check_id(analysis_id, "analysis")
    fmt = FORMAT.read()
    sort = SORT.read()
    order = ORDER.read()
    category = CATEGORY.read()
    offset = OFFSET.read() or 0
    limit = LIMIT.read(DEFAULT_WARD_LIMIT if fmt == "json" else None)
    q = SEARCH.read()

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
