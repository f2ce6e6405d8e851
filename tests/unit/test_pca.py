import numpy as np
import pandas as pd
import pytest

from chatmrpt.analysis.pca import bartlett, components_kept, kmo, kmo_label, run_pca

REF = pd.DataFrame({
    "rainfall": [800, 950, 1100, 1000, 870, 1200, 1020, 910, 1150, 980],
    "ndwi": [-.42, -.38, -.31, -.35, -.41, -.30, -.33, -.40, -.32, -.36],
    "elevation": [520, 450, 300, 380, 500, 280, 360, 470, 310, 400],
    "housing_quality": [.10, .30, .05, .20, .40, .15, .22, .35, .08, .25],
})
ALL_DIRECT = {c: "direct" for c in REF}


def test_reference_vector():
    # METHODOLOGY §6 reference, every variable direct
    r = run_pca(REF, ALL_DIRECT)
    assert r.suitable
    assert round(r.kmo, 4) == 0.6239
    assert r.kmo_label == "mediocre"
    assert r.bartlett_p == pytest.approx(9.85e-11, rel=1e-3)
    assert r.n_components == 3
    assert np.round(r.explained_variance_ratio, 4).tolist() == [0.8418, 0.1486, 0.0089]


def test_components_point_towards_risk():
    r = run_pca(REF, ALL_DIRECT)
    for j in range(r.n_components):
        assert sum(r.loadings[v][j] for v in REF) > 0
    expected = r.components[:, :3] @ np.array(r.explained_variance_ratio[:3])
    assert np.allclose(r.scores, expected)
    assert sum(r.importance.values()) == pytest.approx(1.0)


def test_inverse_variables_negated():
    # with rainfall and ndwi direct and elevation/housing inverse, every variable agrees
    # with risk: the first component loads positively on all of them
    directions = {"rainfall": "direct", "ndwi": "direct", "elevation": "inverse",
                  "housing_quality": "inverse"}
    r = run_pca(REF, directions)
    assert all(r.loadings[v][0] > 0 for v in REF)
    # the wettest, lowest ward ranks high
    assert np.argmax(r.scores) in (2, 5)


def test_legacy_orientation_differs():
    directions = {"rainfall": "direct", "ndwi": "direct", "elevation": "inverse",
                  "housing_quality": "inverse"}
    risk = run_pca(REF, directions, orient=True)
    legacy = run_pca(REF, directions, orient=False)
    assert not np.allclose(risk.scores, legacy.scores)


@pytest.mark.parametrize("p,kept", [(3, 2), (4, 3), (5, 4), (6, 4), (10, 8), (12, 9)])
def test_components_kept(p, kept):
    assert components_kept(p) == kept


def test_not_suitable_reasons():
    assert "at least 3" in run_pca(REF[["rainfall", "ndwi"]], ALL_DIRECT).reason
    small = REF.iloc[:3]
    assert "more wards than variables" in run_pca(small, ALL_DIRECT).reason
    rng = np.random.default_rng(0)
    noise = pd.DataFrame(rng.normal(size=(200, 4)), columns=list("abcd"))
    r = run_pca(noise, {c: "direct" for c in noise})
    assert not r.suitable
    assert r.kmo is not None and r.bartlett_p is not None

    # variables sharing too little (KMO 0.24): the reason users read gives the figure and
    # the bar in plain words, without Kaiser's label ("unacceptable")
    x, y, z = (rng.normal(size=300) for _ in range(3))
    low = pd.DataFrame({"a": x + y, "b": x - y, "c": x + 0.05 * z})
    r = run_pca(low, {c: "direct" for c in low})
    assert not r.suitable and r.kmo < 0.5
    assert f"KMO is {r.kmo:.3f}; PCA needs at least 0.5" in r.reason
    assert r.kmo_label == "unacceptable" and "unacceptable" not in r.reason


def test_kmo_and_bartlett_formulas():
    corr = np.corrcoef(REF.to_numpy(float), rowvar=False)
    overall, per_var = kmo(corr)
    assert 0 < overall < 1 and per_var.shape == (4,)
    chi2, dof, p = bartlett(corr, 10)
    assert dof == 6
    expected = -((10 - 1) - (2 * 4 + 5) / 6) * np.log(np.linalg.det(corr))
    assert chi2 == pytest.approx(expected)


def test_singular_correlation_does_not_crash():
    frame = REF.copy()
    frame["rain_copy"] = frame["rainfall"]
    r = run_pca(frame, {c: "direct" for c in frame})
    assert r.bartlett_chi2 == float("inf") and r.bartlett_p == 0.0


@pytest.mark.parametrize("value,label", [(0.95, "marvelous"), (0.85, "meritorious"),
                                         (0.75, "middling"), (0.65, "mediocre"),
                                         (0.55, "miserable"), (0.4, "unacceptable")])
def test_kmo_labels(value, label):
    assert kmo_label(value) == label
