"""The JSON API (CONTRACT "HTTP API"): sessions, datasets, analyses, plans, files, events.

Each view validates its input, calls one service function with ids, and shapes the record
it gets back for the client. No view keeps anything between requests; any worker of any
machine can answer any request.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, current_app, g, request

from chatmrpt.errors import InputError
from chatmrpt.store.base import StoreUnavailable
from chatmrpt.store.model import FAILED, SUCCEEDED, valid_id
from chatmrpt.web.app import get_runtime
from chatmrpt.web.auth import COOKIE, csrf_token, session_required, sign_in, sign_out
from chatmrpt.web.inputs import expect_type, query_choice, query_int, read_form, read_json
from chatmrpt.web.responses import content_disposition, json_response

log = logging.getLogger("chatmrpt.web")
bp = Blueprint("api", __name__, url_prefix="/api")

S = "/sessions/<session_id>"
WARD_SORTS = ("composite_rank", "pca_rank", "composite_score", "pca_score", "WardName")
CATEGORIES = ("High", "Medium", "Low")
DEFAULT_WARD_LIMIT = 1000
MAX_WARD_LIMIT = 100_000
DOWNLOAD_CHUNK = 64 * 1024


def _not_found(what: str, **details: Any) -> InputError:
    return InputError("not_found", f"There is no such {what} in this session.", details=details)


def _check_id(value: str, what: str) -> str:
    if not valid_id(value):
        raise _not_found(what)
    return value


def _artifact_url(session_id: str, artifact_id: str) -> str:
    return f"/api/sessions/{session_id}/artifacts/{artifact_id}"


def _artifacts(session_id: str, items: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return [
        {
            "id": a["id"],
            "name": a.get("name"),
            "media_type": a.get("media_type"),
            "size": a.get("size"),
            "url": _artifact_url(session_id, a["id"]),
        }
        for a in items or []
    ]


# ---- sessions ------------------------------------------------------------------------------


@bp.post("/sessions")
def create_session() -> Response:
    from chatmrpt.service.sessions import create_session as new_session
    from chatmrpt.service.sessions import hash_token

    read_json(allowed=())
    record, token = new_session(get_runtime())
    sign_in(record["id"], hash_token(token))
    g.session_id = record["id"]
    body = {
        "id": record["id"],
        "token": token,
        "csrf_token": csrf_token(record["id"]),
        "created_at": record.get("created_at"),
        "expires_at": record.get("expires_at"),
    }
    return json_response(body, 201, {"Location": f"/api/sessions/{record['id']}"})


@bp.get(S)
@session_required
def get_session(session_id: str) -> Response:
    from chatmrpt.service.sessions import describe_session

    body = describe_session(get_runtime(), session_id)
    if g.auth_method == COOKIE:
        body["csrf_token"] = csrf_token(session_id)
    return json_response(body)


@bp.delete(S)
@session_required
def delete_session(session_id: str) -> Response:
    from chatmrpt.service.sessions import delete_session as remove

    remove(get_runtime(), session_id)
    sign_out(session_id)
    return json_response({"id": session_id, "deleted": True})


# ---- datasets ------------------------------------------------------------------------------


@bp.post(S + "/datasets")
@session_required
def add_dataset(session_id: str) -> Response:
    from chatmrpt.service.datasets import add_dataset as add

    files, fields = read_form(("table", "boundaries", "population", "urban"), ("sheet",),
                              required_files=("table",))
    sheet = fields.get("sheet") or None
    if sheet is not None and len(sheet) > 100:
        raise InputError(
            "invalid_parameter", "sheet must be a worksheet name of at most 100 characters."
        )
    table = files["table"]
    boundaries = files.get("boundaries")
    view = add(
        get_runtime(),
        session_id,
        table.read(),
        table.filename or "",
        boundaries.read() if boundaries is not None else None,
        (boundaries.filename or "") if boundaries is not None else None,
        sheet=sheet,
        **_optional_files(files, "population", "urban"),
    )
    status = 200 if view.get("reused") else 201
    location = f"/api/sessions/{session_id}/datasets/{view['dataset_id']}"
    return json_response(view, status, {"Location": location})


def prepare_view(record: dict[str, Any]) -> dict[str, Any]:
    export = (record.get("inputs") or {}).get("export") or {}
    return job_subject_view(record, "prepare_id", file=export.get("name"))


@bp.post(S + "/prepared-datasets")
@session_required
def submit_prepare(session_id: str) -> Response:
    from chatmrpt.service.prepare import PARAMS
    from chatmrpt.service.prepare import submit_prepare as submit

    files, fields = read_form(("export", "boundaries", "population", "urban"), PARAMS,
                              required_files=("export", "boundaries"))
    export, boundaries = files["export"], files["boundaries"]
    record = submit(
        get_runtime(),
        session_id,
        export.read(),
        export.filename or "",
        boundaries.read(),
        boundaries.filename or "",
        dict(fields),
        **_optional_files(files, "population", "urban"),
    )
    body = prepare_view(record)
    body["reused"] = bool(record.get("reused"))
    location = f"/api/sessions/{session_id}/prepared-datasets/{record['id']}"
    return json_response(body, 200 if body["reused"] else 202, {"Location": location})


@bp.get(S + "/prepared-datasets/<prepare_id>")
@session_required
def get_prepare(session_id: str, prepare_id: str) -> Response:
    from chatmrpt.service.prepare import get_prepare as fetch

    record = fetch(get_runtime(), session_id, _check_id(prepare_id, "prepared dataset"))
    return json_response(prepare_view(record))


def _optional_files(files: dict[str, Any], *roles: str) -> dict[str, Any]:
    """``{role: bytes, role_name: file name}`` for the optional file parts present."""
    out: dict[str, Any] = {}
    for role in roles:
        part = files.get(role)
        if part is not None:
            out[role] = part.read()
            out[f"{role}_name"] = part.filename or ""
    return out


@bp.get(S + "/datasets/<dataset_id>")
@session_required
def get_dataset(session_id: str, dataset_id: str) -> Response:
    from chatmrpt.service.datasets import dataset_view
    from chatmrpt.service.datasets import get_dataset as fetch

    record = fetch(get_runtime(), session_id, _check_id(dataset_id, "dataset"))
    body = dataset_view(record, reused=False)
    body.pop("reused", None)
    body["columns"] = (record.get("summary") or {}).get("columns", [])
    body["created_at"] = record.get("created_at")
    return json_response(body)


# ---- analyses ------------------------------------------------------------------------------

ANALYSIS_FIELDS = (
    "dataset_id",
    "variables",
    "directions",
    "methods",
    "normalization",
    "urban_thresholds",
    "pca_orientation",
    "aggregation",
    "tie_break",
)


def job_subject_view(record: dict[str, Any], id_field: str, **fields: Any) -> dict[str, Any]:
    """What clients see of work done by a job (an analysis, a TPR run): its id, status and
    progress; the error once failed; the summary and files once succeeded."""
    status = record.get("status")
    out = {
        id_field: record["id"],
        **fields,
        "params": record.get("params"),
        "status": status,
        "progress": record.get("progress"),
        "stage": record.get("stage"),
        "job_id": record.get("job_id"),
        "created_at": record.get("created_at"),
        "started_at": record.get("started_at"),
        "finished_at": record.get("finished_at"),
    }
    if status == FAILED:
        out["error"] = record.get("error")
    if status == SUCCEEDED:
        out["summary"] = record.get("summary")
        out["artifacts"] = _artifacts(record["session_id"], record.get("artifacts"))
    return out


def analysis_view(record: dict[str, Any]) -> dict[str, Any]:
    return job_subject_view(record, "analysis_id", dataset_id=record.get("dataset_id"))


@bp.post(S + "/analyses")
@session_required
def submit_analysis(session_id: str) -> Response:
    from chatmrpt.service.analyses import submit_analysis as submit

    data = read_json(ANALYSIS_FIELDS)
    dataset_id = expect_type(data, "dataset_id", str)
    expect_type(data, "variables", list, str)
    expect_type(data, "directions", dict, list)
    expect_type(data, "methods", list, str)
    expect_type(data, "normalization", str)
    expect_type(data, "urban_thresholds", list, str)
    expect_type(data, "pca_orientation", str)
    expect_type(data, "aggregation", str)
    expect_type(data, "tie_break", str)
    if dataset_id is not None:
        _check_id(dataset_id, "dataset")
    params = {k: v for k, v in data.items() if k != "dataset_id"}
    record, reused = submit(get_runtime(), session_id, dataset_id, params)
    body = analysis_view(record)
    body["reused"] = reused
    location = f"/api/sessions/{session_id}/analyses/{record['id']}"
    return json_response(body, 200 if reused else 202, {"Location": location})


@bp.get(S + "/analyses/<analysis_id>")
@session_required
def get_analysis(session_id: str, analysis_id: str) -> Response:
    from chatmrpt.service.analyses import get_analysis as fetch

    record = fetch(get_runtime(), session_id, _check_id(analysis_id, "analysis"))
    return json_response(analysis_view(record))


@bp.get(S + "/analyses/<analysis_id>/wards")
@session_required
def analysis_wards(session_id: str, analysis_id: str) -> Response:
    from chatmrpt.service.results import frame_records, load_unified

    _check_id(analysis_id, "analysis")
    fmt = query_choice("format", ("json", "csv"), "json")
    sort = query_choice("sort", WARD_SORTS, "composite_rank")
    order = query_choice("order", ("asc", "desc"), "asc")
    category = query_choice("category", CATEGORIES, "")
    offset = query_int("offset", 0, 0, 10_000_000) or 0
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
        text = page.to_csv(index=False, lineterminator="\n")
        name = f"wards_{analysis_id[:12]}.csv"
        return Response(
            text,
            mimetype="text/csv",
            headers={"Content-Disposition": content_disposition(name)},
        )
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


# ---- ITN plans, reprioritisation -----------------------------------------------------------

PLAN_FIELDS = (
    "analysis_id",
    "total_nets",
    "household_size",
    "urban_threshold",
    "method",
    "strategy",
    "max_ward_share",
    "people_per_net",
    "buffer",
    "bale_size",
    "fill_population",
    "rank_column",
    "rank_order",
)


def plan_view(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "plan_id": record["id"],
        "analysis_id": record.get("analysis_id"),
        "params": record.get("params"),
        "summary": record.get("summary"),
        "warnings": record.get("warnings", []),
        "artifacts": _artifacts(record["session_id"], record.get("artifacts")),
        "created_at": record.get("created_at"),
    }


@bp.post(S + "/itn-plans")
@session_required
def create_plan(session_id: str) -> Response:
    from chatmrpt.service.plans import create_plan as plan

    data = read_json(PLAN_FIELDS, required=("total_nets", "household_size"))
    analysis_id = expect_type(data, "analysis_id", str)
    expect_type(data, "total_nets", int, float, str, nullable=False)
    expect_type(data, "household_size", int, float, str, nullable=False)
    for name in ("urban_threshold", "max_ward_share", "people_per_net", "buffer", "bale_size"):
        expect_type(data, name, int, float, str)
    expect_type(data, "method", str)
    expect_type(data, "strategy", str)
    expect_type(data, "fill_population", int, float, str)
    expect_type(data, "rank_column", str)
    expect_type(data, "rank_order", str)
    if analysis_id is not None:
        _check_id(analysis_id, "analysis")
    params = {k: v for k, v in data.items() if k != "analysis_id"}
    record = plan(get_runtime(), session_id, params, analysis_id)
    body = plan_view(record)
    body["reused"] = bool(record.get("reused"))
    location = f"/api/sessions/{session_id}/itn-plans/{record['id']}"
    return json_response(body, 200 if body["reused"] else 201, {"Location": location})


@bp.get(S + "/itn-plans/<plan_id>")
@session_required
def get_plan(session_id: str, plan_id: str) -> Response:
    from chatmrpt.service.plans import get_plan as fetch
    from chatmrpt.service.plans import plan_wards

    offset = query_int("offset", 0, 0, 10_000_000) or 0
    limit = query_int("limit", DEFAULT_WARD_LIMIT, 1, MAX_WARD_LIMIT) or DEFAULT_WARD_LIMIT
    rt = get_runtime()
    record = fetch(rt, session_id, _check_id(plan_id, "ITN plan"))
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


def _reprioritization_view(result: dict[str, Any]) -> dict[str, Any]:
    return {
        "reprioritization_id": result["id"],
        "analysis_id": result.get("analysis_id"),
        "params": result.get("params"),
        "summary": result.get("summary"),
        "selected": result.get("selected", []),
        "excluded": result.get("excluded", []),
        "warnings": result.get("warnings", []),
        "parameters": result.get("parameters"),
        "artifacts": _artifacts(result["session_id"], result.get("artifacts")),
        "reused": bool(result.get("reused")),
        "created_at": result.get("created_at"),
    }


@bp.post(S + "/reprioritizations")
@session_required
def reprioritize(session_id: str) -> Response:
    from chatmrpt.service.urban import reprioritize as run

    data = read_json(("analysis_id", "thresholds", "target", "method", "rank_column",
                      "rank_order"))
    analysis_id = expect_type(data, "analysis_id", str)
    expect_type(data, "thresholds", list, str, int, float)
    expect_type(data, "target", int, float, str)
    expect_type(data, "method", str)
    expect_type(data, "rank_column", str)
    expect_type(data, "rank_order", str)
    if analysis_id is not None:
        _check_id(analysis_id, "analysis")
    result = run(
        get_runtime(),
        session_id,
        analysis_id,
        thresholds=data.get("thresholds"),
        target=data.get("target"),
        method=data.get("method"),
        rank_column=data.get("rank_column"),
        rank_order=data.get("rank_order"),
    )
    location = f"/api/sessions/{session_id}/reprioritizations/{result['id']}"
    return json_response(_reprioritization_view(result), 200, {"Location": location})


@bp.get(S + "/reprioritizations/<reprioritization_id>")
@session_required
def get_reprioritization(session_id: str, reprioritization_id: str) -> Response:
    from chatmrpt.service.urban import get_reprioritization as fetch

    _check_id(reprioritization_id, "reprioritisation")
    result = fetch(get_runtime(), session_id, reprioritization_id)
    return json_response(_reprioritization_view(result))


# ---- TPR -------------------------------------------------------------------------------------


def tpr_view(record: dict[str, Any]) -> dict[str, Any]:
    return job_subject_view(record, "tpr_id", file=(record.get("facility") or {}).get("name"))


@bp.post(S + "/tpr")
@session_required
def submit_tpr(session_id: str) -> Response:
    from chatmrpt.service.tpr import PARAMS
    from chatmrpt.service.tpr import submit_tpr as submit

    files, fields = read_form(("facility",), PARAMS, required_files=("facility",))
    facility = files["facility"]
    record = submit(get_runtime(), session_id, facility.read(), facility.filename or "", fields)
    body = tpr_view(record)
    body["reused"] = bool(record.get("reused"))
    location = f"/api/sessions/{session_id}/tpr/{record['id']}"
    return json_response(body, 200 if body["reused"] else 202, {"Location": location})


@bp.get(S + "/tpr/<tpr_id>")
@session_required
def get_tpr(session_id: str, tpr_id: str) -> Response:
    from chatmrpt.service.tpr import get_tpr as fetch

    record = fetch(get_runtime(), session_id, _check_id(tpr_id, "TPR run"))
    return json_response(tpr_view(record))


# ---- artifacts -------------------------------------------------------------------------------


@bp.get(S + "/artifacts")
@session_required
def list_artifacts(session_id: str) -> Response:
    records = get_runtime().store.list_artifacts(session_id)
    items = [
        {
            "id": a["id"],
            "name": a.get("name"),
            "media_type": a.get("media_type"),
            "size": a.get("size"),
            "sha256": a.get("sha256"),
            "produced_by": a.get("produced_by"),
            "created_at": a.get("created_at"),
            "url": _artifact_url(session_id, a["id"]),
        }
        for a in records
    ]
    return json_response({"artifacts": items})


def _etag_matches(sha256: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    tags = {t.strip().removeprefix("W/").strip('"') for t in header.split(",")}
    return sha256 in tags or "*" in tags


@bp.get(S + "/artifacts/<artifact_id>")
@session_required
def download_artifact(session_id: str, artifact_id: str) -> Response:
    from chatmrpt.artifacts import ArtifactMissing

    rt = get_runtime()
    record = rt.store.get_artifact(session_id, _check_id(artifact_id, "file"))
    if record is None:
        raise _not_found("file")
    sha = record["sha256"]
    headers = {
        "ETag": f'"{sha}"',
        # content-addressed: the bytes behind this URL never change; private: session data
        "Cache-Control": "private, max-age=31536000, immutable",
        "Content-Disposition": content_disposition(record.get("name") or "download"),
        # shown as a download, never run as a page of this site
        "Content-Security-Policy": "default-src 'none'; sandbox",
    }
    if _etag_matches(sha):
        return Response(status=304, headers=headers)
    try:
        stream = rt.artifacts.open(sha)
    except ArtifactMissing:
        raise _not_found("file") from None

    def chunks() -> Iterator[bytes]:
        try:
            while True:
                block = stream.read(DOWNLOAD_CHUNK)
                if not block:
                    return
                yield block
        finally:
            stream.close()

    response = Response(
        chunks(),
        mimetype=record.get("media_type") or "application/octet-stream",
        headers=headers,
        direct_passthrough=True,
    )
    if record.get("size") is not None:
        response.content_length = int(record["size"])
    return response


# ---- progress: server-sent events ------------------------------------------------------------


def _last_event_id() -> int:
    raw = request.headers.get("Last-Event-ID") or request.args.get("after") or "0"
    try:
        value = int(raw)
    except ValueError:
        raise InputError(
            "invalid_parameter", "Last-Event-ID (or after) must be a whole number."
        ) from None
    if value < 0 or value > 2**62:
        raise InputError("invalid_parameter", "Last-Event-ID (or after) is out of range.")
    return value


def _sse(entry: dict[str, Any]) -> str:
    data = json.dumps(entry, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    kind = str(entry.get("type") or "message").replace("\n", " ").replace("\r", " ")
    return f"id: {int(entry['seq'])}\nevent: {kind}\ndata: {data}\n\n"


@bp.get(S + "/events")
@session_required
def events(session_id: str) -> Response:
    """Job progress and completion of the session, from the store's event log.

    Each event's ``id`` is its sequence number, so a reconnecting browser (which sends
    ``Last-Event-ID``) gets exactly what it missed, from whichever worker answers.

    A worker holds at most ``SSE_HELD_STREAMS`` streams open at once (a few of its threads;
    the rest stay free for requests), each for at most ``SSE_MAX_SECONDS``. Beyond that the
    stream is answered at once: the events pending, then it ends with a ``retry:`` hint of
    about ``SSE_BUSY_RETRY_SECONDS`` (spread at random), after which the browser's
    EventSource connects again by itself: a cheap poll instead of a held thread.
    """
    after = _last_event_id()
    rt = get_runtime()
    config = current_app.config
    max_s = float(config["SSE_MAX_SECONDS"])
    poll_s = float(config["SSE_POLL_SECONDS"])
    beat_s = float(config["SSE_HEARTBEAT_SECONDS"])
    busy_retry_s = float(config["SSE_BUSY_RETRY_SECONDS"])
    slots = _stream_slots(current_app)

    def pending(last: int) -> Iterator[str]:
        for entry in rt.store.events(session_id, after=last, limit=100):
            yield _sse(entry)

    def stream() -> Iterator[str]:
        # the slot is taken when the body starts, and given back when it ends however it ends
        if not slots.acquire(blocking=False):
            retry_ms = int(busy_retry_s * random.uniform(0.75, 1.25) * 1000)
            yield f"retry: {max(retry_ms, 1000)}\n\n"
            try:
                yield from pending(after)
            except StoreUnavailable as exc:
                log.warning("event poll of a session failed: %s", exc.message)
            return
        try:
            yield from held(after)
        finally:
            slots.release()

    def held(last: int) -> Iterator[str]:
        start = last_write = time.monotonic()
        yield f"retry: {int(max(poll_s, 1.0) * 2000)}\n\n"
        while time.monotonic() - start < max_s:
            try:
                entries = rt.store.events(session_id, after=last, limit=100)
            except StoreUnavailable as exc:
                log.warning("event stream of a session ended: %s", exc.message)
                return
            if entries:
                for entry in entries:
                    last = int(entry["seq"])
                    yield _sse(entry)
                last_write = time.monotonic()
                continue
            if time.monotonic() - last_write >= beat_s:
                yield ": keep-alive\n\n"
                last_write = time.monotonic()
            time.sleep(poll_s)

    return Response(
        stream(),
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def _stream_slots(app: Any) -> threading.BoundedSemaphore:
    """This worker's slots for held event streams (``SSE_HELD_STREAMS``), made on first use."""
    slots = app.extensions.get(STREAM_SLOTS)
    if slots is None:
        with _slots_lock:
            slots = app.extensions.get(STREAM_SLOTS)
            if slots is None:
                held = max(int(app.config["SSE_HELD_STREAMS"]), 0)
                slots = app.extensions[STREAM_SLOTS] = threading.BoundedSemaphore(held)
    return slots


STREAM_SLOTS = "chatmrpt.event_stream_slots"
_slots_lock = threading.Lock()


# ---- the API's description -------------------------------------------------------------------


@bp.get("/openapi.json")
def openapi() -> Response:
    from chatmrpt.web.openapi import build_spec

    return json_response(build_spec(current_app), headers={"Cache-Control": "no-cache"})
