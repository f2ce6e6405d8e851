"""Population and urban share for planning (population.py), burden per 1,000 and prepare.py,
over the real Kano and Ilorin boundaries with rasters written here."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from chatmrpt.analysis.ingest import load_dataset
from chatmrpt.analysis.itn import plan_itn
from chatmrpt.analysis.params import AnalysisParams
from chatmrpt.analysis.pipeline import run_analysis
from chatmrpt.analysis.population import (
    POPULATION,
    URBAN_SHARE,
    planning_source_text,
    urban_share_from_field,
)
from chatmrpt.analysis.prepare import prepare_ward_table
from chatmrpt.analysis.tpr import compute_ward_tpr
from chatmrpt.analysis.urban import reprioritize
from chatmrpt.errors import InputError
from tests import _field_data as fd


def by_name(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.Series(frame[column].to_numpy(dtype=float), index=frame["WardName"].to_numpy())


def test_urban_yes_no_reads_as_100_and_0_and_odd_values_are_reported():
    values, notes = urban_share_from_field(pd.Series(["Yes", "no", None, "Maybe", "YES"]))
    assert values[[0, 1, 4]].tolist() == [100.0, 0.0, 100.0]
    assert np.isnan(values[2]) and np.isnan(values[3])
    assert "Maybe" in notes[0]


@pytest.mark.parametrize("table,boundaries,urban", [
    (fd.KANO_TABLE, fd.KANO_BOUNDARIES, 55),
    (fd.ILORIN_TABLE, fd.ILORIN_BOUNDARIES, 23),
])
def test_boundaries_urban_field_becomes_the_urban_share_not_a_variable(table, boundaries, urban):
    dataset = load_dataset(table, boundaries)
    share = dataset.wards[URBAN_SHARE]
    assert int((share == 100).sum()) == urban and int(share.isna().sum()) == 0
    assert "Yes/No attribute" in dataset.planning["urban_share"]["source"]
    assert "a flag, not a measured share" in " ".join(dataset.warnings)
    result = run_analysis(dataset, AnalysisParams.from_dict({}))
    assert URBAN_SHARE not in [v["name"] for v in result.summary()["variables"]]
    assert result.wards["urban_gt_75"].sum() == urban


def test_population_table_by_ward_code_fills_population(tmp_path):
    expected = fd.population_table(tmp_path / "pop.csv", fd.KANO_BOUNDARIES, by="WardCode")
    dataset = load_dataset(fd.KANO_TABLE, fd.KANO_BOUNDARIES, population=tmp_path / "pop.csv")
    got = pd.Series(dataset.wards[POPULATION].to_numpy(), index=dataset.wards["WardCode"])
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_names=False)
    assert dataset.planning["population"]["source"] == "the population table pop.csv"
    assert "population" in dataset.sources
    # the population file is part of the dataset's identity
    assert dataset.dataset_id != load_dataset(fd.KANO_TABLE, fd.KANO_BOUNDARIES).dataset_id


def test_population_table_by_name_without_boundaries(tmp_path):
    expected = fd.population_table(tmp_path / "pop.csv", fd.ILORIN_BOUNDARIES, by="WardName")
    dataset = load_dataset(fd.ILORIN_TABLE, population=tmp_path / "pop.csv")
    got = by_name(dataset.wards, POPULATION)
    assert np.allclose(got.loc[expected.index], expected)


def test_population_raster_sum_is_area_times_density(tmp_path):
    raster = fd.population_raster(tmp_path / "people.tif", fd.ILORIN_BOUNDARIES)
    dataset = load_dataset(fd.ILORIN_TABLE, fd.ILORIN_BOUNDARIES, population=raster)
    got = by_name(dataset.wards, POPULATION)
    expected = fd.expected_population(fd.ILORIN_BOUNDARIES)
    assert np.allclose(got.loc[expected.index], expected, rtol=1e-6)
    assert "population raster people.tif" in dataset.planning["population"]["source"]


def test_builtup_raster_gives_the_share_of_the_ward_east_of_the_middle(tmp_path):
    raster = fd.builtup_raster(tmp_path / "built.tif", fd.KANO_BOUNDARIES)
    dataset = load_dataset(fd.KANO_TABLE, fd.KANO_BOUNDARIES, urban_raster=raster)
    frame = fd.boundaries(fd.KANO_BOUNDARIES)
    lo, hi = frame.total_bounds[0], frame.total_bounds[2]
    middle = (lo + hi) / 2
    # the raster's cell edge nearest the middle: cells are 0.002° from lo - 0.004
    edge = lo - 2 * fd.PIXEL + np.round((middle - lo + 2 * fd.PIXEL) / fd.PIXEL) * fd.PIXEL
    import shapely

    east = shapely.box(edge, -90, 180, 90)
    with warnings.catch_warnings():  # planar degrees on purpose: the raster's grid is too
        warnings.simplefilter("ignore", UserWarning)
        inside = frame.geometry.intersection(east).area / frame.geometry.area
    expected = (inside * 100).to_numpy()
    got = pd.Series(dataset.wards[URBAN_SHARE].to_numpy(), index=dataset.wards["WardCode"])
    got = got.loc[frame["WardCode"]].to_numpy()
    assert np.allclose(got, expected, atol=1e-6)
    assert "built-up raster built.tif" in dataset.planning["urban_share"]["source"]


def test_a_table_population_column_wins_over_a_file(tmp_path):
    fd.population_table(tmp_path / "pop.csv", fd.ILORIN_BOUNDARIES, by="WardName")
    table = pd.read_csv(fd.ILORIN_TABLE).assign(Population=5000)
    table.to_csv(tmp_path / "t.csv", index=False)
    dataset = load_dataset(tmp_path / "t.csv", population=tmp_path / "pop.csv")
    assert (dataset.wards["Population"] == 5000).all()
    assert dataset.planning["population"]["column"] == "Population"
    assert any("population file given is not" in w for w in dataset.warnings)


def test_population_table_without_population_column_is_refused(tmp_path):
    pd.DataFrame({"WardName": ["Apado"], "people": [4]}).to_csv(tmp_path / "p.csv", index=False)
    with pytest.raises(InputError) as info:
        load_dataset(fd.ILORIN_TABLE, population=tmp_path / "p.csv")
    assert info.value.code == "missing_population"
    assert "p.csv" in info.value.message


def test_plans_and_reprioritisation_run_on_the_kano_table_with_added_population(tmp_path):
    fd.population_table(tmp_path / "pop.csv", fd.KANO_BOUNDARIES)
    dataset = load_dataset(fd.KANO_TABLE, fd.KANO_BOUNDARIES, population=tmp_path / "pop.csv")
    result = run_analysis(dataset, AnalysisParams.from_dict({}))
    plan = plan_itn(result.wards, total_nets=20000, household_size=5)
    # every ward matched by its code
    assert plan.totals["population"] == pytest.approx(sum(1000 + 100 * i for i in range(66)))
    assert plan.parameters["population_column"] == POPULATION
    repri = reprioritize(result.wards)
    assert repri.parameters["urban_column"] == URBAN_SHARE
    sources = planning_source_text(result.metadata["planning_inputs"], POPULATION, URBAN_SHARE)
    assert sources["population_source"] == "the population table pop.csv"
    assert "Urban Yes/No" in sources["urban_share_source"]


def test_burden_uses_the_age_groups_population_and_is_capped(tmp_path):
    export = fd.facility_export(tmp_path / "export.csv", fd.ILORIN_BOUNDARIES)
    wards = fd.boundaries(fd.ILORIN_BOUNDARIES)
    population = pd.DataFrame({
        "WardName": wards["WardName"],
        "Population": 10_000.0,
        "population_u5": [1_000.0] * (len(wards) - 1) + [10.0],  # the last ward: capped
    })
    result = compute_ward_tpr(export, age="u5", population=population)
    burden = by_name(result.wards, "burden_per_1000")
    positive = by_name(result.wards, "positive")
    last = wards["WardName"].iloc[-1]
    others = burden.index != last
    assert np.allclose(burden[others], positive[others] / 1000 * 1000)
    assert burden[last] == 1000.0
    assert result.report["population"]["basis"] == "under-five population"
    assert result.report["population"]["burden_capped"]
    # RDT has the higher rate (10+i of 100 vs 5 of 50 = 10%) except for the first ward (tie)
    assert set(result.wards["test_method"]) == {"rdt"}


def test_burden_without_the_age_groups_population_uses_the_total_and_says_so(tmp_path):
    export = fd.facility_export(tmp_path / "export.csv", fd.ILORIN_BOUNDARIES)
    wards = fd.boundaries(fd.ILORIN_BOUNDARIES)
    population = pd.DataFrame({"WardName": wards["WardName"], "Population": 2_000.0})
    result = compute_ward_tpr(export, age="u5", population=population)
    assert result.report["population"]["basis"] == "total population"
    assert any("uses the total population" in w for w in result.report["warnings"])


def test_prepare_builds_the_ward_table_from_export_rasters_and_boundaries(tmp_path):
    fd.facility_export(tmp_path / "export.csv", fd.KANO_BOUNDARIES)
    total = fd.population_raster(tmp_path / "pop.tif", fd.KANO_BOUNDARIES)
    u5 = fd.population_raster(tmp_path / "u5.tif", fd.KANO_BOUNDARIES, share=fd.U5_SHARE)
    from chatmrpt.analysis.zonal import RasterSpec

    prepared = prepare_ward_table(
        tmp_path / "export.csv", fd.KANO_BOUNDARIES, population=total,
        population_rasters={"u5": u5}, rasters=[RasterSpec("people_mean", total, "mean")])
    table = prepared.table
    assert len(table) == 66 and table["WardCode"].notna().all()
    positive = by_name(table, "u5_positive")
    expected_pos = fd.expected_positive(fd.KANO_BOUNDARIES)
    assert np.allclose(positive.loc[expected_pos.index], expected_pos)
    people = fd.expected_population(fd.KANO_BOUNDARIES)
    assert np.allclose(by_name(table, "population").loc[people.index], people, rtol=1e-6)
    u5_people = people * fd.U5_SHARE
    expected_burden = np.minimum(expected_pos / u5_people.loc[expected_pos.index] * 1000, 1000)
    got = by_name(table, "burden_per_1000").loc[expected_burden.index]
    assert np.allclose(got, expected_burden, rtol=1e-6)
    assert prepared.report["burden"]["population_column"] == "population_u5"
    assert np.allclose(table["people_mean"], fd.PEOPLE_PER_PIXEL)
    assert "people_mean_nodata_share" not in table.columns
    assert prepared.report["covariates"]["people_mean"]["wards_mostly_without_data"] == 0
    tpr = by_name(table, "u5_tpr_rdt")
    assert np.allclose(tpr.loc[expected_pos.index],
                       expected_pos / (100 * 2 * 3) * 100)
    assert "population raster pop.tif" in prepared.planning["population"]["source"]


def test_prepare_without_population_says_what_is_missing(tmp_path):
    fd.facility_export(tmp_path / "export.csv", fd.ILORIN_BOUNDARIES)
    prepared = prepare_ward_table(tmp_path / "export.csv", fd.ILORIN_BOUNDARIES)
    assert "burden_per_1000" not in prepared.table.columns
    assert any("No population was given" in w for w in prepared.warnings)


def test_prepare_refuses_a_raster_named_like_a_column(tmp_path):
    from chatmrpt.analysis.zonal import RasterSpec

    fd.facility_export(tmp_path / "export.csv", fd.ILORIN_BOUNDARIES)
    raster = fd.population_raster(tmp_path / "pop.tif", fd.ILORIN_BOUNDARIES)
    with pytest.raises(InputError) as info:
        prepare_ward_table(tmp_path / "export.csv", fd.ILORIN_BOUNDARIES,
                           rasters=[RasterSpec("u5_tpr_rdt", raster, "mean")])
    assert info.value.code == "invalid_parameter" and "u5_tpr_rdt" in info.value.message


def test_a_population_table_and_age_rasters_together_are_refused(tmp_path):
    fd.population_table(tmp_path / "pop.csv", fd.ILORIN_BOUNDARIES, by="WardCode")
    u5 = fd.population_raster(tmp_path / "u5.tif", fd.ILORIN_BOUNDARIES, share=0.2)
    with pytest.raises(InputError) as info:
        load_dataset(fd.ILORIN_TABLE, fd.ILORIN_BOUNDARIES, population=tmp_path / "pop.csv",
                     population_rasters={"u5": u5})
    assert "not both" in info.value.message
    fd.facility_export(tmp_path / "export.csv", fd.ILORIN_BOUNDARIES)
    with pytest.raises(InputError):
        prepare_ward_table(tmp_path / "export.csv", fd.ILORIN_BOUNDARIES,
                           population=tmp_path / "pop.csv", population_rasters={"u5": u5})


def test_a_population_raster_with_a_hole_says_which_wards_are_undercounted(tmp_path):
    import rasterio

    raster = fd.population_raster(tmp_path / "pop.tif", fd.ILORIN_BOUNDARIES)
    with rasterio.open(raster, "r+") as ds:
        data = ds.read(1)
        data[:, : data.shape[1] // 4] = -1  # the western quarter has no data
        ds.nodata = -1
        ds.write(data, 1)
    dataset = load_dataset(fd.ILORIN_TABLE, fd.ILORIN_BOUNDARIES, population=raster)
    notes = [w for w in dataset.warnings if "no data over part of" in w]
    assert len(notes) == 1
    got = by_name(dataset.wards, POPULATION)
    expected = fd.expected_population(fd.ILORIN_BOUNDARIES)
    got = got.loc[expected.index]
    # wards wholly in the hole are unknown (never 0) and named
    assert got.isna().any() and (got.dropna() > 0).all()
    assert any("covers no part of" in w for w in dataset.warnings)
    known = got.notna()
    assert (got[known] <= expected[known] * (1 + 1e-6)).all()
    assert (got[known] < expected[known] * 0.99).any()
