"""ITN (insecticide-treated net) distribution plans (METHODOLOGY §8).

A plan is a pure, deterministic function of the ward table and the parameters.

Need per ward, in this order:

1. ``base = ceil(max(population / people_per_net, ceil(population / household_size)))``
   — §8 as written: one net per ``people_per_net`` people, at least one net per household.
2. ``buffered = ceil(base × buffer)`` — the buffer covers losses and replacements.
3. ``nets_needed = ceil(buffered / bale_size) × bale_size`` — nets travel in whole bales,
   so a ward's need is the whole number of bales that covers it (with the default bale
   size 1 this changes nothing).

Allocation works in whole bales: the stock is ``total_nets // bale_size`` bales, and the
nets that do not make a whole bale stay unallocated (reported, with a warning). No ward
ever receives more than its ``nets_needed`` and the plan never hands out more than the stock.

Wards are walked tier 1 first (urban share below the urban threshold), then tier 2 (urban
share at or above it); inside each tier by vulnerability rank (1 = most vulnerable), equal
ranks in the order of the table. Strategies:

- ``stop`` (default, as the legacy tool): cover each ward fully while nets last; the first
  ward that cannot be covered fully gets what remains, and allocation stops.
- ``continue``: a ward that does not fit is skipped and the walk goes on covering the wards
  (usually smaller ones) that still fit. When the walk ends with nets left over, they go to
  the highest-priority skipped ward as a partial allocation (it needs more than what is left,
  so it is the only partial ward); no nets are left idle while a ward still needs them.
- ``capped``: like ``stop``, but no ward is given more than ``max_ward_share`` percent of the
  total stock (rounded down to whole bales); a ward held back by the cap is marked
  ``"tier N (capped)"``. Nets the cap leaves unused stay in stock.
- ``proportional`` (the R MRPT app's rule, for compatibility): a tier whose total need the
  remaining stock covers is covered fully. Otherwise the tier's wards are walked from the
  least to the most vulnerable (highest rank first, equal ranks in table order, wards
  without a rank first), each getting ``min(round(remaining × need / tier_need), need,
  remaining)``: ``remaining`` is the stock not yet handed out at that moment, ``tier_need``
  the tier's total need, the product and quotient are float64 (as in R) and ``round`` is
  half to even (Python's ``round``, like R's). The nets left after the walk go to the
  wards with the smallest unmet need first (equal gaps in walk order), each up to its need.
  Then the next tier. Everything is counted in bales. The result depends on the walk order.

Ranks come from ``composite_rank`` or ``pca_rank`` (``method``), or from any column of the
table (``rank_column``) with ``rank_order`` saying how to read it: ``ascending`` — rank 1
is the most vulnerable ward (like ``composite_rank``); ``descending`` — rank 1 is the least
vulnerable (like the R app's overall rank). ``allocation_order`` is always the priority
order (tier, then most vulnerable first); the proportional walk runs it backwards.

``allocation_phase`` per ward: ``"tier 1"`` / ``"tier 2"`` (fully covered),
``"tier N (partial)"`` (some nets, fewer than needed, because the stock ran out),
``"tier N (capped)"`` (held to the cap), ``"not covered"`` (no nets). A ward with no
population needs no nets and counts as fully covered.

Wards with a missing urban share are put in tier 1 (nothing shows they are urban) and named
in the warnings; wards with a missing rank go to the end of their tier, also with a warning.
Wards with a missing population make the plan refuse (``missing_population``) unless a fill
rule is given (``"mean"``, ``"median"`` of the known populations, or a number); the filled
wards and the value are recorded in ``parameters["fill_population"]``. A negative,
infinite or implausibly large population is always refused.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from chatmrpt.analysis.columns import POPULATION_ALIASES, URBAN_SHARE_ALIASES
from chatmrpt.analysis.dataset import LGA, LGA_CODE, WARD_CODE, WARD_NAME
from chatmrpt.analysis.declarations import (
    MAX_WARD_POPULATION,
    METHODS,
    STRATEGIES,
    ItnParams,
    parse_count,
)
from chatmrpt.analysis.population import (
    no_named_column,
    optional_column,
    planning_column,
    ward_columns,
)
from chatmrpt.errors import InputError, describe_rows
from chatmrpt.store.model import to_jsonable

__all__ = ["STRATEGIES", "RANK_COLUMNS", "ItnPlan", "nets_needed", "parse_net_count", "plan_itn"]

RANK_COLUMNS = {method: f"{method}_rank" for method in METHODS}

# One ward taking more than this share of all nets gets a warning (§8).
LARGE_WARD_SHARE = 25.0

NO_LGA_COLUMN = "(all wards)"
UNKNOWN_LGA = "(LGA unknown)"

WARD_COLUMNS = (
    WARD_NAME,
    WARD_CODE,
    LGA,
    "nets_needed",
    "nets_allocated",
    "coverage_percent",
    "priority_tier",
    "allocation_phase",
    "population_covered",
    "population",
    "urban_share",
    "rank",
    "allocation_order",
    "population_filled",
    "input_row",
)
# The first column is LGA, or LGACode when the wards carry only LGA codes.
LGA_COLUMNS = (
    LGA,
    "wards",
    "population",
    "nets_needed",
    "nets_allocated",
    "coverage_percent",
    "population_covered",
    "wards_fully_covered",
    "wards_partly_covered",
    "wards_not_covered",
)

NEED_RULE = (
    "nets_needed = ceil(ceil(max(population / people_per_net, ceil(population / household_size)))"
    " * buffer / bale_size) * bale_size"
)

# Floating-point noise (100 * 1.1 = 110.00000000000001) must not add a net.
_NOISE_DECIMALS = 6


@dataclass(frozen=True)
class ItnPlan:
    """A net distribution plan: per ward, per LGA, totals, warnings and the parameters.

    ``wards`` is in allocation order (tier, then rank); ``input_row`` (1-based) points back
    to the row of the ward table. ``by_lga`` sums the wards per LGA (per LGA code when the
    table has codes but no names; one "(all wards)" row when it has neither).
    """

    wards: pd.DataFrame
    totals: dict[str, Any]
    by_lga: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    parameters: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Parameters, totals, warnings, ward rows and LGA rows as plain JSON types."""
        return {
            "parameters": to_jsonable(self.parameters),
            "totals": to_jsonable(self.totals),
            "warnings": list(self.warnings),
            "wards": _records(self.wards),
            "by_lga": _records(self.by_lga),
        }

    def to_json(self) -> str:
        """The plan as JSON: the summary parts indented, one line per ward and per LGA (a
        plan for 100,000 wards stays quick to write and to read by eye)."""
        data = self.to_dict()
        parts = []
        for key, value in data.items():
            if key in ("wards", "by_lga"):
                rows = ",\n    ".join(_dump(row) for row in value)
                text = f"[\n    {rows}\n  ]" if rows else "[]"
            else:
                text = json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False)
                text = text.replace("\n", "\n  ")
            parts.append(f"  {json.dumps(key)}: {text}")
        return "{\n" + ",\n".join(parts) + "\n}"


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def parse_net_count(value: Any, what: str = "number of nets") -> int:
    """A whole number of nets from user text: ``1200000``, ``"1,200,000"``, ``"1.2m"``, ``"500k"``."""
    return parse_count(value, what)


def plan_itn(
    wards: pd.DataFrame,
    *,
    total_nets: int,
    household_size: float,
    urban_threshold: float = 75,
    method: str = "composite",
    strategy: str = "stop",
    max_ward_share: float | None = None,
    people_per_net: float = 1.8,
    buffer: float = 1.0,
    bale_size: int = 1,
    fill_population: str | float | None = None,
    rank_column: str | None = None,
    rank_order: str | None = None,
) -> ItnPlan:
    """Plan how ``total_nets`` nets are spread over the wards (see the module docstring)."""
    p = ItnParams.from_dict({
        "total_nets": total_nets, "household_size": household_size,
        "urban_threshold": urban_threshold, "method": method, "strategy": strategy,
        "max_ward_share": max_ward_share, "people_per_net": people_per_net, "buffer": buffer,
        "bale_size": bale_size, "fill_population": fill_population,
        "rank_column": rank_column, "rank_order": rank_order,
    })  # fmt: skip
    total_nets, household_size, urban_threshold = p.total_nets, p.household_size, p.urban_threshold
    method, strategy, max_ward_share = p.method, p.strategy, p.max_ward_share
    people_per_net, buffer, bale_size = p.people_per_net, p.buffer, p.bale_size
    fill_rule = p.fill_population
    external = (p.rank_column, p.rank_order) if p.rank_column is not None else None

    columns = ward_columns(wards)
    n = len(wards)
    if n == 0:
        raise InputError("empty_file", "The ward table has no wards, so there is nothing to plan.")
    if external is not None:
        rank_column, rank_order = external
        method = "external"
    else:
        rank_column, rank_order = RANK_COLUMNS[method], "ascending"
    if external is not None and rank_column not in columns:
        raise no_named_column(rank_column, "to rank the wards by", columns)
    if rank_column not in columns:
        hint = (
            " Run the analysis with PCA, or plan with the composite ranking."
            if method == "pca"
            else " Run the analysis first."
        )
        raise InputError(
            "missing_column",
            f"The ward table has no {rank_column} column, so wards cannot be ordered by the {method} ranking.{hint}",
            details={"column": rank_column, "columns": columns},
        )
    pop_col = _planning_column(columns, POPULATION_ALIASES, "population")
    urban_col = _planning_column(columns, URBAN_SHARE_ALIASES, "urban share")

    names = wards[WARD_NAME].astype(object).to_numpy()
    codes = optional_column(wards, WARD_CODE)
    lgas = optional_column(wards, LGA)
    rank = pd.to_numeric(wards[rank_column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    share = pd.to_numeric(wards[urban_col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if not np.isfinite(rank).any():
        raise InputError(
            "missing_column",
            f"The {rank_column} column has no numbers, so wards cannot be ordered by it.",
            details={"column": rank_column},
        )
    # priority: lower = more vulnerable, whichever way the rank column counts
    priority = rank if rank_order == "ascending" else -rank

    warnings: list[str] = []
    population, filled, fill_record = _population(wards[pop_col], names, pop_col, fill_rule)
    if fill_record is not None:
        warnings.append(
            f"Population was missing for {len(fill_record['wards'])} ward(s) and filled with the "
            f"{fill_record['rule']} value {fill_record['value']:,.2f}: "
            f"{describe_rows([w['WardName'] for w in fill_record['wards']])}."
        )

    missing_share = ~np.isfinite(share)
    if missing_share.any():
        warnings.append(
            f"Urban share ({urban_col}) is missing for {int(missing_share.sum())} ward(s); they are "
            f"planned in tier 1: {describe_rows(_labels(names, np.flatnonzero(missing_share)))}."
        )
    if (~missing_share).any() and np.nanmax(share) <= 1.0:
        warnings.append(
            f"Every urban share in column {urban_col} is at most 1; the urban threshold is a "
            "percentage (0–100), so if these values are fractions multiply them by 100."
        )
    missing_rank = ~np.isfinite(rank)
    if missing_rank.any():
        warnings.append(
            f"{rank_column} is missing for {int(missing_rank.sum())} ward(s); they come last in "
            f"their tier: {describe_rows(_labels(names, np.flatnonzero(missing_rank)))}."
        )

    tier = np.where(missing_share | (share < urban_threshold), 1, 2).astype(np.int64)
    need_nets = nets_needed(population, household_size, people_per_net, buffer, bale_size)
    need_bales = need_nets // bale_size

    positions = np.arange(n)
    order = np.lexsort((positions, np.where(missing_rank, np.inf, priority), tier))
    stock_bales = total_nets // bale_size
    ordered_need = need_bales[order]

    cap_bales: int | None = None
    if strategy == "stop":
        ordered_alloc = _walk_stop(ordered_need, stock_bales)
    elif strategy == "continue":
        ordered_alloc = _walk_continue(ordered_need, stock_bales)
    elif strategy == "proportional":
        # least vulnerable first inside each tier; wards without a rank count as least
        walk = np.lexsort((positions, np.where(missing_rank, -np.inf, -priority), tier))
        walk_alloc = proportional_allocation(need_bales[walk], tier[walk], stock_bales)
        alloc_in_input = np.empty(n, dtype=np.int64)
        alloc_in_input[walk] = walk_alloc
        ordered_alloc = alloc_in_input[order]
    else:
        cap_bales = int(math.floor(total_nets * max_ward_share / 100.0 + 1e-9)) // bale_size
        if cap_bales < 1:
            raise InputError(
                "invalid_parameter",
                f"A maximum ward share of {max_ward_share:g}% of {total_nets:,} nets is less than one "
                f"bale of {bale_size:,}; raise the share or the number of nets.",
                details={"parameter": "max_ward_share", "value": max_ward_share},
            )
        ordered_alloc = _walk_stop(np.minimum(ordered_need, cap_bales), stock_bales)

    alloc_nets = np.empty(n, dtype=np.int64)
    alloc_nets[order] = ordered_alloc * bale_size

    coverage = np.divide(alloc_nets * 100.0, need_nets, out=np.full(n, 100.0), where=need_nets > 0)
    population_covered = np.round(
        np.minimum(alloc_nets * people_per_net, population), _NOISE_DECIMALS
    )
    full = alloc_nets >= need_nets
    none = (alloc_nets == 0) & ~full
    partial = ~full & ~none
    tier_label = np.where(tier == 1, "tier 1", "tier 2").astype(object)
    phase = tier_label.copy()
    if cap_bales is not None:
        held = partial & (need_bales > cap_bales) & (alloc_nets == cap_bales * bale_size)
    else:
        held = np.zeros(n, dtype=bool)
    phase[partial & ~held] = tier_label[partial & ~held] + " (partial)"
    phase[held] = tier_label[held] + " (capped)"
    phase[none] = "not covered"

    lga_key_name, lga_key = _lga_grouping(wards)
    allocation_order = np.empty(n, dtype=np.int64)
    allocation_order[order] = np.arange(1, n + 1)
    plan_wards = pd.DataFrame(
        {
            WARD_NAME: names,
            WARD_CODE: codes,
            LGA: lgas,
            "nets_needed": need_nets,
            "nets_allocated": alloc_nets,
            "coverage_percent": coverage,
            "priority_tier": tier,
            "allocation_phase": phase,
            "population_covered": population_covered,
            "population": population,
            "urban_share": share,
            "rank": _as_int_if_whole(rank),
            "allocation_order": allocation_order,
            "population_filled": filled,
            "input_row": positions + 1,
        },
        columns=list(WARD_COLUMNS),
    )
    plan_wards = plan_wards.iloc[order].reset_index(drop=True)

    total_need = int(need_nets.sum())
    allocated = int(alloc_nets.sum())
    total_population = float(population.sum())
    covered = float(population_covered.sum())
    totals = {
        "total_nets": total_nets,
        "nets_allocated": allocated,
        "nets_remaining": total_nets - allocated,
        "total_need": total_need,
        "leftover": max(0, total_nets - total_need),
        "population": total_population,
        "population_covered": covered,
        "population_covered_percent": covered / total_population * 100.0
        if total_population > 0
        else 0.0,
        "wards": n,
        "wards_fully_covered": int(full.sum()),
        "wards_partly_covered": int(partial.sum()),
        "wards_not_covered": int(none.sum()),
        "tier1_wards": int((tier == 1).sum()),
        "tier2_wards": int((tier == 2).sum()),
        "tier1_nets_allocated": int(alloc_nets[tier == 1].sum()),
        "tier2_nets_allocated": int(alloc_nets[tier == 2].sum()),
    }

    warnings.extend(_allocation_warnings(names, alloc_nets, total_nets, total_need, bale_size))

    parameters = {
        "total_nets": total_nets,
        "household_size": household_size,
        "urban_threshold": urban_threshold,
        "method": method,
        "rank_column": rank_column,
        "rank_order": rank_order,
        "strategy": strategy,
        "max_ward_share": max_ward_share,
        "people_per_net": people_per_net,
        "buffer": buffer,
        "bale_size": bale_size,
        "population_column": pop_col,
        "urban_column": urban_col,
        "fill_population": fill_record,
        "need_rule": NEED_RULE,
        "tier_rule": f"tier 1: urban share < {urban_threshold:g}% (or unknown); tier 2: the rest",
    }
    return ItnPlan(
        wards=plan_wards,
        totals=totals,
        by_lga=_by_lga(plan_wards, lga_key_name, lga_key[order]),
        warnings=warnings,
        parameters=parameters,
    )


def nets_needed(
    population: np.ndarray | pd.Series | float,
    household_size: float,
    people_per_net: float = 1.8,
    buffer: float = 1.0,
    bale_size: int = 1,
) -> np.ndarray:
    """Nets per ward (see the module docstring); vectorised over ``population``."""
    pop = np.asarray(population, dtype=float)
    per_net = pop / people_per_net
    households = np.ceil(_denoise(pop / household_size))
    base = np.ceil(_denoise(np.maximum(per_net, households)))
    buffered = np.ceil(_denoise(base * buffer)).astype(np.int64)
    return -(-buffered // bale_size) * bale_size


def _denoise(values: np.ndarray) -> np.ndarray:
    return np.round(values, _NOISE_DECIMALS)


def _walk_stop(need: np.ndarray, stock: int) -> np.ndarray:
    """Cover wards in order while the stock lasts; the first that does not fit gets the rest."""
    if len(need) == 0:
        return need.copy()
    before = np.cumsum(need) - need
    return np.minimum(need, np.maximum(stock - before, 0))


def proportional_allocation(need: np.ndarray, tier: np.ndarray, stock: int) -> np.ndarray:
    """The R MRPT app's allocation (module docstring, ``proportional``).

    ``need`` and ``tier`` are in walk order (tier 1 first, inside a tier from the least
    to the most vulnerable ward); returns each ward's allocation in that order.
    """
    need = np.asarray(need, dtype=np.int64)
    tier = np.asarray(tier)
    alloc = np.zeros(len(need), dtype=np.int64)
    remaining = int(stock)
    for t in sorted(set(tier.tolist())):
        idx = np.flatnonzero(tier == t)
        needs = need[idx].tolist()
        tier_need = sum(needs)
        if remaining >= tier_need:
            alloc[idx] = need[idx]
            remaining -= tier_need
            continue
        given = []
        for ward_need in needs:
            # float64 as in R: (remaining * need) / tier_need, then half-to-even rounding
            share = round(float(remaining) * float(ward_need) / float(tier_need))
            give = max(0, min(share, ward_need, remaining))
            given.append(give)
            remaining -= give
        # leftover: smallest unmet gap first, equal gaps in walk order
        gaps = sorted(
            (ward_need - give, k)
            for k, (ward_need, give) in enumerate(zip(needs, given, strict=True))
            if ward_need > give
        )
        for gap, k in gaps:
            if remaining <= 0:
                break
            extra = min(gap, remaining)
            given[k] += extra
            remaining -= extra
        alloc[idx] = given
    return alloc


def _walk_continue(need: np.ndarray, stock: int) -> np.ndarray:
    """Skip wards that do not fit; leftover nets go to the highest-priority skipped ward."""
    alloc = np.zeros(len(need), dtype=np.int64)
    remaining = int(stock)
    first_skipped = -1
    covered: list[int] = []
    for i, ward_need in enumerate(need.tolist()):
        if ward_need <= remaining:
            covered.append(i)
            remaining -= ward_need
            if remaining == 0:
                break
        elif first_skipped < 0:
            first_skipped = i
    alloc[covered] = need[covered]
    if first_skipped >= 0 and remaining > 0:
        alloc[first_skipped] = remaining
    return alloc


def _allocation_warnings(
    names: np.ndarray, alloc: np.ndarray, total_nets: int, total_need: int, bale_size: int
) -> list[str]:
    warnings = []
    large = np.flatnonzero(alloc * 100.0 > LARGE_WARD_SHARE * total_nets)
    for i in large:  # at most three wards can each take more than 25%
        warnings.append(
            f"{_text(names[i])} (row {i + 1}) takes {int(alloc[i]):,} nets, {alloc[i] / total_nets * 100:.1f}% of all "
            f"{total_nets:,} nets (more than {LARGE_WARD_SHARE:g}%); check its population, or use "
            "strategy 'capped' with a maximum ward share."
        )
    if total_nets > total_need:
        warnings.append(
            f"The stock of {total_nets:,} nets is larger than the total need of {total_need:,} nets: "
            f"{total_nets - total_need:,} nets are left over after every ward is fully covered."
        )
    odd = total_nets % bale_size
    if odd and total_nets < total_need:
        warnings.append(
            f"{odd:,} net(s) do not make a whole bale of {bale_size:,} and stay unallocated."
        )
    return warnings


def _lga_grouping(wards: pd.DataFrame) -> tuple[str, np.ndarray]:
    """Group by LGA name; without names (boundaries often carry only codes) by LGA code."""
    for name in (LGA, LGA_CODE):
        if name in wards.columns and wards[name].notna().any():
            values = wards[name].astype(object).where(wards[name].notna(), UNKNOWN_LGA)
            return name, values.astype(str).to_numpy(dtype=object)
    return LGA, np.full(len(wards), NO_LGA_COLUMN, dtype=object)


def _by_lga(plan_wards: pd.DataFrame, key_name: str, key: np.ndarray) -> pd.DataFrame:
    phase = plan_wards["allocation_phase"]
    frame = pd.DataFrame(
        {
            key_name: key,
            "population": plan_wards["population"].to_numpy(),
            "nets_needed": plan_wards["nets_needed"].to_numpy(),
            "nets_allocated": plan_wards["nets_allocated"].to_numpy(),
            "population_covered": plan_wards["population_covered"].to_numpy(),
            "full": (plan_wards["nets_allocated"] >= plan_wards["nets_needed"]).to_numpy(),
            "none": (phase == "not covered").to_numpy(),
        }
    )
    frame["partial"] = ~frame["full"] & ~frame["none"]
    grouped = frame.groupby(key_name, sort=True)
    out = pd.DataFrame(
        {
            "wards": grouped.size(),
            "population": grouped["population"].sum(),
            "nets_needed": grouped["nets_needed"].sum(),
            "nets_allocated": grouped["nets_allocated"].sum(),
            "population_covered": grouped["population_covered"].sum(),
            "wards_fully_covered": grouped["full"].sum(),
            "wards_partly_covered": grouped["partial"].sum(),
            "wards_not_covered": grouped["none"].sum(),
        }
    ).reset_index()
    out["coverage_percent"] = coverage_percent(out["nets_allocated"], out["nets_needed"])
    for col in (
        "wards",
        "nets_needed",
        "nets_allocated",
        "wards_fully_covered",
        "wards_partly_covered",
        "wards_not_covered",
    ):
        out[col] = out[col].astype(np.int64)
    return out[[key_name, *LGA_COLUMNS[1:]]]


def _population(
    raw: pd.Series, names: np.ndarray, pop_col: str, fill_rule: str | float | None
) -> tuple[np.ndarray, np.ndarray, dict[str, Any] | None]:
    population = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    missing = np.isnan(population)
    invalid = ~missing & (
        ~np.isfinite(population) | (population < 0) | (population > MAX_WARD_POPULATION)
    )
    if invalid.any():
        rows = np.flatnonzero(invalid)
        raise InputError(
            "missing_population",
            f"Population ({pop_col}) is negative or implausible for {len(rows)} ward(s): "
            f"{describe_rows(_labels(names, rows))}. Correct these values and plan again.",
            details={"column": pop_col, "rows": (rows + 1).tolist(), "wards": _names(names, rows)},
        )
    if not missing.any():
        return population, np.zeros(len(population), dtype=bool), None
    rows = np.flatnonzero(missing)
    if fill_rule is None:
        raise InputError(
            "missing_population",
            f"Population ({pop_col}) is missing for {len(rows)} ward(s): "
            f"{describe_rows(_labels(names, rows))}. Add their population, or choose a fill rule "
            "(fill population with the mean, the median or a number) to plan anyway.",
            details={"column": pop_col, "rows": (rows + 1).tolist(), "wards": _names(names, rows)},
        )
    known = population[~missing]
    if isinstance(fill_rule, str):
        if len(known) == 0:
            raise InputError(
                "missing_population",
                f"Population ({pop_col}) is missing for every ward, so there is no {fill_rule} to "
                "fill with. Add populations or give a number to fill with.",
                details={"column": pop_col},
            )
        value = float(np.mean(known) if fill_rule == "mean" else np.median(known))
    else:
        value = float(fill_rule)
    filled = population.copy()
    filled[missing] = value
    record = {
        "rule": fill_rule if isinstance(fill_rule, str) else "value",
        "value": value,
        "wards": [{"row": int(i) + 1, "WardName": _text(names[i])} for i in rows],
    }
    return filled, missing, record


def coverage_percent(allocated: Any, needed: Any) -> np.ndarray:
    """Nets allocated as a percentage of nets needed; 100 where none were needed."""
    need = np.asarray(needed, dtype=float)
    return np.divide(
        np.asarray(allocated, dtype=float) * 100.0,
        need,
        out=np.full(len(need), 100.0),
        where=need > 0,
    )


def _planning_column(columns: list[str], aliases: tuple[str, ...], what: str) -> str:
    return planning_column(
        columns, aliases, what, without_population="nets cannot be planned",
        without_urban_share="nets cannot be planned by urban tier",
    )


def _as_int_if_whole(values: np.ndarray) -> np.ndarray | pd.array:
    finite = np.isfinite(values)
    if finite.any() and np.all(values[finite] == np.round(values[finite])):
        if finite.all():
            return values.astype(np.int64)
        return pd.array(values, dtype="Int64")
    return values


def _text(value: Any) -> str:
    return (
        "(no name)"
        if value is None or (isinstance(value, float) and math.isnan(value))
        else str(value)
    )


def _names(names: np.ndarray, rows: np.ndarray) -> list[str]:
    return [_text(names[i]) for i in rows]


def _labels(names: np.ndarray, rows: np.ndarray) -> list[str]:
    return [f"{_text(names[i])} (row {int(i) + 1})" for i in rows]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (NaN and infinities as None); column-wise, so 100,000 wards
    take a fraction of a second rather than a scalar-by-scalar walk."""
    columns = []
    for name in frame.columns:
        series = frame[name]
        if pd.api.types.is_float_dtype(series.dtype) and not isinstance(
            series.dtype, pd.api.extensions.ExtensionDtype
        ):
            values = series.to_numpy()
            items = values.tolist()
            for i in np.flatnonzero(~np.isfinite(values)).tolist():
                items[i] = None
        else:
            items = series.astype(object).where(series.notna(), None).tolist()
            items = [v.item() if isinstance(v, np.generic) else v for v in items]
        columns.append(items)
    names = [str(c) for c in frame.columns]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]
