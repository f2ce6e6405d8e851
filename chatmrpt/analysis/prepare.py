"""From a facility export and ward boundaries to a ward table, ready for analysis.

One row per ward of the boundaries (the boundaries say which wards exist), with:

- identity columns from the boundaries (WardName, WardCode, LGA/LGACode, State...);
- the age group's test positivity rate (METHODOLOGY §9; ``u5_tpr_rdt`` for under-fives),
  with the tested and positive counts of the method used;
- population (a population table, or population rasters summed per ward) and
  ``burden_per_1000``: positives over the age group's population × 1,000, capped at 1,000;
- one column per environmental raster (exact zonal statistics);
- ``urban_percentage`` from a built-up raster, when given (otherwise the boundaries'
  Urban Yes/No attribute is read when the table is analysed with them).

Every step reports what it matched and what it could not; nothing is filled in silently.

Several years (``by_year``): the export's periods give one row per boundary ward and year
(TPR with the ward's one method over all years, tested, positive and burden per 1,000 over
the same population), and a trend per ward: the least-squares slope per year of burden per
1,000 (of TPR, in points, for a ward without population) over the years present, labelled
worsening (slope ≥ threshold), improving (≤ −threshold) or stable, with the number of
years used; one year only is "insufficient_data". ``year_table`` gives the ward table of
one year, for a per-year analysis, and ``ranking_by_year`` puts the years' rankings side by
side.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from chatmrpt.analysis.dataset import (
    GEOMETRY,
    IDENTITY_COLUMNS,
    LGA,
    STATE,
    WARD_CODE,
    WARD_NAME,
)
from chatmrpt.analysis.ingest import read_boundaries
from chatmrpt.analysis.population import (
    POPULATION,
    POPULATION_U5,
    POPULATION_WOMEN,
    TOTAL,
    URBAN_SHARE,
    _table_and_rasters,
    is_raster_file,
    population_from_rasters,
    population_from_table,
    read_population_table,
    urban_share_from_raster,
)
from chatmrpt.analysis.tpr import (
    BURDEN_CAP,
    TREND_THRESHOLD,
    check_trend_threshold,
    compute_ward_tpr,
    match_ward_tables,
    read_facility_export,
    tpr_variable_name,
    trend_labels,
    yearly_slopes,
)
from chatmrpt.analysis.zonal import NODATA_SUFFIX, ward_raster_stats
from chatmrpt.errors import InputError, describe_rows

BURDEN = "burden_per_1000"
# the population each age group's burden is computed over (the total when absent, stated)
AGE_POPULATION = {"u5": POPULATION_U5, "pw": POPULATION_WOMEN}


@dataclass
class PreparedWards:
    """The ward table (no geometry), the report of every step and the planning sources."""

    table: pd.DataFrame
    report: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    planning: dict[str, Any] = field(default_factory=dict)
    # with by_year: one row per ward and year, and the trend per ward
    by_year: pd.DataFrame | None = None
    trend: pd.DataFrame | None = None
    # the row of ``table`` each row of ``by_year`` belongs to
    by_year_rows: np.ndarray | None = None

    @property
    def years(self) -> list[int]:
        if self.by_year is None or self.by_year.empty:
            return []
        return sorted(int(y) for y in self.by_year["year"].unique())


def count_columns(age: str) -> tuple[str, str]:
    return f"{age}_tested", f"{age}_positive"


def prepare_ward_table(
    export,
    boundaries,
    *,
    population=None,
    population_name: str | None = None,
    population_rasters: Mapping[str, Any] | None = None,
    rasters: Sequence[Any] | None = None,
    urban_raster=None,
    urban_raster_name: str | None = None,
    age: str = "u5",
    facility_level: str = "all",
    test: str = "both",
    sheet: str | None = None,
    columns: Mapping[str, str] | None = None,
    export_name: str | None = None,
    boundaries_name: str | None = None,
    include_population: bool = True,
    s3_endpoint_url: str | None = None,
    by_year: bool = False,
    trend_threshold: float = TREND_THRESHOLD,
    scratch: Path | None = None,
) -> PreparedWards:
    """Build the ward table (see the module docstring).

    ``population``: a population table or a total-population raster; ``population_rasters``:
    ``{"total"|"u5"|"women": raster}``; ``rasters``: ``RasterSpec`` list (zonal.py) for the
    environmental variables; ``include_population=False`` leaves the population columns out of the
    table (burden is still computed), for callers that attach the population file itself.
    """
    if by_year:
        trend_threshold = check_trend_threshold(trend_threshold)
    frame, info = read_facility_export(export, sheet=sheet, columns=columns)
    tpr = compute_ward_tpr(frame, age=age, facility_level=facility_level, test=test,
                           columns=columns, name=export_name or info["file"], by_year=by_year,
                           trend_threshold=trend_threshold)
    features, bsource, bnotes = read_boundaries(boundaries, name=boundaries_name, scratch=scratch)
    warnings: list[str] = list(bnotes) + list(tpr.report.get("warnings", []))
    identity = [c for c in IDENTITY_COLUMNS if c in features.columns]
    wards = features[identity + [GEOMETRY]].reset_index(drop=True)
    table = pd.DataFrame(wards[identity]).copy()

    # TPR: the export's wards onto the boundary wards
    positions, tpr_join = match_ward_tables(table, tpr.wards)
    variable = tpr_variable_name(tpr.params["age"])
    tested_col, positive_col = count_columns(tpr.params["age"])
    pick = np.asarray(positions, dtype=np.int64)
    hit = pick >= 0

    def aligned(col: str) -> np.ndarray:
        values = tpr.wards[col].to_numpy(dtype=float)
        return np.where(hit, np.append(values, np.nan)[pick], np.nan)

    table[variable] = aligned("tpr")
    table[tested_col] = aligned("tested")
    table[positive_col] = aligned("positive")
    methods = np.append(tpr.wards["test_method"].to_numpy(dtype=object), None)[pick]
    table["test_method"] = np.where(hit, methods, None)
    if tpr_join["matched"] == 0:
        raise InputError(
            "boundary_join_failed",
            f"No ward of the facility export matches a ward of {bsource['name']}. Check that "
            "both cover the same state and LGAs.",
            details={"export_wards": len(tpr.wards), "boundary_wards": len(table)},
        )
    if tpr_join["unmatched_table_count"]:
        warnings.append(
            f"{tpr_join['unmatched_table_count']} of {len(table)} wards of the boundaries have "
            f"no facility data, so no TPR: {describe_rows(tpr_join['unmatched_table'])}.")
    if tpr_join["unmatched_other_count"]:
        warnings.append(
            f"{tpr_join['unmatched_other_count']} wards of the facility export match no ward "
            f"of the boundaries: {describe_rows(tpr_join['unmatched_other'])}.")
    for fuzzy in tpr_join.get("fuzzy_matches", []):
        warnings.append(f"Facility export ward {fuzzy['other']!r} was matched to boundary "
                        f"ward {fuzzy['table']!r} (similar names, score {fuzzy['score']}).")

    # population
    planning: dict[str, Any] = {}
    pop_frame = None
    pop_report: dict[str, Any] | None = None
    rasters_pop = dict(population_rasters or {})
    if population is not None and is_raster_file(population):
        rasters_pop.setdefault(TOTAL, population)
        population = None
    if population is not None and rasters_pop:
        raise _table_and_rasters()
    if population is not None:
        display = population_name or Path(str(population)).name
        ptable, _src, pnotes = read_population_table(population, name=display)
        pop_frame, pop_report, more = population_from_table(wards, ptable, name=display)
        warnings += pnotes + more
        planning["population"] = {"column": POPULATION, "source": f"the population table "
                                  f"{display}", "file": display}
        if URBAN_SHARE in pop_frame.columns:
            table[URBAN_SHARE] = pop_frame.pop(URBAN_SHARE).to_numpy(dtype=float)
            planning["urban_share"] = {
                "column": URBAN_SHARE, "file": display,
                "source": f"the {pop_report['columns']['urban_share']} column of the "
                          f"population table {display}"}
    elif rasters_pop:
        pop_frame, pop_report, more = population_from_rasters(wards, rasters_pop)
        warnings += more
        total = rasters_pop.get(TOTAL)
        if total is not None:
            display = population_name or Path(str(total)).name
            planning["population"] = {"column": POPULATION, "file": display, "source":
                                      f"the population raster {display} (people summed over "
                                      "each ward)"}

    burden_report: dict[str, Any] = {"computed": False}
    people: np.ndarray | None = None
    if pop_frame is not None:
        basis_col = AGE_POPULATION.get(tpr.params["age"], POPULATION)
        if basis_col not in pop_frame.columns:
            if POPULATION in pop_frame.columns and basis_col != POPULATION:
                label = {POPULATION_U5: "under-five population",
                         POPULATION_WOMEN: "population of women aged 15–49"}[basis_col]
                warnings.append(
                    f"No {label} ({basis_col}) was given, so burden per 1,000 uses the total "
                    "population (lower than the age group's own burden).")
            basis_col = POPULATION
        if basis_col in pop_frame.columns:
            people = pop_frame[basis_col].to_numpy(dtype=float)
            positives = table[positive_col].to_numpy(dtype=float)
            with np.errstate(divide="ignore", invalid="ignore"):
                raw = np.where(people > 0, positives / people * 1000.0, np.nan)
            capped = np.isfinite(raw) & (raw > BURDEN_CAP)
            table[BURDEN] = np.minimum(raw, BURDEN_CAP)
            if capped.any():
                names = table[WARD_NAME].to_numpy()[capped].tolist()
                warnings.append(
                    f"{int(capped.sum())} ward(s) had more positive tests than people in "
                    f"{basis_col} ({describe_rows(names)}); their burden is capped at 1,000 "
                    "per 1,000. Check the population or the ward matching.")
            burden_report = {"computed": True, "population_column": basis_col,
                             "cap": BURDEN_CAP, "capped_wards": int(capped.sum()),
                             "rule": f"{positive_col} / {basis_col} × 1,000, capped at 1,000"}
        if include_population:
            for col in pop_frame.columns:
                table[col] = pop_frame[col].to_numpy(dtype=float)
    else:
        warnings.append("No population was given, so there is no burden per 1,000 and no "
                        "population for net planning. Add a population table or raster.")

    # environmental rasters
    covariates_report: dict[str, Any] = {}
    if rasters:
        taken = {str(c).lower() for c in table.columns} | {POPULATION, URBAN_SHARE}
        clashes = [spec.name for spec in rasters if spec.name.lower() in taken]
        if clashes:
            raise InputError(
                "invalid_parameter",
                f"The raster name {clashes[0]!r} is already a column of the ward table; "
                "give the raster another name.",
                details={"raster": clashes[0]},
            )
        stats = ward_raster_stats(wards, list(rasters), s3_endpoint_url=s3_endpoint_url)
        for col in stats.columns:
            # the no-data shares are reported, not added: they are no ward attribute
            if col in identity or col == GEOMETRY or col.endswith(NODATA_SUFFIX):
                continue
            table[col] = stats[col].to_numpy()
        for spec in rasters:
            entry = {"file": Path(str(spec.path_or_url)).name, "statistic": spec.stat}
            share_col = f"{spec.name}{NODATA_SUFFIX}"
            if share_col in stats.columns:
                share = stats[share_col].to_numpy(dtype=float)
                gaps = np.isfinite(share) & (share > 0.5)
                entry["wards_mostly_without_data"] = int(gaps.sum())
                if gaps.any():
                    names = table[WARD_NAME].to_numpy()[gaps].tolist()
                    warnings.append(
                        f"The raster {entry['file']} has no data over more than half of "
                        f"{int(gaps.sum())} ward(s) ({describe_rows(names)}); their "
                        f"{spec.name} comes from the rest of the ward only.")
            covariates_report[spec.name] = entry

    if urban_raster is not None:
        values, ureport, unotes = urban_share_from_raster(wards, urban_raster)
        warnings += unotes
        table[URBAN_SHARE] = values
        display = urban_raster_name or Path(str(urban_raster)).name
        planning["urban_share"] = {"column": URBAN_SHARE, "file": display, "source":
                                   f"the built-up raster {display} (mean over each ward, "
                                   f"{ureport['scale']})"}

    years_table = trend_table = years_rows = None
    years_report = None
    if by_year:
        years_table, trend_table, years_report, years_rows = _years(
            table, identity, tpr, pick, people, variable, tested_col, positive_col,
            trend_threshold)
        if len(years_report["years"]) < 2:
            warnings.append(
                f"The facility export covers {len(years_report['years'])} year(s) only, so "
                "no ward has a trend (insufficient_data).")

    report = {
        "facility_export": {"file": info["file"], "rows": info["rows"],
                            "parameters": tpr.params, "wards": len(tpr.wards)},
        "boundaries": {"file": bsource["name"], "wards": len(table)},
        "tpr_join": tpr_join,
        "tpr_column": variable,
        "population": pop_report,
        "burden": burden_report,
        "covariates": covariates_report,
        "planning": planning,
        "warnings": warnings,
    }
    if years_report is not None:
        report["years"] = years_report
    return PreparedWards(table=table, report=report, warnings=warnings, planning=planning,
                         by_year=years_table, trend=trend_table, by_year_rows=years_rows)


def _years(table, identity, tpr, pick, people, variable, tested_col, positive_col, threshold):
    """The by-year table and the trend per ward, on the boundary wards (see the module
    docstring)."""
    row_of = np.full(len(tpr.wards), -1, dtype=np.int64)
    hit = pick >= 0
    row_of[pick[hit]] = np.flatnonzero(hit)
    keys = [STATE, LGA, WARD_NAME]
    lookup = {k: j for j, k in enumerate(zip(*(tpr.wards[c] for c in keys), strict=True))}
    by = tpr.by_year
    j = np.array([lookup[k] for k in zip(*(by[c] for c in keys), strict=True)], dtype=np.int64)
    rows = row_of[j] if len(j) else np.zeros(0, dtype=np.int64)
    keep = rows >= 0
    sub = by[keep].reset_index(drop=True)
    rows = rows[keep]
    out = table[identity].iloc[rows].reset_index(drop=True)
    out["year"] = sub["year"].to_numpy(dtype=np.int64)
    out[variable] = sub["tpr"].to_numpy(dtype=float)
    out[tested_col] = sub["tested"].to_numpy()
    out[positive_col] = sub["positive"].to_numpy()
    out["test_method"] = sub["test_method"].to_numpy(dtype=object)
    has_people = np.zeros(len(table), dtype=bool)
    value = out[variable].to_numpy(dtype=float)
    if people is not None:
        has_people = np.isfinite(people) & (people > 0)
        ward_people = people[rows]
        with np.errstate(divide="ignore", invalid="ignore"):
            burden = np.where(has_people[rows],
                              out[positive_col].to_numpy(dtype=float) / ward_people * 1000.0,
                              np.nan)
        out[BURDEN] = np.minimum(burden, BURDEN_CAP)
        value = np.where(has_people[rows], out[BURDEN].to_numpy(dtype=float), value)
    order = np.lexsort((out["year"].to_numpy(), rows))
    out = out.iloc[order].reset_index(drop=True)
    sorted_rows = rows[order]
    count, slope = yearly_slopes(rows, sub["year"].to_numpy(dtype=float), value, len(table))
    trend = table[identity].copy().reset_index(drop=True)
    span = pd.DataFrame({"row": rows, "year": sub["year"].to_numpy()}).groupby("row")["year"]
    first = span.min().reindex(range(len(table)))
    last = span.max().reindex(range(len(table)))
    trend["years"] = count
    trend["first_year"] = first.astype("Int64").to_numpy()
    trend["last_year"] = last.astype("Int64").to_numpy()
    trend["trend_basis"] = np.where(has_people, BURDEN, variable)
    trend["slope_per_year"] = slope
    trend["trend"] = trend_labels(slope, threshold)
    years = sorted(int(y) for y in np.unique(out["year"].to_numpy()))
    unit = "per 1,000" if people is not None else "TPR points"
    report = {
        "years": years,
        "rows": len(out),
        "trend": {
            "threshold_per_year": threshold,
            "basis": BURDEN if people is not None else variable,
            "rule": (f"least-squares slope per year over the years present; ≥ {threshold:g} "
                     f"{unit} per year worsening, ≤ −{threshold:g} improving, otherwise "
                     "stable; fewer than two years: insufficient_data"),
            "counts": {str(k): int(v) for k, v in trend["trend"].value_counts().items()},
        },
    }
    return out, trend, report, sorted_rows


def year_table(prepared: PreparedWards, year: int) -> pd.DataFrame:
    """The ward table of one year: the TPR, counts and burden columns hold that year's
    values (empty for wards without data that year); every other column is unchanged."""
    if prepared.by_year is None:
        raise InputError("invalid_parameter",
                         "This ward table was built without years; prepare it by year.")
    if int(year) not in prepared.years:
        raise InputError(
            "invalid_parameter",
            f"The facility export has no data for {year}; years: "
            f"{', '.join(map(str, prepared.years))}.",
            details={"years": prepared.years})
    variable = prepared.report["tpr_column"]
    age = prepared.report["facility_export"]["parameters"]["age"]
    columns = [variable, *count_columns(age), "test_method"]
    if BURDEN in prepared.by_year.columns and BURDEN in prepared.table.columns:
        columns.append(BURDEN)
    chosen = (prepared.by_year["year"] == int(year)).to_numpy()
    rows = prepared.by_year_rows[chosen]
    out = prepared.table.copy()
    for col in columns:
        values = prepared.by_year[col].to_numpy()[chosen]
        column = np.full(len(out), None, dtype=object) if values.dtype == object else \
            np.full(len(out), np.nan)
        column[rows] = values
        out[col] = column
    return out


def ranking_by_year(results: Mapping[int, Any]) -> pd.DataFrame:
    """One row per ward and year: the year's composite score and rank (and PCA rank),
    from ``{year: AnalysisResult}``."""
    frames = []
    for year, result in sorted(results.items()):
        wards = result.wards
        cols = [c for c in (WARD_NAME, WARD_CODE, LGA) if c in wards.columns]
        frame = pd.DataFrame(wards[cols]).copy()
        frame.insert(len(cols), "year", int(year))
        for col in ("composite_score", "composite_rank", "composite_category", "pca_score",
                    "pca_rank", "pca_category"):
            if col in wards.columns:
                frame[col] = wards[col].to_numpy()
        frames.append(frame)
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["year", "composite_rank"], kind="stable").reset_index(drop=True)
