"""Several years: a facility export spanning years gives per-year TPR and burden per ward of
the boundaries, a trend per ward with a stated threshold, and per-year rankings (the real
Kano wards, rasters and exports written here)."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from chatmrpt.analysis.prepare import prepare_ward_table, ranking_by_year, year_table
from chatmrpt.errors import InputError
from tests import _field_data as fd

YEARS = (2021, 2022, 2023)
DENSE = 50  # people per pixel × this: no ward's burden reaches the cap of 1,000
STEP = {0: 5, 1: -5, 2: 0}  # RDT positives per facility-month added each year, by ward


def growth(i: int, k: int) -> int:
    """Around the middle year, so a ward's RDT rate over all years stays above microscopy's
    and the ward keeps RDT as its one method."""
    return STEP[i % 3] * (k - 1)


@pytest.fixture(scope="module")
def field(tmp_path_factory):
    folder = tmp_path_factory.mktemp("years")
    fd.facility_export(folder / "export.csv", fd.KANO_BOUNDARIES, years=YEARS, growth=growth)
    fd.population_raster(folder / "pop.tif", fd.KANO_BOUNDARIES, share=DENSE)
    fd.population_raster(folder / "u5.tif", fd.KANO_BOUNDARIES, share=DENSE * fd.U5_SHARE)
    return folder


def expected(boundaries=fd.KANO_BOUNDARIES) -> pd.DataFrame:
    """Per ward (by name): u5 population, and per-year positives (2 facilities, 3 months)."""
    frame = fd.boundaries(boundaries)
    people = fd.expected_population(boundaries) * DENSE * fd.U5_SHARE
    rows = []
    for i, ward in enumerate(frame["WardName"]):
        for k, year in enumerate(YEARS):
            positive = (10 + i + growth(i, k)) * 6
            step = STEP[i % 3]
            rows.append({"WardName": ward, "year": year, "positive": positive,
                         "burden": positive / people[ward] * 1000, "step": step,
                         "slope": step * 6 / people[ward] * 1000})
    return pd.DataFrame(rows)


def prepare(field, **kwargs):
    return prepare_ward_table(field / "export.csv", fd.KANO_BOUNDARIES,
                              population=field / "pop.tif",
                              population_rasters={"u5": field / "u5.tif"}, by_year=True,
                              **kwargs)


def test_per_year_tpr_and_burden_match_the_counts(field):
    prepared = prepare(field)
    assert prepared.years == list(YEARS)
    by_year = prepared.by_year
    assert len(by_year) == 66 * len(YEARS)
    want = expected().set_index(["WardName", "year"])
    got = by_year.set_index(["WardName", "year"]).loc[want.index]
    assert np.array_equal(got["u5_positive"].to_numpy(), want["positive"].to_numpy())
    assert np.array_equal(got["u5_tested"].to_numpy(), np.full(len(want), 600))
    assert np.allclose(got["u5_tpr_rdt"], want["positive"] / 600 * 100)
    assert np.allclose(got["burden_per_1000"], want["burden"], rtol=1e-6)
    assert want["burden"].max() < 1000
    # the ward table keeps the values over all years
    total = want.groupby(level=0)["positive"].sum()
    table = prepared.table.set_index("WardName")
    assert np.array_equal(table.loc[total.index, "u5_positive"].to_numpy(), total.to_numpy())


def test_trend_slope_labels_threshold_and_years_used(field):
    slopes = expected().groupby("WardName")[["slope", "step"]].first()
    moving = slopes.loc[slopes["step"] != 0, "slope"].abs()
    threshold = float(moving.min()) / 2  # every ward whose cases move is past it
    prepared = prepare(field, trend_threshold=threshold)
    trend = prepared.trend.set_index("WardName").loc[slopes.index]
    assert np.allclose(trend["slope_per_year"], slopes["slope"], rtol=1e-6, atol=1e-9)
    assert (trend["years"] == 3).all()
    assert (trend["first_year"] == 2021).all() and (trend["last_year"] == 2023).all()
    assert (trend["trend_basis"] == "burden_per_1000").all()
    labels = np.where(slopes["step"] > 0, "worsening",
                      np.where(slopes["step"] < 0, "improving", "stable"))
    assert trend["trend"].tolist() == labels.tolist()
    years = prepared.report["years"]
    assert years["trend"]["threshold_per_year"] == threshold
    assert years["trend"]["counts"] == {"worsening": 22, "improving": 22, "stable": 22}
    assert f"≥ {threshold:g} per 1,000 per year worsening" in years["trend"]["rule"]

    # a threshold above every slope: all stable
    high = float(slopes["slope"].abs().max()) * 2
    calm = prepare(field, trend_threshold=high)
    assert set(calm.trend["trend"]) == {"stable"}


@pytest.mark.parametrize("bad", [0, -1, "soon", float("nan")])
def test_a_bad_trend_threshold_is_refused(field, bad):
    with pytest.raises(InputError) as err:
        prepare(field, trend_threshold=bad)
    assert err.value.code == "invalid_parameter"
    assert "trend threshold" in err.value.message


def test_without_population_the_trend_follows_tpr(field):
    prepared = prepare_ward_table(field / "export.csv", fd.KANO_BOUNDARIES, by_year=True)
    slopes = expected().groupby("WardName")["step"].first()
    trend = prepared.trend.set_index("WardName").loc[slopes.index]
    # TPR points per year: step × 6 positives over 600 tested × 100
    assert np.allclose(trend["slope_per_year"], slopes * 6 / 600 * 100)
    assert (trend["trend_basis"] == "u5_tpr_rdt").all()
    assert "burden_per_1000" not in prepared.by_year.columns


def test_one_year_gives_insufficient_data_and_says_so(tmp_path, field):
    fd.facility_export(tmp_path / "one.csv", fd.KANO_BOUNDARIES)
    prepared = prepare_ward_table(tmp_path / "one.csv", fd.KANO_BOUNDARIES, by_year=True,
                                  population=field / "pop.tif")
    assert set(prepared.trend["trend"]) == {"insufficient_data"}
    assert any("1 year(s) only" in w for w in prepared.warnings)


def test_year_table_and_ranking_by_year(field):
    from chatmrpt.analysis.ingest import load_dataset
    from chatmrpt.analysis.params import AnalysisParams
    from chatmrpt.analysis.pipeline import run_analysis

    prepared = prepare(field)
    first = year_table(prepared, 2021)
    want = expected()
    want = want[want["year"] == 2021].set_index("WardName")
    got = first.set_index("WardName").loc[want.index]
    assert np.array_equal(got["u5_positive"].to_numpy(), want["positive"].to_numpy())
    assert np.allclose(got["burden_per_1000"], want["burden"], rtol=1e-6)
    assert list(first.columns) == list(prepared.table.columns)
    with pytest.raises(InputError, match="no data for 2019"):
        year_table(prepared, 2019)

    results = {}
    for year in prepared.years:
        path = field / f"table_{year}.csv"
        year_table(prepared, year).to_csv(path, index=False)
        results[year] = run_analysis(load_dataset(path, fd.KANO_BOUNDARIES),
                                     AnalysisParams.from_dict({}))
    ranking = ranking_by_year(results)
    assert len(ranking) == 66 * 3
    for year, result in results.items():
        part = ranking[ranking["year"] == year].set_index("WardCode")
        ranks = result.wards.set_index("WardCode")["composite_rank"]
        assert (part.loc[ranks.index, "composite_rank"] == ranks).all()
        assert sorted(part["composite_rank"]) == list(range(1, 67))


def run_cli(*argv) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "chatmrpt.cli", *map(str, argv)],
                          capture_output=True, text=True, timeout=600)


def test_cli_prepare_by_year_per_year_ranking_and_a_year_plan(field, tmp_path):
    out = tmp_path / "prepared"
    result = run_cli("prepare", field / "export.csv", "--boundaries", fd.KANO_BOUNDARIES,
                     "--population", field / "pop.tif", "--population",
                     f"u5={field / 'u5.tif'}", "--by-year", "--trend-threshold", 0.5,
                     "--analyze", "--per-year", "--out", out)
    assert result.returncode == 0, result.stderr
    assert "Years: 2021, 2022, 2023." in result.stdout
    assert "≥ 0.5 per 1,000 per year worsening" in result.stdout
    by_year = pd.read_csv(out / "tpr_by_year.csv")
    trend = pd.read_csv(out / "trend.csv")
    assert len(by_year) == 66 * 3 and len(trend) == 66
    assert set(trend["years"]) == {3}
    ranking = pd.read_csv(out / "ranking_by_year.csv")
    assert sorted(ranking["year"].unique()) == list(YEARS)
    for year in YEARS:
        assert (out / "years" / str(year) / "unified_dataset.csv").is_file()
    report = json.loads((out / "prepare_report.json").read_text())
    assert report["years"]["years"] == list(YEARS)

    plan = run_cli("itn", out / "years" / "2023", "--nets", 20000, "--household-size", 5,
                   "--out", tmp_path / "plan2023")
    assert plan.returncode == 0, plan.stderr
    assert "Population: the population raster pop.tif" in plan.stdout
    figures = json.loads((tmp_path / "plan2023" / "itn_plan.json").read_text())
    assert figures["totals"]["population"] == pytest.approx(
        fd.expected_population(fd.KANO_BOUNDARIES).sum() * DENSE, rel=1e-6)


def test_cli_per_year_needs_by_year_and_analyze(field, tmp_path):
    result = run_cli("prepare", field / "export.csv", "--boundaries", fd.KANO_BOUNDARIES,
                     "--per-year", "--out", tmp_path / "out")
    assert result.returncode == 2
    assert "--per-year ranks each year's wards" in result.stderr
    assert not (tmp_path / "out").exists()


def test_tpr_cli_trend_threshold(field, tmp_path):
    result = run_cli("tpr", field / "export.csv", "--by-year", "--trend-threshold", 0.5,
                     "--out", tmp_path / "tpr.csv")
    assert result.returncode == 0, result.stderr
    assert "(threshold 0.5 per year)." in result.stdout
    trend = pd.read_csv(tmp_path / "trend.csv")
    # without population: TPR points, ±5 positives × 6 / 600 × 100 = ±5 points a year
    assert set(trend["trend"]) == {"worsening", "improving", "stable"}
    loose = run_cli("tpr", field / "export.csv", "--by-year", "--trend-threshold", 6,
                    "--out", tmp_path / "loose.csv", "--quiet")
    assert loose.returncode == 0, loose.stderr
    assert set(pd.read_csv(tmp_path / "trend.csv")["trend"]) == {"stable"}


def test_demo_data_over_several_years_to_a_trend(tmp_path):
    demo = run_cli("demo-data", "--wards", 120, "--years", "2021,2022,2023", "--out",
                   tmp_path / "demo")
    assert demo.returncode == 0, demo.stderr
    assert "36 months (2021, 2022, 2023)" in demo.stdout
    out = tmp_path / "prepared"
    result = run_cli("prepare", tmp_path / "demo" / "facility_tpr.csv", "--boundaries",
                     tmp_path / "demo" / "wards_boundaries.zip", "--by-year", "--out", out)
    assert result.returncode == 0, result.stderr
    by_year = pd.read_csv(out / "tpr_by_year.csv")
    assert sorted(by_year["year"].unique()) == [2021, 2022, 2023]
    trend = pd.read_csv(out / "trend.csv")
    assert len(trend) == 120
    assert (trend["years"] == 3).mean() > 0.9
    bad = run_cli("demo-data", "--wards", 120, "--years", "2021,soon", "--out",
                  tmp_path / "bad")
    assert bad.returncode == 2 and "--years must be 1 to 10 years" in bad.stderr
    assert not (tmp_path / "bad").exists()


def test_by_year_without_a_period_column_is_refused_by_name(field, tmp_path):
    export = pd.read_csv(field / "export.csv").drop(columns=["periodname"])
    export.to_csv(tmp_path / "no_period.csv", index=False)
    with pytest.raises(InputError) as err:
        prepare_ward_table(tmp_path / "no_period.csv", fd.KANO_BOUNDARIES, by_year=True)
    assert err.value.code == "unrecognised_export"
    assert "period" in err.value.message
    # without years the same export is fine
    assert len(prepare_ward_table(tmp_path / "no_period.csv", fd.KANO_BOUNDARIES).table) == 66
