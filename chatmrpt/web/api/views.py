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

from typing import Any

from flask import Blueprint, Response, request

from chatmrpt.analysis.declarations import MAP_UNITS
from chatmrpt.errors import InputError
from chatmrpt.web.api.common import PREFIX, S, check_id, etag_matches, not_found
from chatmrpt.web.auth import session_required
from chatmrpt.web.inputs import query_int
from chatmrpt.web.responses import JSON_TYPE, media_type_kwargs
from chatmrpt.web.state import get_runtime

bp = Blueprint("views", __name__, url_prefix=PREFIX)

ANALYSIS_PLOTS = ("model_scores", "rank_comparison")
MAX_TEXT = 200
GEOJSON_TYPE = "application/geo+json"
# a map may change when a newer plan or reprioritisation is made: revalidate each time
REVALIDATE = "private, no-cache"
# a record's shapes never change
IMMUTABLE = "private, max-age=31536000, immutable"


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
    from chatmrpt.analysis.declarations import MapRequest

    raw = request.args.get("threshold")
    if raw is None or raw == "":
        return None
    return MapRequest.option("threshold").check(raw)


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
@session_required
def analysis_map(session_id: str, analysis_id: str, kind: str) -> Response:
    from chatmrpt.analysis.declarations import MAP_KINDS
    from chatmrpt.service.views import map_for

    check_id(analysis_id, "analysis")
    if kind not in MAP_KINDS:
        raise InputError(
            "not_found",
            f"There is no {kind[:40]!r} map; maps: {', '.join(MAP_KINDS)}.",
            details={"choices": list(MAP_KINDS)},
        )
    record, _ = map_for(
        get_runtime(),
        session_id,
        analysis_id,
        kind,
        variable=_query_text("variable"),
        threshold=_query_threshold(),
        plan_id=check_id(_query_text("plan_id"), "ITN plan"),
        reprioritization_id=check_id(_query_text("reprioritization_id"), "reprioritisation"),
        by_lga=_query_by() == "lga",
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
@session_required
def analysis_shapes(session_id: str, analysis_id: str) -> Response:
    from chatmrpt.service.views import ward_shapes

    check_id(analysis_id, "analysis")
    record = ward_shapes(get_runtime(), session_id, analysis_id)
    return stored_json(record, GEOJSON_TYPE, IMMUTABLE)


@bp.get(S + "/analyses/<analysis_id>/lga-shapes")
@session_required
def analysis_lga_shapes(session_id: str, analysis_id: str) -> Response:
    """The LGAs' outlines (GeoJSON lines, dissolved from the wards), drawn over maps."""
    from chatmrpt.service.views import lga_shapes

    check_id(analysis_id, "analysis")
    record = lga_shapes(get_runtime(), session_id, analysis_id)
    return stored_json(record, GEOJSON_TYPE, IMMUTABLE)


@bp.get(S + "/analyses/<analysis_id>/model-maps")
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
@session_required
def analysis_plot(session_id: str, analysis_id: str, kind: str) -> Response:
    from chatmrpt.service.views import model_boxplot, rank_comparison

    check_id(analysis_id, "analysis")
    if kind not in ANALYSIS_PLOTS:
        raise InputError(
            "not_found",
            f"There is no {kind[:40]!r} chart; charts: {', '.join(ANALYSIS_PLOTS)}.",
            details={"choices": list(ANALYSIS_PLOTS)},
        )
    rt = get_runtime()
    if kind == "model_scores":
        n = query_int("n", 20, 1, 100) or 20
        record = model_boxplot(rt, session_id, analysis_id, n)
    else:
        record = rank_comparison(rt, session_id, analysis_id)
    return stored_json(record, cache_control=IMMUTABLE)


@bp.get(S + "/itn-plans/<plan_id>/plots/coverage_by_lga")
@session_required
def plan_coverage_plot(session_id: str, plan_id: str) -> Response:
    from chatmrpt.service.views import itn_by_lga_plot

    check_id(plan_id, "ITN plan")
    record = itn_by_lga_plot(get_runtime(), session_id, plan_id)
    return stored_json(record, cache_control=IMMUTABLE)


# ---- the description of these routes -----------------------------------------------------


def _openapi_paths() -> dict[str, Any]:
    from chatmrpt.analysis.declarations import ExportRequest, MapRequest
    from chatmrpt.web.openapi import (
        ID,
        SESSION_PARAM,
        id_param,
        obj,
        ok,
        operation,
        option_schema,
        ref,
        request_schema,
    )

    def query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
        return {
            "name": name,
            "in": "query",
            "required": False,
            "schema": schema,
            "description": description,
        }

    etag = {
        "name": "If-None-Match",
        "in": "header",
        "required": False,
        "schema": {"type": "string"},
        "description": "The ETag of a copy the client holds: 304 when it is still current.",
    }
    analysis = id_param("analysis_id", "An analysis of the session.")
    not_modified = {"304": {"description": "The copy the client holds is current."}}
    plotly = {"type": "object", "additionalProperties": True}

    def declared(name: str) -> dict[str, Any]:
        schema = option_schema(MapRequest.option(name))
        schema.pop("nullable", None)
        return schema

    map_response = {
        "200": {
            "description": (
                "A ward map: {kind, title, subtitle, notes, geojson (the shapes' URL), "
                "wards, wards_shown, bounds, figure {data, layout}, config, lga_outlines "
                "(the LGA outlines' URL, when the wards have LGAs)}; draw it with "
                "Plotly.newPlot(div, figure.data, figure.layout, config)."
            ),
            "content": {JSON_TYPE: {"schema": plotly}},
        },
        **not_modified,
    }
    chart_response = {
        "200": {
            "description": "A chart: {title, subtitle, figure {data, layout}, config, ...}.",
            "content": {JSON_TYPE: {"schema": plotly}},
        },
        **not_modified,
    }
    export_body = {
        "required": True,
        "content": {
            JSON_TYPE: {
                "schema": request_schema(
                    ExportRequest, {"analysis_id": ID, "plan_id": ID}, required=("what",)
                )
            }
        },
    }
    return {
        "/api/sessions/{session_id}/demo": {
            "post": operation(
                "loadDemoData",
                "Add the server's demo ward table and boundaries to the session, as an "
                "upload would (404 when the server has none).",
                {
                    "200": ok("The same demo data was already added.", ref("Dataset")),
                    "201": ok("The demo data, added.", ref("Dataset")),
                },
                params=[SESSION_PARAM],
                errors=("413", "415", "422", "503"),
            )
        },
        "/api/sessions/{session_id}/analyses/{analysis_id}/maps/{kind}": {
            "get": operation(
                "getMap",
                "A ward map of a finished analysis as Plotly JSON (the shapes are fetched "
                "once from the URL in its traces). ETag and If-None-Match.",
                map_response,
                params=[
                    SESSION_PARAM,
                    analysis,
                    {
                        "name": "kind",
                        "in": "path",
                        "required": True,
                        "schema": declared("kind"),
                    },
                    query("variable", declared("variable"), "The variable to map (kind=variable)."),
                    query(
                        "threshold",
                        declared("threshold"),
                        "Urban share in percent (kind=urban; default 75).",
                    ),
                    query("plan_id", ID, "The ITN plan (kind=itn; default the latest)."),
                    query("reprioritization_id", ID, "The reprioritisation (kind=urban)."),
                    query(
                        "by",
                        {"type": "string", "enum": ["ward", "lga"]},
                        "kind=variable: each ward's value (ward, default) or each LGA's "
                        "average of its wards (lga).",
                    ),
                    etag,
                ],
                errors=("409", "422", "503"),
            )
        },
        "/api/sessions/{session_id}/analyses/{analysis_id}/shapes": {
            "get": operation(
                "getWardShapes",
                "The analysis' ward boundaries simplified for the browser (GeoJSON; about "
                "300 KB for a 500-ward state). Feature id = row of the unified dataset.",
                {
                    "200": {
                        "description": "A GeoJSON FeatureCollection.",
                        "content": {GEOJSON_TYPE: {"schema": plotly}},
                    },
                    **not_modified,
                },
                params=[SESSION_PARAM, analysis, etag],
                errors=("409", "422", "503"),
            )
        },
        "/api/sessions/{session_id}/analyses/{analysis_id}/lga-shapes": {
            "get": operation(
                "getLgaOutlines",
                "The LGAs' outlines dissolved from the analysis' wards (GeoJSON lines; "
                "properties name, rank by mean composite score, wards), made once and "
                "stored. Maps of wards with LGAs name this URL in lga_outlines.",
                {
                    "200": {
                        "description": "A GeoJSON FeatureCollection.",
                        "content": {GEOJSON_TYPE: {"schema": plotly}},
                    },
                    **not_modified,
                },
                params=[SESSION_PARAM, analysis, etag],
                errors=("409", "422", "503"),
            )
        },
        "/api/sessions/{session_id}/analyses/{analysis_id}/model-maps": {
            "get": operation(
                "getModelMaps",
                "Small multiples of the composite models: one small map per model (variable "
                "combination), titled with its variables, on one 0-1 scale (PNG; the first "
                "24 models when there are more). Made once and stored.",
                {
                    "200": {
                        "description": "A PNG picture.",
                        "content": {"image/png": {"schema": {"type": "string", "format": "binary"}}},
                    },
                    **not_modified,
                },
                params=[
                    SESSION_PARAM,
                    analysis,
                    query(
                        "columns",
                        {"type": "integer", "enum": [2, 4]},
                        "Small maps per row: 4 (default) or 2 (a phone).",
                    ),
                    etag,
                ],
                errors=("409", "422", "503"),
            )
        },
        "/api/sessions/{session_id}/figures/{artifact_id}": {
            "get": operation(
                "getFigure",
                "A stored map or chart (Plotly JSON) or ward shapes (GeoJSON) of the session, "
                "such as one a chat reply made, compressed for drawing; other files: 404.",
                {
                    "200": {
                        "description": "The stored JSON.",
                        "content": {
                            JSON_TYPE: {"schema": plotly},
                            GEOJSON_TYPE: {"schema": plotly},
                        },
                    },
                    **not_modified,
                },
                params=[SESSION_PARAM, id_param("artifact_id", "A file of the session."), etag],
                errors=("503",),
            )
        },
        "/api/sessions/{session_id}/analyses/{analysis_id}/plots/{kind}": {
            "get": operation(
                "getAnalysisChart",
                "A chart of a finished analysis: model_scores (box-and-whisker of the model "
                "scores of the top n wards) or rank_comparison (composite against PCA rank).",
                chart_response,
                params=[
                    SESSION_PARAM,
                    analysis,
                    {
                        "name": "kind",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "enum": list(ANALYSIS_PLOTS)},
                    },
                    query(
                        "n",
                        {"type": "integer", "minimum": 1, "maximum": 100},
                        "How many wards (model_scores; default 20).",
                    ),
                    etag,
                ],
                errors=("409", "422", "503"),
            )
        },
        "/api/sessions/{session_id}/itn-plans/{plan_id}/plots/coverage_by_lga": {
            "get": operation(
                "getPlanCoverageChart",
                "Nets needed and allocated per LGA of an ITN plan, as Plotly JSON.",
                chart_response,
                params=[SESSION_PARAM, id_param("plan_id", "An ITN plan of the session."), etag],
                errors=("422", "503"),
            )
        },
        "/api/sessions/{session_id}/exports": {
            "post": operation(
                "createExport",
                "A file to download: unified (csv, xlsx, geojson, geoparquet), rankings "
                "(csv, xlsx), itn_plan (csv, xlsx), report (html), map (html, png) or plot "
                "(png). Answers the stored file's record; GET its url to download.",
                {
                    "200": ok(
                        "The file's record.",
                        obj(
                            {"what": {"type": "string"}, "artifact": ref("Artifact")},
                            ("what", "artifact"),
                        ),
                    )
                },
                params=[SESSION_PARAM],
                body=export_body,
                errors=("409", "422", "503"),
            )
        },
    }


OPENAPI_PATHS = _openapi_paths()
