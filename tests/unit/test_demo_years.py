"""The demo facility export over chosen years: 12 months a year, and each ward's caseload
moving steadily from year to year, so per-year TPR and trends have something to find."""

from __future__ import annotations

import numpy as np
import pytest

from chatmrpt.analysis.tpr import compute_ward_tpr
from chatmrpt.demo import facility as fac
from chatmrpt.demo.generator import generate_state


@pytest.fixture(scope="module")
def state():
    return generate_state(150, seed=5)


def test_years_option_gives_twelve_months_a_year(state):
    export = state.facility_export(years=(2020, 2021, 2022, 2023))
    periods = set(export[fac.PERIOD_COLUMN])
    assert periods == set(fac.period_names((2020, 2021, 2022, 2023)))
    assert len(periods) == 48
    assert len(export) == len(state.facilities) * 48


def test_default_years_are_unchanged(state):
    assert fac.period_names() == fac.PERIOD_NAMES
    assert set(state.facility_export()[fac.PERIOD_COLUMN]) == set(fac.PERIOD_NAMES)


def test_caseload_follows_each_wards_trend(state):
    years = (2019, 2020, 2021, 2022, 2023)
    export = state.facility_export(years=years)
    result = compute_ward_tpr(export, by_year=True, trend_threshold=5)
    assert sorted(result.by_year["year"].unique()) == list(years)
    assert (result.trend["years"] == 5).mean() > 0.9
    # tested counts grow where the generator's trend is positive
    tested = result.by_year.pivot_table(index="WardName", columns="year", values="tested")
    growth = np.log(tested[2023] / tested[2019]) / 4
    planted = dict(zip(state.ward_testing.ward, state.ward_testing.trend, strict=True))
    common = [w for w in growth.index if w in planted and np.isfinite(growth[w])]
    corr = np.corrcoef(growth[common], [planted[w] for w in common])[0, 1]
    assert corr > 0.5


@pytest.mark.parametrize("years", [(), (1800,), tuple(range(2000, 2011)), ("x",)])
def test_bad_years_are_refused(state, years):
    with pytest.raises(ValueError, match="years must be"):
        state.facility_export(years=years)
