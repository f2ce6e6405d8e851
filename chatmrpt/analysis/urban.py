"""Urban flags and urban reprioritisation (METHODOLOGY §7).

A ward is urban at threshold t when its urban share (percent) is strictly greater than t.
Reprioritisation walks the wards from the least to the most vulnerable (highest rank number
first) and selects urban wards until their cumulative population reaches the target share of
the total population, or the urban wards run out. The ward whose population makes the
cumulative share reach or pass the target is selected, then the walk stops: the selection is
the shortest run of least-vulnerable urban wards that meets the target.

Wards whose population is missing or negative, whose urban share is missing, or whose rank
is missing cannot be placed in the walk: they are never selected, and they are listed in
``ReprioritizationResult.excluded`` and named in the warnings. The total population (the
denominator of every share) is the sum of the known, non-negative populations.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from chatmrpt.analysis.columns import POPULATION_ALIASES, URBAN_SHARE_ALIASES
from chatmrpt.analysis.dataset import LGA, WARD_CODE, WARD_NAME
from chatmrpt.analysis.declarations import ReprioritizationParams
from chatmrpt.analysis.population import optional_column, planning_column, ward_columns
from chatmrpt.errors import InputError, describe_rows

DEFAULT_THRESHOLDS: tuple[float, ...] = ReprioritizationParams.option("thresholds").default
DEFAULT_TARGET_SHARE: float = ReprioritizationParams.option("target").default
# the analysis' urban flags take any number of thresholds; a reprioritisation at most 20
_THRESHOLDS = dataclasses.replace(ReprioritizationParams.option("thresholds"), max_items=None)
URBAN_FLAG_PREFIX = "urban_gt_"

SUMMARY_COLUMNS = (
    "threshold",
    "urban_wards",
    "selected_wards",
    "population_selected",
    "population_share",
    "target_reached",
)


def threshold_label(threshold: float) -> str:
    """``20.0`` → ``"20"``, ``37.5`` → ``"37.5"``: the spelling used in column names."""
    value = float(threshold)
    if value.is_integer():
        return str(int(value))
    return repr(value)


def urban_flag_column(threshold: float) -> str:
    return f"{URBAN_FLAG_PREFIX}{threshold_label(threshold)}"


def validate_thresholds(thresholds: Iterable[Any] | str | float | None) -> tuple[float, ...]:
    """Thresholds as distinct finite percentages in 0–100, in the order given."""
    if thresholds is None:
        return DEFAULT_THRESHOLDS
    return tuple(float(t) for t in _THRESHOLDS.check(thresholds))


def urban_flags(
    urban_share: pd.Series, thresholds: Iterable[Any] = DEFAULT_THRESHOLDS
) -> pd.DataFrame:
    """One boolean column per threshold, ``urban_gt_<t>``: urban share strictly above t.

    A ward whose urban share is missing is not urban at any threshold (False), because
    nothing says it is; reprioritisation reports such wards separately.
    """
    values = validate_thresholds(thresholds)
    share = pd.to_numeric(urban_share, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        flags = {urban_flag_column(t): share > t for t in values}
    return pd.DataFrame(flags, index=urban_share.index)


@dataclass(frozen=True)
class ReprioritizationResult:
    """Urban wards proposed for de-prioritisation, per threshold.

    ``selected``: one row per threshold and selected ward, in walk order (least vulnerable
    first) within each threshold. ``summary``: one row per threshold. ``excluded``: wards
    that could not take part (with the reason). ``parameters``: thresholds, target and the
    columns used. ``warnings``: plain sentences for the user.
    """

    selected: pd.DataFrame
    summary: pd.DataFrame
    excluded: pd.DataFrame
    parameters: dict[str, Any]
    warnings: list[str] = field(default_factory=list)

    def selection_table(self) -> pd.DataFrame:
        """The selected wards as written for users (CONTRACT): threshold, WardName,
        WardCode, <rank>, population, cumulative_population_share, then LGA and urban
        share."""
        rank_column = self.parameters["rank_column"]
        table = self.selected.copy()
        table["threshold"] = [threshold_label(t) for t in table["threshold"]]
        first = [
            "threshold",
            "WardName",
            "WardCode",
            rank_column,
            "population",
            "cumulative_population_share",
        ]
        return table[first + [c for c in table.columns if c not in first]]


def reprioritize(
    wards: pd.DataFrame,
    thresholds: Iterable[Any] = DEFAULT_THRESHOLDS,
    target_share: float = DEFAULT_TARGET_SHARE,
    rank_column: str = "composite_rank",
    population_column: str | None = None,
    urban_column: str | None = None,
    rank_order: str = "ascending",
) -> ReprioritizationResult:
    """Select urban wards for de-prioritisation at each threshold (METHODOLOGY §7).

    ``rank_order``: ``ascending`` when rank 1 is the most vulnerable ward (``composite_rank``),
    ``descending`` when rank 1 is the least vulnerable (the R MRPT app's overall rank), so
    ranks made elsewhere can be used directly.
    """
    rank_order = ReprioritizationParams.option("rank_order").check(rank_order)
    values = validate_thresholds(thresholds)
    target = ReprioritizationParams.option("target").check(target_share)

    columns = ward_columns(wards)
    pop_col = _planning_column(columns, population_column, POPULATION_ALIASES, "population")
    urban_col = _planning_column(columns, urban_column, URBAN_SHARE_ALIASES, "urban share")
    if rank_column not in columns:
        raise InputError(
            "missing_column",
            f"The ward table has no {rank_column} column, so wards cannot be ordered by "
            f"vulnerability.{' Run the analysis first.' if rank_column.endswith('_rank') else ''} "
            f"Columns present: {', '.join(columns)}.",
            details={"column": rank_column, "columns": columns},
        )

    n = len(wards)
    names = wards[WARD_NAME].astype(object).to_numpy()
    population = pd.to_numeric(wards[pop_col], errors="coerce").to_numpy(
        dtype=float, na_value=np.nan
    )
    share = pd.to_numeric(wards[urban_col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    rank = pd.to_numeric(wards[rank_column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)

    bad_population = ~np.isfinite(population) | (population < 0)
    bad_share = ~np.isfinite(share)
    bad_rank = ~np.isfinite(rank)
    usable = ~(bad_population | bad_share | bad_rank)

    total_population = float(population[~bad_population].sum())
    if total_population <= 0:
        raise InputError(
            "missing_population",
            f"The wards' total population (column {pop_col}) is zero or unknown, so population "
            "shares cannot be computed. Check the population column.",
            details={"column": pop_col},
        )

    warnings: list[str] = []
    excluded = _excluded_wards(
        wards, names, bad_population, bad_share, bad_rank, pop_col, urban_col, rank_column
    )
    if len(excluded):
        warnings.append(
            f"{len(excluded)} ward(s) could not be considered (missing population, urban share "
            f"or rank): {describe_rows(excluded[WARD_NAME].tolist())}."
        )
    if np.isfinite(share).any() and np.nanmax(share) <= 1.0:
        warnings.append(
            f"Every urban share in column {urban_col} is at most 1; the thresholds are percentages "
            "(0–100), so if these values are fractions multiply them by 100."
        )

    # Least vulnerable first: highest rank number first (lowest with rank_order descending);
    # equal ranks keep the table's order.
    positions = np.arange(n)
    sign = -1.0 if rank_order == "ascending" else 1.0
    walk = np.lexsort((positions, sign * np.where(bad_rank, 0.0, rank)))
    walk = walk[usable[walk]]

    codes = optional_column(wards, WARD_CODE)
    lgas = optional_column(wards, LGA)

    selected_parts: list[pd.DataFrame] = []
    summary_rows: list[dict[str, Any]] = []
    for t in values:
        urban_walk = walk[share[walk] > t]
        pops = population[urban_walk]
        cumulative = np.cumsum(pops)
        before = cumulative - pops
        # keep adding while the share *before* this ward is still below the target
        take = before * 100.0 < target * total_population
        chosen = urban_walk[take]
        chosen_cum = cumulative[take]
        population_selected = float(chosen_cum[-1]) if len(chosen) else 0.0
        share_selected = population_selected / total_population * 100.0
        summary_rows.append(
            {
                "threshold": t,
                "urban_wards": int(np.count_nonzero(share > t)),
                "selected_wards": len(chosen),
                "population_selected": population_selected,
                "population_share": share_selected,
                "target_reached": bool(population_selected * 100.0 >= target * total_population),
            }
        )
        selected_parts.append(
            pd.DataFrame(
                {
                    "threshold": np.full(len(chosen), t),
                    WARD_NAME: names[chosen],
                    WARD_CODE: codes[chosen],
                    LGA: lgas[chosen],
                    rank_column: _as_int_if_whole(rank[chosen]),
                    "population": population[chosen],
                    "urban_share": share[chosen],
                    "cumulative_population_share": chosen_cum / total_population * 100.0,
                }
            )
        )

    selected = pd.concat(selected_parts, ignore_index=True)
    summary = pd.DataFrame(summary_rows, columns=list(SUMMARY_COLUMNS))
    parameters = {
        "thresholds": list(values),
        "target_share": target,
        "rank_column": rank_column,
        "rank_order": rank_order,
        "population_column": pop_col,
        "urban_column": urban_col,
        "total_population": total_population,
        "wards": n,
        "selection_rule": (
            "walk urban wards (urban share > threshold) from the "
            f"{'highest' if rank_order == 'ascending' else 'lowest'} rank number "
            f"{'down' if rank_order == 'ascending' else 'up'}; "
            "select while the cumulative population before the ward is below the target share; "
            "the ward that reaches the target is included"
        ),
    }
    return ReprioritizationResult(
        selected=selected,
        summary=summary,
        excluded=excluded,
        parameters=parameters,
        warnings=warnings,
    )


def _planning_column(
    columns: list[str], given: str | None, aliases: tuple[str, ...], what: str
) -> str:
    return planning_column(
        columns, aliases, what, given=given,
        without_population="urban wards cannot be reprioritised by population share",
        without_urban_share="urban wards cannot be identified for reprioritisation",
    )


def _as_int_if_whole(values: np.ndarray) -> pd.Series | np.ndarray:
    if len(values) and np.all(np.isfinite(values)) and np.all(values == np.round(values)):
        return values.astype(np.int64)
    return values


def _excluded_wards(
    wards: pd.DataFrame,
    names: np.ndarray,
    bad_population: np.ndarray,
    bad_share: np.ndarray,
    bad_rank: np.ndarray,
    pop_col: str,
    urban_col: str,
    rank_column: str,
) -> pd.DataFrame:
    rows = np.flatnonzero(bad_population | bad_share | bad_rank)
    reasons = []
    for i in rows:
        why = []
        if bad_population[i]:
            why.append(f"{pop_col} missing or negative")
        if bad_share[i]:
            why.append(f"{urban_col} missing")
        if bad_rank[i]:
            why.append(f"{rank_column} missing")
        reasons.append("; ".join(why))
    return pd.DataFrame(
        {
            "row": rows + 1,
            WARD_NAME: names[rows],
            WARD_CODE: optional_column(wards, WARD_CODE)[rows],
            "reason": reasons,
        }
    )
