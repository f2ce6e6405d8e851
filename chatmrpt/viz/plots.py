"""Charts next to the maps, as Plotly figure JSON: model scores, rank agreement, ITN by LGA.

Each function has a PNG twin in ``chatmrpt.viz.png`` drawn from the same numbers
(``box_stats``, ``rank_pairs``, ``lga_coverage``), so the browser and the printed report
agree. Returned shape: ``{"title", "figure": {"data", "layout"}, "config"}`` plus a few
plain facts the page may show (for example the Spearman correlation).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from chatmrpt.analysis.composite import HIGH, LOW, MEDIUM
from chatmrpt.analysis.dataset import LGA
from chatmrpt.analysis.itn import coverage_percent
from chatmrpt.analysis.outputs import to_jsonable
from chatmrpt.analysis.stats import spearman
from chatmrpt.errors import InputError
from chatmrpt.viz.layers import (
    CATEGORY_COLOURS,
    NETS_SCALE,
    NO_DATA_COLOUR,
    lga_labels,
    ward_labels,
)
from chatmrpt.viz.maps import FONT, plot_config, plotly_text, plotly_title

DEFAULT_TOP = 20
# above this many wards the scatter is drawn with WebGL, which stays smooth at 100,000 points
WEBGL_POINTS = 5000


# --- model scores per ward ------------------------------------------------------------------


def box_stats(
    model_scores: pd.DataFrame | np.ndarray,
    labels: Sequence[str],
    n: int,
    ranks: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Per ward (first ``n`` rows, in the order given): lowest, quartiles, median, highest,
    mean of its model scores, and a unique label ("3. Sabon Gari")."""
    values = np.asarray(model_scores, dtype=float)
    if values.ndim != 2:
        raise ValueError("model scores must be a ward x model table")
    if len(labels) != values.shape[0]:
        raise ValueError("one label is needed per row of model scores")
    n = max(0, min(int(n), values.shape[0]))
    values = values[:n]
    order = list(ranks[:n]) if ranks is not None else list(range(1, n + 1))
    with np.errstate(all="ignore"):
        q = np.nanpercentile(values, [0, 25, 50, 75, 100], axis=1) if n else np.zeros((5, 0))
        mean = np.nanmean(values, axis=1) if n else np.zeros(0)
    return pd.DataFrame(
        {
            "label": [f"{r}. {lab}" for r, lab in zip(order, list(labels)[:n], strict=True)],
            "ward": list(labels)[:n],
            "rank": order,
            "lowest": q[0],
            "q1": q[1],
            "median": q[2],
            "q3": q[3],
            "highest": q[4],
            "mean": mean,
            "models": values.shape[1],
        }
    )


def model_score_boxplot(
    model_scores: pd.DataFrame | np.ndarray,
    ward_labels: Sequence[str],
    n: int = DEFAULT_TOP,
    *,
    ranks: Sequence[int] | None = None,
) -> dict[str, Any]:
    """Box-and-whisker of each ward's model scores, for the top ``n`` wards.

    ``model_scores``: ward x model (``AnalysisResult.model_scores(rows)``), rows in rank
    order; ``ward_labels``: one name per row; ``ranks``: the wards' ranks (default 1..n).
    The boxes are sent as their five numbers, not as every model score: a 12-variable
    analysis has 4,083 models per ward, too many to ship over a slow line.
    """
    table = box_stats(model_scores, ward_labels, n, ranks)
    models = int(table["models"].iloc[0]) if len(table) else 0
    labels = [plotly_text(v) for v in table["label"]]
    trace = go.Box(
        y=labels,
        q1=_round(table["q1"]),
        median=_round(table["median"]),
        q3=_round(table["q3"]),
        lowerfence=_round(table["lowest"]),
        upperfence=_round(table["highest"]),
        mean=_round(table["mean"]),
        orientation="h",
        boxpoints=False,
        fillcolor="rgba(227,26,28,0.25)",
        line={"color": "#bd0026", "width": 1.5},
        name="model scores",
        hovertemplate=(
            "<b>%{y}</b><br>highest: %{upperfence:.3f}<br>upper quartile: "
            "%{q3:.3f}<br>median (composite score): %{median:.3f}<br>lower quartile: "
            "%{q1:.3f}<br>lowest: %{lowerfence:.3f}<extra></extra>"
        ),
    )
    title = f"Model scores of the {len(table)} most vulnerable wards"
    subtitle = (
        f"Each box holds a ward's {models:,} model scores (one per combination of "
        "variables): the line is the median, which is the composite score; whiskers "
        "reach the lowest and highest model."
    )
    layout = _layout(title, subtitle, height=140 + 26 * max(len(table), 1))
    layout.update(
        {
            "xaxis": {
                "title": {"text": "Model score (0 to 1, higher = more vulnerable)"},
                "zeroline": False,
                "gridcolor": "#eeeeee",
            },
            "yaxis": {"autorange": "reversed", "automargin": True, "type": "category"},
            "showlegend": False,
        }
    )
    return _result(
        title,
        subtitle,
        go.Figure(trace, layout),
        "chatmrpt_model_scores",
        {"wards": len(table), "models": models},
    )


# --- composite against PCA -----------------------------------------------------------------


def rank_pairs(unified: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Composite and PCA rank per ward, with the agreement facts (Spearman, top-20 overlap)."""
    for col in ("composite_rank", "pca_rank"):
        if col not in unified.columns:
            raise InputError(
                "missing_column",
                "Comparing the rankings needs both the composite and the PCA rank; this "
                "analysis has no PCA ranking (PCA was not run or was not suitable).",
                details={"column": col},
            )
    comp = pd.to_numeric(unified["composite_rank"], errors="coerce").to_numpy(dtype=float)
    pca = pd.to_numeric(unified["pca_rank"], errors="coerce").to_numpy(dtype=float)
    category_col = (
        "consensus_category"
        if "consensus_category" in unified.columns
        else ("composite_category" if "composite_category" in unified.columns else None)
    )
    categories = (
        unified[category_col]
        .astype(object)
        .where(unified[category_col].notna(), "")
        .astype(str)
        .to_numpy()
        if category_col
        else np.full(len(unified), "")
    )
    frame = pd.DataFrame(
        {
            "ward": ward_labels(unified),
            "lga": lga_labels(unified),
            "composite_rank": comp,
            "pca_rank": pca,
            "category": categories,
        }
    )
    ok = np.isfinite(comp) & np.isfinite(pca)
    rho = spearman(comp[ok], pca[ok]) if ok.sum() > 2 else float("nan")
    top = min(DEFAULT_TOP, int(ok.sum()))
    shared = int(((comp <= top) & (pca <= top)).sum()) if top else 0
    facts = {
        "spearman": round(rho, 4) if np.isfinite(rho) else None,
        "top": top,
        "top_shared": shared,
        "category_column": category_col,
        "wards": int(ok.sum()),
    }
    return frame[ok].reset_index(drop=True), facts


def rank_comparison_plot(unified: pd.DataFrame) -> dict[str, Any]:
    """Composite rank against PCA rank, one point per ward, with the line of agreement."""
    frame, facts = rank_pairs(unified)
    n = len(frame)
    scatter = go.Scattergl if n > WEBGL_POINTS else go.Scatter
    traces = []
    groups = [(c, CATEGORY_COLOURS[c]) for c in (HIGH, MEDIUM, LOW)]
    named = {HIGH, MEDIUM, LOW}
    for name, colour in groups + [("", NO_DATA_COLOUR)]:
        sel = frame[frame["category"] == name] if name else frame[~frame["category"].isin(named)]
        if sel.empty:
            continue
        traces.append(
            scatter(
                x=sel["composite_rank"].astype(int).tolist(),
                y=sel["pca_rank"].astype(int).tolist(),
                mode="markers",
                marker={
                    "color": colour,
                    "size": 7 if n <= 500 else 4,
                    "line": {"color": "#555555", "width": 0.5},
                },
                name=f"{name or 'No category'} ({len(sel)})",
                customdata=[
                    [plotly_text(w), plotly_text(lga)]
                    for w, lga in zip(sel["ward"], sel["lga"], strict=True)
                ],
                hovertemplate=(
                    "<b>%{customdata[0]}</b><br>LGA: %{customdata[1]}<br>"
                    "Composite rank: %{x}<br>PCA rank: %{y}<extra></extra>"
                ),
            )
        )
    last = max(n, 1)
    traces.append(
        go.Scatter(
            x=[1, last],
            y=[1, last],
            mode="lines",
            name="Same rank",
            line={"color": "#666666", "dash": "dash", "width": 1},
            hoverinfo="skip",
        )
    )
    rho = facts["spearman"]
    title = "Composite rank against PCA rank"
    subtitle = (f"Spearman correlation {rho:.3f}; " if rho is not None else "") + (
        f"{facts['top_shared']} of the top {facts['top']} wards are in both top lists. "
        "Points on the dashed line have the same rank in both methods."
    )
    layout = _layout(title, subtitle, height=560)
    legend_title = (
        "Consensus category" if facts["category_column"] == "consensus_category" else "Category"
    )
    layout.update(
        {
            "xaxis": {
                "title": {"text": "Composite rank (1 = most vulnerable)"},
                "range": [0, last + 1],
                "gridcolor": "#eeeeee",
                "zeroline": False,
            },
            "yaxis": {
                "title": {"text": "PCA rank (1 = most vulnerable)"},
                "range": [0, last + 1],
                "gridcolor": "#eeeeee",
                "zeroline": False,
                "scaleanchor": "x",
                "scaleratio": 1,
            },
            "legend": {"title": {"text": legend_title}},
        }
    )
    return _result(title, subtitle, go.Figure(traces, layout), "chatmrpt_rank_comparison", facts)


# --- ITN coverage by LGA --------------------------------------------------------------------


def lga_coverage(plan_by_lga: Any) -> pd.DataFrame:
    """The plan's per-LGA rows (``ItnPlan``, its dict, its ``by_lga`` frame or records)."""
    if hasattr(plan_by_lga, "by_lga"):
        plan_by_lga = plan_by_lga.by_lga
    elif isinstance(plan_by_lga, dict):
        plan_by_lga = plan_by_lga.get("by_lga") or []
    frame = (
        plan_by_lga if isinstance(plan_by_lga, pd.DataFrame) else pd.DataFrame(list(plan_by_lga))
    )
    missing = [c for c in (LGA, "nets_needed", "nets_allocated") if c not in frame.columns]
    if missing:
        raise InputError(
            "missing_column",
            f"The plan's LGA table lacks {', '.join(missing)}; make the plan again.",
            details={"columns": missing},
        )
    out = pd.DataFrame(
        {
            "lga": frame[LGA].astype(object).where(frame[LGA].notna(), "(LGA unknown)").astype(str),
            "needed": pd.to_numeric(frame["nets_needed"], errors="coerce").fillna(0).to_numpy(),
            "allocated": pd.to_numeric(frame["nets_allocated"], errors="coerce")
            .fillna(0)
            .to_numpy(),
        }
    )
    out["coverage"] = coverage_percent(out["allocated"], out["needed"])
    return out


def itn_coverage_by_lga(plan_by_lga: Any) -> dict[str, Any]:
    """Nets needed and allocated per LGA, with the coverage share on each bar."""
    table = lga_coverage(plan_by_lga)
    lgas = [plotly_text(v) for v in table["lga"]]
    needed = go.Bar(
        y=lgas,
        x=table["needed"].astype(float).tolist(),
        orientation="h",
        name="Nets needed",
        marker={"color": NETS_SCALE[1], "line": {"color": NETS_SCALE[4], "width": 0.5}},
        hovertemplate="<b>%{y}</b><br>Nets needed: %{x:,.0f}<extra></extra>",
    )
    allocated = go.Bar(
        y=lgas,
        x=table["allocated"].astype(float).tolist(),
        orientation="h",
        name="Nets allocated",
        marker={"color": NETS_SCALE[6]},
        text=[f"{c:.0f}%" for c in table["coverage"]],
        textposition="outside",
        cliponaxis=False,
        customdata=[round(float(c), 1) for c in table["coverage"]],
        hovertemplate=(
            "<b>%{y}</b><br>Nets allocated: %{x:,.0f}<br>Coverage: %{customdata}%<extra></extra>"
        ),
    )
    total_need = float(table["needed"].sum())
    total_alloc = float(table["allocated"].sum())
    share = total_alloc / total_need * 100 if total_need else 100.0
    title = "ITN coverage by LGA"
    subtitle = (
        f"{total_alloc:,.0f} of {total_need:,.0f} nets needed are allocated "
        f"({share:.1f}%); the figure on each bar is the LGA's coverage."
    )
    layout = _layout(title, subtitle, height=150 + 34 * max(len(table), 1))
    layout.update(
        {
            "barmode": "group",
            "xaxis": {"title": {"text": "Nets"}, "gridcolor": "#eeeeee", "separatethousands": True},
            "yaxis": {"autorange": "reversed", "automargin": True, "type": "category"},
            "legend": {"orientation": "h", "y": -0.12 if len(table) > 3 else -0.3},
        }
    )
    return _result(
        title,
        subtitle,
        go.Figure([needed, allocated], layout),
        "chatmrpt_itn_by_lga",
        {"lgas": len(table), "coverage_percent": share},
    )


# --- shared -------------------------------------------------------------------------------


def _round(values: pd.Series) -> list[float | None]:
    return [None if not np.isfinite(v) else round(float(v), 5) for v in values]


def _layout(title: str, subtitle: str, height: int) -> dict[str, Any]:
    text, top = plotly_title(title, subtitle)
    return {
        "title": {"text": text, "x": 0.01, "xanchor": "left", "font": {"size": 17}},
        "height": int(min(height + top, 2400)),
        "margin": {"l": 10, "r": 30, "t": top + 10, "b": 50},
        "font": {"family": FONT, "size": 12, "color": "#222222"},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "hoverlabel": {"bgcolor": "#ffffff", "font": {"family": FONT, "size": 12}},
    }


def _result(
    title: str, subtitle: str, fig: go.Figure, filename: str, facts: dict[str, Any]
) -> dict[str, Any]:
    figure = to_jsonable(fig.to_plotly_json())
    figure["layout"].pop("template", None)
    return {
        "title": title,
        "subtitle": subtitle,
        **to_jsonable(facts),
        "figure": figure,
        "config": plot_config(filename),
    }
