"""Interactive ward maps as Plotly figure JSON, drawn in the browser without any tile server.

Rendering choice: ``Choroplethmap`` (MapLibre) with an inline blank map style. plotly.js
draws it from the figure and the ward GeoJSON alone: the style has one background layer,
no tile source and no fonts, so nothing is fetched. The SVG alternative, ``Choropleth`` on a
``geo`` subplot, always downloads a world outline from cdn.plot.ly when a trace has a
``locationmode`` (a GeoJSON trace has ``geojson-id``), even with the base map hidden, and
the map never appears offline; it also needs rings wound the opposite way to GeoJSON.
MapLibre needs WebGL, which every browser the analysts use has.

The ward shapes are sent once and referenced. Every trace's ``geojson`` is a string: the
URL of the wards' GeoJSON (``simplify_for_web``), or a key the page has filled in
``window.PlotlyGeoAssets`` beforehand. plotly.js fetches a URL once and keeps it in
``window.PlotlyGeoAssets`` for every later map of the page, so switching between the
composite, category and ITN maps sends only the per-ward numbers. A dataset's shapes never
change, so a URL holding the dataset id can be cached by the browser for good.
``embed_geometry`` puts the shapes into the figure instead, for a stand-alone page.

Shape returned by ``map_figure`` (all plain JSON types)::

    {
      "kind": "category", "title": "...", "subtitle": "...", "notes": [...],
      "geojson": "<reference used by the traces>",
      "wards": 500, "wards_shown": 498, "wards_without_boundary": 2,
      "bounds": [west, south, east, north],
      "figure": {"data": [<Choroplethmap traces>], "layout": {...}},
      "config": {<options for Plotly.newPlot>}
    }

The page draws it with ``Plotly.newPlot(div, m.figure.data, m.figure.layout, m.config)``.
plotly.js does not fit a map to ``Choroplethmap`` traces, so ``layout.map`` carries a
centre and zoom fitted to ``bounds`` for a 640 x 460 panel (``map_view``); a page with a
very different map size can refit from ``bounds``.

Each trace lists ward row positions in ``locations`` (the ``id`` of the GeoJSON features)
and, in ``customdata``, the ward name followed by the hover lines named in the trace's
``hovertemplate``. Continuous maps have one coloured trace with a colour bar; category
maps one trace per category, so the legend names them and a click hides one.
"""

from __future__ import annotations

import copy
import html
import math
import textwrap
from typing import Any, Unpack

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely

from chatmrpt.analysis.dataset import GEOMETRY
from chatmrpt.analysis.outputs import to_jsonable
from chatmrpt.viz.geojson import require_boundaries
from chatmrpt.viz.layers import OUTLINE_COLOUR, MapOptions, MapSpec, map_spec

DEFAULT_GEOJSON_REF = "chatmrpt-wards"
# A MapLibre style with nothing to download: a white background and no sources or fonts.
BLANK_MAP_STYLE: dict[str, Any] = {
    "version": 8,
    "name": "blank",
    "sources": {},
    "layers": [
        {"id": "background", "type": "background", "paint": {"background-color": "#ffffff"}}
    ],
}
# the map panel the initial view is fitted to (pixels); smaller screens see a bit less
VIEW_WIDTH, VIEW_HEIGHT = 640, 460
VIEW_PADDING_ZOOM = 0.15
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"


def map_figure(
    unified_gdf: pd.DataFrame,
    kind: str,
    *,
    geojson: str = DEFAULT_GEOJSON_REF,
    **options: Unpack[MapOptions],
) -> dict[str, Any]:
    """A ward map of the unified dataset as JSON-able Plotly figure (see module docstring).

    ``kind``: composite, pca, category, consensus, variable (with ``variable``; its
    ``direction`` is read from the normalised column unless given), urban (with
    ``threshold``, default the reprioritisation's first or 75; selected wards from
    ``reprioritization`` or computed with the default target), itn (with ``plan``: an
    ``ItnPlan`` or its ``to_dict()``). ``geojson``: the URL or key of the wards' shapes.
    """
    require_boundaries(unified_gdf)
    if not isinstance(geojson, str) or not geojson:
        raise ValueError("geojson must be the URL or key of the wards' GeoJSON")
    spec = map_spec(unified_gdf, kind, **options)
    shown = _has_shape(unified_gdf)
    bounds = _bounds(unified_gdf, shown)
    fig = go.Figure(data=_traces(spec, shown, geojson), layout=_layout(spec, bounds))
    figure = to_jsonable(fig.to_plotly_json())
    # plotly.py's default template is several kilobytes of styling plotly.js has anyway
    figure["layout"].pop("template", None)
    n = len(unified_gdf)
    notes = list(spec.notes)
    hidden = int(n - shown.sum())
    if hidden:
        notes.append(f"{hidden} ward(s) have no boundary and are not on the map.")
    return {
        "kind": spec.kind,
        "title": spec.title,
        "subtitle": spec.subtitle,
        "notes": notes,
        "geojson": geojson,
        "wards": n,
        "wards_shown": int(shown.sum()),
        "wards_without_boundary": hidden,
        "bounds": bounds,
        "figure": figure,
        "config": plot_config(f"chatmrpt_{spec.kind}_map"),
    }


def embed_geometry(map_json: dict[str, Any], collection: dict[str, Any]) -> dict[str, Any]:
    """A copy of a ``map_figure`` result whose traces carry the shapes themselves.

    Each trace gets only the features of its own wards, so the page holds one copy of the
    shapes in all. For stand-alone pages; the web app should reference a URL instead.
    """
    out = copy.deepcopy(map_json)
    by_id = {f["id"]: f for f in collection.get("features", [])}
    for trace in out["figure"]["data"]:
        ids = trace.get("locations") or []
        trace["geojson"] = {
            "type": "FeatureCollection",
            "features": [by_id[i] for i in ids if i in by_id],
        }
    out["geojson"] = None
    return out


def plot_config(filename: str) -> dict[str, Any]:
    """Options for ``Plotly.newPlot``: no logo or link to the cloud, PNG download at 2x."""
    return {
        "displaylogo": False,
        "responsive": True,
        # the maps sit in a scrolling conversation: the wheel scrolls the page, not the map
        "scrollZoom": False,
        "showLink": False,
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "sendDataToCloud"],
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
    }


def plotly_title(title: str, subtitle: str, width: int = 100) -> tuple[str, int]:
    """Title and a wrapped subtitle as plotly label text, and the top margin they need."""
    lines = textwrap.wrap(subtitle, width) if subtitle else []
    text = plotly_text(title) + "".join(f"<br><sup>{plotly_text(x)}</sup>" for x in lines)
    return text, 46 + 15 * len(lines)


def plotly_text(text: Any) -> str:
    """User text (ward names, column names) for plotly's HTML-like labels: shown as typed.

    plotly.js reads ``<b>``, ``<br>`` and ``<a href>`` in labels; escaping keeps a ward
    called ``<b>`` from turning bold or a link.
    """
    return html.escape(str(text), quote=False)


# --- internals -----------------------------------------------------------------------------


def _has_shape(unified: pd.DataFrame) -> np.ndarray:
    geoms = unified[GEOMETRY]
    missing = geoms.isna().to_numpy()
    try:
        empty = geoms.is_empty.to_numpy(dtype=bool, na_value=True)
    except AttributeError:
        empty = np.zeros(len(geoms), dtype=bool)
    return ~(missing | empty)


def _colorscale(colours: tuple[str, ...]) -> list[list[Any]]:
    last = len(colours) - 1
    return [[i / last, c] for i, c in enumerate(colours)]


def _hovertemplate(spec: MapSpec) -> str:
    lines = ["<b>%{customdata[0]}</b>"]
    suffixes = spec.hover_suffixes or ("",) * len(spec.hover_labels)
    for i, (label, suffix) in enumerate(zip(spec.hover_labels, suffixes, strict=True), start=1):
        # a "%" in a column name must not start a template field
        label_text = plotly_text(label).replace("%", "&#37;")
        lines.append(f"{label_text}: %{{customdata[{i}]}}{plotly_text(suffix)}")
    return "<br>".join(lines) + "<extra></extra>"


def _customdata(spec: MapSpec, rows: np.ndarray) -> list[list[str]]:
    return [
        [plotly_text(spec.ward_labels[r])] + [plotly_text(v) for v in spec.hover[r]]
        for r in rows.tolist()
    ]


def _short(values: np.ndarray) -> list[float]:
    return [float(f"{v:.6g}") for v in values.tolist()]


def _traces(spec: MapSpec, shown: np.ndarray, geojson: str) -> list[go.Choroplethmap]:
    template = _hovertemplate(spec)
    common = {
        "geojson": geojson,
        "featureidkey": "id",
        "hovertemplate": template,
        "marker": {"line": {"color": OUTLINE_COLOUR, "width": 0.5}, "opacity": 0.95},
    }
    traces = []
    if spec.values is not None and len(spec.value_rows):
        keep = shown[spec.value_rows]
        rows = spec.value_rows[keep]
        traces.append(
            go.Choroplethmap(
                locations=rows.tolist(),
                z=_short(spec.values[keep]),
                zmin=spec.vmin,
                zmax=spec.vmax,
                colorscale=_colorscale(spec.colours),
                customdata=_customdata(spec, rows),
                name=plotly_text(spec.value_label),
                colorbar={
                    "title": {"text": plotly_text(spec.value_label), "side": "right"},
                    "thickness": 14,
                    "len": 0.75,
                    "x": 1.0,
                    "xanchor": "right",
                    "bgcolor": "rgba(255,255,255,0.8)",
                },
                showlegend=False,
                **common,
            )
        )
    for cls in spec.classes:
        rows = cls.rows[shown[cls.rows]]
        if len(rows) == 0:
            continue
        traces.append(
            go.Choroplethmap(
                locations=rows.tolist(),
                z=[0] * len(rows),
                zmin=0,
                zmax=1,
                colorscale=[[0, cls.colour], [1, cls.colour]],
                showscale=False,
                showlegend=True,
                name=plotly_text(cls.label),
                customdata=_customdata(spec, rows),
                **common,
            )
        )
    return traces


def _bounds(unified: pd.DataFrame, shown: np.ndarray) -> list[float] | None:
    if not shown.any():
        return None
    geoms = np.array(list(unified[GEOMETRY]), dtype=object)[shown]
    xy = shapely.bounds(geoms)
    west, south = float(np.nanmin(xy[:, 0])), float(np.nanmin(xy[:, 1]))
    east, north = float(np.nanmax(xy[:, 2])), float(np.nanmax(xy[:, 3]))
    return [round(west, 5), round(south, 5), round(east, 5), round(north, 5)]


def map_view(
    bounds: list[float] | None, width: int = VIEW_WIDTH, height: int = VIEW_HEIGHT
) -> dict[str, Any]:
    """Centre and zoom that fit ``bounds`` (west, south, east, north) in a map of that size.

    plotly.js cannot fit a map to ``Choroplethmap`` traces (its ``fitbounds`` skips them),
    so the view is computed here for a typical map panel. A page that knows its map's real
    size can redo this with the same Web Mercator sums (512-pixel world at zoom 0).
    """
    if not bounds:
        return {"center": {"lon": 8.0, "lat": 9.0}, "zoom": 4.5}  # Nigeria
    west, south, east, north = bounds

    def merc(lat: float) -> float:
        lat = max(min(lat, 85.0), -85.0)
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    span_x = max(east - west, 1e-6)
    span_y = max(merc(north) - merc(south), 1e-8)
    zoom_x = math.log2(width * 360.0 / (512.0 * span_x))
    zoom_y = math.log2(height * 2 * math.pi / (512.0 * span_y))
    mid_y = (merc(north) + merc(south)) / 2
    lat = math.degrees(2 * math.atan(math.exp(mid_y)) - math.pi / 2)
    zoom = max(0.0, min(zoom_x, zoom_y) - VIEW_PADDING_ZOOM)
    return {
        "center": {"lon": round((west + east) / 2, 5), "lat": round(lat, 5)},
        "zoom": round(zoom, 3),
    }


def _layout(spec: MapSpec, bounds: list[float] | None) -> dict[str, Any]:
    title, top = plotly_title(spec.title, spec.subtitle)
    return {
        "title": {"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 17}},
        "map": {"style": BLANK_MAP_STYLE, **map_view(bounds)},
        "margin": {"l": 0, "r": 0, "t": top, "b": 0},
        "legend": {
            "x": 0.01,
            "y": 0.99,
            "xanchor": "left",
            "yanchor": "top",
            "bgcolor": "rgba(255,255,255,0.85)",
            "bordercolor": "#cccccc",
            "borderwidth": 1,
        },
        "font": {"family": FONT, "size": 12, "color": "#222222"},
        "paper_bgcolor": "#ffffff",
        "hoverlabel": {"bgcolor": "#ffffff", "font": {"family": FONT, "size": 12}},
        # keeps the user's zoom when the page swaps one map for another
        "uirevision": "wards",
    }
