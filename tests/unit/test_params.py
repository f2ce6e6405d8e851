import pytest

from chatmrpt.analysis.params import AnalysisParams, analysis_id
from chatmrpt.errors import InputError


def test_equivalent_requests_share_an_id():
    a = AnalysisParams.from_dict({"variables": ["rainfall", "tpr"], "directions": {"x": "Inverse"}})
    b = AnalysisParams.from_dict({"variables": "tpr, rainfall", "directions": ["x=inverse"],
                                  "methods": ["pca", "composite"], "normalization": "LINEAR"})
    assert a == b
    assert analysis_id("d1", a) == analysis_id("d1", b)
    assert analysis_id("d1", a) != analysis_id("d2", a)


def test_different_parameters_different_id():
    a = AnalysisParams.from_dict({})
    b = AnalysisParams.from_dict({"normalization": "reciprocal"})
    assert analysis_id("d", a) != analysis_id("d", b)


def test_composite_always_runs():
    assert AnalysisParams.from_dict({"methods": "pca"}).methods == ("composite", "pca")
    assert AnalysisParams.from_dict({"methods": ["composite"]}).methods == ("composite",)


@pytest.mark.parametrize("data,fragment", [
    ({"normalization": "log"}, "linear"),
    ({"methods": ["kmeans"]}, "composite"),
    ({"directions": {"rain": "up"}}, "direct"),
    ({"directions": ["rain"]}, "VARIABLE=direct"),
    ({"variables": [1, 2]}, "list of column names"),
    ({"urban_thresholds": [120]}, "between 0 and 100"),
    ({"colour": "red"}, "Unknown analysis parameter"),
    ({"pca_orientation": "north"}, "risk"),
])
def test_invalid(data, fragment):
    with pytest.raises(InputError) as err:
        AnalysisParams.from_dict(data)
    assert fragment in err.value.message


def test_too_many_variables():
    with pytest.raises(InputError) as err:
        AnalysisParams.from_dict({"variables": [f"v{i}" for i in range(17)]})
    assert err.value.code == "too_many_variables"
