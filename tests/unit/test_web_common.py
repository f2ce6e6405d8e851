"""The API's shared checks: an unknown kind in a path is a 404 that lists the choices."""

import pytest

from chatmrpt.analysis.declarations import MAP_KINDS, MapRequest
from chatmrpt.errors import InputError
from chatmrpt.web.api.common import check_choice
from chatmrpt.web.api.views import ANALYSIS_PLOTS


def test_a_known_choice_passes():
    assert check_choice("pca", MapRequest.option("kind").choices, "map") == "pca"


def test_an_unknown_choice_is_not_found_and_names_the_choices():
    with pytest.raises(InputError) as caught:
        check_choice("pie", ANALYSIS_PLOTS, "chart")
    err = caught.value
    assert err.code == "not_found"
    assert err.message == "There is no 'pie' chart; charts: model_scores, rank_comparison."
    assert err.details == {"choices": ["model_scores", "rank_comparison"]}


def test_the_maps_offered_are_the_declared_ones():
    with pytest.raises(InputError) as caught:
        check_choice("x" * 100, MapRequest.option("kind").choices, "map")
    assert caught.value.details["choices"] == list(MAP_KINDS)
    assert f"There is no {'x' * 40!r} map; maps: " in caught.value.message
