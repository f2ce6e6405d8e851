"""Population and urban share for planning, when the ward table has none.

Net planning (METHODOLOGY §8) and urban reprioritisation (§7) need a population and an
urban share per ward. Ward tables often have neither. They can come from:

- a **population table**: one row per ward, WardCode or WardName (+ LGA), and Population;
  optional under-five and women 15–49 columns. Its wards are matched to the ward table by
  the boundary join's rules (§1);
- **population rasters** (people per pixel: total, under-five, women 15–49), summed per
  ward with exact zonal statistics (each pixel weighted by its share inside the ward);
- for the urban share, the boundaries' ``Urban`` Yes/No attribute, read as 100% / 0% urban
  (a flag, not a measured share — every result that uses it says so), or a built-up raster
  (mean over the ward of a 0/1 or 0–100 layer, as a percentage).

A column the ward table already has always wins. Every column added here is recorded in
``WardDataset.planning`` with a plain description of its source; the columns are planning
inputs, never ranking variables.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from chatmrpt.analysis.columns import (
    POPULATION_ALIASES,
    URBAN_SHARE_ALIASES,
    canonicalise_identity_columns,
    find_column,
)
from chatmrpt.analysis.dataset import WARD_CODE, WARD_NAME, WardDataset, sha256_file
from chatmrpt.analysis.filenames import ANALYSIS_JSON
from chatmrpt.analysis.join import match_wards
from chatmrpt.analysis.zonal import RasterSpec, ward_raster_stats
from chatmrpt.errors import InputError, describe_rows

# columns added to the ward table
POPULATION = "population"
POPULATION_U5 = "population_u5"
POPULATION_WOMEN = "population_women_15_49"
URBAN_SHARE = "urban_percentage"

# population roles: total, under-five, women 15–49
TOTAL, U5, WOMEN = "total", "u5", "women"
ROLE_COLUMNS = {TOTAL: POPULATION, U5: POPULATION_U5, WOMEN: POPULATION_WOMEN}
ROLE_LABELS = {TOTAL: "total population", U5: "under-five population",
               WOMEN: "women aged 15–49"}
U5_ALIASES = ("population_u5", "u5_population", "pop_u5", "under5", "under_5",
              "under5_population", "under_five", "children_u5")
WOMEN_ALIASES = ("population_women_15_49", "women_15_49", "pop_women", "wra",
                 "women_reproductive_age", "women_of_reproductive_age", "women_15_to_49")
ROLE_ALIASES = {TOTAL: POPULATION_ALIASES, U5: U5_ALIASES, WOMEN: WOMEN_ALIASES}

# the boundary attribute holding an urban Yes/No flag, and what its values mean
URBAN_FIELD = "Urban"
_YES = frozenset({"yes", "y", "true", "1", "urban"})
_NO = frozenset({"no", "n", "false", "0", "rural"})

RASTER_SUFFIXES = (".tif", ".tiff", ".vrt", ".img", ".nc")
_TIFF_MAGIC = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")

NO_POPULATION_MESSAGE = (
    "{what} because the ward data has no population: add a Population column to the ward "
    "table, or provide a population table (WardCode, or WardName with LGA, and Population) "
    "or a population raster {how}."
)
NO_URBAN_MESSAGE = (
    "{what} because the ward data has no urban share: add an urban_percentage column (0–100) "
    "to the ward table, or provide ward boundaries with an Urban Yes/No attribute or a "
    "built-up raster (0/1 or 0–100) {how}."
)
HOW_UPLOAD = "with the ward data"
HOW_CLI = ("to `chatmrpt analyze TABLE --boundaries FILE --population FILE [--urban RASTER]` "
           "and use its folder")


def _sentence(template: str, what: str, how: str) -> str:
    return template.format(what=what[:1].upper() + what[1:], how=how)


def no_population_error(what: str = "nets cannot be planned", how: str = HOW_UPLOAD
                        ) -> InputError:
    """The one plain sentence (what to provide and how) when no population is available."""
    return InputError("missing_population", _sentence(NO_POPULATION_MESSAGE, what, how),
                      details={"needs": "population", "what": what})


def no_urban_share_error(what: str = "urban wards cannot be identified", how: str = HOW_UPLOAD
                         ) -> InputError:
    return InputError("missing_urban_share", _sentence(NO_URBAN_MESSAGE, what, how),
                      details={"needs": "urban_share", "what": what})


def ward_columns(wards: pd.DataFrame) -> list[str]:
    """The names of the ward table's columns; InputError when it has no ward names."""
    columns = [str(c) for c in wards.columns]
    if WARD_NAME not in columns:
        raise InputError(
            "missing_ward_column",
            f"The ward table has no {WARD_NAME} column. Columns present: {', '.join(columns)}.",
            details={"columns": columns},
        )
    return columns


def no_named_column(name: str, purpose: str, columns: list[str]) -> InputError:
    """The ward table lacks the column the user named (``purpose``: "for the population")."""
    return InputError(
        "missing_column",
        f"The ward table has no column {name!r} {purpose}. Columns present: {', '.join(columns)}.",
        details={"column": name, "columns": columns},
    )


def planning_column(
    columns: list[str], aliases: tuple[str, ...], what: str, *, without_population: str,
    without_urban_share: str, given: str | None = None,
) -> str:
    """The column of the ward table named ``given``, or else the one matching ``aliases``.

    Without one: the plain error saying that (``without_population`` /
    ``without_urban_share``) cannot be done for lack of a population or an urban share, or,
    for other columns, which names were looked for.
    """
    if given is not None and given not in columns:
        raise no_named_column(given, f"for the {what}", columns)
    found = given if given is not None else find_column(columns, aliases)
    if found is None and aliases == POPULATION_ALIASES:
        raise no_population_error(without_population)
    if found is None and aliases == URBAN_SHARE_ALIASES:
        raise no_urban_share_error(without_urban_share)
    if found is None:
        raise InputError(
            "missing_column",
            f"The ward table has no {what} column. Looked for: {', '.join(aliases)}. "
            f"Columns present: {', '.join(columns)}. Add a {what} column or rename yours.",
            details={"looked_for": list(aliases), "columns": columns},
        )
    return found


def optional_column(wards: pd.DataFrame, name: str) -> np.ndarray:
    """The column ``name`` as objects with None where missing; all None without the column."""
    if name in wards.columns:
        return wards[name].astype(object).where(wards[name].notna(), None).to_numpy()
    return np.full(len(wards), None, dtype=object)


def for_the_command_line(exc: InputError) -> InputError:
    """The same error, saying how to provide the input with the command line."""
    needs = exc.details.get("needs") if exc.details else None
    if needs == "population":
        return no_population_error(exc.details["what"], HOW_CLI)
    if needs == "urban_share":
        return no_urban_share_error(exc.details["what"], HOW_CLI)
    return exc


def is_raster_file(path) -> bool:
    """A GeoTIFF (by its first bytes) or a file with a raster suffix."""
    path = Path(path)
    if str(path).startswith("s3://"):
        return path.suffix.lower() in RASTER_SUFFIXES
    try:
        with open(path, "rb") as fh:
            head = fh.read(4)
    except OSError:
        return path.suffix.lower() in RASTER_SUFFIXES
    return head in _TIFF_MAGIC or path.suffix.lower() in RASTER_SUFFIXES


# --------------------------------------------------------------------------- tables


def read_population_table(path, *, name: str | None = None) -> tuple[pd.DataFrame, dict, list[str]]:
    """Read a population table: ward identity columns plus Population (and age groups)."""
    from chatmrpt.analysis.ingest import read_table

    display = name or Path(str(path)).name
    try:
        frame, source, notes = read_table(path, name=display)
    except InputError as exc:
        if exc.code != "missing_ward_column":
            raise
        # ward codes alone are enough to place a population (the ward table insists on names)
        frame, source, notes = _read_coded_table(Path(path), display)
    if WARD_NAME not in frame.columns and WARD_CODE not in frame.columns:
        raise _no_ward_column(display)
    if find_column(frame.columns, POPULATION_ALIASES) is None:
        raise InputError(
            "missing_population",
            f"The population table {display} has no Population column. Name the column of "
            "people per ward Population.",
            details={"file": display},
        )
    return frame, source, notes


def _no_ward_column(display: str) -> InputError:
    return InputError(
        "missing_ward_column",
        f"The population table {display} has no WardCode or WardName column, so its "
        "populations cannot be matched to wards. Give each row a WardCode, or a WardName "
        "with its LGA.",
        details={"file": display},
    )


def _read_coded_table(path: Path, display: str) -> tuple[pd.DataFrame, dict, list[str]]:
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, dtype=object)
        else:
            try:
                frame = pd.read_csv(path, sep=None, engine="python", dtype=object,
                                    encoding="utf-8-sig")
            except UnicodeDecodeError:
                frame = pd.read_csv(path, sep=None, engine="python", dtype=object,
                                    encoding="cp1252")
    except (ValueError, OSError, pd.errors.ParserError) as exc:
        raise InputError("unreadable_table", f"The population table {display} could not be "
                         f"read ({exc}).", details={"file": display}) from exc
    frame, _mapping = canonicalise_identity_columns(frame)
    if WARD_CODE not in frame.columns:
        raise _no_ward_column(display)
    frame[WARD_CODE] = frame[WARD_CODE].astype(str).str.strip()
    for col in frame.columns:
        if col != WARD_CODE:
            numbers = pd.to_numeric(frame[col].astype(str).str.replace(",", ""), errors="coerce")
            if numbers.notna().any():
                frame[col] = numbers.astype(float)
    return frame, {"name": display, "sha256": sha256_file(path)}, []


def population_from_table(
    wards: pd.DataFrame, table: pd.DataFrame, *, name: str = "the population table"
) -> tuple[pd.DataFrame, dict[str, Any], list[str]]:
    """Population columns (total and, when the table has them, age groups) per ward.

    Returns a frame aligned with ``wards`` (columns ``population``, ``population_u5``,
    ``population_women_15_49`` as available), the match report and warnings.
    """
    positions, report = match_wards(wards, table)
    positions = np.asarray(positions, dtype=np.int64)
    out = pd.DataFrame(index=wards.index)
    used = {}
    for role, aliases in ROLE_ALIASES.items():
        col = find_column(table.columns, aliases)
        if col is None:
            continue
        values = pd.to_numeric(table[col], errors="coerce").to_numpy(dtype=float)
        out[ROLE_COLUMNS[role]] = np.append(values, np.nan)[positions]
        used[role] = col
    urban_col = find_column(table.columns, URBAN_SHARE_ALIASES)
    if urban_col is not None:  # a table of people per ward may also say how urban they are
        values = pd.to_numeric(table[urban_col], errors="coerce").to_numpy(dtype=float)
        out[URBAN_SHARE] = np.append(values, np.nan)[positions]
        used["urban_share"] = urban_col
    warnings: list[str] = []
    matched = int((positions >= 0).sum())
    if matched == 0:
        raise InputError(
            "population_join_failed",
            f"No ward of the ward table matches a ward of {name}. Check that both cover the "
            "same wards, and that the population table has WardCode, or WardName with LGA.",
            details={"file": name},
        )
    missing = np.flatnonzero(positions < 0)
    if len(missing):
        labels = wards[WARD_NAME].iloc[missing].astype(str).tolist() if WARD_NAME in wards else []
        warnings.append(f"{len(missing)} of {len(wards)} wards have no row in {name}, so their "
                        f"population is unknown: {describe_rows(labels)}.")
    for fuzzy in report.get("fuzzy_matches", []):
        warnings.append(f"{name}: {fuzzy['table_name']!r} was matched to "
                        f"{fuzzy['boundary_name']!r} (similar names).")
    summary = {
        "matched": matched,
        "wards": len(wards),
        "rows": len(table),
        "by_rule": {k: int(v) for k, v in report.get("rule_counts", {}).items()},
        "columns": used,
    }
    return out, summary, warnings


# -------------------------------------------------------------------------- rasters


def population_from_rasters(
    wards, rasters: Mapping[str, Any]
) -> tuple[pd.DataFrame, dict[str, Any], list[str]]:
    """People per ward from population rasters (``{role: path}``), summed exactly per ward."""
    unknown = sorted(set(rasters) - set(ROLE_COLUMNS))
    if unknown:
        raise InputError(
            "invalid_parameter",
            f"Unknown population raster kind(s): {', '.join(unknown)}; use total, u5 or women.",
        )
    _require_geometry(wards, "population rasters")
    specs = {ROLE_COLUMNS[role]: (path, "sum") for role, path in rasters.items()}
    stats, report = _zonal(ward_raster_stats, wards, specs)
    out = pd.DataFrame(index=wards.index)
    warnings = []
    for col in specs:
        values = stats[col].to_numpy(dtype=float)
        out[col] = values
        unknown_rows = np.flatnonzero(~np.isfinite(values))
        if len(unknown_rows):
            labels = wards[WARD_NAME].iloc[unknown_rows].astype(str).tolist()
            warnings.append(f"The population raster covers no part of {len(unknown_rows)} "
                            f"ward(s): {describe_rows(labels)}; their population is unknown.")
        share_col = f"{col}_nodata_share"
        if share_col in stats.columns:
            share = stats[share_col].to_numpy(dtype=float)
            partial = np.flatnonzero(np.isfinite(values) & np.isfinite(share) & (share > 0.01))
            if len(partial):
                labels = wards[WARD_NAME].iloc[partial].astype(str).tolist()
                warnings.append(
                    f"The population raster has no data over part of {len(partial)} ward(s) "
                    f"({describe_rows(labels)}; up to {share[partial].max():.0%} of a ward), so "
                    "their population counts only the people where it has data.")
    return out, report, warnings


def urban_share_from_raster(wards, path) -> tuple[np.ndarray, dict[str, Any], list[str]]:
    """Urban share (percent) per ward: mean of a 0/1 or 0–100 built-up layer."""
    _require_geometry(wards, "a built-up raster")
    stats, report = _zonal(ward_raster_stats, wards, {URBAN_SHARE: (path, "mean")})
    values = stats[URBAN_SHARE].to_numpy(dtype=float)
    warnings = []
    finite = values[np.isfinite(values)]
    if finite.size and finite.max() <= 1.0:
        values = values * 100.0
        scale = "0/1 (built-up or not), shown as a percentage"
    else:
        scale = "0–100"
    if finite.size and (finite.min() < 0 or finite.max() > 100):
        raise InputError(
            "unreadable_raster",
            "The built-up raster's values are not 0/1 or 0–100, so it cannot give an urban "
            f"share (ward means from {finite.min():g} to {finite.max():g}).",
        )
    report = dict(report, scale=scale)
    return values, report, warnings


def _zonal(fn, wards, specs: dict[str, tuple[Any, str]]):
    """Exact zonal statistics (zonal.py); returns (frame aligned with wards, report)."""
    rasters = [RasterSpec(name, path, stat) for name, (path, stat) in specs.items()]
    frame = fn(wards, rasters)
    report: dict[str, Any] = {"rasters": {
        name: {"file": Path(str(path)).name, "statistic": stat}
        for name, (path, stat) in specs.items()}}
    for name in specs:
        share = f"{name}_nodata_share"
        if share in frame.columns:
            values = frame[share].to_numpy(dtype=float)
            report["rasters"][name]["max_nodata_share"] = (
                float(np.nanmax(values)) if np.isfinite(values).any() else None)
    return frame, report


def _require_geometry(wards, what: str) -> None:
    if "geometry" not in getattr(wards, "columns", []):
        raise InputError(
            "missing_boundaries",
            f"Using {what} needs the ward boundaries, to know which pixels fall in which ward. "
            "Provide the boundaries too.",
        )


# ----------------------------------------------------------------------- urban field


def urban_share_from_field(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """``Urban`` Yes/No → 100 / 0 (percent); other values → unknown, reported."""
    text = values.astype(object).where(values.notna(), None)
    out = np.full(len(values), np.nan)
    odd = []
    for i, v in enumerate(text):
        key = str(v).strip().lower() if v is not None else ""
        if key in _YES:
            out[i] = 100.0
        elif key in _NO:
            out[i] = 0.0
        elif key:
            odd.append(str(v))
    notes = []
    if odd:
        notes.append(f"The boundaries' {URBAN_FIELD} attribute has values other than Yes/No "
                     f"({describe_rows(sorted(set(odd)))}); those wards' urban share is unknown.")
    return out, notes


# ---------------------------------------------------------------- attach to a dataset


def existing_population_column(wards: pd.DataFrame) -> str | None:
    return find_column([str(c) for c in wards.columns], POPULATION_ALIASES)


def existing_urban_column(wards: pd.DataFrame) -> str | None:
    return find_column([str(c) for c in wards.columns], URBAN_SHARE_ALIASES)


def _describe_total(values: np.ndarray) -> str:
    finite = values[np.isfinite(values)]
    return f"{finite.sum():,.0f} people in {finite.size} wards"


def add_planning_inputs(
    dataset: WardDataset,
    *,
    population: Any = None,
    population_name: str | None = None,
    population_rasters: Mapping[str, Any] | None = None,
    urban_raster: Any = None,
    urban_raster_name: str | None = None,
    boundary_urban: pd.Series | None = None,
    population_raster_names: Mapping[str, str] | None = None,
) -> WardDataset:
    """Add population and urban share columns the ward table lacks (see the module doc).

    ``population`` is a population table or raster file (a raster counts as the total);
    ``population_rasters`` maps ``total``/``u5``/``women`` to raster files;
    ``boundary_urban`` is the boundaries' Urban attribute, aligned with the wards.
    Records each added column in ``dataset.planning`` and notes in ``dataset.warnings``.
    """
    wards = dataset.wards
    planning = dict(dataset.planning)
    notes: list[str] = []
    added: dict[str, np.ndarray] = {}
    rasters = dict(population_rasters or {})
    table_path = None
    if population is not None:
        if is_raster_file(population):
            rasters.setdefault(TOTAL, population)
        else:
            table_path = population

    table_urban: tuple[np.ndarray, str, str] | None = None
    if table_path is not None and rasters:
        raise _table_and_rasters()
    have_pop = existing_population_column(wards)
    if have_pop is not None:
        planning["population"] = {"column": have_pop, "source": f"the ward table's {have_pop} "
                                  "column"}
        if table_path is not None or rasters:
            notes.append(f"The ward table already has a population column ({have_pop}); it is "
                         "used, and the population file given is not.")
    elif table_path is not None:
        display = population_name or Path(table_path).name
        table, _source, tnotes = read_population_table(table_path, name=display)
        frame, report, pnotes = population_from_table(wards, table, name=display)
        notes += tnotes + pnotes
        if URBAN_SHARE in frame.columns:
            table_urban = (frame.pop(URBAN_SHARE).to_numpy(dtype=float), display,
                           report["columns"]["urban_share"])
        for col in frame.columns:
            added[col] = frame[col].to_numpy(dtype=float)
        source = f"the population table {display}"
        planning["population"] = {"column": POPULATION, "source": source, "file": display,
                                  "report": report,
                                  "age_groups": [c for c in frame.columns if c != POPULATION]}
        notes.append(f"Population from {source}: {_describe_total(added[POPULATION])}.")
    elif rasters:
        try:
            frame, report, pnotes = population_from_rasters(wards, rasters)
        except InputError as exc:
            raise _named(exc, population_name, rasters.get(TOTAL)) from None
        notes += pnotes
        for col in frame.columns:
            added[col] = frame[col].to_numpy(dtype=float)
        given = dict(population_raster_names or {})
        names = {role: population_name if (role == TOTAL and population_name) else
                 given.get(role) or Path(str(path)).name for role, path in rasters.items()}
        if POPULATION in frame.columns:
            source = f"the population raster {names[TOTAL]} (people summed over each ward)"
            planning["population"] = {"column": POPULATION, "source": source,
                                      "file": names[TOTAL], "report": report}
            notes.append(f"Population from {source}: {_describe_total(added[POPULATION])}.")
        for role in (U5, WOMEN):
            if role in rasters:
                planning[f"population_{role}"] = {
                    "column": ROLE_COLUMNS[role],
                    "source": f"the {ROLE_LABELS[role]} raster {names[role]}",
                }

    have_urban = existing_urban_column(wards)
    if have_urban is not None:
        planning["urban_share"] = {"column": have_urban,
                                   "source": f"the ward table's {have_urban} column"}
    elif urban_raster is not None:
        display = urban_raster_name or Path(str(urban_raster)).name
        try:
            values, report, unotes = urban_share_from_raster(wards, urban_raster)
        except InputError as exc:
            raise _named(exc, urban_raster_name, urban_raster) from None
        notes += unotes
        added[URBAN_SHARE] = values
        source = f"the built-up raster {display} (mean over each ward, {report['scale']})"
        planning["urban_share"] = {"column": URBAN_SHARE, "source": source, "file": display}
        notes.append(f"Urban share from {source}.")
    elif table_urban is not None:
        values, display, column = table_urban
        added[URBAN_SHARE] = values
        source = f"the {column} column of the population table {display}"
        planning["urban_share"] = {"column": URBAN_SHARE, "source": source, "file": display}
        notes.append(f"Urban share from {source}.")
    elif boundary_urban is not None:
        values, unotes = urban_share_from_field(boundary_urban)
        if np.isfinite(values).any():
            notes += unotes
            added[URBAN_SHARE] = values
            yes = int((values == 100).sum())
            source = (f"the boundaries' {URBAN_FIELD} Yes/No attribute, read as 100% urban "
                      "for Yes and 0% for No (a flag, not a measured share)")
            planning["urban_share"] = {"column": URBAN_SHARE, "source": source,
                                       "field": URBAN_FIELD}
            notes.append(f"Urban share from {source}: {yes} of {len(values)} wards are urban. "
                         "With such a flag every urban threshold selects the same wards.")

    if not added and planning == dataset.planning:
        return dataset
    out = wards.copy()
    for col, values in added.items():
        if "geometry" in out.columns:
            geometry = out.pop("geometry")
            out[col] = values
            out["geometry"] = geometry
        else:
            out[col] = values
    if "geometry" in out.columns:
        import geopandas as gpd

        out = gpd.GeoDataFrame(out, geometry="geometry", crs=getattr(wards, "crs", None))
    planning["added_columns"] = list(dict.fromkeys(
        [*planning.get("added_columns", []), *added]))
    dataset.wards = out
    dataset.planning = planning
    dataset.warnings = list(dataset.warnings) + notes
    return dataset


def _named(exc: InputError, display: str | None, path: Any) -> InputError:
    """The error with the file's name as the user gave it (uploads are stored under
    server-chosen names)."""
    if not display or path is None or Path(str(path)).name == display:
        return exc
    message = exc.message.replace(Path(str(path)).name, display).replace(str(path), display)
    return InputError(exc.code, message, details={"file": display})


def _table_and_rasters() -> InputError:
    return InputError(
        "invalid_parameter",
        "Give the population either as a table (with optional under-five and women 15–49 "
        "columns) or as rasters (total, u5=..., women=...), not both.",
    )


def planning_summary(planning: Mapping[str, Any] | None) -> dict[str, Any]:
    """Where population and urban share come from, in plain words (JSON-able)."""
    planning = dict(planning or {})
    out: dict[str, Any] = {}
    for key in ("population", "urban_share"):
        entry = planning.get(key)
        out[key] = None if not entry else {"column": entry.get("column"),
                                           "source": entry.get("source")}
    for key in (f"population_{U5}", f"population_{WOMEN}"):  # only when given
        entry = planning.get(key)
        if entry:
            out[key] = {"column": entry.get("column"), "source": entry.get("source")}
    return out


def source_sentence(planning: Mapping[str, Any] | None) -> str:
    """'Population: the population table pop.csv. Urban share: ...' (empty when unknown)."""
    planning = dict(planning or {})
    parts = []
    if planning.get("population"):
        parts.append(f"Population: {planning['population']['source']}.")
    for key, label in ((f"population_{U5}", "Under-five population"),
                       (f"population_{WOMEN}", "Women 15–49")):
        if planning.get(key):
            parts.append(f"{label}: {planning[key]['source']}.")
    if planning.get("urban_share"):
        parts.append(f"Urban share: {planning['urban_share']['source']}.")
    return " ".join(parts)



def planning_source_text(planning_inputs: Mapping[str, Any] | None, population_column: str | None,
                         urban_column: str | None) -> dict[str, str | None]:
    """Plain descriptions of the population and urban share a plan or reprioritisation used.

    ``planning_inputs`` is an analysis' record of them (``planning_summary``); a column it
    does not describe came with the ward table itself.
    """
    planning_inputs = dict(planning_inputs or {})
    out: dict[str, str | None] = {}
    for key, column in (("population", population_column), ("urban_share", urban_column)):
        entry = planning_inputs.get(key)
        if column is None:
            out[f"{key}_source"] = None
        elif entry and entry.get("column") == column and entry.get("source"):
            out[f"{key}_source"] = str(entry["source"])
        else:
            out[f"{key}_source"] = f"the ward table's {column} column"
    return out


def planning_inputs_near(source) -> dict[str, Any] | None:
    """The planning inputs recorded in the analysis.json of a results folder (or beside a
    unified dataset file); None when there is none."""
    import json

    path = Path(source)
    meta = path / ANALYSIS_JSON if path.is_dir() else path.parent / ANALYSIS_JSON
    try:
        return json.loads(meta.read_text(encoding="utf-8")).get("planning_inputs")
    except (OSError, ValueError, AttributeError):
        return None
