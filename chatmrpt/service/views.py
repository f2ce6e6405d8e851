"""Maps, charts, downloads and the report of a finished analysis, as session artifacts.

Each view is a pure function of stored results (the analysis, a plan, a reprioritisation),
so it is stored content-addressed under a producer derived from those inputs: asking for
the same map twice, on any worker, finds the stored one instead of drawing it again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd

from chatmrpt.analysis import composite as comp
from chatmrpt.analysis.dataset import LGA, LGA_CODE
from chatmrpt.analysis.declarations import (
    EXPORT_FORMATS_BY_KIND,
    MODEL_MAP_COLUMNS,
    PLOT_KINDS,
    ExportRequest,
    MapRequest,
)
from chatmrpt.analysis.filenames import ITN_PLAN, UNIFIED
from chatmrpt.errors import InputError
from chatmrpt.jobs.analysis import (
    GEOJSON,
    SHAPES_NAME,
    shapes_producer,
    ward_shapes_bytes,
    web_shapes,
)
from chatmrpt.service.artifacts import find_artifact, store_artifact
from chatmrpt.service.pictures import chart_key, kept_picture, lga_names_digest, picture_key
from chatmrpt.service.plans import get_plan, plan_wards
from chatmrpt.service.results import (
    analysis_metadata,
    content_id,
    finished_analysis,
    load_unified,
)
from chatmrpt.service.sessions import require_session
from chatmrpt.service.tpr import get_tpr, submit_tpr
from chatmrpt.service.urban import get_reprioritization
from chatmrpt.store.model import valid_id
from chatmrpt.viz import exports, png
from chatmrpt.viz.geojson import (
    compute_once,
    geojson_bytes,
    lga_outlines,
    require_boundaries,
)
from chatmrpt.viz.layers import lga_labels
from chatmrpt.viz.maps import embed_geometry, map_figure
from chatmrpt.viz.plots import itn_coverage_by_lga, model_score_boxplot, rank_comparison_plot
from chatmrpt.viz.png import map_png, model_maps_png
from chatmrpt.viz.report import render_report

if TYPE_CHECKING:
    import pandas as pd

    from chatmrpt.runtime import Runtime

PLOTLY_JSON = "application/vnd.plotly.v1+json"
HTML = "text/html"
PNG = "image/png"


# (kind, session id, record id) -> URL; the web's ``chatmrpt.web.urls.link``. A map names
# the analysis' "shapes" (one URL per analysis, so the browser fetches them once for all
# its maps) and "lga_shapes" by URL.
Links = Callable[[str, str, str], str]


def _cached(
    rt: Runtime, session_id: str, producer: dict[str, Any], name: str, make
) -> dict[str, Any]:
    found = find_artifact(rt, session_id, producer, name)
    if found is not None:
        return found
    data, media_type = make()
    return store_artifact(rt, session_id, data, name, media_type, producer)


def ward_shapes(
    rt: Runtime,
    session_id: str,
    analysis_id: str | None = None,
    unified: pd.DataFrame | None = None,
    client_gone=None,
) -> dict[str, Any]:
    """The analysis' ward shapes, simplified for the browser (GeoJSON artifact).

    The analysis job stores them; for an analysis made before it did, the first request
    computes them — one request at a time across workers (``compute_once``), and none
    whose client has gone (``client_gone()``).
    """
    analysis = finished_analysis(rt, session_id, analysis_id)
    producer = shapes_producer(analysis["id"])
    dataset = rt.store.get_dataset(session_id, analysis.get("dataset_id") or "")
    if unified is None and dataset is not None and not (
        (dataset.get("summary") or {}).get("has_boundaries")
    ):
        require_boundaries(pd.DataFrame())  # refused before anyone waits to compute it

    def make():
        frame = unified if unified is not None else load_unified(rt, session_id, analysis["id"])
        return store_artifact(rt, session_id, ward_shapes_bytes(frame), SHAPES_NAME, GEOJSON,
                              producer)

    return compute_once(
        rt.store,
        f"shapes:{session_id}:{analysis['id']}",
        lambda: find_artifact(rt, session_id, producer, SHAPES_NAME),
        make,
        client_gone=client_gone,
    )


def lga_shapes(
    rt: Runtime,
    session_id: str,
    analysis_id: str | None = None,
    unified: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The analysis' LGA outlines, dissolved from the wards once and stored (GeoJSON)."""
    analysis = finished_analysis(rt, session_id, analysis_id)

    def make():
        frame = unified if unified is not None else load_unified(rt, session_id, analysis["id"])
        require_boundaries(frame)
        return geojson_bytes(lga_outlines(frame)), GEOJSON

    return _cached(rt, session_id, {"kind": "shapes", "id": analysis["id"]}, "lgas.geojson", make)


def _plan_and_repri(
    rt: Runtime, session_id: str, kind: str, plan_id: str | None, reprioritization_id: str | None
):
    state = require_session(rt, session_id).get("state") or {}
    plan = repri = None
    if kind == "itn":
        pid = plan_id or state.get("last_plan")
        if not pid:
            raise InputError("invalid_request", "There is no ITN plan yet: plan the nets first.")
        record = get_plan(rt, session_id, pid)
        plan = {
            "wards": plan_wards(rt, record),
            "totals": record.get("totals"),
            "parameters": record.get("parameters"),
            "warnings": record.get("warnings"),
        }
        plan_id = pid
    if kind == "urban":
        rid = reprioritization_id or state.get("last_reprioritization")
        if rid:
            repri = get_reprioritization(rt, session_id, rid)
            reprioritization_id = rid
    return plan, plan_id, repri, reprioritization_id


def map_params(
    what: str, variable: str | None = None, threshold: Any = None
) -> tuple[str | None, float | None]:
    """The options a map of kind ``what`` depends on, normalised.

    A variable only matters to the variable map and a threshold only to the urban map, so
    asking for the composite map "with threshold 50" finds the same stored map, and "50",
    50 and 50.0 are one threshold.
    """
    MapRequest.option("kind").check(what)
    if what == "variable":
        if not variable or not str(variable).strip():
            raise InputError(
                "invalid_parameter",
                "Name the variable to map, e.g. rainfall.",
                details={"parameter": "variable"},
            )
        variable = str(variable).strip()
    else:
        variable = None
    if what == "urban" and threshold is not None and threshold != "":
        threshold = MapRequest.option("threshold").check(threshold)
    else:
        threshold = None
    return variable, threshold


def _check_ids(*idents: str | None) -> None:
    for ident in idents:
        if ident is not None and not valid_id(ident):
            raise InputError("not_found", "There is no such plan in this session.")


def map_for(
    rt: Runtime,
    session_id: str,
    analysis_id: str | None,
    what: str,
    *,
    variable: str | None = None,
    threshold: float | None = None,
    plan_id: str | None = None,
    reprioritization_id: str | None = None,
    by_lga: bool = False,
    links: Links,
) -> tuple[dict[str, Any], str]:
    """(artifact record of the map's Plotly JSON, its title). ``by_lga``: a variable map
    of each LGA's average instead of each ward's value. ``links`` gives the URLs of the
    shapes the map's traces name."""
    variable, threshold = map_params(what, variable, threshold)
    _check_ids(plan_id, reprioritization_id)
    analysis = finished_analysis(rt, session_id, analysis_id)
    plan, plan_id, repri, reprioritization_id = _plan_and_repri(
        rt, session_id, what, plan_id, reprioritization_id
    )
    key = content_id(
        "map",
        analysis=analysis["id"],
        what=what,
        variable=variable,
        threshold=threshold,
        plan=plan_id,
        reprioritization=reprioritization_id,
        **({"by": "lga"} if by_lga and what == "variable" else {}),
    )
    producer = {"kind": "map", "id": key}
    name = f"map_{what}.json"
    found = find_artifact(rt, session_id, producer, name)
    if found is not None:
        return found, found.get("title") or _title_of(rt, found)
    unified = load_unified(rt, session_id, analysis["id"])
    ward_shapes(rt, session_id, analysis["id"], unified)  # stored now, fetched by the page
    figure = map_figure(
        unified,
        what,
        variable=variable,
        threshold=threshold,
        plan=plan,
        reprioritization=repri,
        geojson=links("shapes", session_id, analysis["id"]),
        by_lga=by_lga and what == "variable",
    )
    # the LGAs' outlines over the wards, when the wards have LGAs
    if len({g for g in lga_labels(unified) if g}) > 1:
        lga_shapes(rt, session_id, analysis["id"], unified)
        figure["lga_outlines"] = links("lga_shapes", session_id, analysis["id"])
    # what the map was asked with, so a page can offer the same map as a download
    figure["view"] = {
        "analysis_id": analysis["id"],
        "variable": variable,
        "threshold": threshold,
        "plan_id": plan_id,
        "reprioritization_id": reprioritization_id,
        "by": "lga" if by_lga and what == "variable" else "ward",
    }
    record = store_artifact(
        rt, session_id, json.dumps(figure, allow_nan=False).encode(), name, PLOTLY_JSON, producer
    )
    return record, figure["title"]


def _title_of(rt: Runtime, record: dict[str, Any]) -> str:
    try:
        return json.loads(rt.artifacts.read_bytes(record["sha256"]))["title"]
    except (KeyError, ValueError):
        return record.get("name", "map")


def _plot(rt: Runtime, session_id: str, record_id: str, name: str,
          figure: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """A Plotly chart of a stored result (``figure()``, drawn once), as a JSON artifact."""
    return _cached(rt, session_id, {"kind": "plot", "id": record_id}, name,
                   lambda: (json.dumps(figure()).encode(), PLOTLY_JSON))


def rank_comparison(rt: Runtime, session_id: str, analysis_id: str | None = None) -> dict[str, Any]:
    analysis = finished_analysis(rt, session_id, analysis_id)
    return _plot(rt, session_id, analysis["id"], "rank_comparison.json",
                 lambda: rank_comparison_plot(load_unified(rt, session_id, analysis["id"])))


def model_boxplot(
    rt: Runtime, session_id: str, analysis_id: str | None = None, n: int = 20
) -> dict[str, Any]:
    """Box-and-whisker of the top ``n`` wards' model scores, recomputed from the
    normalised values and the model list (cheaper than reading every model score)."""
    analysis = finished_analysis(rt, session_id, analysis_id)
    n = max(1, min(int(n), 100))

    def figure():
        scores, labels, ranks = _top_model_scores(rt, session_id, analysis, n)
        return model_score_boxplot(scores, labels, n, ranks=ranks)

    return _plot(rt, session_id, analysis["id"], f"model_scores_top{n}.json", figure)


def model_maps(
    rt: Runtime, session_id: str, analysis_id: str | None = None, columns: int = 4
) -> dict[str, Any]:
    """"Small multiples" of the analysis' composite models: one small map per model,
    titled with its variables (PNG, made once and stored), 4 maps a row (2 for a phone)."""
    if columns not in MODEL_MAP_COLUMNS:
        raise InputError(
            "invalid_parameter",
            "columns must be 2 or 4: small maps per row.",
            details={"parameter": "columns", "choices": list(MODEL_MAP_COLUMNS)},
        )
    analysis = finished_analysis(rt, session_id, analysis_id)
    variables = [v["name"] for v in (analysis.get("summary") or {}).get("variables", [])]

    def make():
        unified = load_unified(rt, session_id, analysis["id"])
        require_boundaries(unified)
        return model_maps_png(unified, variables, columns=columns), PNG

    name = "model_maps.png" if columns == 4 else f"model_maps_{columns}_columns.png"
    return _cached(rt, session_id, {"kind": "plot", "id": analysis["id"]}, name, make)


def _top_model_scores(rt: Runtime, session_id: str, analysis: dict[str, Any], n: int):
    import numpy as np

    unified = load_unified(rt, session_id, analysis["id"])
    variables = [v["name"] for v in (analysis.get("summary") or {}).get("variables", [])]
    order = np.argsort(unified["composite_rank"].to_numpy())[:n]
    normalized = unified[[f"normalized_{v}" for v in variables]].to_numpy(dtype=float)[order]
    models = comp.enumerate_models(variables)
    import pandas as pd

    scores = pd.DataFrame(
        normalized @ comp.model_weights(variables, models), columns=comp.model_ids(len(models))
    )
    labels = unified["WardName"].astype(str).to_numpy()[order].tolist()
    ranks = unified["composite_rank"].to_numpy()[order].tolist()
    return scores, labels, ranks


def _plan_record(rt: Runtime, session_id: str, plan_id: str | None) -> dict[str, Any]:
    """The ITN plan ``plan_id`` (default: the session's latest plan)."""
    _check_ids(plan_id)
    if plan_id is None:
        plan_id = (require_session(rt, session_id).get("state") or {}).get("last_plan")
        if not plan_id:
            raise InputError("invalid_request", "There is no ITN plan yet: plan the nets first.")
    return get_plan(rt, session_id, plan_id)


def _lga_rows(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The plan's per-LGA totals, named by LGA code when the ward table had codes only."""
    rows = [dict(r) for r in record.get("by_lga") or []]
    if not rows:
        raise InputError(
            "missing_column",
            "The ward table has no LGA column, so the plan has "
            "no totals per LGA; add an LGA (or LGACode) column to see them.",
            details={"columns": [LGA]},
        )
    for row in rows:
        if LGA not in row and LGA_CODE in row:
            row[LGA] = f"LGA {row[LGA_CODE]}"
    return rows


def itn_by_lga_plot(rt: Runtime, session_id: str, plan_id: str | None = None) -> dict[str, Any]:
    record = _plan_record(rt, session_id, plan_id)
    return _plot(rt, session_id, record["id"], "itn_by_lga.json",
                 lambda: itn_coverage_by_lga(_lga_rows(record)))


def plot_png(
    rt: Runtime,
    session_id: str,
    kind: str,
    *,
    analysis_id: str | None = None,
    plan_id: str | None = None,
    n: int = 20,
) -> dict[str, Any]:
    """A chart as a PNG picture, drawn on the server (for slides and the report)."""
    if kind not in PLOT_KINDS:
        raise InputError(
            "invalid_parameter",
            f"Unknown chart {kind!r}; choose one of {', '.join(PLOT_KINDS)}.",
            details={"parameter": "kind", "choices": list(PLOT_KINDS)},
        )
    if kind == "itn_by_lga":
        record = _plan_record(rt, session_id, plan_id)
        return _cached(
            rt,
            session_id,
            {"kind": "export", "id": record["id"]},
            "itn_by_lga.png",
            lambda: (chart_picture(rt, "download:itn_by_lga",
                                   lambda: png.itn_coverage_png(_lga_rows(record)),
                                   analysis_id=record.get("analysis_id"),
                                   plan_id=record["id"]), PNG),
        )
    analysis = finished_analysis(rt, session_id, analysis_id)
    producer = {"kind": "export", "id": analysis["id"]}
    if kind == "rank_comparison":
        return _cached(
            rt,
            session_id,
            producer,
            "rank_comparison.png",
            lambda: (chart_picture(
                rt, "download:rank_comparison",
                lambda: png.rank_comparison_png(load_unified(rt, session_id, analysis["id"])),
                analysis_id=analysis["id"],
            ), PNG),
        )
    n = max(1, min(int(n), 100))

    def draw():
        scores, labels, ranks = _top_model_scores(rt, session_id, analysis, n)
        return png.boxplot_png(scores, labels, n, ranks=ranks)

    def make():
        return chart_picture(rt, "download:model_scores", draw, analysis_id=analysis["id"],
                             n=n), PNG

    return _cached(rt, session_id, producer, f"model_scores_top{n}.png", make)


RANKING_COLUMNS = (
    "WardName",
    "WardCode",
    "LGA",
    "LGACode",
    "composite_score",
    "composite_rank",
    "composite_category",
    "pca_score",
    "pca_rank",
    "pca_category",
    "rank_difference",
    "consensus_category",
)


def export(
    rt: Runtime,
    session_id: str,
    what: str = "unified",
    fmt: str | None = None,
    *,
    analysis_id: str | None = None,
    map_kind: str | None = None,
    variable: str | None = None,
    threshold: Any = None,
    plan_id: str | None = None,
    n: int | None = None,
) -> dict[str, Any]:
    """A download of a result in a format, stored as an artifact of the session.

    ``what``: unified (csv, xlsx, geojson, geoparquet), rankings (csv, xlsx), itn_plan
    (csv, xlsx; ``plan_id`` or the latest plan), report (html), map (html, png; of
    ``map_kind`` with ``variable``/``threshold``) or plot (png; ``map_kind`` names the
    chart: model_scores, rank_comparison, itn_by_lga; by default the composite map and
    the model-score chart). The format defaults to the first (``EXPORT_FORMATS_BY_KIND``).
    """
    request = ExportRequest.from_dict({
        "what": what, "format": fmt or None, "kind": map_kind or None, "variable": variable,
        "threshold": threshold, "n": n,
    })  # fmt: skip
    what, fmt, map_kind, n = request.what, request.file_format, request.map_or_chart, request.n
    if what == "itn_plan":
        record = _plan_record(rt, session_id, plan_id)

        def make_plan():
            import pandas as pd

            data, media, _ = exports.export_unified(
                pd.DataFrame(plan_wards(rt, record)), fmt, basename=ITN_PLAN
            )
            return data, media

        return _cached(
            rt, session_id, {"kind": "export", "id": record["id"]}, f"{ITN_PLAN}.{fmt}", make_plan
        )
    if what == "plot":
        return plot_png(rt, session_id, map_kind, analysis_id=analysis_id, plan_id=plan_id, n=n)
    analysis = finished_analysis(rt, session_id, analysis_id)
    if what == "unified":

        def make():
            data, media, _ = exports.export_unified(
                load_unified(rt, session_id, analysis["id"]), fmt
            )
            return data, media

        return _cached(
            rt, session_id, {"kind": "export", "id": analysis["id"]}, f"{UNIFIED}.{fmt}", make
        )
    if what == "rankings":

        def make_rankings():
            unified = load_unified(rt, session_id, analysis["id"])
            cols = [c for c in RANKING_COLUMNS if c in unified.columns]
            table = unified[cols].sort_values("composite_rank")
            about = rankings_about(analysis) if fmt == "xlsx" else None
            data, media, _ = exports.export_unified(
                table, fmt, basename="rankings", about=about
            )
            return data, media

        return _cached(
            rt,
            session_id,
            {"kind": "export", "id": analysis["id"]},
            f"rankings.{fmt}",
            make_rankings,
        )
    if what == "report":
        return report(rt, session_id, analysis["id"])
    # a map, as a stand-alone page or a picture
    return map_file(
        rt,
        session_id,
        analysis["id"],
        map_kind,
        fmt,
        variable=variable,
        threshold=threshold,
        plan_id=plan_id,
    )


def map_file(
    rt: Runtime,
    session_id: str,
    analysis_id: str,
    kind: str,
    fmt: str,
    *,
    variable: str | None = None,
    threshold: Any = None,
    plan_id: str | None = None,
    reprioritization_id: str | None = None,
) -> dict[str, Any]:
    """A map as a PNG picture or a stand-alone HTML page (shapes embedded, no scripts
    fetched from the internet: plotly.js is inlined)."""
    formats = EXPORT_FORMATS_BY_KIND["map"]
    if fmt not in formats:
        raise InputError(
            "invalid_parameter",
            f"Maps can be downloaded as {' or '.join(formats)}.",
            details={"parameter": "format", "choices": list(formats)},
        )
    variable, threshold = map_params(kind, variable, threshold)
    _check_ids(plan_id, reprioritization_id)
    plan, plan_id, repri, rid = _plan_and_repri(rt, session_id, kind, plan_id, reprioritization_id)
    key = content_id(
        "mapfile",
        analysis=analysis_id,
        map=kind,
        variable=variable,
        threshold=threshold,
        plan=plan_id,
        reprioritization=rid,
    )
    options = {
        "variable": variable,
        "threshold": threshold,
        "plan": plan,
        "reprioritization": repri,
    }

    def make():
        if fmt == "png":
            picture = map_picture(
                rt, analysis_id, lambda: load_unified(rt, session_id, analysis_id), kind,
                plan_id=plan_id, reprioritization_id=rid, **options,
            )
            return picture, PNG
        unified = load_unified(rt, session_id, analysis_id)
        return _standalone_map(unified, kind, options), HTML

    return _cached(rt, session_id, {"kind": "export", "id": key}, f"map_{kind}.{fmt}", make)


def map_picture(
    rt: Runtime,
    analysis_id: str,
    unified: Callable[[], pd.DataFrame],
    kind: str,
    *,
    plan_id: str | None = None,
    reprioritization_id: str | None = None,
    variable: str | None = None,
    threshold: float | None = None,
    plan: Any = None,
    reprioritization: Any = None,
) -> bytes:
    """The ``kind`` map of an analysis as a PNG: the picture kept from an earlier request
    with the same key (any session, any worker), or drawn from ``unified()`` now.

    ``plan``/``reprioritization`` are the records ``plan_id``/``reprioritization_id``
    name (what the ITN and urban maps show); the ids stand for them in the key.
    """
    key = picture_key(
        analysis_id, kind, variable=variable, threshold=threshold, plan_id=plan_id,
        reprioritization_id=reprioritization_id, dpi=png.DPI, size=png.MAP_SIZE,
        lga_names=lga_names_digest(rt),
    )
    return kept_picture(
        rt,
        key,
        lambda: map_png(unified(), kind, variable=variable, threshold=threshold, plan=plan,
                        reprioritization=reprioritization),
    )


def chart_picture(
    rt: Runtime,
    chart: str,
    draw: Callable[[], bytes],
    *,
    analysis_id: str | None = None,
    plan_id: str | None = None,
    n: int | None = None,
) -> bytes:
    """A chart drawn from an analysis or an ITN plan as a PNG: kept from an earlier
    request with the same key (any session, any worker), or ``draw()`` now."""
    key = chart_key(chart, analysis_id=analysis_id, plan_id=plan_id, n=n, dpi=png.DPI,
                    lga_names=lga_names_digest(rt))
    return kept_picture(rt, key, draw)


def _standalone_map(unified, kind: str, options: dict[str, Any]) -> bytes:
    import html as html_lib

    from plotly.offline import get_plotlyjs

    figure = embed_geometry(
        map_figure(unified, kind, **options),
        web_shapes(unified),
    )
    # "<" written as \u003c: no ward name can close the script element or open a comment
    payload = json.dumps(figure, allow_nan=False).replace("<", "\\u003c")
    title = html_lib.escape(figure["title"])
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>html,body{{margin:0;height:100%}}#map{{height:100vh}}"
        '</style></head><body><div id="map"></div>'
        f"<script>{get_plotlyjs()}</script>"
        f'<script type="application/json" id="spec">{payload}</script>'
        "<script>var m=JSON.parse(document.getElementById('spec').textContent);"
        "Plotly.newPlot('map',m.figure.data,m.figure.layout,m.config);</script>"
        "</body></html>"
    )
    return page.encode("utf-8")


def generated_now() -> str:
    """When a file was made, as it is printed on it (UTC)."""
    from datetime import UTC, datetime

    return datetime.now(UTC).strftime("%d %b %Y, %H:%M UTC")


def rankings_about(analysis: dict[str, Any]) -> list[tuple[str, Any]]:
    """The "About" sheet of the Excel rankings: how they were made, and when."""
    summary = analysis.get("summary") or {}
    params = analysis.get("params") or {}
    rows: list[tuple[str, Any]] = [("Generated", generated_now())]
    rows.append(("Wards ranked", summary.get("wards")))
    for v in summary.get("variables") or []:
        direction = v.get("direction")
        meaning = {
            "direct": "higher values mean higher risk",
            "inverse": "higher values mean lower risk",
        }.get(direction, direction)
        rows.append((f"Variable: {v.get('name')}", f"{direction} ({meaning})"))
    for key, value in sorted(params.items()):
        if value not in (None, [], {}, ""):
            shown = ", ".join(map(str, value)) if isinstance(value, list | tuple) else value
            rows.append((f"Parameter: {key}", shown if isinstance(shown, int | float) else str(shown)))
    rows.append(("Composite score", "0 to 1; higher means more vulnerable; rank 1 = most vulnerable"))
    if summary.get("pca_suitable") is not None:
        rows.append(("PCA used", "yes" if summary.get("pca_suitable") else "no"))
    rows.append(("Analysis id", analysis.get("id")))
    return rows


def report(rt: Runtime, session_id: str, analysis_id: str | None = None) -> dict[str, Any]:
    """The printable HTML report of an analysis (with the latest plan and reprioritisation)."""
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
        html = render_report(
            unified, meta, plan=plan, reprioritization=repri, model_scores=scores,
            generated=generated_now(),
            map_picture=lambda kind, **options: map_picture(
                rt, analysis["id"], lambda: unified, kind, plan_id=plan_id,
                reprioritization_id=rid, **options,
            ),
            chart_picture=lambda chart, draw: chart_picture(
                rt, "report:" + chart, draw,
                analysis_id=analysis["id"], plan_id=plan_id if chart == "itn_by_lga" else None,
            ),
        )
        return html.encode("utf-8"), HTML

    return _cached(rt, session_id, {"kind": "report", "id": key}, "report.html", make)


def resubmit_tpr(rt: Runtime, session_id: str, params: dict[str, Any]) -> dict[str, Any]:
    """TPR again from the session's last facility export, with other parameters."""
    state = require_session(rt, session_id).get("state") or {}
    last = state.get("last_tpr")
    if not last:
        raise InputError(
            "invalid_request",
            "Upload a facility export (DHIS2) first; then I "
            "can compute test positivity rates from it.",
        )
    previous = get_tpr(rt, session_id, last)
    facility = previous.get("facility") or {}
    data = rt.artifacts.read_bytes(facility["sha256"])
    merged = {**(previous.get("params") or {}), **{k: v for k, v in params.items() if v}}
    return submit_tpr(rt, session_id, data, facility.get("name", "facility.csv"), merged)
