"""What each ward map shows: values or classes, colours, titles and hover lines.

The interactive maps (Plotly) and the printed maps (PNG) are drawn from the same
description, so a ward has the same colour, the same legend and the same title in the
browser, in the report and on a slide.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict

import numpy as np
import pandas as pd

from chatmrpt.analysis.columns import POPULATION_ALIASES, URBAN_SHARE_ALIASES, find_column
from chatmrpt.analysis.composite import HIGH, LOW, MEDIUM
from chatmrpt.analysis.dataset import LGA, LGA_CODE, WARD_CODE, WARD_NAME
from chatmrpt.analysis.declarations import MAP_KINDS, STRATEGIES
from chatmrpt.analysis.urban import (
    DEFAULT_TARGET_SHARE,
    reprioritize,
    threshold_label,
    validate_thresholds,
)
from chatmrpt.analysis.variables import DIRECT, INVERSE, default_direction
from chatmrpt.errors import InputError

KINDS = MAP_KINDS  # the builders below: one per kind

# High = dark red, Medium = orange, Low = light yellow (the legacy tool's reading order)
CATEGORY_COLOURS = {HIGH: "#a50f15", MEDIUM: "#fd8d3c", LOW: "#ffeda0"}
NO_DATA_COLOUR = "#bdbdbd"
OUTLINE_COLOUR = "#737373"
# ColorBrewer YlOrRd: light = less vulnerable, dark red = more vulnerable
RISK_SCALE = ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c",
              "#bd0026", "#800026")  # fmt: skip
# ColorBrewer Blues for nets: an intervention, not a risk, so not the risk colours
NETS_SCALE = ("#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c",
              "#08306b")  # fmt: skip
URBAN_COLOURS = {
    "selected": "#6a3d9a",
    "urban": "#cab2d6",
    "not_urban": "#f7f7f7",
}
TIER_NAMES = {1: "first (less urban)", 2: "last (more urban)"}
# what happened to a ward in a plan, in words (the plan's allocation_phase is "tier 1",
# "tier 2 (partial)", ...: the tier is said by TIER_NAMES already)
PHASE_WORDS = {"": "fully covered", "partial": "partly covered (the nets ran out)",
               "capped": "held to the most one ward may take"}
# the declared strategies in words, in their declared order
STRATEGY_WORDS = dict(zip(STRATEGIES, (
    "stop at the first ward that does not fit", "skip wards that do not fit",
    "cap each ward's share", "in proportion to each ward's need",
), strict=True))  # fmt: skip


def phase_words(phase: Any) -> str:
    """A plan's ``allocation_phase`` ("tier 2 (partial)") in plain words."""
    if _missing(phase):
        return ""
    text = str(phase)
    match = re.fullmatch(r"tier \d+(?: \((\w+)\))?", text)
    if match is None:
        return text
    return PHASE_WORDS.get(match.group(1) or "", text)


@dataclass(frozen=True)
class MapClass:
    """A group of wards drawn in one colour, with its legend label."""

    label: str
    colour: str
    rows: np.ndarray  # row positions in the unified dataset


@dataclass(frozen=True)
class MapSpec:
    """One map: continuous values on ``value_rows`` and/or coloured classes of wards."""

    kind: str
    title: str
    subtitle: str
    value_label: str = ""
    values: np.ndarray | None = None  # one per row in value_rows
    value_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    colours: tuple[str, ...] = RISK_SCALE
    vmin: float = 0.0
    vmax: float = 1.0
    classes: tuple[MapClass, ...] = ()
    hover_labels: tuple[str, ...] = ()
    # text after each hover value, the same for every ward (" of 500" after a rank): sent
    # once in the template rather than once per ward
    hover_suffixes: tuple[str, ...] = ()
    hover: list[list[str]] = field(default_factory=list)  # per row of the dataset
    ward_labels: list[str] = field(default_factory=list)
    notes: tuple[str, ...] = ()


class MapOptions(TypedDict, total=False):
    """What a map of ``kind`` may be told besides its kind (see ``map_spec``); the drawing
    functions (``maps.map_figure``, ``png.map_png``) pass them on as they are."""

    variable: str | None
    threshold: float | None
    plan: Any
    reprioritization: Any
    direction: str | None
    by_lga: bool


def map_spec(
    unified: pd.DataFrame,
    kind: str,
    *,
    variable: str | None = None,
    threshold: float | None = None,
    plan: Any = None,
    reprioritization: Any = None,
    direction: str | None = None,
    by_lga: bool = False,
) -> MapSpec:
    """Describe the ``kind`` map of the unified dataset (see ``KINDS``); ``by_lga``: a
    variable map shows each LGA's average instead of each ward's value."""
    if kind not in KINDS:
        raise InputError(
            "invalid_parameter",
            f"Unknown map {kind!r}; choose one of {', '.join(KINDS)}.",
            details={"parameter": "kind", "value": str(kind), "choices": list(KINDS)},
        )
    n = len(unified)
    if n == 0:
        raise InputError("empty_file", "The analysis has no wards, so there is nothing to map.")
    base_labels, base_suffixes, base_hover = _base_hover(unified)
    builder = _BUILDERS[kind]
    spec_args = builder(
        unified,
        variable=variable,
        threshold=threshold,
        plan=plan,
        reprioritization=reprioritization,
        direction=direction,
        **({"by_lga": True} if by_lga else {}),
    )
    extra_labels, extra_hover = spec_args.pop("hover_extra", ((), None))
    hover = base_hover
    if extra_hover is not None:
        hover = [a + b for a, b in zip(base_hover, extra_hover, strict=True)]
    return MapSpec(
        kind=kind,
        hover_labels=tuple(base_labels) + tuple(extra_labels),
        hover_suffixes=tuple(base_suffixes) + ("",) * len(extra_labels),
        hover=hover,
        ward_labels=ward_labels(unified),
        **spec_args,
    )


# --- identity and formatting ---------------------------------------------------------------


def ward_labels(unified: pd.DataFrame) -> list[str]:
    """Each ward's name as text; a ward without a name is called by its row number."""
    if WARD_NAME not in unified.columns:
        return [f"Ward {i + 1}" for i in range(len(unified))]
    names = unified[WARD_NAME].to_numpy(dtype=object)
    return [f"Ward {i + 1}" if _missing(v) else str(v) for i, v in enumerate(names)]


def lga_labels(unified: pd.DataFrame) -> list[str]:
    """Each ward's LGA name, or its LGA code when the table has codes only."""
    for column in (LGA, LGA_CODE):
        if column in unified.columns:
            return text_column(unified, column)
    return [""] * len(unified)


def text_column(unified: pd.DataFrame, column: str) -> list[str]:
    if column not in unified.columns:
        return [""] * len(unified)
    return ["" if _missing(v) else str(v) for v in unified[column].to_numpy(dtype=object)]


def fmt_number(value: Any, decimals: int = 3) -> str:
    if _missing(value):
        return "no value"
    number = float(value)
    if not np.isfinite(number):
        return "no value"
    if decimals == 0:
        return f"{number:,.0f}"
    return f"{number:,.{decimals}f}"


def fmt_value(value: Any) -> str:
    """A raw variable value: enough significant digits for both 0.012 and 45,210."""
    if _missing(value):
        return "no value"
    number = float(value)
    if not np.isfinite(number):
        return "no value"
    if abs(number) >= 1000:
        return f"{number:,.0f}"
    return f"{number:.4g}"


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _numeric(unified: pd.DataFrame, column: str) -> np.ndarray:
    return pd.to_numeric(unified[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _rank_text(ranks: np.ndarray) -> list[str]:
    return ["–" if not np.isfinite(r) else str(int(r)) for r in ranks]


def _base_hover(unified: pd.DataFrame) -> tuple[list[str], list[str], list[list[str]]]:
    n = len(unified)
    of_n = f" of {n:,}"
    cols: list[tuple[str, str, list[str]]] = []
    if LGA in unified.columns:
        cols.append(("LGA", "", text_column(unified, LGA)))
    elif LGA_CODE in unified.columns:
        cols.append(("LGA code", "", text_column(unified, LGA_CODE)))
    if "composite_rank" in unified.columns:
        cols.append(("Composite rank", of_n, _rank_text(_numeric(unified, "composite_rank"))))
    if "composite_category" in unified.columns:
        cols.append(("Category", "", text_column(unified, "composite_category")))
    if "composite_score" in unified.columns:
        scores = _numeric(unified, "composite_score")
        cols.append(("Composite score", "", [fmt_number(v) for v in scores]))
    if "pca_rank" in unified.columns:
        cols.append(("PCA rank", of_n, _rank_text(_numeric(unified, "pca_rank"))))
    # the ward's LGA among the LGAs, by the mean composite score of their wards
    from chatmrpt.viz.geojson import lga_ranks

    ranks = lga_ranks(unified)
    if len(ranks) > 1:
        lgas = lga_labels(unified)
        cols.append(
            (
                "LGA rank",
                f" of {len(ranks)} LGAs",
                [str(ranks[g]) if g in ranks else "–" for g in lgas],
            )
        )
    rows = [[c[2][i] for c in cols] for i in range(n)]
    return [c[0] for c in cols], [c[1] for c in cols], rows


def _hover_columns(
    columns: Sequence[tuple[str, list[str]]], n: int
) -> tuple[tuple[str, ...], list[list[str]]]:
    return tuple(c[0] for c in columns), [[c[1][i] for c in columns] for i in range(n)]


def _no_data_class(rows: np.ndarray, what: str = "No value") -> tuple[MapClass, ...]:
    if len(rows) == 0:
        return ()
    return (MapClass(f"{what} ({len(rows)})", NO_DATA_COLOUR, rows),)


def _continuous(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, float]:
    finite = np.isfinite(values)
    rows = np.flatnonzero(finite)
    if len(rows) == 0:
        return rows, values[rows], 0.0, 1.0
    vmin, vmax = float(values[rows].min()), float(values[rows].max())
    if vmin == vmax:
        vmin, vmax = vmin - 0.5, vmax + 0.5
    return rows, values[rows], vmin, vmax


def _require(unified: pd.DataFrame, column: str, message: str) -> None:
    if column not in unified.columns:
        raise InputError("missing_column", message, details={"column": column})


# --- one builder per kind ------------------------------------------------------------------


def _score_map(unified: pd.DataFrame, method: str) -> dict[str, Any]:
    column = f"{method}_score"
    if method == "pca":
        _require(
            unified,
            column,
            "This analysis has no PCA score (PCA was not run or was not "
            "suitable for these variables), so there is no PCA map; use the composite map.",
        )
        title = "PCA vulnerability score"
        subtitle = "Weighted sum of the first principal components; higher means more vulnerable."
    else:
        _require(unified, column, "The ward table has no composite score; run the analysis first.")
        title = "Composite vulnerability score"
        subtitle = (
            "Median over all variable combinations of the mean normalised value; "
            "higher means more vulnerable."
        )
    values = _numeric(unified, column)
    rows, vals, vmin, vmax = _continuous(values)
    missing = np.flatnonzero(~np.isfinite(values))
    return {
        "title": title,
        "subtitle": subtitle,
        "value_label": "PCA score" if method == "pca" else "Composite score",
        "values": vals,
        "value_rows": rows,
        "vmin": vmin,
        "vmax": vmax,
        "classes": _no_data_class(missing),
    }


def _category_classes(categories: list[str], n_label: bool = True) -> tuple[MapClass, ...]:
    cats = np.asarray(categories, dtype=object)
    classes = []
    for name in (HIGH, MEDIUM, LOW):
        rows = np.flatnonzero(cats == name)
        if len(rows):
            label = f"{name} ({len(rows)})" if n_label else name
            classes.append(MapClass(label, CATEGORY_COLOURS[name], rows))
    other = np.flatnonzero(~np.isin(cats, [HIGH, MEDIUM, LOW]))
    return tuple(classes) + _no_data_class(other, "No category")


def _build_composite(unified: pd.DataFrame, **_: Any) -> dict[str, Any]:
    return _score_map(unified, "composite")


def _build_pca(unified: pd.DataFrame, **_: Any) -> dict[str, Any]:
    spec = _score_map(unified, "pca")
    n = len(unified)
    cols = [("PCA score", [fmt_number(v) for v in _numeric(unified, "pca_score")])]
    if "pca_category" in unified.columns:
        cols.append(("PCA category", text_column(unified, "pca_category")))
    spec["hover_extra"] = _hover_columns(cols, n)
    return spec


def _build_category(unified: pd.DataFrame, **_: Any) -> dict[str, Any]:
    _require(
        unified,
        "composite_category",
        "The ward table has no composite category; run the analysis first.",
    )
    return {
        "title": "Vulnerability category (composite score)",
        "subtitle": (
            "Wards split into thirds by composite rank: High (most vulnerable), Medium, Low."
        ),
        "classes": _category_classes(text_column(unified, "composite_category")),
    }


def _build_consensus(unified: pd.DataFrame, **_: Any) -> dict[str, Any]:
    _require(
        unified,
        "consensus_category",
        "This analysis has no consensus category: it "
        "needs both the composite score and a suitable PCA. Use the category map instead.",
    )
    n = len(unified)
    cols = [("Consensus category", text_column(unified, "consensus_category"))]
    if "pca_category" in unified.columns:
        cols.append(("PCA category", text_column(unified, "pca_category")))
    if "rank_difference" in unified.columns:
        diff = _numeric(unified, "rank_difference")
        cols.append(
            (
                "Rank difference (PCA minus composite)",
                [fmt_number(v, 0) if np.isfinite(v) else "no value" for v in diff],
            )
        )
    return {
        "title": "Consensus category (composite and PCA)",
        "subtitle": (
            "The category both methods agree on; where they differ, the more vulnerable of the two."
        ),
        "classes": _category_classes(text_column(unified, "consensus_category")),
        "hover_extra": _hover_columns(cols, n),
    }


def variable_direction(
    unified: pd.DataFrame, variable: str, directions: Mapping[str, str] | None = None
) -> str:
    """Direct or inverse: as given, else as the analysis normalised it, else by its name."""
    if directions and variable in directions:
        return str(directions[variable])
    norm = f"normalized_{variable}"
    if norm in unified.columns and variable in unified.columns:
        raw, scaled = _numeric(unified, variable), _numeric(unified, norm)
        ok = np.isfinite(raw) & np.isfinite(scaled)
        if ok.sum() >= 2 and np.ptp(raw[ok]) > 0 and np.ptp(scaled[ok]) > 0:
            return DIRECT if np.corrcoef(raw[ok], scaled[ok])[0, 1] >= 0 else INVERSE
    return default_direction(variable)[0]


def _build_variable(
    unified: pd.DataFrame,
    *,
    variable: str | None,
    direction: str | None,
    by_lga: bool = False,
    **_: Any,
) -> dict[str, Any]:
    if not variable:
        raise InputError(
            "invalid_parameter",
            "Name the variable to map, e.g. rainfall.",
            details={"parameter": "variable"},
        )
    if variable not in unified.columns:
        mapped = sorted(
            c[len("normalized_") :] for c in unified.columns if str(c).startswith("normalized_")
        )
        raise InputError(
            "unknown_variable",
            f"The analysis has no variable {variable!r}. Variables of this analysis: "
            f"{', '.join(mapped) or 'none'}.",
            details={"variable": variable, "variables": mapped},
        )
    direction = direction or variable_direction(unified, variable)
    if direction not in (DIRECT, INVERSE):
        raise InputError(
            "invalid_parameter",
            f"Direction {direction!r} is not known; use direct or inverse.",
            details={"parameter": "direction", "value": str(direction)},
        )
    values = _numeric(unified, variable)
    n = len(unified)
    cols = [(f"{variable} (raw value)", [fmt_value(v) for v in values])]
    if by_lga:
        lgas = lga_labels(unified)
        if len({g for g in lgas if g}) < 2:
            raise InputError(
                "invalid_parameter",
                "The wards have no LGA (or a single one), so there is no average per LGA "
                "to map; map the variable per ward.",
                details={"parameter": "by"},
            )
        frame = pd.DataFrame({"lga": lgas, "value": values})
        means = frame[frame["lga"] != ""].groupby("lga")["value"].mean()
        values = np.array([means.get(g, np.nan) if g else np.nan for g in lgas], dtype=float)
        cols.insert(0, (f"{variable}, LGA average", [fmt_value(v) for v in values]))
    rows, vals, vmin, vmax = _continuous(values)
    norm = f"normalized_{variable}"
    if norm in unified.columns:
        cols.append(
            (
                f"{variable} normalised (1 = most vulnerable)",
                [fmt_number(v) for v in _numeric(unified, norm)],
            )
        )
    flag = f"imputed_{variable}"
    if flag in unified.columns:
        filled = unified[flag].fillna(False).astype(bool).to_numpy()
        cols.append(
            ("Value source", ["filled from neighbours" if f else "observed" for f in filled])
        )
    if direction == DIRECT:
        reading = "direct: higher values mean higher risk"
        colours = RISK_SCALE
    else:
        reading = "inverse: higher values mean lower risk"
        colours = tuple(reversed(RISK_SCALE))
    subtitle = "Raw values as used by the analysis; darker red marks the riskier end."
    if by_lga:
        subtitle = (
            "Each LGA's average of its wards' values (every ward counts once); darker red "
            "marks the riskier end."
        )
    return {
        "title": f"{variable}{', average per LGA' if by_lga else ''} ({reading})",
        "subtitle": subtitle,
        "value_label": variable,
        "values": vals,
        "value_rows": rows,
        "vmin": vmin,
        "vmax": vmax,
        "colours": colours,
        "classes": _no_data_class(np.flatnonzero(~np.isfinite(values))),
        "hover_extra": _hover_columns(cols, n),
    }


def _build_urban(
    unified: pd.DataFrame, *, threshold: float | None, reprioritization: Any, **_: Any
) -> dict[str, Any]:
    urban_col = find_column(unified.columns, URBAN_SHARE_ALIASES)
    if urban_col is None:
        raise InputError(
            "missing_column",
            "The ward table has no urban share column, so urban wards cannot be mapped. "
            f"Looked for: {', '.join(URBAN_SHARE_ALIASES)}.",
            details={"looked_for": list(URBAN_SHARE_ALIASES)},
        )
    selection = reprioritization_frames(reprioritization) if reprioritization is not None else None
    if threshold is None:
        given = selection["parameters"].get("thresholds") if selection else None
        threshold = float(given[0]) if given else 75.0
    t = validate_thresholds([threshold])[0]
    share = _numeric(unified, urban_col)
    n = len(unified)
    pop_col = find_column(unified.columns, POPULATION_ALIASES)
    notes: list[str] = []
    can_select = pop_col is not None and "composite_rank" in unified.columns
    if selection is not None and can_select:
        # a threshold the given reprioritisation did not cover is worked out the same way
        params = selection["parameters"]
        known = [float(x) for x in params.get("thresholds") or []]
        if known and not any(np.isclose(t, k) for k in known):
            result = reprioritize(
                unified,
                thresholds=[t],
                target_share=params.get("target_share", DEFAULT_TARGET_SHARE),
                rank_column=params.get("rank_column", "composite_rank"),
            )
            selection = reprioritization_frames(result)
    if selection is None and can_select:
        result = reprioritize(unified, thresholds=[t])
        selection = reprioritization_frames(result)
    selected_rows = np.zeros(0, dtype=int)
    target = None
    if selection is not None:
        chosen = selection["selected"]
        chosen = chosen[np.isclose(pd.to_numeric(chosen["threshold"], errors="coerce"), t)]
        rank_column = selection["parameters"].get("rank_column", "composite_rank")
        selected_rows = match_rows(unified, chosen, rank_column=rank_column)
        selected_rows = selected_rows[selected_rows >= 0]
        target = selection["parameters"].get("target_share")
    else:
        notes.append(
            "No population column, so no wards were selected for de-prioritisation; "
            "the map shows urban wards only."
        )
    with np.errstate(invalid="ignore"):
        urban = share > t
    is_selected = np.zeros(n, dtype=bool)
    is_selected[selected_rows] = True
    label = threshold_label(t)
    classes = []
    groups = (
        (
            f"Selected for de-prioritisation ({int(is_selected.sum())})",
            URBAN_COLOURS["selected"],
            is_selected,
        ),
        (
            f"Other urban wards, above {label}% ({int((urban & ~is_selected).sum())})",
            URBAN_COLOURS["urban"],
            urban & ~is_selected,
        ),
        (
            f"Not urban, {label}% or less ({int((~urban & np.isfinite(share)).sum())})",
            URBAN_COLOURS["not_urban"],
            ~urban & np.isfinite(share) & ~is_selected,
        ),
    )
    for text, colour, mask in groups:
        rows = np.flatnonzero(mask)
        if len(rows):
            classes.append(MapClass(text, colour, rows))
    classes.extend(
        _no_data_class(np.flatnonzero(~np.isfinite(share) & ~is_selected), "No urban share")
    )
    status = np.where(
        is_selected, "selected for de-prioritisation", np.where(urban, "urban", "not urban")
    )
    status = np.where(~np.isfinite(share) & ~is_selected, "no urban share", status)
    cols = [
        (
            f"Urban share ({urban_col})",
            [f"{fmt_number(v, 1)}%" if np.isfinite(v) else "no value" for v in share],
        )
    ]
    if pop_col is not None:
        cols.append(("Population", [fmt_number(v, 0) for v in _numeric(unified, pop_col)]))
    cols.append((f"At {label}% threshold", status.tolist()))
    target_text = f"; target {target:g}% of the population" if target is not None else ""
    return {
        "title": f"Urban reprioritisation: wards more than {label}% urban",
        "subtitle": (
            "Urban wards, least vulnerable first, selected until their population "
            f"reaches the target{target_text}."
        ),
        "classes": tuple(classes),
        "hover_extra": _hover_columns(cols, n),
        "notes": tuple(notes),
    }


def _build_itn(unified: pd.DataFrame, *, plan: Any, **_: Any) -> dict[str, Any]:
    if plan is None:
        raise InputError(
            "invalid_parameter",
            "An ITN map needs a net distribution plan; make a plan first.",
            details={"parameter": "plan"},
        )
    frames = plan_frames(plan)
    wards = frames["wards"]
    rank_column = frames["parameters"].get("rank_column")
    rows = match_rows(unified, wards, rank_column=rank_column, plan_rank="rank")
    n = len(unified)
    allocated = np.full(n, np.nan)
    needed = np.full(n, np.nan)
    coverage = np.full(n, np.nan)
    tier = [""] * n
    phase = ["not in the plan"] * n
    ok = rows >= 0
    target = rows[ok]
    allocated[target] = pd.to_numeric(wards["nets_allocated"], errors="coerce").to_numpy()[ok]
    needed[target] = pd.to_numeric(wards["nets_needed"], errors="coerce").to_numpy()[ok]
    coverage[target] = pd.to_numeric(wards["coverage_percent"], errors="coerce").to_numpy()[ok]
    tiers = wards["priority_tier"].to_numpy(dtype=object)[ok]
    phases = wards["allocation_phase"].to_numpy(dtype=object)[ok]
    for r, t, p in zip(target.tolist(), tiers, phases, strict=True):
        tier[r] = TIER_NAMES.get(int(t), str(t)) if not _missing(t) else ""
        phase[r] = phase_words(p)
    with_nets = np.flatnonzero(allocated > 0)
    none = np.flatnonzero(allocated == 0)
    absent = np.flatnonzero(np.isnan(allocated))
    vals = allocated[with_nets]
    vmin = 0.0
    vmax = float(vals.max()) if len(vals) else 1.0
    classes: list[MapClass] = []
    if len(none):
        classes.append(MapClass(f"No nets ({len(none)})", "#ffffff", none))
    classes.extend(_no_data_class(absent, "Not in the plan"))
    totals = frames["totals"]
    cols = [
        ("Nets needed", [fmt_number(v, 0) for v in needed]),
        ("Nets allocated", [fmt_number(v, 0) for v in allocated]),
        ("Coverage", [f"{fmt_number(v, 1)}%" if np.isfinite(v) else "no value" for v in coverage]),
        ("Served", tier),
        ("Allocation", phase),
    ]
    subtitle = "Nets allocated per ward"
    if totals.get("nets_allocated") is not None and totals.get("total_nets"):
        subtitle += (
            f": {int(totals['nets_allocated']):,} of {int(totals['total_nets']):,} nets allocated"
        )
    subtitle += "; darker blue means more nets."
    return {
        "title": "ITN distribution plan: nets allocated per ward",
        "subtitle": subtitle,
        "value_label": "Nets allocated",
        "values": vals,
        "value_rows": with_nets,
        "vmin": vmin,
        "vmax": vmax,
        "colours": NETS_SCALE,
        "classes": tuple(classes),
        "hover_extra": _hover_columns(cols, n),
    }


_BUILDERS = {
    "composite": _build_composite,
    "pca": _build_pca,
    "category": _build_category,
    "consensus": _build_consensus,
    "variable": _build_variable,
    "urban": _build_urban,
    "itn": _build_itn,
}


# --- plans and reprioritisations as frames --------------------------------------------------


def plan_frames(plan: Any) -> dict[str, Any]:
    """An ITN plan (``ItnPlan``, its ``to_dict()``, or a ward table) as frames and dicts."""
    if _is_result(plan, "wards", "totals"):
        pass
    elif isinstance(plan, pd.DataFrame):
        plan = {"wards": plan}
    elif not (isinstance(plan, Mapping) and "wards" in plan):
        raise InputError(
            "invalid_parameter",
            "The ITN plan is not in a known form (an ItnPlan, its JSON, or a ward table).",
            details={"parameter": "plan"},
        )
    return {
        "wards": _frame(_part(plan, "wards")),
        "by_lga": _frame(_part(plan, "by_lga")),
        "totals": dict(_part(plan, "totals") or {}),
        **_parameters_and_warnings(plan),
    }


def reprioritization_frames(result: Any) -> dict[str, Any]:
    """A reprioritisation (``ReprioritizationResult`` or a dict of the same fields, with
    ``selected``/``summary``/``excluded`` as lists of records) as frames and dicts."""
    is_object = _is_result(result, "selected", "summary")
    if not (is_object or isinstance(result, Mapping)):
        raise InputError(
            "invalid_parameter",
            "The reprioritisation is not in a known form.",
            details={"parameter": "reprioritization"},
        )
    selected = _frame(_part(result, "selected"))
    if not is_object and "threshold" not in selected.columns:
        selected["threshold"] = pd.Series(dtype=float)
    return {
        "selected": selected,
        "summary": _frame(_part(result, "summary")),
        "excluded": _frame(_part(result, "excluded")),
        **_parameters_and_warnings(result),
    }


def _is_result(value: Any, *fields: str) -> bool:
    """A result object (``ItnPlan``, ``ReprioritizationResult``) rather than its dict form."""
    return all(hasattr(value, name) for name in fields)


def _part(result: Any, name: str) -> Any:
    """A field of a result object, or the item of its dict form; None when it has none."""
    return result.get(name) if isinstance(result, Mapping) else getattr(result, name, None)


def _frame(value: Any) -> pd.DataFrame:
    """A frame as it is; a list of records (or nothing) as a frame."""
    return value if isinstance(value, pd.DataFrame) else pd.DataFrame(list(value or []))


def _parameters_and_warnings(result: Any) -> dict[str, Any]:
    return {
        "parameters": dict(_part(result, "parameters") or {}),
        "warnings": list(_part(result, "warnings") or []),
    }


def match_rows(
    unified: pd.DataFrame,
    other: pd.DataFrame,
    *,
    rank_column: str | None = None,
    plan_rank: str | None = None,
) -> np.ndarray:
    """For each row of ``other``, its row position in ``unified`` (-1 when not found).

    Ward names repeat across LGAs, so the keys tried are, in order: the input row of a plan
    (checked against the names), the ranking's rank (unique per ward), the ward code, and
    the name with the LGA.
    """
    n = len(unified)
    m = len(other)
    names = ward_labels(unified)
    if m == 0:
        return np.zeros(0, dtype=int)
    other_names = [
        "" if _missing(v) else str(v)
        for v in (other[WARD_NAME] if WARD_NAME in other.columns else [None] * m)
    ]
    if "input_row" in other.columns:
        pos = pd.to_numeric(other["input_row"], errors="coerce").to_numpy(dtype=float) - 1
        if np.isfinite(pos).all() and ((pos >= 0) & (pos < n)).all():
            pos = pos.astype(int)
            if all(names[p] == o for p, o in zip(pos, other_names, strict=True)):
                return pos
    rank_source = plan_rank if plan_rank in other.columns else rank_column
    if rank_column and rank_column in unified.columns and rank_source in other.columns:
        found = _lookup(unified[rank_column], other[rank_source], numeric=True)
        if found is not None:
            return found
    if WARD_CODE in unified.columns and WARD_CODE in other.columns:
        found = _lookup(unified[WARD_CODE], other[WARD_CODE])
        if found is not None:
            return found
    lga_u = text_column(unified, LGA)
    lga_o = text_column(other, LGA) if LGA in other.columns else [""] * m
    keys = {}
    for i, k in enumerate(zip(names, lga_u, strict=True)):
        keys.setdefault(k, []).append(i)
    out = np.full(m, -1, dtype=int)
    for j, k in enumerate(zip(other_names, lga_o, strict=True)):
        hits = keys.get(k, [])
        if len(hits) == 1:
            out[j] = hits[0]
    return out


def _lookup(left: pd.Series, right: pd.Series, numeric: bool = False) -> np.ndarray | None:
    if numeric:
        a = pd.to_numeric(left, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        b = pd.to_numeric(right, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        keys_a = [None if not np.isfinite(v) else float(v) for v in a]
        keys_b = [None if not np.isfinite(v) else float(v) for v in b]
    else:
        keys_a = [None if _missing(v) else str(v) for v in left.to_numpy(dtype=object)]
        keys_b = [None if _missing(v) else str(v) for v in right.to_numpy(dtype=object)]
    present = [k for k in keys_a if k is not None]
    if not present or len(set(present)) != len(present):
        return None  # not a unique key of the unified dataset
    index = {k: i for i, k in enumerate(keys_a) if k is not None}
    out = np.array([index.get(k, -1) if k is not None else -1 for k in keys_b], dtype=int)
    return out if (out >= 0).any() else None
