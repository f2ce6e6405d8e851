"""Result views for the browser and for scripts: maps, shapes and charts.

Every view here is a stored artifact of the session, made on first request by
``chatmrpt.service.views`` and found again afterwards (content addressed), so any worker
can answer and a repeated request costs one store lookup:

* ``GET …/analyses/{id}/maps/{kind}`` — a ward map as Plotly JSON (``viz.maps``), whose
  traces reference the simplified ward shapes by URL. ``ETag`` is the map's content hash;
  ``If-None-Match`` answers 304, so switching back to a map costs no download.
* ``GET …/analyses/{id}/shapes`` — those shapes (GeoJSON, about 300 KB for 500 wards).
* ``GET …/figures/{artifact_id}`` — a stored map or chart, such as one a chat reply made.
* ``GET …/analyses/{id}/plots/{kind}`` and ``GET …/itn-plans/{id}/plots/coverage_by_lga``
  — charts as Plotly JSON.

These answers are compressed by the app-wide gzip step of ``chatmrpt.web.pages``; the
plain download of any stored file stays ``/artifacts/{id}``, byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, request

from chatmrpt.analysis.declarations import MAP_UNITS, PLOT_KINDS, MapRequest
from chatmrpt.errors import InputError
from chatmrpt.web import urls
from chatmrpt.web.api.common import PREFIX, S, check_choice, check_id, etag_matches, not_found
from chatmrpt.web.auth import session_required
from chatmrpt.web.inputs import Query
from chatmrpt.web.openapi import ETAG_HEADER, NOT_MODIFIED, documented, option_param
from chatmrpt.web.responses import JSON_TYPE, media_type_kwargs
from chatmrpt.web.state import get_runtime

bp = Blueprint("views", __name__, url_prefix=PREFIX)

KIND = MapRequest.option("kind")
# the charts of an analysis; an ITN plan's chart has a route of its own
ANALYSIS_PLOTS = tuple(k for k in PLOT_KINDS if k != "itn_by_lga")
MAX_TEXT = 200
GEOJSON_TYPE = "application/geo+json"
# a map may change when a newer plan or reprioritisation is made: revalidate each time
REVALIDATE = "private, no-cache"
# a record's shapes never change
IMMUTABLE = "private, max-age=31536000, immutable"
PLAN = Query("plan_id", "The ITN plan (kind=itn; default the latest).", max_length=MAX_TEXT)
REPRIORITIZATION = Query("reprioritization_id", "The reprioritisation (kind=urban).",
                         max_length=MAX_TEXT)
MODELS = Query("n", "How many wards (model_scores).", minimum=1, maximum=100, default=20)
BY = {
    "name": "by", "in": "query", "required": False,
    "schema": {"type": "string", "enum": list(MAP_UNITS)},
    "description": "kind=variable: each ward's value (ward, default) or each LGA's average of "
                   "its wards (lga).",
}  # fmt: skip
COLUMNS = {
    "name": "columns", "in": "query", "required": False,
    "schema": {"type": "integer", "enum": [2, 4]},
    "description": "Small maps per row: 4 (default) or 2 (a phone).",
}  # fmt: skip
PLOTLY = {"type": "object", "additionalProperties": True}
MAP_RESPONSE = {
    "200": {
        "description": (
            "A ward map: {kind, title, subtitle, notes, geojson (the shapes' URL), wards, "
            "wards_shown, bounds, figure {data, layout}, config, lga_outlines (the LGA "
            "outlines' URL, when the wards have LGAs)}; draw it with Plotly.newPlot(div, "
            "figure.data, figure.layout, config)."
        ),
        "content": {JSON_TYPE: {"schema": PLOTLY}},
    },
}
CHART_RESPONSE = {
    "200": {
        "description": "A chart: {title, subtitle, figure {data, layout}, config, ...}.",
        "content": {JSON_TYPE: {"schema": PLOTLY}},
    },
}
SHAPES_RESPONSE = {
    "200": {
        "description": "A GeoJSON FeatureCollection.",
        "content": {GEOJSON_TYPE: {"schema": PLOTLY}},
    },
}


def _query_text(name: str) -> str | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if len(raw) > MAX_TEXT:
        raise InputError(
            "invalid_parameter",
            f"{name} is too long (at most {MAX_TEXT} characters).",
            details={"parameter": name},
        )
    return raw


def _query_threshold() -> float | None:
    raw = request.args.get("threshold")
    if raw is None or raw == "":
        return None
    return MapRequest.option("threshold").check(raw)


def stored_view(
    op_id: str,
    summary: str,
    responses: dict[str, Any],
    *,
    errors: tuple[str, ...] = ("409", "422", "503"),
    **described: Any,
) -> Callable[[Callable], Callable]:
    """``documented`` for a view that answers with :func:`stored_json`: ``responses`` and
    304 Not Modified, the ETag header, and ``errors``."""
    return documented(
        op_id, summary, {**responses, **NOT_MODIFIED}, headers=(ETAG_HEADER,), errors=errors,
        **described,
    )  # fmt: skip


def stored_json(
    record: dict[str, Any], media_type: str = JSON_TYPE, cache_control: str = REVALIDATE
) -> Response:
    """An artifact's bytes as they are stored (no parsing), with its content hash as ETag."""
    sha = record["sha256"]
    headers = {
        "ETag": f'"{sha}"',
        "Cache-Control": cache_control,
        "X-Artifact-Id": record["id"],
    }
    if etag_matches(sha):
        return Response(status=304, headers=headers)
    from chatmrpt.artifacts import ArtifactMissing

    try:
        data = get_runtime().artifacts.read_bytes(sha)
    except ArtifactMissing:
        raise not_found("file") from None
    return Response(data, headers=headers, **media_type_kwargs(media_type))


# ---- maps and shapes ---------------------------------------------------------------------


@bp.get(S + "/analyses/<analysis_id>/maps/<kind>")
@stored_view(
    "getMap",
    "A ward map of a finished analysis as Plotly JSON (the shapes are fetched once from the "
    "URL in its traces). ETag and If-None-Match.",
    MAP_RESPONSE,
    path={"kind": option_param(KIND, "path")},
    query=(
        option_param(MapRequest.option("variable")),
        option_param(MapRequest.option("threshold")),
        PLAN,
        REPRIORITIZATION,
        BY,
    ),
)
@session_required
def analysis_map(session_id: str, analysis_id: str, kind: str) -> Response:
    from chatmrpt.service.views import map_for

    check_id(analysis_id, "analysis")
    check_choice(kind, KIND.choices, "map")
    record, _ = map_for(
        get_runtime(),
        session_id,
        analysis_id,
        kind,
        variable=_query_text("variable"),
        threshold=_query_threshold(),
        plan_id=check_id(PLAN.read(), "ITN plan"),
        reprioritization_id=check_id(REPRIORITIZATION.read(), "reprioritisation"),
        by_lga=_query_by() == "lga",
        links=urls.link,
    )
    return stored_json(record)


def _query_by() -> str:
    """``by``: ward (default) or lga, for a variable map averaged per LGA."""
    by = (_query_text("by") or "ward").lower()
    if by not in MAP_UNITS:
        raise InputError(
            "invalid_parameter",
            "'by' must be ward or lga: a variable per ward, or averaged per LGA.",
            details={"parameter": "by", "choices": list(MAP_UNITS)},
        )
    return by


@bp.get(S + "/analyses/<analysis_id>/shapes")
@stored_view(
    "getWardShapes",
    "The analysis' ward boundaries simplified for the browser (GeoJSON; about 300 KB for a "
    "500-ward state). Feature id = row of the unified dataset.",
    SHAPES_RESPONSE,
)
@session_required
def analysis_shapes(session_id: str, analysis_id: str) -> Response:
    from chatmrpt.service.views import ward_shapes
    from chatmrpt.viz.geojson import ClientGone

    check_id(analysis_id, "analysis")
    try:
        record = ward_shapes(get_runtime(), session_id, analysis_id, client_gone=client_gone)
    except ClientGone:
        return Response(status=499)  # nobody is listening: nothing computed, nothing sent
    return stored_json(record, GEOJSON_TYPE, IMMUTABLE)


def client_gone() -> bool:
    """True when the client of this request has closed its connection (under Gunicorn,
    whose socket is in the WSGI environment; never under other servers)."""
    import select
    import socket

    sock = request.environ.get("gunicorn.socket")
    if sock is None:
        return False
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        return bool(readable) and sock.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True


@bp.get(S + "/analyses/<analysis_id>/lga-shapes")
@stored_view(
    "getLgaOutlines",
    "The LGAs' outlines dissolved from the analysis' wards (GeoJSON lines; properties name, "
    "rank by mean composite score, wards), made once and stored. Maps of wards with LGAs "
    "name this URL in lga_outlines.",
    SHAPES_RESPONSE,
)
@session_required
def analysis_lga_shapes(session_id: str, analysis_id: str) -> Response:
    """The LGAs' outlines (GeoJSON lines, dissolved from the wards), drawn over maps."""
    from chatmrpt.service.views import lga_shapes

    check_id(analysis_id, "analysis")
    record = lga_shapes(get_runtime(), session_id, analysis_id)
    return stored_json(record, GEOJSON_TYPE, IMMUTABLE)


@bp.get(S + "/analyses/<analysis_id>/model-maps")
@stored_view(
    "getModelMaps",
    "Small multiples of the composite models: one small map per model (variable combination), "
    "titled with its variables, on one 0-1 scale (PNG; the first 24 models when there are "
    "more). Made once and stored.",
    {
        "200": {
            "description": "A PNG picture.",
            "content": {"image/png": {"schema": {"type": "string", "format": "binary"}}},
        },
    },
    query=(COLUMNS,),
)
@session_required
def analysis_model_maps(session_id: str, analysis_id: str) -> Response:
    """One small map per composite model, titled with its variables (PNG)."""
    from chatmrpt.service.views import model_maps

    check_id(analysis_id, "analysis")
    columns = _query_text("columns") or "4"
    number = int(columns) if columns.isdigit() and len(columns) < 3 else 0
    record = model_maps(get_runtime(), session_id, analysis_id, number)
    return stored_json(record, "image/png", IMMUTABLE)


@bp.get(S + "/figures/<artifact_id>")
@stored_view(
    "getFigure",
    "A stored map or chart (Plotly JSON) or ward shapes (GeoJSON) of the session, such as one "
    "a chat reply made, compressed for drawing; other files: 404.",
    {
        "200": {
            "description": "The stored JSON.",
            "content": {JSON_TYPE: {"schema": PLOTLY}, GEOJSON_TYPE: {"schema": PLOTLY}},
        },
    },
    errors=("503",),
)
@session_required
def stored_figure(session_id: str, artifact_id: str) -> Response:
    """A stored map or chart (Plotly JSON) or ward shapes (GeoJSON) of the session, e.g.
    one a chat reply made, as the page draws it: compressed, cached for good (an artifact's
    id changes with its content). ``/artifacts/{id}`` sends the same file as a download."""
    from chatmrpt.service.views import GEOJSON, PLOTLY_JSON

    check_id(artifact_id, "map or chart")
    record = get_runtime().store.get_artifact(session_id, artifact_id)
    if record is None or record.get("media_type") not in (PLOTLY_JSON, GEOJSON):
        raise not_found("map or chart")
    media_type = GEOJSON_TYPE if record["media_type"] == GEOJSON else JSON_TYPE
    return stored_json(record, media_type, IMMUTABLE)


# ---- charts ------------------------------------------------------------------------------


@bp.get(S + "/analyses/<analysis_id>/plots/<kind>")
@stored_view(
    "getAnalysisChart",
    "A chart of a finished analysis: model_scores (box-and-whisker of the model scores of the "
    "top n wards) or rank_comparison (composite against PCA rank).",
    CHART_RESPONSE,
    path={"kind": {"schema": {"type": "string", "enum": list(ANALYSIS_PLOTS)}}},
    query=(MODELS,),
)
@session_required
def analysis_plot(session_id: str, analysis_id: str, kind: str) -> Response:
    from chatmrpt.service.views import model_boxplot, rank_comparison

    check_id(analysis_id, "analysis")
    check_choice(kind, ANALYSIS_PLOTS, "chart")
    rt = get_runtime()
    if kind == "model_scores":
        n = MODELS.read() or 20
        record = model_boxplot(rt, session_id, analysis_id, n)
    else:
        record = rank_comparison(rt, session_id, analysis_id)
    return stored_json(record, cache_control=IMMUTABLE)


@bp.get(S + "/itn-plans/<plan_id>/plots/coverage_by_lga")
@stored_view(
    "getPlanCoverageChart",
    "Nets needed and allocated per LGA of an ITN plan, as Plotly JSON.",
    CHART_RESPONSE,
    errors=("422", "503"),
)
@session_required
def plan_coverage_plot(session_id: str, plan_id: str) -> Response:
    from chatmrpt.service.views import itn_by_lga_plot

    check_id(plan_id, "ITN plan")
    record = itn_by_lga_plot(get_runtime(), session_id, plan_id)
    return stored_json(record, cache_control=IMMUTABLE)
