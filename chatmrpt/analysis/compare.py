"""Comparing the composite and PCA rankings (METHODOLOGY §6, method comparison)."""

from __future__ import annotations

from typing import Any

import numpy as np

from chatmrpt.analysis.composite import CATEGORY_ORDER
from chatmrpt.analysis.stats import spearman

TOP_N = (10, 20, 50)


def consensus_category(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Same category -> that category; otherwise the higher-risk of the two."""
    order = np.vectorize(CATEGORY_ORDER.__getitem__)
    return np.where(order(a) <= order(b), a, b)


def compare_rankings(composite_rank: np.ndarray, pca_rank: np.ndarray,
                     composite_category: np.ndarray, pca_category: np.ndarray) -> dict[str, Any]:
    """Agreement between the two rankings, and per ward columns for the unified dataset."""
    n = len(composite_rank)
    rho = spearman(composite_rank, pca_rank) if n > 2 else float("nan")
    overlap = {}
    for top in TOP_N:
        if top > n:
            continue
        a = set(np.flatnonzero(composite_rank <= top))
        b = set(np.flatnonzero(pca_rank <= top))
        overlap[str(top)] = {"shared": len(a & b), "share": len(a & b) / top}
    same = composite_category == pca_category
    return {
        "spearman": round(rho, 6) if np.isfinite(rho) else None,
        "top_overlap": overlap,
        "same_category_wards": int(same.sum()),
        "same_category_share": float(same.mean()) if n else None,
        "columns": {
            "rank_difference": pca_rank - composite_rank,
            "consensus_category": consensus_category(composite_category, pca_category),
        },
    }
