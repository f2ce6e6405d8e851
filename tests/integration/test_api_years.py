"""Over the HTTP API with a real job consumer: a facility export spanning years, prepared
by year (per-year tables, trend, per-year maps and rankings stored and downloadable), and
the under-five and women 15-49 population rasters wherever the total population goes."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from tests import _field_data as fd
from tests._cluster import SessionClient
from tests._jobkinds import wait_for
from tests.integration.test_api_population import (
    analyse,
    form,
    plan_and_reprioritize,
    prepare,
    running,
)

__all__ = ["running"]  # the fixture, shared with test_api_population

YEARS = (2022, 2023)
DENSE = 50  # people per pixel × this: no burden near the cap


def growth(i: int, k: int) -> int:
    """±2 around the ward's rate, so RDT stays its method over both years."""
    return (2 if i % 2 == 0 else -2) * (2 * k - 1)


@pytest.fixture
def inputs(tmp_path):
    b = fd.KANO_BOUNDARIES
    fd.facility_export(tmp_path / "export.csv", b, years=YEARS, growth=growth)
    fd.population_raster(tmp_path / "pop.tif", b, share=DENSE)
    fd.population_raster(tmp_path / "u5.tif", b, share=DENSE * fd.U5_SHARE)
    fd.population_raster(tmp_path / "women.tif", b, share=DENSE * fd.WOMEN_SHARE)
    return {"export": ("dhis2_2022_2023.csv", (tmp_path / "export.csv").read_bytes()),
            "boundaries": (b.name, b.read_bytes()),
            "population": ("pop.tif", (tmp_path / "pop.tif").read_bytes()),
            "population_u5": ("u5.tif", (tmp_path / "u5.tif").read_bytes()),
            "population_women": ("women.tif", (tmp_path / "women.tif").read_bytes())}


def download(session, artifact) -> bytes:
    r = session.client.get(artifact["url"], headers=session._headers(None))
    assert r.status_code == 200, artifact
    return r.data


def test_prepare_by_year_stores_tables_maps_and_rankings(running, inputs):
    session = SessionClient.create(running.test_client())
    done = prepare(session, inputs, by_year="true", trend_threshold="0.5", per_year="true")
    summary = done["summary"]
    assert summary["years"]["years"] == list(YEARS)
    assert summary["years"]["trend"]["threshold_per_year"] == 0.5
    assert summary["burden"]["population_column"] == "population_u5"
    assert set(summary["year_maps"]) == {"2022", "2023"}
    names = {a["name"]: a for a in done["artifacts"]}
    assert set(names) == {"prepare_report.json", "tpr_by_year.csv", "trend.csv",
                          "ranking_by_year.csv", "year_map_2022.png", "year_map_2023.png"}
    assert download(session, names["year_map_2023.png"]).startswith(b"\x89PNG")

    by_year = pd.read_csv(io.BytesIO(download(session, names["tpr_by_year.csv"])))
    people = fd.expected_population(fd.KANO_BOUNDARIES) * DENSE * fd.U5_SHARE
    frame = fd.boundaries(fd.KANO_BOUNDARIES)
    expected = {}
    for i, ward in enumerate(frame["WardName"]):
        for k, year in enumerate(YEARS):
            expected[(ward, year)] = (10 + i + growth(i, k)) * 6 / people[ward] * 1000
    got = by_year.set_index(["WardName", "year"])["burden_per_1000"]
    assert len(got) == len(expected)
    assert np.allclose([got[key] for key in expected], list(expected.values()), rtol=1e-6)

    trend = pd.read_csv(io.BytesIO(download(session, names["trend.csv"])))
    slope = pd.Series({ward: (growth(i, 1) - growth(i, 0)) * 6 / people[ward] * 1000
                       for i, ward in enumerate(frame["WardName"])})
    trend = trend.set_index("WardName").loc[slope.index]
    assert np.allclose(trend["slope_per_year"], slope, rtol=1e-6)
    assert (trend["years"] == 2).all()
    assert trend["trend"].tolist() == np.where(slope >= 0.5, "worsening",
                                               np.where(slope <= -0.5, "improving",
                                                        "stable")).tolist()
    ranking = pd.read_csv(io.BytesIO(download(session, names["ranking_by_year.csv"])))
    assert sorted(ranking["year"].unique()) == list(YEARS)
    for year in YEARS:
        assert sorted(ranking.loc[ranking["year"] == year, "composite_rank"]) == list(
            range(1, 67))

    # the dataset carries every population raster; the plan names the sources
    dataset = session.get(f"/datasets/{summary['dataset_id']}").json
    assert dataset["planning"]["population"]["source"].startswith("the population raster pop.tif")
    assert "u5.tif" in dataset["planning"]["population_u5"]["source"]
    assert "women.tif" in dataset["planning"]["population_women"]["source"]
    analysis_id = analyse(session, summary["dataset_id"])
    plan, _repri = plan_and_reprioritize(session, analysis_id)
    assert plan["summary"]["population_source"].startswith("the population raster pop.tif")
    assert plan["summary"]["population"] == pytest.approx(
        fd.expected_population(fd.KANO_BOUNDARIES).sum() * DENSE, rel=1e-6)
    wards = pd.read_csv(io.BytesIO(download(session, next(
        a for a in plan["artifacts"] if a["name"] == "itn_plan.csv"))))
    fd.check_plan_rows(wards, plan["summary"], fd.KANO_BOUNDARIES, 30000, density=DENSE)


def test_age_group_rasters_on_a_ward_table_upload(running, inputs):
    session = SessionClient.create(running.test_client())
    files = {"table": (fd.KANO_TABLE.name, fd.KANO_TABLE.read_bytes()),
             "boundaries": inputs["boundaries"], "population": inputs["population"],
             "population_u5": inputs["population_u5"],
             "population_women": inputs["population_women"]}
    r = session.post("/datasets", data=form(files), content_type="multipart/form-data")
    assert r.status_code == 201, r.json
    planning = r.json["planning"]
    assert "under-five population raster u5.tif" in planning["population_u5"]["source"]
    assert planning["population_women"]["source"].endswith("raster women.tif")
    again = session.post("/datasets", data=form(files), content_type="multipart/form-data")
    assert again.status_code == 200 and again.json["dataset_id"] == r.json["dataset_id"]
    analysis_id = analyse(session, r.json["dataset_id"])
    wards = session.get(f"/analyses/{analysis_id}/wards",
                        query_string={"limit": 500}).json["wards"]
    by_code = {w["WardCode"]: w for w in wards}
    frame = fd.boundaries(fd.KANO_BOUNDARIES)
    people = fd.expected_population(fd.KANO_BOUNDARIES) * DENSE
    assert len(by_code) == len(frame)
    for code, name in zip(frame["WardCode"], frame["WardName"], strict=True):
        total = people[name]
        ward = by_code[code]
        assert ward["population_u5"] == pytest.approx(total * fd.U5_SHARE, rel=1e-5)
        assert ward["population_women_15_49"] == pytest.approx(
            total * fd.WOMEN_SHARE, rel=1e-5)


def test_age_group_raster_without_the_total_is_refused_and_nothing_is_kept(running, inputs):
    session = SessionClient.create(running.test_client())
    files = {"table": (fd.KANO_TABLE.name, fd.KANO_TABLE.read_bytes()),
             "boundaries": inputs["boundaries"], "population_u5": inputs["population_u5"]}
    r = session.post("/datasets", data=form(files), content_type="multipart/form-data")
    assert r.status_code in (400, 422), r.json
    assert "upload the total population raster too" in r.json["error"]["message"]
    prep = {k: inputs[k] for k in ("export", "boundaries", "population_u5")}
    r = session.post("/prepared-datasets", data=form(prep), content_type="multipart/form-data")
    assert r.status_code in (400, 422)
    assert "total population" in r.json["error"]["message"]
    state = session.state()
    assert state["datasets"] == [] and state["prepared"] == []


@pytest.mark.parametrize("fields, message", [
    ({"by_year": "maybe"}, "by_year must be true or false"),
    ({"trend_threshold": "3"}, "add by_year=true"),
    ({"by_year": "true", "trend_threshold": "-2"}, "trend threshold must be a number above 0"),
    ({"per_year": "true"}, "per_year ranks the wards of each year"),
])
def test_bad_year_options_are_refused(running, inputs, fields, message):
    session = SessionClient.create(running.test_client())
    prep = {k: inputs[k] for k in ("export", "boundaries")}
    r = session.post("/prepared-datasets", data=form(prep, **fields),
                     content_type="multipart/form-data")
    assert r.status_code == 400, r.json
    assert message in r.json["error"]["message"]
    assert session.state()["prepared"] == []


CASES = {"kano": (fd.KANO_TABLE, fd.KANO_BOUNDARIES, 66),
         "ilorin": (fd.ILORIN_TABLE, fd.ILORIN_BOUNDARIES, 35)}


@pytest.mark.parametrize("case", sorted(CASES))
def test_shipped_table_with_rasters_to_an_exact_plan_over_the_api(running, case, tmp_path):
    table, boundaries, n = CASES[case]
    fd.population_raster(tmp_path / "pop.tif", boundaries)
    fd.builtup_raster(tmp_path / "built.tif", boundaries)
    session = SessionClient.create(running.test_client())
    files = {"table": (table.name, table.read_bytes()),
             "boundaries": (boundaries.name, boundaries.read_bytes()),
             "population": ("pop.tif", (tmp_path / "pop.tif").read_bytes()),
             "urban": ("built.tif", (tmp_path / "built.tif").read_bytes())}
    r = session.post("/datasets", data=form(files), content_type="multipart/form-data")
    assert r.status_code == 201, r.json
    analysis_id = analyse(session, r.json["dataset_id"])
    plan, repri = plan_and_reprioritize(session, analysis_id)
    assert plan["summary"]["population_source"].startswith("the population raster pop.tif")
    wards = pd.read_csv(io.BytesIO(download(session, next(
        a for a in plan["artifacts"] if a["name"] == "itn_plan.csv"))))
    fd.check_plan_rows(wards, plan["summary"], boundaries, 30000)
    assert plan["summary"]["nets_allocated"] == 30000
    assert len(wards) == n
    text = str(repri)
    assert "the population raster pop.tif" in text and "the built-up raster built.tif" in text


def test_tpr_by_year_over_the_api_takes_a_trend_threshold(running, inputs):
    session = SessionClient.create(running.test_client())
    runs = {}
    for threshold in ("3", "5"):
        data = form({"facility": inputs["export"]}, by_year="true", trend_threshold=threshold)
        r = session.post("/tpr", data=data, content_type="multipart/form-data")
        assert r.status_code == 202, r.json
        tpr_id = r.json["tpr_id"]
        done = wait_for(lambda: (t := session.get(f"/tpr/{tpr_id}").json)["status"]  # noqa: B023
                        in ("succeeded", "failed") and t, 120, "the TPR run")
        assert done["status"] == "succeeded", done
        assert done["params"]["trend_threshold"] == float(threshold)
        art = next(a for a in done["artifacts"] if a["name"] == "tpr_trend.csv")
        runs[threshold] = pd.read_csv(io.BytesIO(download(session, art)))
    # ±4 positives a year over 600 tested: ±4 TPR points a year, past 3 but not 5
    assert set(runs["3"]["trend"]) == {"worsening", "improving"}
    assert set(runs["5"]["trend"]) == {"stable"}
    bad = session.post("/tpr", data=form({"facility": inputs["export"]}, by_year="true",
                                          trend_threshold="0"),
                       content_type="multipart/form-data")
    assert bad.status_code == 400 and "trend threshold" in bad.json["error"]["message"]
