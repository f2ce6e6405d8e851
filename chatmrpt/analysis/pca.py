"""PCA vulnerability score with suitability tests (METHODOLOGY §6)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from chatmrpt.analysis.composite import SCORE_DECIMALS
from chatmrpt.analysis.stats import chi2_sf, principal_components
from chatmrpt.analysis.variables import INVERSE

KMO_MIN = 0.5
BARTLETT_ALPHA = 0.05
MAX_SCORED_COMPONENTS = 3


@dataclass
class PcaResult:
    suitable: bool
    reason: str | None
    kmo: float | None = None
    kmo_label: str | None = None
    kmo_per_variable: dict[str, float] = field(default_factory=dict)
    bartlett_chi2: float | None = None
    bartlett_df: int | None = None
    bartlett_p: float | None = None
    n_components: int = 0
    explained_variance_ratio: list[float] = field(default_factory=list)
    loadings: dict[str, list[float]] = field(default_factory=dict)  # variable -> per component
    importance: dict[str, float] = field(default_factory=dict)
    scores: np.ndarray | None = None  # ward score
    components: np.ndarray | None = None  # ward x component scores

    def report(self) -> dict[str, Any]:
        return {
            "suitable": self.suitable,
            "reason": self.reason,
            "kmo": self.kmo,
            "kmo_label": self.kmo_label,
            "kmo_per_variable": self.kmo_per_variable,
            "bartlett_chi2": self.bartlett_chi2,
            "bartlett_df": self.bartlett_df,
            "bartlett_p": self.bartlett_p,
            "n_components": self.n_components,
            "scored_components": min(MAX_SCORED_COMPONENTS, self.n_components),
            "explained_variance_ratio": self.explained_variance_ratio,
            "loadings": self.loadings,
            "variable_importance": self.importance,
        }


def kmo_label(kmo: float) -> str:
    for limit, label in ((0.9, "marvelous"), (0.8, "meritorious"), (0.7, "middling"),
                         (0.6, "mediocre"), (0.5, "miserable")):
        if kmo >= limit:
            return label
    return "unacceptable"


def kmo(corr: np.ndarray) -> tuple[float, np.ndarray]:
    """Kaiser-Meyer-Olkin measure: overall and per variable.

    Partial correlations come from the pseudo-inverse of the correlation matrix, so a
    singular matrix (two variables carrying the same numbers) still gives an answer.
    """
    inv = np.linalg.pinv(corr)
    d = np.sqrt(np.abs(np.diag(inv)))
    d[d == 0] = np.inf
    partial = -inv / np.outer(d, d)
    off = ~np.eye(corr.shape[0], dtype=bool)
    r2 = np.where(off, corr**2, 0.0)
    p2 = np.where(off, partial**2, 0.0)
    overall = r2.sum() / (r2.sum() + p2.sum())
    per_var = r2.sum(axis=0) / (r2.sum(axis=0) + p2.sum(axis=0))
    return float(overall), per_var


def bartlett(corr: np.ndarray, n: int) -> tuple[float, int, float]:
    """Bartlett's test of sphericity: chi2 = -[(n-1) - (2p+5)/6] ln det R."""
    p = corr.shape[0]
    sign, logdet = np.linalg.slogdet(corr)
    dof = p * (p - 1) // 2
    if sign <= 0:  # singular: variables are exact combinations of each other
        return float("inf"), dof, 0.0
    chi2 = -((n - 1) - (2 * p + 5) / 6.0) * logdet
    return float(chi2), dof, chi2_sf(chi2, dof)


def standardise(values: pd.DataFrame, directions: Mapping[str, str],
                orient: bool = True) -> np.ndarray:
    """Median-impute, z-score with the population standard deviation, point to risk."""
    x = values.to_numpy(dtype=float).copy()
    med = np.nanmedian(x, axis=0)
    rows, cols = np.nonzero(~np.isfinite(x))
    x[rows, cols] = med[cols]
    sd = x.std(axis=0, ddof=0)
    sd[sd == 0] = 1.0
    z = (x - x.mean(axis=0)) / sd
    if orient:
        for j, col in enumerate(values.columns):
            if directions.get(col) == INVERSE:
                z[:, j] = -z[:, j]
    return z


def components_kept(p: int) -> int:
    return min(p, max(2, int(np.floor(0.8 * p))))


def run_pca(values: pd.DataFrame, directions: Mapping[str, str],
            orient: bool = True) -> PcaResult:
    """PCA score per ward, or the reason PCA does not suit these data.

    ``orient=False`` reproduces the legacy tool: inverse variables are not negated and the
    components keep whatever sign the decomposition gave them, so the ranking can run
    backwards.
    """
    variables: Sequence[str] = list(values.columns)
    n, p = values.shape
    if p < 3:
        return PcaResult(False, f"PCA needs at least 3 variables; this analysis has {p}.")
    if n <= p:
        return PcaResult(False, f"PCA needs more wards than variables ({n} wards, {p} variables).")
    z = standardise(values, directions, orient)
    corr = np.corrcoef(z, rowvar=False)
    if not np.all(np.isfinite(corr)):
        return PcaResult(False, "A variable has no variation, so correlations are undefined.")
    k, k_per_var = kmo(corr)
    chi2, dof, pval = bartlett(corr, n)
    base = dict(
        kmo=round(k, 6),
        kmo_label=kmo_label(k),
        kmo_per_variable={v: round(float(x), 6) for v, x in zip(variables, k_per_var, strict=True)},
        bartlett_chi2=chi2,
        bartlett_df=dof,
        bartlett_p=pval,
    )
    if k < KMO_MIN:
        return PcaResult(False, f"KMO is {k:.3f}; PCA needs at least {KMO_MIN}: "
                         "the variables share too little to be summarised by components.", **base)
    if not pval < BARTLETT_ALPHA:
        return PcaResult(False, f"Bartlett's test p = {pval:.3g}; PCA needs p < {BARTLETT_ALPHA}: "
                         "the variables are not correlated enough.", **base)

    kept = components_kept(p)
    comp_scores, loadings, evr = principal_components(z, kept)  # loadings: component x variable
    if orient:
        # each component points where the sum of its loadings is positive, so a higher
        # score always means more risk
        signs = np.where(loadings.sum(axis=1) < 0, -1.0, 1.0)
        loadings *= signs[:, None]
        comp_scores *= signs[None, :]
    used = min(MAX_SCORED_COMPONENTS, kept)
    score = comp_scores[:, :used] @ evr[:used]
    importance = np.abs(loadings.T) @ evr
    importance = importance / importance.sum() if importance.sum() > 0 else importance
    return PcaResult(
        True,
        None,
        n_components=kept,
        explained_variance_ratio=[float(x) for x in evr],
        loadings={v: [float(x) for x in loadings[:, j]] for j, v in enumerate(variables)},
        importance={v: float(x) for v, x in zip(variables, importance, strict=True)},
        scores=np.round(score, SCORE_DECIMALS),
        components=comp_scores,
        **base,
    )
