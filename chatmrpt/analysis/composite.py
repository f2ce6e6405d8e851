"""Composite score over every combination of variables (METHODOLOGY §5)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import combinations

import numpy as np
import pandas as pd

HIGH, MEDIUM, LOW = "High", "Medium", "Low"
CATEGORY_ORDER = {HIGH: 0, MEDIUM: 1, LOW: 2}
SCORE_DECIMALS = 12  # scores are rounded so that float noise never decides a tie

# the ward-by-model block computed at once: bounds memory whatever the number of wards
CHUNK_CELLS = 4_000_000


def model_count(k: int) -> int:
    """Models from k variables: every subset of at least two, 2^k - k - 1."""
    return 2**k - k - 1 if k >= 2 else 0


def enumerate_models(variables: Sequence[str]) -> list[tuple[str, ...]]:
    """Every subset of at least two variables: by size, then in the variables' order."""
    return [
        combo
        for size in range(2, len(variables) + 1)
        for combo in combinations(variables, size)
    ]


def model_ids(count: int) -> list[str]:
    width = max(3, len(str(count)))
    return [f"model_{i + 1:0{width}d}" for i in range(count)]


def model_weights(variables: Sequence[str], models: Sequence[tuple[str, ...]]) -> np.ndarray:
    """k x m matrix: column j averages the variables of model j (1/|model| where included)."""
    pos = {v: i for i, v in enumerate(variables)}
    w = np.zeros((len(variables), len(models)))
    for j, model in enumerate(models):
        for v in model:
            w[pos[v], j] = 1.0 / len(model)
    return w


def iter_model_scores(normalized: np.ndarray, weights: np.ndarray,
                      chunk_rows: int | None = None) -> Iterator[tuple[int, np.ndarray]]:
    """(first row, ward x model block) pairs covering every ward, a block at a time."""
    n = normalized.shape[0]
    m = weights.shape[1]
    if chunk_rows is None:
        chunk_rows = max(1, CHUNK_CELLS // max(m, 1))
    for start in range(0, n, chunk_rows):
        yield start, normalized[start : start + chunk_rows] @ weights


def composite_scores(normalized: np.ndarray, weights: np.ndarray,
                     progress: Callable[[float], None] | None = None) -> np.ndarray:
    """A ward's composite score: the median of its model scores."""
    n = normalized.shape[0]
    out = np.empty(n)
    for start, block in iter_model_scores(normalized, weights):
        out[start : start + block.shape[0]] = np.median(block, axis=1)
        if progress is not None:
            progress(min(1.0, (start + block.shape[0]) / max(n, 1)))
    return np.round(out, SCORE_DECIMALS)


def rank_descending(scores: np.ndarray) -> np.ndarray:
    """Ranks 1..n, 1 = highest score; ties broken by input order (earlier ward first)."""
    scores = np.asarray(scores, dtype=float)
    n = scores.size
    key = np.where(np.isfinite(scores), -scores, np.inf)
    order = np.lexsort((np.arange(n), key))
    ranks = np.empty(n, dtype=np.int64)
    ranks[order] = np.arange(1, n + 1)
    return ranks


def categorize(ranks: np.ndarray) -> np.ndarray:
    """High / Medium / Low from ranks: with h = n // 3, ranks 1..h High, n-h+1..n Low."""
    ranks = np.asarray(ranks)
    n = ranks.size
    h = n // 3
    out = np.full(n, MEDIUM, dtype=object)
    out[ranks <= h] = HIGH
    if h:
        out[ranks >= n - h + 1] = LOW
    return out


def models_table(variables: Sequence[str], models: Sequence[tuple[str, ...]]) -> pd.DataFrame:
    return pd.DataFrame({
        "model": model_ids(len(models)),
        "variables": ["+".join(m) for m in models],
        "size": [len(m) for m in models],
    })
