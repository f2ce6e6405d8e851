"""Maps, charts, downloads and the report of a finished analysis, as session artifacts.

Each view is a pure function of stored results (the analysis, a plan, a reprioritisation),
so it is stored content-addressed under a producer derived from those inputs: asking for
the same map twice, on any worker, finds the stored one instead of drawing it again.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chatmrpt.errors import InputError
from chatmrpt.service.artifacts import find_artifact, store_artifact
from chatmrpt.service.results import (
    analysis_metadata,
    content_id,
    finished_analysis,
    load_unified,
)
from chatmrpt.store.model import valid_id

if TYPE_CHECKING:
    import pandas as pd

    from chatmrpt.runtime import Runtime

PLOTLY_JSON = "application/vnd.plotly.v1+json"
GEOJSON = "application/geo+json"
HTML = "text/html"
PNG = "image/png"
MAP_KINDS = ("composite", "pca", "category", "consensus", "variable", "urban", "itn")
BYTES_PER_WARD = 600  # shapes budget: ~300 KB for a 500-ward state


def artifact_url(session_id: str, artifact_id: str) -> str:
    return f"/api/sessions/{session_id}/artifacts/{artifact_id}"


def _cached(rt: Runtime, session_id: str, producer: dict[str, Any], name: str,
            make) -> dict[str, Any]:
    found = find_artifact(rt, session_id, producer, name)
    if found is not None:
        return found
    data, media_type = make()
    return store_artifact(rt, session_id, data, name, media_type, producer)


def ward_shapes(rt: Runtime, session_id: str, analysis_id: str | None = None,
                unified: pd.DataFrame | None = None) -> dict[str, Any]:
    """The analysis' ward shapes, simplified for the browser (GeoJSON artifact)."""
    from chatmrpt.viz.geojson import geojson_bytes, simplify_for_web

    analysis = finished_analysis(rt, session_id, analysis_id)

    def make():
        frame = unified if unified is not None else load_unified(rt, session_id, analysis["id"])
        if "geometry" not in frame.columns:
            raise InputError("missing_column",
                             "This analysis has no ward boundaries, so it has no map. Upload "
                             "the boundaries with the ward table and run the analysis again.")
        budget = max(300_000, BYTES_PER_WARD * len(frame))
        return geojson_bytes(simplify_for_web(frame, budget)), GEOJSON

    return _cached(rt, session_id, {"kind": "shapes", "id": analysis["id"]}, "wards.geojson",
                   make)


def _plan_and_repri(rt: Runtime, session_id: str, kind: str, plan_id: str | None,
                    reprioritization_id: str | None):
    from chatmrpt.service.plans import get_plan, plan_wards
    from chatmrpt.service.sessions import require_session
    from chatmrpt.service.urban import get_reprioritization

    state = require_session(rt, session_id).get("state") or {}
    plan = repri = None
    if kind == "itn":
        pid = plan_id or state.get("last_plan")
        if not pid:
            raise InputError("invalid_request", "There is no ITN plan yet: plan the nets first.")
        record = get_plan(rt, session_id, pid)
        plan = {"wards": plan_wards(rt, record), "totals": record.get("totals"),
                "parameters": record.get("parameters"), "warnings": record.get("warnings")}
        plan_id = pid
    if kind == "urban":
        rid = reprioritization_id or state.get("last_reprioritization")
        if rid:
            repri = get_reprioritization(rt, session_id, rid)
            reprioritization_id = rid
    return plan, plan_id, repri, reprioritization_id


def map_for(rt: Runtime, session_id: str, analysis_id: str | None, what: str, *,
            variable: str | None = None, threshold: float | None = None,
            plan_id: str | None = None,
            reprioritization_id: str | None = None) -> tuple[dict[str, Any], str]:
    """(artifact record of the map's Plotly JSON, its title)."""
    from chatmrpt.viz.maps import map_figure

    if what not in MAP_KINDS:
        raise InputError("invalid_parameter", f"Unknown map {what!r}; choose one of "
                         f"{', '.join(MAP_KINDS)}.")
    for ident in (plan_id, reprioritization_id):
        if ident is not None and not valid_id(ident):
            raise InputError("not_found", "There is no such plan in this session.")
    analysis = finished_analysis(rt, session_id, analysis_id)
    plan, plan_id, repri, reprioritization_id = _plan_and_repri(
        rt, session_id, what, plan_id, reprioritization_id)
    key = content_id("map", analysis=analysis["id"], what=what, variable=variable,
                     threshold=threshold, plan=plan_id, reprioritization=reprioritization_id)
    producer = {"kind": "map", "id": key}
    name = f"map_{what}.json"
    found = find_artifact(rt, session_id, producer, name)
    if found is not None:
        return found, found.get("title") or _title_of(rt, found)
    unified = load_unified(rt, session_id, analysis["id"])
    shapes = ward_shapes(rt, session_id, analysis["id"], unified)
    figure = map_figure(unified, what, variable=variable, threshold=threshold, plan=plan,
                        reprioritization=repri,
                        geojson=artifact_url(session_id, shapes["id"]))
    record = store_artifact(rt, session_id, json.dumps(figure, allow_nan=False).encode(), name,
                            PLOTLY_JSON, producer)
    return record, figure["title"]


def _title_of(rt: Runtime, record: dict[str, Any]) -> str:
    try:
        return json.loads(rt.artifacts.read_bytes(record["sha256"]))["title"]
    except (KeyError, ValueError):
        return record.get("name", "map")


def rank_comparison(rt: Runtime, session_id: str, analysis_id: str | None = None
                    ) -> dict[str, Any]:
    from chatmrpt.viz.plots import rank_comparison_plot

    analysis = finished_analysis(rt, session_id, analysis_id)
    return _cached(rt, session_id, {"kind": "plot", "id": analysis["id"]},
                   "rank_comparison.json",
                   lambda: (json.dumps(rank_comparison_plot(
                       load_unified(rt, session_id, analysis["id"]))).encode(), PLOTLY_JSON))


def model_boxplot(rt: Runtime, session_id: str, analysis_id: str | None = None,
                  n: int = 20) -> dict[str, Any]:
    """Box-and-whisker of the top ``n`` wards' model scores, recomputed from the
    normalised values and the model list (cheaper than reading every model score)."""
    from chatmrpt.viz.plots import model_score_boxplot

    analysis = finished_analysis(rt, session_id, analysis_id)
    n = max(1, min(int(n), 100))

    def make():
        scores, labels, ranks = _top_model_scores(rt, session_id, analysis, n)
        return json.dumps(model_score_boxplot(scores, labels, n, ranks=ranks)).encode(), PLOTLY_JSON

    return _cached(rt, session_id, {"kind": "plot", "id": analysis["id"]},
                   f"model_scores_top{n}.json", make)


def _top_model_scores(rt: Runtime, session_id: str, analysis: dict[str, Any], n: int):
    import numpy as np

    from chatmrpt.analysis import composite as comp

    unified = load_unified(rt, session_id, analysis["id"])
    variables = [v["name"] for v in (analysis.get("summary") or {}).get("variables", [])]
    order = np.argsort(unified["composite_rank"].to_numpy())[:n]
    normalized = unified[[f"normalized_{v}" for v in variables]].to_numpy(dtype=float)[order]
    models = comp.enumerate_models(variables)
    import pandas as pd

    scores = pd.DataFrame(normalized @ comp.model_weights(variables, models),
                          columns=comp.model_ids(len(models)))
    labels = unified["WardName"].astype(str).to_numpy()[order].tolist()
    ranks = unified["composite_rank"].to_numpy()[order].tolist()
    return scores, labels, ranks


def itn_by_lga_plot(rt: Runtime, session_id: str, plan_id: str | None = None) -> dict[str, Any]:
    from chatmrpt.viz.plots import itn_coverage_by_lga

    plan, plan_id, _, _ = _plan_and_repri(rt, session_id, "itn", plan_id, None)
    from chatmrpt.service.plans import get_plan

    record = get_plan(rt, session_id, plan_id)
    return _cached(rt, session_id, {"kind": "plot", "id": plan_id}, "itn_by_lga.json",
                   lambda: (json.dumps(itn_coverage_by_lga(record.get("by_lga") or [])).encode(),
                            PLOTLY_JSON))


EXPORT_KINDS = ("unified", "rankings", "itn_plan", "report", "map")
RANKING_COLUMNS = ("WardName", "WardCode", "LGA", "LGACode", "composite_score", "composite_rank",
                   "composite_category", "pca_score", "pca_rank", "pca_category",
                   "rank_difference", "consensus_category")


def export(rt: Runtime, session_id: str, what: str = "unified", fmt: str | None = None, *,
           analysis_id: str | None = None, map_kind: str = "composite") -> dict[str, Any]:
    """A download of a result in a format, stored as an artifact of the session."""
    from chatmrpt.viz import exports

    if what not in EXPORT_KINDS:
        raise InputError("invalid_parameter", f"Unknown export {what!r}; choose one of "
                         f"{', '.join(EXPORT_KINDS)}.")
    analysis = finished_analysis(rt, session_id, analysis_id)
    state = (rt.store.get_session(session_id) or {}).get("state") or {}
    if what == "unified":
        fmt = fmt or "csv"
        producer = {"kind": "export", "id": analysis["id"]}
        ext = {"csv": "csv", "xlsx": "xlsx", "geojson": "geojson",
               "geoparquet": "geoparquet"}.get(fmt)
        if ext is None:
            raise InputError("invalid_parameter", f"The unified dataset can be downloaded as "
                             f"csv, xlsx, geojson or geoparquet, not {fmt!r}.")

        def make():
            data, media, _ = exports.export_unified(load_unified(rt, session_id, analysis["id"]),
                                                    fmt)
            return data, media

        return _cached(rt, session_id, producer, f"unified_dataset.{ext}", make)
    if what == "rankings":
        fmt = fmt or "csv"
        if fmt not in ("csv", "xlsx"):
            raise InputError("invalid_parameter", "Rankings can be downloaded as csv or xlsx.")

        def make_rankings():
            unified = load_unified(rt, session_id, analysis["id"])
            cols = [c for c in RANKING_COLUMNS if c in unified.columns]
            table = unified[cols].sort_values("composite_rank")
            data, media, _ = exports.export_unified(table, fmt, basename="rankings")
            return data, media

        return _cached(rt, session_id, {"kind": "export", "id": analysis["id"]},
                       f"rankings.{fmt}", make_rankings)
    if what == "itn_plan":
        from chatmrpt.service.plans import get_plan, plan_wards

        pid = state.get("last_plan")
        if not pid:
            raise InputError("invalid_request", "There is no ITN plan yet: plan the nets first.")
        record = get_plan(rt, session_id, pid)
        fmt = fmt or "csv"
        if fmt not in ("csv", "xlsx"):
            raise InputError("invalid_parameter", "The ITN plan can be downloaded as csv or xlsx.")

        def make_plan():
            import pandas as pd

            data, media, _ = exports.export_unified(pd.DataFrame(plan_wards(rt, record)), fmt,
                                                    basename="itn_plan")
            return data, media

        return _cached(rt, session_id, {"kind": "export", "id": pid}, f"itn_plan.{fmt}",
                       make_plan)
    if what == "report":
        return report(rt, session_id, analysis["id"])
    # a map, as a stand-alone page or a picture
    fmt = fmt or "html"
    return map_file(rt, session_id, analysis["id"], map_kind, fmt)


def map_file(rt: Runtime, session_id: str, analysis_id: str, kind: str, fmt: str,
             ) -> dict[str, Any]:
    """A map as a PNG picture or a stand-alone HTML page (shapes embedded, no scripts
    fetched from the internet: plotly.js is inlined)."""
    if fmt not in ("png", "html"):
        raise InputError("invalid_parameter", "Maps can be downloaded as png or html.")
    plan, plan_id, repri, rid = _plan_and_repri(rt, session_id, kind, None, None)
    key = content_id("mapfile", analysis=analysis_id, kind=kind, plan=plan_id,
                     reprioritization=rid)

    def make():
        unified = load_unified(rt, session_id, analysis_id)
        if fmt == "png":
            from chatmrpt.viz.png import map_png

            return map_png(unified, kind, plan=plan, reprioritization=repri), PNG
        return _standalone_map(unified, kind, plan, repri), HTML

    return _cached(rt, session_id, {"kind": "export", "id": key}, f"map_{kind}.{fmt}", make)


def _standalone_map(unified, kind: str, plan, repri) -> bytes:
    import html as html_lib

    from plotly.offline import get_plotlyjs

    from chatmrpt.viz.geojson import simplify_for_web
    from chatmrpt.viz.maps import embed_geometry, map_figure

    figure = embed_geometry(map_figure(unified, kind, plan=plan, reprioritization=repri),
                            simplify_for_web(unified, max(300_000, BYTES_PER_WARD * len(unified))))
    payload = json.dumps(figure, allow_nan=False).replace("</", "<\\/")
    title = html_lib.escape(figure["title"])
    page = (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{title}</title><style>html,body{{margin:0;height:100%}}#map{{height:100vh}}"
        "</style></head><body><div id=\"map\"></div>"
        f"<script>{get_plotlyjs()}</script>"
        f"<script type=\"application/json\" id=\"spec\">{payload}</script>"
        "<script>var m=JSON.parse(document.getElementById('spec').textContent);"
        "Plotly.newPlot('map',m.figure.data,m.figure.layout,m.config);</script>"
        "</body></html>"
    )
    return page.encode("utf-8")


def report(rt: Runtime, session_id: str, analysis_id: str | None = None) -> dict[str, Any]:
    """The printable HTML report of an analysis (with the latest plan and reprioritisation)."""
    from chatmrpt.viz.report import render_report

    analysis = finished_analysis(rt, session_id, analysis_id)
    state = (rt.store.get_session(session_id) or {}).get("state") or {}
    plan_id = state.get("last_plan")
    rid = state.get("last_reprioritization")
    plan = repri = None
    if plan_id:
        plan, plan_id, _, _ = _plan_and_repri(rt, session_id, "itn", plan_id, None)
        plan_rec = rt.store.get_plan(session_id, plan_id) or {}
        if plan_rec.get("analysis_id") != analysis["id"]:
            plan = plan_id = None
    if rid:
        _, _, repri, rid = _plan_and_repri(rt, session_id, "urban", None, rid)
        if (repri or {}).get("analysis_id") != analysis["id"]:
            repri = rid = None
    key = content_id("report", analysis=analysis["id"], plan=plan_id, reprioritization=rid)

    def make():
        unified = load_unified(rt, session_id, analysis["id"])
        meta = analysis_metadata(rt, analysis) or {}
        scores, _, _ = _top_model_scores(rt, session_id, analysis, 20)
        html = render_report(unified, meta, plan=plan, reprioritization=repri,
                             model_scores=scores)
        return html.encode("utf-8"), HTML

    return _cached(rt, session_id, {"kind": "report", "id": key}, "report.html", make)


def resubmit_tpr(rt: Runtime, session_id: str, params: dict[str, Any]) -> dict[str, Any]:
    """TPR again from the session's last facility export, with other parameters."""
    from chatmrpt.service.sessions import require_session
    from chatmrpt.service.tpr import get_tpr, submit_tpr

    state = require_session(rt, session_id).get("state") or {}
    last = state.get("last_tpr")
    if not last:
        raise InputError("invalid_request", "Upload a facility export (DHIS2) first; then I "
                         "can compute test positivity rates from it.")
    previous = get_tpr(rt, session_id, last)
    facility = previous.get("facility") or {}
    data = rt.artifacts.read_bytes(facility["sha256"])
    merged = {**(previous.get("params") or {}), **{k: v for k, v in params.items() if v}}
    return submit_tpr(rt, session_id, data, facility.get("name", "facility.csv"), merged)
