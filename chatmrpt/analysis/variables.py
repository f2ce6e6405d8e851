"""Variable catalogue, geopolitical zones, variable selection and directions (METHODOLOGY §3).

A *variable* is a numeric column of the ward table used for ranking. Its *direction* says
whether a higher value means higher malaria risk (``direct``) or lower risk (``inverse``).
Columns keep the names the user gave them; the catalogue maps them to canonical names so
zone defaults and directions can be found whatever the spelling.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from chatmrpt.analysis.dataset import IDENTITY_COLUMNS, STATE, STATE_CODE
from chatmrpt.analysis.declarations import TPR_AGES
from chatmrpt.analysis.params import MAX_VARIABLES
from chatmrpt.analysis.quality import identical_column_groups
from chatmrpt.analysis.states import STATES
from chatmrpt.analysis.tpr import TPR_VARIABLE
from chatmrpt.errors import InputError, describe_rows

DIRECT = "direct"
INVERSE = "inverse"


@dataclass(frozen=True)
class CatalogueEntry:
    name: str
    direction: str
    synonyms: tuple[str, ...]
    label: str
    malaria_indicator: bool = False


# Canonical variables of the field. Synonyms are compared after `_key()` (lower case,
# separators removed), so "Mean Rainfall", "mean_rainfall" and "meanRainfall" are one name.
CATALOGUE: tuple[CatalogueEntry, ...] = (
    CatalogueEntry(
        "u5_tpr_rdt",
        DIRECT,
        ("tpr", "u5_tpr", "tpr_u5", "u5tpr", "test_positivity_rate", "tpr_u5_new", "u5_tpr_rdt",
         "tpr_rdt", "u5_tpr_microscopy", "malaria_tpr", "test_positivity"),
        "test positivity rate in children under five",
        malaria_indicator=True,
    ),
    CatalogueEntry("pfpr", DIRECT, ("pfpr", "pfpr2_10", "parasite_prevalence", "prevalence"),
                   "Plasmodium falciparum parasite rate", malaria_indicator=True),
    CatalogueEntry("burden", DIRECT, ("burden", "malaria_burden", "incidence", "cases_per_1000",
                                      "malaria_incidence", "burden_per_1000"), "malaria burden", malaria_indicator=True),
    CatalogueEntry("rainfall", DIRECT, ("rain", "rainfall", "mean_rainfall", "annual_rainfall",
                                        "precipitation", "rainfall_mm", "total_rainfall"), "rainfall"),
    CatalogueEntry("ndvi", DIRECT, ("ndvi", "mean_ndvi", "meanndvi",
                                    "normalized_difference_vegetation_index"), "vegetation index (NDVI)"),
    CatalogueEntry("evi", DIRECT, ("evi", "mean_evi", "meanevi", "enhanced_vegetation_index"),
                   "enhanced vegetation index (EVI)"),
    CatalogueEntry("ndwi", DIRECT, ("ndwi", "mean_ndwi", "meanndwi",
                                    "normalized_difference_water_index"), "water index (NDWI)"),
    CatalogueEntry("ndmi", DIRECT, ("ndmi", "mean_ndmi", "meanndmi",
                                    "normalized_difference_moisture_index"), "moisture index (NDMI)"),
    CatalogueEntry("soil_wetness", DIRECT, ("soil_wetness", "soil_moisture", "soilwetness",
                                            "soil_wetness_index", "swi"), "soil wetness"),
    CatalogueEntry("temperature", DIRECT, ("temperature", "temp", "mean_temperature", "lst",
                                           "land_surface_temperature"), "temperature"),
    CatalogueEntry("humidity", DIRECT, ("humidity", "relative_humidity", "rh"), "humidity"),
    CatalogueEntry("flood", DIRECT, ("flood", "flood_risk", "flooding", "flood_extent"), "flooding"),
    CatalogueEntry("settlement_type", DIRECT, ("settlement_type", "settlement_type_poor",
                                               "poor_settlement", "informal_settlement",
                                               "settlement"), "share of poor or informal settlement blocks"),
    CatalogueEntry("population_density", DIRECT, ("population_density", "pop_density",
                                                  "popdensity", "density"), "population density"),
    CatalogueEntry("distance_to_waterbodies", INVERSE,
                   ("distance_to_waterbodies", "distance_to_water", "distance_to_water_bodies",
                    "dist_water", "distance_water", "water_distance", "distance"),
                   "distance to water bodies"),
    CatalogueEntry("elevation", INVERSE, ("elevation", "altitude", "elev", "dem", "mean_elevation"),
                   "elevation"),
    CatalogueEntry("housing_quality", INVERSE, ("housing_quality", "housing", "val_housing",
                                                "val_housing_15", "improved_housing",
                                                "housing_quality_index"),
                   "share of improved housing"),
    CatalogueEntry("urban_percentage", INVERSE, ("urban_percentage", "urbanpercentage",
                                                 "urban_percent", "urbanpercent", "percent_urban",
                                                 "urban_perc", "urban_share", "urban"),
                   "share of the ward that is urban"),
    CatalogueEntry("nighttime_lights", INVERSE, ("nighttime_lights", "night_lights",
                                                 "nighttime_light", "ntl", "viirs", "night_time_lights",
                                                 "nightlights"), "night-time lights"),
    # nets already in households lower risk; the legacy tool had no entry and treated it as direct
    CatalogueEntry("nets_per_capita", INVERSE, ("nets_per_capita", "itn_per_capita",
                                                "itn_coverage", "net_coverage", "itn_access"),
                   "insecticide-treated nets per person"),
)

INVERSE_KEYWORDS = ("distance", "elevation", "altitude", "slope", "housing", "quality", "income",
                    "education", "access", "urban", "facility")

# Columns that describe wards but are not risk variables: never picked automatically.
NON_VARIABLE_KEYS = {
    "population", "pop", "totalpopulation", "total_population", "shapearea", "shapeleng",
    "shapelength", "area", "areakm2", "areasqkm", "perimeter", "lat", "lon", "latitude",
    "longitude", "x", "y", "centroidx", "centroidy", "year", "fid", "objectid", "id", "index",
    # population by age group and the facility counts behind a TPR (prepare.py)
    "populationu5", "populationwomen1549", "tested", "positive",
    *(f"{age}{count}" for age in TPR_AGES for count in ("tested", "positive")),
}

ZONES: dict[str, tuple[str, ...]] = {
    "North Central": ("u5_tpr_rdt", "nighttime_lights", "housing_quality", "soil_wetness",
                      "distance_to_waterbodies", "ndmi", "urban_percentage"),
    "North East": ("u5_tpr_rdt", "distance_to_waterbodies", "rainfall", "soil_wetness",
                   "urban_percentage"),
    "North West": ("u5_tpr_rdt", "rainfall", "ndwi", "housing_quality", "elevation",
                   "urban_percentage"),
    "South East": ("u5_tpr_rdt", "ndwi", "housing_quality", "elevation", "urban_percentage"),
    "South South": ("u5_tpr_rdt", "ndwi", "housing_quality", "elevation", "urban_percentage"),
    "South West": ("u5_tpr_rdt", "ndwi", "housing_quality", "elevation", "urban_percentage"),
}

STATE_NAME_ALIASES = {"abuja": "FC", "federalcapitalterritory": "FC", "fct": "FC",
                      "nassarawa": "NA", "akwaibom": "AK", "crossriver": "CR"}


def _key(name: str) -> str:
    """Comparison key for a variable name: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def _index_synonyms() -> dict[str, CatalogueEntry]:
    index: dict[str, CatalogueEntry] = {}
    for entry in CATALOGUE:
        for synonym in (entry.name, *entry.synonyms):
            index.setdefault(_key(synonym), entry)
    return index


_BY_KEY = _index_synonyms()
_BY_NAME = {e.name: e for e in CATALOGUE}


def catalogue_entry(column: str) -> CatalogueEntry | None:
    """The catalogue entry a column name stands for, if any (exact synonym match)."""
    return _BY_KEY.get(_key(column))


def _heuristic_entry(column: str) -> CatalogueEntry | None:
    """Looser matching for zone defaults: 'tpr' anywhere, 'housing' anywhere, ..."""
    k = _key(column)
    if "tpr" in k or "testpositivity" in k:
        return _BY_NAME["u5_tpr_rdt"]
    if "housing" in k:
        return _BY_NAME["housing_quality"]
    if "rainfall" in k or "precip" in k:
        return _BY_NAME["rainfall"]
    if "distance" in k and "water" in k:
        return _BY_NAME["distance_to_waterbodies"]
    if "nightlight" in k or "nighttimelight" in k:
        return _BY_NAME["nighttime_lights"]
    if "soilwet" in k or "soilmoist" in k:
        return _BY_NAME["soil_wetness"]
    for short in ("ndwi", "ndmi", "ndvi", "evi", "elevation"):
        if k.startswith(short) or k.endswith(short) or k.startswith("mean" + short):
            return _BY_NAME[short]
    return None


def default_direction(column: str) -> tuple[str, str]:
    """(direction, source) for a column: from the catalogue, else from keywords in its name."""
    entry = catalogue_entry(column)
    if entry is not None:
        return entry.direction, "catalogue"
    low = str(column).lower()
    if any(word in low for word in INVERSE_KEYWORDS):
        return INVERSE, "name"
    return DIRECT, "default"


# --- zone detection -----------------------------------------------------------------------


def _state_code_from_text(text: str) -> str | None:
    t = str(text).strip()
    if not t:
        return None
    if len(t) == 2 and t.upper() in STATES:
        return t.upper()
    k = _key(re.sub(r"(?i)\bstate\b", " ", re.sub(r"^[a-z]{2}\s+", "", t)))
    if k in STATE_NAME_ALIASES:
        return STATE_NAME_ALIASES[k]
    for code, state in STATES.items():
        if _key(state.name) == k:
            return code
    return None


def _most_common_code(values: Iterable[Any]) -> str | None:
    known: dict[Any, str | None] = {}  # each distinct spelling is read once

    def code(value: Any) -> str | None:
        if value not in known:
            known[value] = _state_code_from_text(value)
        return known[value]

    codes = [c for c in (code(v) for v in values if v is not None) if c]
    if not codes:
        return None
    counts = pd.Series(codes).value_counts()
    return str(counts.index[0])


def detect_zone(wards: pd.DataFrame, boundary_attributes: Mapping[str, Sequence[str]] | None = None
                ) -> dict[str, Any] | None:
    """Geopolitical zone from StateCode, else State name, else the boundary attributes."""
    sources: list[tuple[str, Iterable[Any]]] = []
    if STATE_CODE in wards.columns:
        sources.append(("table StateCode", wards[STATE_CODE].dropna().astype(str)))
    if STATE in wards.columns:
        sources.append(("table State", wards[STATE].dropna().astype(str)))
    for attr in (STATE_CODE, STATE):
        if boundary_attributes and boundary_attributes.get(attr):
            sources.append((f"boundaries {attr}", boundary_attributes[attr]))
    for origin, values in sources:
        code = _most_common_code(values)
        if code:
            state = STATES[code]
            return {"zone": state.zone, "state": state.name, "state_code": code,
                    "detected_from": origin}
    return None


# --- selection ----------------------------------------------------------------------------


@dataclass
class VariableChoice:
    """The variables an analysis uses, with directions and the reasons for each decision."""

    variables: list[str]
    directions: dict[str, str]
    direction_sources: dict[str, str]
    canonical: dict[str, str | None]
    zone: dict[str, Any] | None
    selection: str  # "user", "zone", "all"
    messages: list[str] = field(default_factory=list)
    missing_defaults: list[str] = field(default_factory=list)
    # default picks left out because they repeat an earlier pick (see quality.py)
    left_out: list[dict[str, Any]] = field(default_factory=list)
    # numeric columns the default selection did not use because of MAX_VARIABLES
    capped_out: list[str] = field(default_factory=list)


def candidate_columns(wards: pd.DataFrame, excluded: Iterable[str] = ()) -> list[str]:
    """Numeric columns that could be risk variables (identity, ids, geometry excluded)."""
    skip = set(IDENTITY_COLUMNS) | set(excluded) | {"geometry"}
    out = []
    for col in wards.columns:
        if col in skip or not isinstance(col, str):
            continue
        if pd.api.types.is_bool_dtype(wards[col]) or not pd.api.types.is_numeric_dtype(wards[col]):
            continue
        out.append(col)
    return out


def _resolve_user_variable(name: str, candidates: list[str], all_columns: list[str],
                           excluded: Iterable[str] = (), added: Iterable[str] = ()) -> str:
    by_lower = {c.lower(): c for c in candidates}
    if name.lower() in by_lower:
        return by_lower[name.lower()]
    entry = catalogue_entry(name)
    if entry is not None:
        matches = [c for c in candidates if catalogue_entry(c) is entry]
        if len(matches) == 1:
            return matches[0]
    # columns that exist but are no risk variable, with why
    reasons = (
        (added, "planning", "was added for planning (a population or urban share taken from "
                            "another file or from the boundaries), not read from the ward table, "
                            "so it is not used as a risk variable."),
        (excluded, "identifier", "holds row numbers or record ids (by its name), so it is not "
                                 "used as a risk variable. If it is a real measurement, give it "
                                 "a descriptive name in the table."),
    )
    for columns, reason, why in reasons:
        by_name = {c.lower(): c for c in columns if isinstance(c, str)}
        if name.lower() in by_name:
            raise InputError(
                "unknown_variable",
                f"Column {by_name[name.lower()]!r} {why} Columns you can use: "
                f"{describe_rows(candidates, 20)}.",
                details={"variable": name, "reason": reason, "numeric_columns": candidates},
            )
    if name.lower() in {c.lower() for c in all_columns}:
        raise InputError(
            "unknown_variable",
            f"Column {name!r} is not numeric, so it cannot be used as a risk variable. "
            f"Numeric columns: {describe_rows(candidates, 20)}.",
            details={"variable": name, "numeric_columns": candidates},
        )
    raise InputError(
        "unknown_variable",
        f"There is no column {name!r} in the ward table. Numeric columns you can use: "
        f"{describe_rows(candidates, 20)}.",
        details={"variable": name, "numeric_columns": candidates},
    )


def check_request(
    wards: int,
    candidates: Sequence[str],
    all_columns: Sequence[str],
    requested: Sequence[str] | None = None,
    direction_overrides: Mapping[str, str] | None = None,
    excluded: Sequence[str] = (),
    added: Sequence[str] = (),
) -> None:
    """What can be known about an analysis request from the table's summary alone.

    Raises the error the analysis would end with (too few wards, an unknown or non-numeric
    variable, too few or too many variables), so a request is refused before any work is
    queued. ``candidates`` are the table's numeric columns (``candidate_columns``).
    """
    candidates, all_columns = list(candidates), list(all_columns)
    if wards < 2:
        raise InputError("no_usable_variables",
                         f"The ward table has {wards} ward(s); ranking needs at least two wards.",
                         details={"wards": wards})
    for name in direction_overrides or {}:
        _resolve_user_variable(name, candidates, all_columns, excluded, added)
    if requested:
        resolved = {_resolve_user_variable(name, candidates, all_columns, excluded, added)
                    for name in requested}
        if len(resolved) < 2:
            raise InputError(
                "too_few_variables",
                "The composite score needs at least two variables, and "
                f"{describe_rows(sorted(resolved))} was asked for. Add another variable, or "
                "leave the variables out to use the defaults.",
                details={"variables": sorted(resolved)},
            )
        if len(resolved) > MAX_VARIABLES:
            raise InputError(
                "too_many_variables",
                f"{len(resolved)} variables were asked for; the most this tool computes is "
                f"{MAX_VARIABLES}. Choose fewer variables.",
                details={"count": len(resolved), "max": MAX_VARIABLES},
            )
    elif len(candidates) < 2:
        raise InputError(
            "no_usable_variables",
            "The composite score needs at least two numeric columns, and the ward table has "
            f"{len(candidates)} ({describe_rows(candidates) or 'none'}). Add numeric "
            "variables to the table.",
            details={"numeric_columns": candidates},
        )


def _is_malaria_indicator(col: str) -> bool:
    entry = catalogue_entry(col) or _heuristic_entry(col)
    return bool(entry and entry.malaria_indicator)


def select_variables(
    wards: pd.DataFrame,
    *,
    requested: Sequence[str] | None = None,
    direction_overrides: Mapping[str, str] | None = None,
    excluded: Iterable[str] = (),
    added: Iterable[str] = (),
    boundary_attributes: Mapping[str, Sequence[str]] | None = None,
) -> VariableChoice:
    """Choose the variables (user list, zone defaults, or every usable column) and directions.
    ``excluded``: identifier columns; ``added``: columns added for planning; neither is a
    risk variable."""
    excluded = list(excluded)
    added = [c for c in added if c not in excluded]
    candidates = candidate_columns(wards, [*excluded, *added])
    all_columns = [c for c in wards.columns if isinstance(c, str)]
    zone = detect_zone(wards, boundary_attributes)
    messages: list[str] = []
    missing_defaults: list[str] = []
    left_out: list[dict[str, Any]] = []
    capped_out: list[str] = []
    if requested:
        variables = []
        for name in requested:
            col = _resolve_user_variable(name, candidates, all_columns, excluded, added)
            if col not in variables:
                variables.append(col)
        selection = "user"
    else:
        variables = []
        if zone is not None:
            for canonical in ZONES[zone["zone"]]:
                col = _find_canonical(canonical, candidates, taken=variables)
                if col is None:
                    missing_defaults.append(canonical)
                else:
                    variables.append(col)
        if len(variables) >= 2:
            selection = "zone"
            msg = (f"Detected {zone['state']} State ({zone['zone']} zone, from the "
                   f"{zone['detected_from']}); using its default variables")
            if missing_defaults:
                msg += f" — not in the table: {', '.join(missing_defaults)}"
            messages.append(msg + ".")
        else:
            if zone is not None:
                messages.append(
                    f"Detected {zone['state']} State ({zone['zone']} zone), but fewer than two of "
                    f"its default variables are in the table; using every usable numeric column."
                )
            else:
                messages.append("No state detected; using every usable numeric column.")
            variables = [c for c in candidates if _key(c) not in NON_VARIABLE_KEYS]
            variables.sort(key=lambda c: (not _is_malaria_indicator(c), candidates.index(c)))
            selection = "all"
        left_out = _drop_identical(wards, variables)
        variables = [v for v in variables if v not in {d["variable"] for d in left_out}]
        if len(variables) > MAX_VARIABLES:
            variables, capped_out = cap_default_variables(wards, variables)
            messages.append(
                f"The table has {len(variables) + len(capped_out)} usable numeric columns; "
                f"the composite score uses every combination of its variables, so at most "
                f"{MAX_VARIABLES} are used: malaria indicators first, then columns with "
                f"values for most wards, in table order. Left out: "
                f"{describe_rows(capped_out, 30)}. Name the variables to use with "
                "--variables (or in the request) to choose others."
            )

    overrides = {}
    for name, direction in (direction_overrides or {}).items():
        col = _resolve_user_variable(name, candidates, all_columns, excluded, added)
        overrides[col] = direction
    directions: dict[str, str] = {}
    sources: dict[str, str] = {}
    canonical: dict[str, str | None] = {}
    for col in variables:
        entry = catalogue_entry(col) or _heuristic_entry(col)
        canonical[col] = entry.name if entry else None
        if col in overrides:
            directions[col], sources[col] = overrides[col], "user"
        elif entry is not None:
            directions[col], sources[col] = entry.direction, "catalogue"
        else:
            directions[col], sources[col] = default_direction(col)
    return VariableChoice(
        variables=variables,
        directions=directions,
        direction_sources=sources,
        canonical=canonical,
        zone=zone,
        selection=selection,
        messages=messages,
        missing_defaults=missing_defaults,
        left_out=left_out,
        capped_out=[c for c in candidates if c in capped_out],
    )


def _drop_identical(wards: pd.DataFrame, variables: list[str]) -> list[dict[str, Any]]:
    """Default picks that hold the same numbers as an earlier (higher-priority) pick.

    ``variables`` is in priority order (zone list order, or malaria indicators first), so
    the first column of each identical group is kept and the others are left out.
    """
    out = []
    for group in identical_column_groups(wards, variables):
        kept = group[0]
        for col in group[1:]:
            out.append({
                "variable": col,
                "reason": "identical",
                "same_as": kept,
                "message": f"{col}: holds the same number as {kept} in every ward where both "
                           f"have a value, so only {kept} is used (using both would count one "
                           "measurement twice).",
            })
    return out


def cap_default_variables(wards: pd.DataFrame, ordered: list[str],
                          cap: int = MAX_VARIABLES) -> tuple[list[str], list[str]]:
    """The first ``cap`` of ``ordered`` that can be used, and the rest (left out).

    Columns the analysis would drop anyway (more than half the wards without a value, or
    one value for every ward) go to the back, so the cap keeps usable variables.
    """
    def usable(col: str) -> bool:
        values = pd.to_numeric(wards[col], errors="coerce").to_numpy(dtype=float)
        finite = values[np.isfinite(values)]
        return finite.size * 2 >= len(values) and finite.size > 0 and np.ptp(finite) > 0

    good = [c for c in ordered if usable(c)]
    ranked = good + [c for c in ordered if c not in good]
    keep = set(ranked[:cap])
    return [c for c in ordered if c in keep], [c for c in ordered if c not in keep]


def _find_canonical(canonical: str, candidates: list[str], taken: list[str]) -> str | None:
    entry = _BY_NAME[canonical]
    free = [c for c in candidates if c not in taken]
    if canonical == "u5_tpr_rdt":
        # a rate computed from a facility export (any age group) is the one the user just
        # made: the last such column (a new or replaced one is added at the end) comes first
        computed = [c for c in free if c in TPR_VARIABLE.values()]
        if computed:
            return computed[-1]
    for c in free:  # the canonical name itself
        if _key(c) == _key(canonical):
            return c
    for c in free:  # an exact synonym
        if catalogue_entry(c) is entry:
            return c
    for c in free:  # a looser match ("tpr_u5_2023", "mean_housing")
        if _heuristic_entry(c) is entry and _key(c) not in NON_VARIABLE_KEYS:
            return c
    return None


def usable_variables(values: pd.DataFrame, max_missing_share: float = 0.5
                     ) -> tuple[list[str], list[dict[str, Any]]]:
    """Variables with at most ``max_missing_share`` missing; the rest with the reason."""
    keep, dropped = [], []
    n = len(values)
    for col in values.columns:
        missing = int(values[col].isna().sum())
        if n == 0 or missing / n > max_missing_share:
            dropped.append({
                "variable": col,
                "reason": "too_many_missing",
                "message": f"{col}: {missing} of {n} wards have no value (more than "
                           f"{max_missing_share:.0%}), so it was left out.",
            })
        else:
            keep.append(col)
    return keep, dropped


def constant_variables(values: pd.DataFrame) -> list[dict[str, Any]]:
    """Variables with zero variance (after imputation): they cannot tell wards apart."""
    out = []
    for col in values.columns:
        v = values[col].to_numpy(dtype=float)
        finite = v[np.isfinite(v)]
        if finite.size == 0 or np.ptp(finite) == 0:
            out.append({
                "variable": col,
                "reason": "constant",
                "message": f"{col}: every ward has the same value, so it cannot tell wards apart "
                           "and was left out.",
            })
    return out
