"""The analysis' own statistics against SciPy and scikit-learn (which it no longer imports)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sp_stats
from sklearn.decomposition import PCA

from chatmrpt.analysis.pca import components_kept, run_pca, standardise
from chatmrpt.analysis.stats import (
    average_ranks,
    chi2_sf,
    pearson,
    principal_components,
    spearman,
)

DATA = Path(__file__).resolve().parents[1] / "data"

# chi2.sf(x, dof) as scipy 1.17.1 gave them
CHI2_KNOWN = [
    (0.5, 1, 0.47950012218695337),
    (3.84, 1, 0.05004352124870519),
    (10.0, 3, 0.01856613546304325),
    (6.0, 6, 0.42319008112684364),
    (45.0, 28, 0.022062308450455745),
    (120.0, 66, 5.4784618105140885e-05),
    (300.0, 45, 2.1445436421677616e-39),
    (1.0, 2, 0.6065306597126334),
    (0.01, 10, 0.999999999999974),
    (2000.0, 66, 0.0),
]


@pytest.mark.parametrize("x,dof,expected", CHI2_KNOWN)
def test_chi2_sf_known_values(x, dof, expected):
    assert chi2_sf(x, dof) == pytest.approx(expected, rel=1e-12, abs=1e-300)


def test_chi2_sf_matches_scipy_over_a_grid():
    for dof in range(1, 80):
        for x in (1e-6, 0.1, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500):
            assert chi2_sf(x, dof) == pytest.approx(
                float(sp_stats.chi2.sf(x, dof)), rel=1e-10, abs=1e-300
            ), (x, dof)


def test_chi2_sf_edges():
    assert chi2_sf(0.0, 3) == 1.0
    assert chi2_sf(-1.0, 3) == 1.0
    assert chi2_sf(float("inf"), 3) == 0.0
    assert np.isnan(chi2_sf(float("nan"), 3))
    with pytest.raises(ValueError, match="whole number"):
        chi2_sf(1.0, 2.5)
    with pytest.raises(ValueError, match="whole number"):
        chi2_sf(1.0, 0)


def test_average_ranks_match_scipy_with_ties():
    rng = np.random.default_rng(3)
    for _ in range(50):
        x = rng.integers(0, 20, size=rng.integers(1, 200)).astype(float)
        assert np.array_equal(average_ranks(x), sp_stats.rankdata(x))
    assert average_ranks(np.array([3.0, 1.0, 2.0])).tolist() == [3.0, 1.0, 2.0]
    assert average_ranks(np.array([5.0, 5.0, 1.0])).tolist() == [2.5, 2.5, 1.0]


def test_spearman_known_values_and_scipy():
    assert spearman([1, 2, 3, 4, 5, 6], [2, 1, 4, 3, 6, 5]) == pytest.approx(
        0.8285714285714287, abs=1e-15)
    assert spearman([1, 2, 2, 3, 5, 5, 5], [3, 1, 2, 2, 7, 6, 6]) == pytest.approx(
        0.7145774380937868, abs=1e-15)
    rng = np.random.default_rng(7)
    for n in (3, 10, 275, 10_000):
        a = rng.integers(1, n + 1, size=n)
        b = a + rng.integers(-n // 3 - 1, n // 3 + 2, size=n)
        assert spearman(a, b) == pytest.approx(
            float(sp_stats.spearmanr(a, b).statistic), abs=1e-12)


def test_spearman_of_a_constant_is_nan_as_in_scipy():
    assert np.isnan(spearman([1, 1, 1, 1], [1, 2, 3, 4]))
    assert np.isnan(pearson(np.zeros(5), np.arange(5)))
    assert spearman([1, 2, 3], [3, 2, 1]) == -1.0


def _fixture_frames():
    frames = []
    for csv in ("kano_metro/kano_metro_variables.csv", "ilorin/ilorin_variables.csv"):
        table = pd.read_csv(DATA / csv)
        numeric = table.select_dtypes("number").dropna(axis=1)
        numeric = numeric.loc[:, numeric.std() > 0]
        frames.append(numeric.iloc[:, :8])
    rng = np.random.default_rng(11)
    base = rng.normal(size=(500, 1))
    frames.append(pd.DataFrame(base + 0.7 * rng.normal(size=(500, 12)),
                               columns=[f"v{i}" for i in range(12)]))
    return frames


@pytest.mark.parametrize("frame", _fixture_frames(), ids=["kano", "ilorin", "synthetic"])
def test_principal_components_match_sklearn(frame):
    assert frame.shape[1] >= 3
    z = standardise(frame, {})
    kept = components_kept(frame.shape[1])
    scores, loadings, ratio = principal_components(z, kept)
    pca = PCA(n_components=kept, svd_solver="full")
    expected_scores = pca.fit_transform(z)
    assert np.allclose(loadings, pca.components_, rtol=0, atol=1e-9)
    assert np.allclose(ratio, pca.explained_variance_ratio_, rtol=0, atol=1e-9)
    assert np.allclose(scores, expected_scores, rtol=0, atol=1e-9)


# METHODOLOGY §6 reference table (suitable for PCA, as is the synthetic one)
REF = pd.DataFrame({
    "rainfall": [800, 950, 1100, 1000, 870, 1200, 1020, 910, 1150, 980],
    "ndwi": [-.42, -.38, -.31, -.35, -.41, -.30, -.33, -.40, -.32, -.36],
    "elevation": [520, 450, 300, 380, 500, 280, 360, 470, 310, 400],
    "housing_quality": [.10, .30, .05, .20, .40, .15, .22, .35, .08, .25],
})


@pytest.mark.parametrize("frame", [REF, _fixture_frames()[2]], ids=["reference", "synthetic"])
def test_run_pca_as_with_sklearn_both_orientations(frame):
    directions = {c: ("inverse" if i % 3 == 1 else "direct") for i, c in enumerate(frame)}
    for orient in (True, False):
        result = run_pca(frame, directions, orient=orient)
        assert result.suitable, result.reason
        z = standardise(frame, directions, orient)
        pca = PCA(n_components=result.n_components, svd_solver="full")
        comp = pca.fit_transform(z)
        load = pca.components_.copy()
        if orient:
            signs = np.where(load.sum(axis=1) < 0, -1.0, 1.0)
            comp *= signs[None, :]
            load *= signs[:, None]
        assert np.allclose(result.components, comp, rtol=0, atol=1e-9)
        for j, v in enumerate(frame.columns):
            assert np.allclose(result.loadings[v], load[:, j], rtol=0, atol=1e-9)
        bartlett_p = result.bartlett_p
        p = frame.shape[1]
        assert bartlett_p == pytest.approx(
            float(sp_stats.chi2.sf(result.bartlett_chi2, p * (p - 1) // 2)), rel=1e-10,
            abs=1e-300)
