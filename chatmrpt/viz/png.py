"""Maps and charts as PNG images, drawn on the server without a browser.

For the report, slides and chat replies. Every image is a ``matplotlib.figure.Figure``
drawn through the Agg canvas directly: the process-wide pyplot state and backend are never
touched, so a notebook or another module in the same process keeps its own settings, and
concurrent requests cannot draw into each other's figures. Maps are north-up on plain
longitude/latitude with a north arrow and a scale bar, and no basemap (nothing to fetch).
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence
from typing import Any, Unpack

import numpy as np
import pandas as pd
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from chatmrpt.analysis import composite as comp
from chatmrpt.analysis.composite import HIGH, LOW, MEDIUM
from chatmrpt.viz.geojson import HAS_COVERAGE_SIMPLIFY, require_boundaries, ward_geometries
from chatmrpt.viz.layers import (
    CATEGORY_COLOURS,
    NETS_SCALE,
    NO_DATA_COLOUR,
    OUTLINE_COLOUR,
    RISK_SCALE,
    MapOptions,
    MapSpec,
    map_spec,
)
from chatmrpt.viz.plots import DEFAULT_TOP, box_stats, lga_coverage, rank_pairs

DPI = 110
MAP_SIZE = (8.0, 7.2)  # inches: about 880 x 790 pixels at 110 dpi
FONT = ["DejaVu Sans"]  # ships with matplotlib, so output is the same on every machine
NICE_KM = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500)


def map_png(
    unified_gdf: pd.DataFrame,
    kind: str,
    *,
    size: tuple[float, float] = MAP_SIZE,
    dpi: int = DPI,
    **options: Unpack[MapOptions],
) -> bytes:
    """The ``kind`` map (as ``maps.map_figure``) as PNG bytes."""
    spec = map_spec(unified_gdf, kind, **options)
    require_boundaries(unified_gdf)
    geoms = ward_geometries(unified_gdf)
    shown = np.asarray([g is not None for g in geoms], dtype=bool)
    fig = _figure(size, dpi)
    ax = fig.add_axes((0.02, 0.06, 0.70, 0.80))
    geoms = _for_pixels(geoms, shown, size[0] * dpi)
    _draw_map(fig, ax, spec, geoms, shown)
    notes = list(spec.notes)
    hidden = int((~shown).sum())
    if hidden:
        notes.append(f"{hidden} ward(s) have no boundary and are not shown.")
    _titles(fig, spec.title, spec.subtitle, notes)
    return _png(fig, dpi)


def boxplot_png(
    model_scores: pd.DataFrame | np.ndarray,
    ward_labels: Sequence[str],
    n: int = DEFAULT_TOP,
    *,
    ranks: Sequence[int] | None = None,
    dpi: int = DPI,
) -> bytes:
    """Box-and-whisker of model scores for the top ``n`` wards (as ``model_score_boxplot``)."""
    table = box_stats(model_scores, ward_labels, n, ranks)
    rows = max(len(table), 1)
    fig = _figure((8.0, 1.9 + 0.32 * rows), dpi)
    ax = fig.add_axes(_rect(fig, 0.34, 0.96, top_in=1.1, bottom_in=0.8))
    boxes = [
        {
            "label": _clip(lab, 40),
            "med": r.median,
            "q1": r.q1,
            "q3": r.q3,
            "whislo": r.lowest,
            "whishi": r.highest,
            "mean": r.mean,
            "fliers": [],
        }
        for lab, r in zip(table["label"], table.itertuples(index=False), strict=True)
    ]
    if boxes:
        ax.bxp(
            boxes,
            orientation="horizontal",
            showfliers=False,
            patch_artist=True,
            boxprops={"facecolor": "#fcbba1", "edgecolor": "#bd0026"},
            medianprops={"color": "#800026", "linewidth": 2},
            whiskerprops={"color": "#bd0026"},
            capprops={"color": "#bd0026"},
        )
        ax.invert_yaxis()
    ax.set_xlabel("Model score (0 to 1, higher = more vulnerable)")
    ax.grid(axis="x", color="#eeeeee")
    ax.set_axisbelow(True)
    models = int(table["models"].iloc[0]) if len(table) else 0
    _titles(
        fig,
        f"Model scores of the {len(table)} most vulnerable wards",
        f"Each box holds a ward's {models:,} model scores; the line is the median, which "
        "is the composite score; whiskers reach the lowest and highest model.",
        [],
    )
    return _png(fig, dpi)


def rank_comparison_png(unified: pd.DataFrame, *, dpi: int = DPI) -> bytes:
    """Composite rank against PCA rank (as ``rank_comparison_plot``)."""
    frame, facts = rank_pairs(unified)
    fig = _figure((7.2, 7.2), dpi)
    ax = fig.add_axes((0.12, 0.1, 0.62, 0.66))
    n = max(len(frame), 1)
    size = 18 if n <= 500 else 5
    for name in (HIGH, MEDIUM, LOW, ""):
        sel = (
            frame[frame["category"] == name]
            if name
            else frame[~frame["category"].isin([HIGH, MEDIUM, LOW])]
        )
        if sel.empty:
            continue
        ax.scatter(
            sel["composite_rank"],
            sel["pca_rank"],
            s=size,
            c=CATEGORY_COLOURS.get(name, NO_DATA_COLOUR),
            edgecolors="#555555",
            linewidths=0.3,
            label=f"{name or 'No category'} ({len(sel)})",
        )
    ax.plot([1, n], [1, n], linestyle="--", color="#666666", linewidth=1, label="Same rank")
    ax.set_xlim(0, n + 1)
    ax.set_ylim(0, n + 1)
    ax.set_aspect("equal")
    ax.set_xlabel("Composite rank (1 = most vulnerable)")
    ax.set_ylabel("PCA rank (1 = most vulnerable)")
    ax.grid(color="#eeeeee")
    ax.set_axisbelow(True)
    ax.legend(
        loc="upper left",
        bbox_to_anchor=(1.02, 1.0),
        frameon=False,
        fontsize=9,
        title="Consensus category"
        if facts["category_column"] == "consensus_category"
        else "Category",
        title_fontsize=9,
    )
    rho = facts["spearman"]
    subtitle = (f"Spearman correlation {rho:.3f}; " if rho is not None else "") + (
        f"{facts['top_shared']} of the top {facts['top']} wards are in both top lists."
    )
    _titles(fig, "Composite rank against PCA rank", subtitle, [])
    return _png(fig, dpi)


def itn_coverage_png(plan_by_lga: Any, *, dpi: int = DPI) -> bytes:
    """Nets needed and allocated per LGA (as ``itn_coverage_by_lga``)."""
    table = lga_coverage(plan_by_lga)
    rows = max(len(table), 1)
    fig = _figure((8.0, 1.9 + 0.42 * rows), dpi)
    ax = fig.add_axes(_rect(fig, 0.25, 0.87, top_in=1.0, bottom_in=0.8))
    y = np.arange(len(table))
    ax.barh(
        y - 0.2,
        table["needed"],
        height=0.38,
        color=NETS_SCALE[1],
        edgecolor=NETS_SCALE[4],
        linewidth=0.5,
        label="Nets needed",
    )
    ax.barh(y + 0.2, table["allocated"], height=0.38, color=NETS_SCALE[6], label="Nets allocated")
    top = float(max(table["needed"].max(), table["allocated"].max(), 1)) if len(table) else 1
    for yi, alloc, cov in zip(y, table["allocated"], table["coverage"], strict=True):
        ax.text(float(alloc) + top * 0.01, yi + 0.2, f"{cov:.0f}%", va="center", fontsize=8)
    ax.set_yticks(y, [_clip(v, 32) for v in table["lga"]])
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.12)
    ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:,.0f}")
    ax.set_xlabel("Nets")
    ax.grid(axis="x", color="#eeeeee")
    ax.set_axisbelow(True)
    ax.legend(loc="lower right", fontsize=8, frameon=True)
    need, alloc = float(table["needed"].sum()), float(table["allocated"].sum())
    share = alloc / need * 100 if need else 100.0
    _titles(
        fig,
        "ITN coverage by LGA",
        f"{alloc:,.0f} of {need:,.0f} nets needed are allocated ({share:.1f}%); the figure "
        "beside each bar is the LGA's coverage.",
        [],
    )
    return _png(fig, dpi)


# --- drawing -------------------------------------------------------------------------------


def _figure(size: tuple[float, float], dpi: int) -> Figure:
    fig = Figure(figsize=size, dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def _png(fig: Figure, dpi: int) -> bytes:
    """PNG bytes with a 256-colour palette.

    A map has few colours, so the palette costs nothing visible and makes the file about
    three times smaller than full colour, which counts on a slow line and in the report.
    """
    from PIL import Image

    buf = io.BytesIO()
    # "tight" grows the image to hold legends beside the map and trims empty margins; the
    # full-colour PNG is only read back here, so it is not compressed (the same pixels)
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white", bbox_inches="tight", pad_inches=0.15,
                pil_kwargs={"compress_level": 0})
    image = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    palette = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    palette.save(out, format="PNG", optimize=True)  # no date or software stamp
    return out.getvalue()


def _clip(text: str, width: int) -> str:
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _rect(
    fig: Figure, left: float, right: float, *, top_in: float, bottom_in: float
) -> tuple[float, float, float, float]:
    """Axes position leaving fixed room (inches) for the titles above and labels below."""
    height = fig.get_figheight()
    bottom = bottom_in / height
    return (left, bottom, right - left, max(0.05, 1 - top_in / height - bottom))


def _titles(fig: Figure, title: str, subtitle: str, notes: Sequence[str]) -> None:
    height = fig.get_figheight()
    fig.text(
        0.02,
        1 - 0.22 / height,
        _clip(title, 90),
        fontsize=14,
        fontweight="bold",
        va="top",
        family=FONT,
    )
    if subtitle:
        fig.text(
            0.02,
            1 - 0.5 / height,
            "\n".join(textwrap.wrap(subtitle, 105)),
            fontsize=9,
            va="top",
            color="#444444",
            family=FONT,
        )
    if notes:
        fig.text(
            0.02,
            0.012,
            "\n".join(textwrap.wrap(" ".join(notes), 120)),
            fontsize=8,
            va="bottom",
            color="#555555",
            family=FONT,
        )


def _for_pixels(geoms: np.ndarray, shown: np.ndarray, width_px: float) -> np.ndarray:
    """Shapes simplified to half a pixel: invisible, and 10,000 wards draw in seconds."""
    present = geoms[shown]
    xmin, ymin, xmax, ymax = shapely.total_bounds(present)
    tolerance = max(xmax - xmin, ymax - ymin) / max(width_px, 1) * 0.5
    if tolerance <= 0:
        return geoms
    out = geoms.copy()
    try:
        simple = (
            shapely.coverage_simplify(present, tolerance)
            if HAS_COVERAGE_SIMPLIFY
            else shapely.simplify(present, tolerance, preserve_topology=True)
        )
    except shapely.errors.GEOSException:
        simple = shapely.simplify(present, tolerance, preserve_topology=True)
    broken = shapely.is_empty(simple) | ~shapely.is_valid(simple)
    simple[broken] = present[broken]
    out[shown] = simple
    return out


def _draw_map(fig: Figure, ax: Any, spec: MapSpec, geoms: np.ndarray, shown: np.ndarray) -> None:
    import geopandas as gpd

    n_shown = int(shown.sum())
    width = 0.35 if n_shown <= 1000 else 0.12
    handles = []
    if spec.values is not None and len(spec.value_rows):
        keep = shown[spec.value_rows]
        rows = spec.value_rows[keep]
        cmap = LinearSegmentedColormap.from_list("scale", list(spec.colours))
        norm = Normalize(vmin=spec.vmin, vmax=spec.vmax)
        layer = gpd.GeoDataFrame(
            {"value": spec.values[keep]}, geometry=list(geoms[rows]), crs="EPSG:4326"
        )
        layer.plot(
            ax=ax, column="value", cmap=cmap, norm=norm, edgecolor=OUTLINE_COLOUR, linewidth=width
        )
        cax = fig.add_axes((0.76, 0.42, 0.025, 0.38))
        bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), cax=cax)
        bar.set_label(_clip(spec.value_label, 40), fontsize=9)
        bar.ax.tick_params(labelsize=8)
    for cls in spec.classes:
        rows = cls.rows[shown[cls.rows]]
        if len(rows) == 0:
            continue
        gpd.GeoSeries(list(geoms[rows]), crs="EPSG:4326").plot(
            ax=ax, color=cls.colour, edgecolor=OUTLINE_COLOUR, linewidth=width
        )
        handles.append(
            Patch(facecolor=cls.colour, edgecolor=OUTLINE_COLOUR, label=_clip(cls.label, 38))
        )
    if handles:
        anchor_y = 0.36 if spec.values is not None else 0.84
        fig.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(0.735, anchor_y),
            frameon=False,
            fontsize=9,
        )
    ax.set_axis_off()
    ax.set_anchor("N")  # the map sits under its title, empty space goes below and is cut
    _north_arrow(ax)
    _scale_bar(ax)


def _north_arrow(ax: Any) -> None:
    ax.annotate(
        "N",
        xy=(0.97, 0.99),
        xytext=(0.97, 0.90),
        xycoords="axes fraction",
        textcoords="axes fraction",
        ha="center",
        va="center",
        fontsize=11,
        fontweight="bold",
        arrowprops={
            "facecolor": "black",
            "edgecolor": "black",
            "width": 2.5,
            "headwidth": 8,
            "headlength": 8,
        },
    )


def _scale_bar(ax: Any) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    lat = (y0 + y1) / 2
    km_per_deg = 111.32 * math.cos(math.radians(lat))
    if km_per_deg <= 0 or x1 <= x0:
        return
    wanted = (x1 - x0) * km_per_deg * 0.22
    km = max([k for k in NICE_KM if k <= wanted] or [NICE_KM[0]])
    length = km / km_per_deg
    xs = x0 + (x1 - x0) * 0.04
    ys = y0 + (y1 - y0) * 0.03
    ax.plot([xs, xs + length], [ys, ys], color="black", linewidth=2.5, solid_capstyle="butt")
    ax.text(
        xs + length / 2, ys + (y1 - y0) * 0.012, f"{km:g} km", ha="center", va="bottom", fontsize=8
    )


MAX_MODEL_MAPS = 24
MODEL_MAP_COLUMNS = 4


def model_maps_png(
    unified_gdf: pd.DataFrame,
    variables: Sequence[str],
    *,
    max_models: int = MAX_MODEL_MAPS,
    columns: int = MODEL_MAP_COLUMNS,
    dpi: int = DPI,
) -> bytes:
    """"Small multiples" of the composite models: one small map per model (variable
    combination), titled with its variables, all on one 0-1 colour scale.

    A model's score is the mean of its variables' normalised values (as the composite
    method computes it; higher = more vulnerable). With more than ``max_models`` models,
    the first ones (fewest variables first) are drawn and a note says how many there are.
    """
    import geopandas as gpd

    require_boundaries(unified_gdf)
    variables = list(variables)
    missing = [v for v in variables if f"normalized_{v}" not in unified_gdf.columns]
    if len(variables) < 2 or missing:
        raise ValueError(f"model maps need two or more normalised variables; missing {missing}")
    models = comp.enumerate_models(variables)
    shown_models = models[:max_models]
    normalized = unified_gdf[[f"normalized_{v}" for v in variables]].to_numpy(dtype=float)
    scores = normalized @ comp.model_weights(variables, shown_models)
    geoms = ward_geometries(unified_gdf)
    shown = np.asarray([g is not None for g in geoms], dtype=bool)
    cols = max(1, min(columns, len(shown_models)))
    rows = math.ceil(len(shown_models) / cols)
    cell_w, cell_h = 2.6, 2.75
    size = (cols * cell_w, rows * cell_h + 1.5)
    geoms = _for_pixels(geoms, shown, cell_w * dpi)
    fig = _figure(size, dpi)
    cmap = LinearSegmentedColormap.from_list("risk", list(RISK_SCALE))
    norm = Normalize(vmin=0.0, vmax=1.0)
    top_in, bottom_in = 1.0, 0.5
    usable_h = (size[1] - top_in - bottom_in) / size[1]
    for j, model in enumerate(shown_models):
        r, c = divmod(j, cols)
        left = c / cols
        bottom = 1 - top_in / size[1] - (r + 1) * usable_h / rows
        ax = fig.add_axes((left + 0.01, bottom, 1 / cols - 0.02, usable_h / rows * 0.80))
        layer = gpd.GeoDataFrame(
            {"score": scores[shown, j]}, geometry=list(geoms[shown]), crs="EPSG:4326"
        )
        layer.plot(ax=ax, column="score", cmap=cmap, norm=norm, edgecolor=OUTLINE_COLOUR,
                   linewidth=0.2, missing_kwds={"color": NO_DATA_COLOUR})  # fmt: skip
        ax.set_axis_off()
        ax.set_anchor("S")
        label = " + ".join(model)
        ax.set_title(
            "\n".join(textwrap.wrap(f"{j + 1}. {label}", 34)[:3]),
            fontsize=7.5,
            family=FONT,
            loc="left",
        )
    cax = fig.add_axes((0.25, 0.35 / size[1], 0.5, 0.12 / size[1]))
    bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), cax=cax, orientation="horizontal")
    bar.set_label("Model score (0 to 1; higher = more vulnerable)", fontsize=8)
    bar.ax.tick_params(labelsize=7)
    notes = []
    if len(models) > len(shown_models):
        notes.append(f"The first {len(shown_models)} of {len(models)} models are shown.")
    _titles(
        fig,
        "Each model's scores, one map per model",
        "Each composite model averages the normalised values of the variables named above "
        "its map; the composite score is the median over all models.",
        notes,
    )
    return _png(fig, dpi)
