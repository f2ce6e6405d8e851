"""The few statistics the analysis needs, in NumPy and ``math`` (no SciPy, no scikit-learn).

Importing ``scipy.stats`` costs about half a second and ``sklearn.decomposition`` a sixth,
more than the whole analysis of a state; the analysis needs one rank correlation, one
chi-squared tail probability and the principal components of a small correlation
problem. The unit tests check each against SciPy and scikit-learn.
"""

from __future__ import annotations

import math

import numpy as np


def average_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n, ties sharing the mean of their ranks (``scipy.stats.rankdata``)."""
    x = np.asarray(values).ravel()
    n = x.size
    order = np.argsort(x, kind="mergesort")
    sorted_x = x[order]
    # start of each run of equal values, and the run each sorted position belongs to
    new_run = np.ones(n, dtype=bool)
    new_run[1:] = sorted_x[1:] != sorted_x[:-1]
    run = np.cumsum(new_run) - 1
    starts = np.flatnonzero(new_run)
    ends = np.append(starts[1:], n)  # one past the last position of each run
    mean_rank = (starts + 1 + ends) / 2.0  # mean of ranks starts+1 .. ends
    ranks = np.empty(n, dtype=float)
    ranks[order] = mean_rank[run]
    return ranks


def pearson(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation; NaN when either input does not vary (as SciPy answers)."""
    a = np.asarray(a, dtype=float) - np.mean(a)
    b = np.asarray(b, dtype=float) - np.mean(b)
    denominator = math.sqrt(float(a @ a) * float(b @ b))
    if denominator == 0.0:
        return float("nan")
    return max(-1.0, min(1.0, float(a @ b) / denominator))


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's rank correlation: the Pearson correlation of the average ranks."""
    return pearson(average_ranks(a), average_ranks(b))


def chi2_sf(x: float, dof: int) -> float:
    """P(X > x) for X chi-squared with ``dof`` (a whole number) degrees of freedom.

    The regularised upper incomplete gamma Q(dof/2, x/2) in closed form: for an even
    ``dof`` ``exp(-y) * sum(y**j / j!)``, for an odd one ``erfc(sqrt(y))`` plus the
    terms ``y**(j+1/2) exp(-y) / Gamma(j+3/2)``, each term taken through logarithms so
    that large statistics give tiny probabilities rather than 0/0.
    """
    if dof != int(dof) or dof < 1:
        raise ValueError(f"degrees of freedom must be a whole number from 1, not {dof}")
    dof = int(dof)
    if math.isnan(x):
        return float("nan")
    if x <= 0:
        return 1.0
    if math.isinf(x):
        return 0.0
    y = x / 2.0
    log_y = math.log(y)
    if dof % 2 == 0:
        total = sum(math.exp(j * log_y - y - math.lgamma(j + 1)) for j in range(dof // 2))
    else:
        total = math.erfc(math.sqrt(y)) + sum(
            math.exp((j + 0.5) * log_y - y - math.lgamma(j + 1.5)) for j in range((dof - 1) // 2)
        )
    return min(1.0, total)


def principal_components(z: np.ndarray, kept: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Principal components of ``z`` (wards x variables), as scikit-learn's ``PCA`` gives.

    Returns (ward x component scores, component x variable loadings, explained variance
    ratio of the kept components). The p x p covariance is decomposed instead of the
    n x p data (the same components; 15 times faster at 100,000 wards), and each
    component's sign is chosen as scikit-learn's ``svd_flip`` does: the loading of
    largest magnitude is positive.
    """
    z = np.asarray(z, dtype=float)
    n = z.shape[0]
    centred = z - z.mean(axis=0)
    cov = (centred.T @ centred) / (n - 1)
    eigenvalues, eigenvectors = np.linalg.eigh(cov)
    eigenvalues = np.clip(eigenvalues[::-1], 0.0, None)  # largest first
    vt = eigenvectors[:, ::-1].T.copy()  # component x variable
    rows = np.arange(vt.shape[0])
    signs = np.sign(vt[rows, np.argmax(np.abs(vt), axis=1)])
    signs[signs == 0] = 1.0
    vt *= signs[:, None]
    ratio = eigenvalues / eigenvalues.sum()
    loadings = vt[:kept]
    return centred @ loadings.T, loadings, ratio[:kept]
