"""Composite score over every combination of variables (METHODOLOGY §5)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import combinations

import numpy as np
import pandas as pd

from chatmrpt.errors import InputError

HIGH, MEDIUM, LOW = "High", "Medium", "Low"
CATEGORY_ORDER = {HIGH: 0, MEDIUM: 1, LOW: 2}
SCORE_DECIMALS = 12  # scores are rounded so that float noise never decides a tie

# the ward-by-model block computed at once: bounds memory whatever the number of wards
CHUNK_CELLS = 4_000_000
# at most this many threads take the per-ward medians of a block
MEDIAN_THREADS = 2
# the composite score's blocks: one buffer of 128 MB, used again for every block (fewer,
# larger matrix products cost less: each wakes the BLAS threads)
SCORE_BLOCK_CELLS = 16_000_000


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
                      chunk_rows: int | None = None, reuse: bool = False
                      ) -> Iterator[tuple[int, np.ndarray]]:
    """(first row, ward x model block) pairs covering every ward, a block at a time.

    ``reuse``: every block is made in the same buffer, so a block is only good until the
    next one is asked for (the same numbers, without a fresh allocation per block: the
    kernel's page faults on new memory cost as much as the products themselves).
    """
    n = normalized.shape[0]
    m = weights.shape[1]
    if chunk_rows is None:
        chunk_rows = max(1, CHUNK_CELLS // max(m, 1))
    buffer = None
    if reuse and n:
        normalized = np.asarray(normalized, dtype=np.float64)
        weights = np.asarray(weights, dtype=np.float64)
        buffer = np.empty((min(chunk_rows, n), m))
    for start in range(0, n, chunk_rows):
        part = normalized[start : start + chunk_rows]
        if buffer is None:
            yield start, part @ weights
        else:
            yield start, np.matmul(part, weights, out=buffer[: part.shape[0]])


def row_medians(block: np.ndarray, out: np.ndarray) -> None:
    """Each row's median into ``out``, the same numbers as ``np.median(block, axis=1)``;
    ``block`` (finite values, C order) is reordered in place.

    ``np.median`` also selects every row's largest value, to find a NaN there; scores made
    from finite normalised values are finite, so only the middle element(s) are selected,
    and two middle values are averaged by ``np.mean`` as ``np.median`` does: about a third
    of its time.
    """
    m = block.shape[1]
    half = m // 2
    if m % 2:
        block.partition(half, axis=1)
        out[:] = block[:, half]
    else:
        block.partition((half - 1, half), axis=1)
        np.mean(block[:, half - 1 : half + 1], axis=1, out=out)


def _threads() -> int:
    """Threads for the per-ward medians: NumPy's selection releases the GIL."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(MEDIAN_THREADS, cpus))


def composite_scores(normalized: np.ndarray, weights: np.ndarray,
                     progress: Callable[[float], None] | None = None) -> np.ndarray:
    """A ward's composite score: the median of its model scores.

    Each block of wards is split between threads for the medians (a ward's median depends
    on its row alone, so the split changes no number).
    """
    normalized = np.asarray(normalized, dtype=float)
    n = normalized.shape[0]
    out = np.empty(n)
    if not np.isfinite(normalized).all():  # a NaN score must give a NaN median
        for start, block in iter_model_scores(normalized, weights):
            out[start : start + block.shape[0]] = np.median(block, axis=1, overwrite_input=True)
            if progress is not None:
                progress(min(1.0, (start + block.shape[0]) / max(n, 1)))
        return np.round(out, SCORE_DECIMALS)
    threads = _threads()
    pool = ThreadPoolExecutor(threads) if threads > 1 and n * weights.shape[1] > CHUNK_CELLS \
        else None
    chunk_rows = max(1, SCORE_BLOCK_CELLS // max(weights.shape[1], 1))
    try:
        for start, block in iter_model_scores(normalized, weights, chunk_rows, reuse=True):
            rows = block.shape[0]
            # the block is ours alone: the medians may reorder it in place
            if pool is None:
                row_medians(block, out[start : start + rows])
            else:
                step = -(-rows // threads)
                parts = [(block[i : i + step], out[start + i : start + min(i + step, rows)])
                         for i in range(0, rows, step)]
                for done in [pool.submit(row_medians, b, o) for b, o in parts]:
                    done.result()
            if progress is not None:
                progress(min(1.0, (start + rows) / max(n, 1)))
    finally:
        if pool is not None:
            pool.shutdown()
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


# --- median of model ranks (the R MRPT app's aggregation; METHODOLOGY §5) ----------------

# the ward x model rank matrix is held at once (int32): beyond this many cells, refuse
MAX_RANK_CELLS = 60_000_000
_SCORE_CHUNK_MODELS = 512


def _exact_score_blocks(normalized: np.ndarray, model_columns: Sequence[Sequence[int]]
                        ) -> Iterator[tuple[list[int], np.ndarray]]:
    """(model positions, ward x model block) pairs covering every model, a block at a time."""
    x = np.asarray(normalized, dtype=np.float64)
    by_size: dict[int, list[int]] = {}
    for j, cols in enumerate(model_columns):
        by_size.setdefault(len(cols), []).append(j)
    for size, js in by_size.items():
        for start in range(0, len(js), _SCORE_CHUNK_MODELS):
            part = js[start : start + _SCORE_CHUNK_MODELS]
            idx = np.array([model_columns[j] for j in part], dtype=np.int64)  # models x size
            acc = x[:, idx[:, 0]].copy()
            for t in range(1, size):
                acc += x[:, idx[:, t]]  # element-wise: the same rounding as a scalar loop
            yield part, acc / float(size)


def exact_model_scores(normalized: np.ndarray, model_columns: Sequence[Sequence[int]]
                       ) -> np.ndarray:
    """Ward x model scores as the R app computes them, in float64: the model's normalised
    values added one at a time in the given column order (left to right), then divided by
    the model size. Not ``normalized @ weights``: multiplying by 1/size first rounds
    differently, and ties between wards must come from exactly these values."""
    out = np.empty((np.asarray(normalized).shape[0], len(model_columns)), dtype=np.float64)
    for part, block in _exact_score_blocks(normalized, model_columns):
        out[:, part] = block
    return out


def ascending_model_ranks(scores: np.ndarray) -> np.ndarray:
    """Per model (column), ranks 1..n ascending: rank 1 = the lowest score; equal scores
    keep the input row order (R's ``rank(ties.method = "first")``)."""
    scores = np.asarray(scores, dtype=np.float64)
    n = scores.shape[0]
    order = np.argsort(scores, axis=0, kind="stable")
    ranks = np.empty(scores.shape, dtype=np.int32)
    np.put_along_axis(ranks, order, np.arange(1, n + 1, dtype=np.int32)[:, None], axis=0)
    return ranks


def median_model_ranks(normalized: np.ndarray, model_columns: Sequence[Sequence[int]]
                       ) -> np.ndarray:
    """Per ward, the median of its per-model ascending ranks (a .5 when the number of
    models is even and the two middle ranks differ).

    Scores are made and ranked a block of models at a time; only the int32 ward x model
    rank matrix is held whole, and the medians are taken a block of wards at a time.
    """
    n, m = np.asarray(normalized).shape[0], len(model_columns)
    if n * m > MAX_RANK_CELLS:
        raise InputError(
            "too_many_variables",
            f"The median-of-ranks ranking of {n:,} wards over {m:,} models needs {n * m:,} "
            f"ranks at once, more than the {MAX_RANK_CELLS:,} this tool holds. Choose fewer "
            "variables, or use the default aggregation (median-score).",
            details={"wards": n, "models": m, "max_cells": MAX_RANK_CELLS},
        )
    ranks = np.empty((n, m), dtype=np.int32)
    for part, block in _exact_score_blocks(normalized, model_columns):
        ranks[:, part] = ascending_model_ranks(block)
    out = np.empty(n, dtype=np.float64)
    rows = max(1, CHUNK_CELLS // max(m, 1))
    for start in range(0, n, rows):
        out[start : start + rows] = np.median(ranks[start : start + rows], axis=1)
    return out


def tie_break_keys(names: Sequence[object] | None, codes: Sequence[object] | None,
                   tie_break: str) -> np.ndarray:
    """Integer sort keys for the tie rule: equal keys stay tied (then input order decides).

    ``name``: the ward name in byte order of its UTF-8 text (the R app). ``code``: WardCode
    ascending, as numbers when every code is a number, else in byte order (the R workflow's
    rank files). ``order``: input order. Missing names or codes sort last.
    """
    if tie_break == "order":
        n = len(names) if names is not None else len(codes or ())
        return np.zeros(n, dtype=np.int64)
    values = list(names if tie_break == "name" else codes)  # type: ignore[arg-type]
    missing = [v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() == ""
               for v in values]
    present = [str(v) for v, miss in zip(values, missing, strict=True) if not miss]
    numeric = tie_break == "code" and bool(present) and all(_is_number(v) for v in present)
    key: list[tuple] = [
        (1,) if miss else ((0, float(str(v))) if numeric else (0, str(v).encode("utf-8")))
        for v, miss in zip(values, missing, strict=True)
    ]
    distinct = sorted(set(key))
    code_of = {k: i for i, k in enumerate(distinct)}
    return np.array([code_of[k] for k in key], dtype=np.int64)


def _is_number(text: str) -> bool:
    try:
        return np.isfinite(float(text))
    except ValueError:
        return False


def rank_by_median_rank(median_ranks: np.ndarray, tie_keys: np.ndarray) -> np.ndarray:
    """``composite_rank`` from median model ranks: order the wards by ascending median rank
    (equal medians by ``tie_keys``, then input order); the R app's overall rank is the
    position p in that order (1 = least vulnerable) and the composite rank is n + 1 - p, so
    rank 1 stays the most vulnerable ward."""
    median_ranks = np.asarray(median_ranks, dtype=np.float64)
    n = median_ranks.size
    order = np.lexsort((np.arange(n), np.asarray(tie_keys), median_ranks))
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(1, n + 1)
    return n + 1 - position
