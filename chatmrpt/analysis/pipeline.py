"""One entry point per job kind: ``run_analysis`` from a ward dataset to ranked wards.

The CLI, the background jobs and the web layer all call this function, so a result from
the command line and one from the web app are the same numbers.
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from chatmrpt import __version__
from chatmrpt.analysis import composite as comp
from chatmrpt.analysis.columns import POPULATION_ALIASES, URBAN_SHARE_ALIASES, find_column
from chatmrpt.analysis.compare import compare_rankings
from chatmrpt.analysis.dataset import GEOMETRY, LGA, WARD_CODE, WARD_NAME, WardDataset
from chatmrpt.analysis.impute import impute_missing, queen_neighbours
from chatmrpt.analysis.normalize import normalize
from chatmrpt.analysis.params import MAX_VARIABLES, AnalysisParams, analysis_id
from chatmrpt.analysis.pca import PcaResult, run_pca
from chatmrpt.analysis.population import planning_summary
from chatmrpt.analysis.quality import identical_column_groups
from chatmrpt.analysis.urban import urban_flags
from chatmrpt.analysis.variables import (
    constant_variables,
    select_variables,
    usable_variables,
)
from chatmrpt.errors import InputError, describe_rows

ProgressFn = Callable[[float, str], None]

# share of the whole run each stage takes, roughly, for the progress bar
_STAGES = {"select": 0.02, "impute": 0.10, "normalise": 0.12, "composite": 0.80, "pca": 0.92,
           "compare": 0.97, "done": 1.0}

# the libraries whose versions an analysis records (each by its import name)
PACKAGES = ("numpy", "pandas", "shapely", "geopandas", "pyogrio", "pyarrow")


@dataclass
class AnalysisResult:
    """Everything an analysis produced. ``wards`` is the unified dataset (METHODOLOGY §10)."""

    analysis_id: str
    dataset_id: str
    wards: pd.DataFrame
    variables: list[str]
    directions: dict[str, str]
    models: list[tuple[str, ...]]
    normalized: np.ndarray  # ward x variable, in ``variables`` order
    metadata: dict[str, Any]
    pca: PcaResult | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def model_weights(self) -> np.ndarray:
        return comp.model_weights(self.variables, self.models)

    def models_table(self) -> pd.DataFrame:
        return comp.models_table(self.variables, self.models)

    def model_scores(self, rows: np.ndarray | list[int] | None = None) -> pd.DataFrame:
        """Per-ward model scores (ward x model), for all wards or the given row positions.

        Recomputed from the normalised values rather than kept: 100,000 wards x 4,083
        models would not fit comfortably in memory.
        """
        x = self.normalized if rows is None else self.normalized[np.asarray(rows, dtype=int)]
        ids = comp.model_ids(len(self.models))
        return pd.DataFrame(x @ self.model_weights, columns=ids)

    def iter_model_scores(self, chunk_rows: int | None = None, reuse: bool = False):
        return comp.iter_model_scores(self.normalized, self.model_weights, chunk_rows, reuse)

    def summary(self, top: int = 10) -> dict[str, Any]:
        """A small JSON-able digest for records, chat replies and the CLI."""
        w = self.wards
        order = np.argsort(w["composite_rank"].to_numpy())[:top]
        id_cols = [c for c in (WARD_NAME, WARD_CODE, LGA) if c in w.columns]
        top_rows = []
        for i in order:
            row = {c: _plain(w[c].iloc[i]) for c in id_cols}
            row["composite_score"] = float(w["composite_score"].iloc[i])
            row["composite_rank"] = int(w["composite_rank"].iloc[i])
            if "pca_rank" in w.columns:
                row["pca_rank"] = int(w["pca_rank"].iloc[i])
            top_rows.append(row)
        meta = self.metadata
        return {
            "analysis_id": self.analysis_id,
            "dataset_id": self.dataset_id,
            "wards": int(len(w)),
            "variables": [
                {"name": v, "direction": self.directions[v]} for v in self.variables
            ],
            "models": len(self.models),
            "methods": meta["parameters"]["methods"],
            "normalization": meta["parameters"]["normalization"],
            "aggregation": meta["parameters"].get("aggregation", "median-score"),
            "tie_break": meta["parameters"].get("tie_break"),
            "pca_suitable": bool(self.pca and self.pca.suitable),
            "pca_reason": self.pca.reason if self.pca else None,
            "categories": meta["categories"],
            "comparison": dict(meta.get("comparison") or {}),
            "top_wards": top_rows,
            "zone": meta["zone"],
            "dropped_variables": meta["dropped_variables"],
            "identical_variables": meta.get("identical_variables") or [],
            "imputed_cells": meta["imputation"]["cells"],
            "warnings": list(self.warnings),
            "planning_inputs": meta.get("planning_inputs"),
        }


def _plain(v: Any) -> Any:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, np.generic):
        return v.item()
    return v


class _Progress:
    def __init__(self, fn: ProgressFn | None):
        self.fn = fn

    def stage(self, name: str, within: float = 1.0, previous: str | None = None) -> None:
        if self.fn is None:
            return
        end = _STAGES[name]
        start = _STAGES[previous] if previous else end
        self.fn(start + (end - start) * within, name)


def package_versions() -> dict[str, str]:
    """Versions of the libraries this process has loaded, from their ``__version__``.

    Reading the installed packages' metadata instead costs tens of milliseconds a run; a
    library not loaded (GeoPandas without boundaries) took no part in the results.
    """
    versions = {"chatmrpt": __version__, "python": platform.python_version()}
    for name in PACKAGES:
        version = getattr(sys.modules.get(name), "__version__", None)
        if version is not None:
            versions[name] = str(version)
    return versions


def _numeric_values(wards: pd.DataFrame, variables: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """The chosen columns as floats; infinities become missing, with a warning."""
    values = wards[variables].apply(pd.to_numeric, errors="coerce").astype(float)
    warnings = []
    for col in variables:
        bad = ~np.isfinite(values[col].to_numpy()) & values[col].notna().to_numpy()
        if bad.any():
            labels = wards[WARD_NAME].to_numpy()[bad].tolist()
            warnings.append(f"{col}: infinite values treated as missing for {describe_rows(labels)}.")
            values.loc[bad, col] = np.nan
    return values, warnings


def _median_rank_ranking(wards: pd.DataFrame, variables: list[str],
                         models: list[tuple[str, ...]], nmat: np.ndarray, tie_break: str
                         ) -> tuple[np.ndarray, np.ndarray]:
    """The R MRPT app's ranking (METHODOLOGY §5): per ward the median of its per-model
    ranks, then composite ranks with the chosen tie rule."""
    if tie_break == "code" and (WARD_CODE not in wards.columns or wards[WARD_CODE].isna().all()):
        raise InputError(
            "missing_column",
            f"The tie-break 'code' orders equal median ranks by {WARD_CODE}, and the ward table "
            f"has no {WARD_CODE} values. Use the tie-break 'name' or 'order', or add ward codes.",
            details={"parameter": "tie_break", "column": WARD_CODE},
        )
    pos = {v: i for i, v in enumerate(variables)}
    median_rank = comp.median_model_ranks(nmat, [[pos[v] for v in m] for m in models])
    names = wards[WARD_NAME].tolist()
    codes = wards[WARD_CODE].tolist() if WARD_CODE in wards.columns else None
    keys = comp.tie_break_keys(names, codes, tie_break)
    return median_rank, comp.rank_by_median_rank(median_rank, keys)


def run_analysis(dataset: WardDataset, params: AnalysisParams,
                 progress: ProgressFn | None = None) -> AnalysisResult:
    """Select, impute, normalise, score (composite and PCA), rank, categorise, compare."""
    prog = _Progress(progress)
    wards = dataset.wards
    n = len(wards)
    if n < 2:
        raise InputError("no_usable_variables",
                         f"The ward table has {n} ward(s); ranking needs at least two wards.",
                         details={"wards": n})
    prog.stage("select", 0.0)
    choice = select_variables(
        wards,
        requested=params.variables,
        direction_overrides=params.direction_overrides,
        excluded=dataset.excluded_columns,
        added=dataset.planning_columns,
        boundary_attributes=dataset.boundary_attributes,
    )
    warnings: list[str] = list(dataset.warnings)
    if choice.capped_out:
        warnings.append(choice.messages[-1])
    if len(choice.variables) > MAX_VARIABLES:  # every path is capped; this is the guard
        raise InputError(
            "too_many_variables",
            f"{len(choice.variables)} variables were chosen; the most this tool computes is "
            f"{MAX_VARIABLES}. Choose fewer variables.",
            details={"count": len(choice.variables), "max": MAX_VARIABLES},
        )
    raw, inf_warnings = _numeric_values(wards, choice.variables)
    warnings += inf_warnings

    # §2: too sparse first, then impute, then constant columns
    keep, dropped = usable_variables(raw)
    dropped = list(choice.left_out) + dropped
    labels = wards[WARD_NAME].astype(str).reset_index(drop=True)
    to_impute = raw[keep].reset_index(drop=True)
    neighbours = None
    if dataset.has_boundaries and to_impute.isna().to_numpy().any():
        # contiguity is built once per dataset, only when something needs filling, and only
        # for the wards with a value to fill
        gaps = np.flatnonzero(to_impute.isna().to_numpy().any(axis=1))
        neighbours = queen_neighbours(wards[GEOMETRY].to_numpy(), rows=gaps)
    prog.stage("impute", 0.0, "select")
    filled, flags, imputation = impute_missing(to_impute, neighbours, labels)
    constant = constant_variables(filled)
    dropped += constant
    variables = [v for v in keep if v not in {d["variable"] for d in constant}]
    for d in dropped:
        warnings.append(d["message"])
    # variables named by the user that hold the same numbers are kept (they were asked for),
    # and said: the ranking counts that one measurement once per column
    identical = [list(g) for g in identical_column_groups(wards, variables) if len(g) > 1] \
        if choice.selection == "user" else []
    for group in identical:
        warnings.append(f"{', '.join(group[:-1])} and {group[-1]} hold the same number in every "
                        f"ward where both have a value, so this ranking counts that one "
                        f"measurement {len(group)} times; name only one of them to count it once.")
    if len(variables) < 2:
        usable = ", ".join(variables) or "none"
        raise InputError(
            "no_usable_variables" if not variables else "too_few_variables",
            "The composite score needs at least two usable variables, and only "
            f"{len(variables)} remain ({usable}). "
            + " ".join(d["message"] for d in dropped)
            + " Add variables with --variables, or check the table's numeric columns.",
            details={"variables": variables, "dropped": dropped,
                     "considered": choice.variables},
        )
    directions = {v: choice.directions[v] for v in variables}
    filled = filled[variables]
    prog.stage("impute", 1.0, "select")

    normalized = normalize(filled, directions, params.normalization)
    prog.stage("normalise", 1.0, "impute")

    models = comp.enumerate_models(variables)
    weights = comp.model_weights(variables, models)
    nmat = normalized.to_numpy(dtype=float)
    scores = comp.composite_scores(
        nmat, weights, progress=lambda f: prog.stage("composite", f, "normalise")
    )
    median_rank = None
    if params.aggregation == "median-rank":
        median_rank, ranks = _median_rank_ranking(wards, variables, models, nmat, params.tie_break)
    else:
        ranks = comp.rank_descending(scores)
    categories = comp.categorize(ranks)

    pca_result: PcaResult | None = None
    if "pca" in params.methods:
        pca_result = run_pca(filled, directions, orient=params.pca_orientation == "risk")
        if not pca_result.suitable:
            warnings.append(f"PCA was not used: {pca_result.reason}")
    prog.stage("pca", 1.0, "composite")

    # row numbers and ids from the input file are not ward attributes
    out = wards.reset_index(drop=True).drop(columns=dataset.excluded_columns, errors="ignore")
    for v in variables:
        out[v] = filled[v].to_numpy()  # the values the analysis used (imputed cells filled)
    extra: dict[str, Any] = {}
    for v in variables:
        extra[f"imputed_{v}"] = flags[v].to_numpy()
    for v in variables:
        extra[f"normalized_{v}"] = normalized[v].to_numpy()
    extra["composite_score"] = scores
    if median_rank is not None:
        extra["composite_median_rank"] = median_rank
    extra["composite_rank"] = ranks
    extra["composite_category"] = categories
    comparison = None
    if pca_result is not None and pca_result.suitable:
        pca_ranks = comp.rank_descending(pca_result.scores)
        pca_cats = comp.categorize(pca_ranks)
        extra["pca_score"] = pca_result.scores
        extra["pca_rank"] = pca_ranks
        extra["pca_category"] = pca_cats
        for j in range(pca_result.n_components):
            extra[f"pca_pc{j + 1}"] = np.round(pca_result.components[:, j], comp.SCORE_DECIMALS)
        comparison = compare_rankings(ranks, pca_ranks, categories, pca_cats)
        extra.update(comparison.pop("columns"))
    prog.stage("compare", 1.0, "pca")

    urban_col = find_column(out.columns, URBAN_SHARE_ALIASES)
    if urban_col is not None:
        flags_df = urban_flags(pd.to_numeric(out[urban_col], errors="coerce"),
                               params.urban_thresholds)
        for c in flags_df.columns:
            extra[c] = flags_df[c].to_numpy()
    extra_df = pd.DataFrame(extra, index=out.index)
    clash = [c for c in extra_df.columns if c in out.columns]
    out = out.drop(columns=clash)
    if GEOMETRY in out.columns:
        geometry = out.pop(GEOMETRY)
        out = pd.concat([out, extra_df], axis=1)
        out[GEOMETRY] = geometry
        import geopandas as gpd

        out = gpd.GeoDataFrame(out, geometry=GEOMETRY, crs="EPSG:4326")
    else:
        out = pd.concat([out, extra_df], axis=1)

    a_id = analysis_id(dataset.dataset_id, params)
    counts = pd.Series(categories).value_counts()
    metadata_ = {
        "analysis_id": a_id,
        "dataset_id": dataset.dataset_id,
        "parameters": params.normalized(),
        "inputs": dataset.sources,
        "wards": n,
        "variables": [
            {
                "name": v,
                "canonical": choice.canonical.get(v),
                "direction": directions[v],
                "direction_source": choice.direction_sources[v],
                "missing": int(raw[v].isna().sum()),
                "imputed": int(flags[v].sum()),
                "min": float(filled[v].min()),
                "max": float(filled[v].max()),
            }
            for v in variables
        ],
        "variable_selection": choice.selection,
        "selection_messages": choice.messages,
        "left_out_variables": choice.capped_out,
        "zone_defaults_missing": choice.missing_defaults,
        "dropped_variables": dropped,
        "identical_variables": identical,
        "zone": choice.zone,
        "join_report": dataset.join_report,
        "imputation": {
            "method": "queen-contiguity neighbour mean, else column mean",
            "neighbours_built": neighbours is not None,
            "cells": len(imputation),
            "report": imputation,
        },
        "models": len(models),
        "categories": {c: int(counts.get(c, 0)) for c in (comp.HIGH, comp.MEDIUM, comp.LOW)},
        "pca": pca_result.report() if pca_result is not None else None,
        "comparison": comparison,
        "urban_share_column": urban_col,
        "population_column": find_column(out.columns, POPULATION_ALIASES),
        "planning_inputs": planning_summary(dataset.planning),
        "quality": dataset.quality,
        "warnings": warnings,
        "versions": package_versions(),
    }
    prog.stage("done")
    return AnalysisResult(
        analysis_id=a_id,
        dataset_id=dataset.dataset_id,
        wards=out,
        variables=variables,
        directions=directions,
        models=models,
        normalized=nmat,
        metadata=metadata_,
        pca=pca_result,
        warnings=warnings,
    )
