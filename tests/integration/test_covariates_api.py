"""The raster library end to end: a catalogue and rasters in an S3 bucket (real moto server),
Redis as the store, artifacts in S3, a consumer running the job, all through the HTTP API."""

from __future__ import annotations

import csv
import io
import threading
import uuid

import boto3
import numpy as np
import pandas as pd
import pytest

from chatmrpt.analysis.ingest import read_boundaries
from chatmrpt.config import load_settings
from chatmrpt.jobs.consumer import run_consumers
from chatmrpt.web.app import close_runtime, create_app
from tests._cluster import SessionClient
from tests._jobkinds import settings_env, wait_for
from tests._servers import start_moto, start_redis
from tests.conftest import ILORIN_BOUNDARIES, ILORIN_TABLE
from tests.unit.test_zonal import RES, UTM32, grid_over, pixel_centres, write_raster

CATALOGUE = [
    {"name": "rainfall", "file": "chirps_monthly.tif", "statistic": "mean", "unit": "mm/month",
     "direction": "direct", "year": "2020", "source": "CHIRPS", "licence": "CC-BY-4.0",
     "title": "Rainfall"},
    {"name": "population", "file": "people/worldpop.tif", "statistic": "sum", "unit": "people",
     "direction": "", "year": "2020", "source": "WorldPop", "licence": "CC-BY-4.0",
     "title": "Population"},
    {"name": "ghost", "file": "not_uploaded.tif", "statistic": "mean", "unit": "", "direction": "",
     "year": "", "source": "", "licence": "", "title": "Missing file"},
]


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    server = start_moto(tmp_path_factory.mktemp("moto"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def ilorin():
    return read_boundaries(ILORIN_BOUNDARIES)[0]


@pytest.fixture
def library(tmp_path, moto, ilorin, monkeypatch):
    """A library in a bucket: a 2-band monthly rainfall raster and a population raster."""
    for k, v in moto.env.items():
        monkeypatch.setenv(k, v)
    x0, y0, w, h = grid_over(ilorin)
    X, _ = pixel_centres(x0, y0, w, h)
    rain = 0.001 * (X - x0) + 100.0
    write_raster(tmp_path / "rain.tif", [rain, rain + 20.0], x0=x0, y0=y0)
    write_raster(tmp_path / "pop.tif", [np.full((h, w), 3.0)], x0=x0, y0=y0, dtype="float32")
    bucket = f"lib-{uuid.uuid4().hex[:10]}"
    s3 = boto3.client("s3", endpoint_url=moto.url)
    s3.create_bucket(Bucket=bucket)
    s3.upload_file(str(tmp_path / "rain.tif"), bucket, "national/chirps_monthly.tif")
    s3.upload_file(str(tmp_path / "pop.tif"), bucket, "national/people/worldpop.tif")
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(CATALOGUE[0]))
    writer.writeheader()
    writer.writerows(CATALOGUE)
    s3.put_object(Bucket=bucket, Key="national/catalogue.csv", Body=text.getvalue().encode())
    return {"url": f"s3://{bucket}/national", "x0": x0}


@pytest.fixture
def stack(tmp_path, moto, library):
    redis = start_redis(tmp_path)
    settings = load_settings(settings_env(
        tmp_path / "home", redis.url, f"s3://chatmrpt-{uuid.uuid4().hex[:10]}/blobs",
        AWS_ENDPOINT_URL=moto.url, CHATMRPT_RASTERS_URL=library["url"],
    ))
    app = create_app(settings)
    stop = threading.Event()
    consumer = threading.Thread(target=run_consumers, args=(settings, 1, stop),
                                kwargs={"grace_s": 5})
    consumer.start()
    try:
        yield app, settings
    finally:
        stop.set()
        consumer.join(30)
        close_runtime(app)
        redis.kill()
    assert not consumer.is_alive()


def upload(session):
    return session.upload({
        "table": ("ilorin_variables.csv", ILORIN_TABLE.read_bytes()),
        "boundaries": ("ilorin_wards.zip", ILORIN_BOUNDARIES.read_bytes()),
    })


def test_library_rasters_become_variables_of_a_new_dataset(stack, library, ilorin):
    app, _settings = stack
    client = app.test_client()
    r = client.get("/api/rasters")
    assert r.status_code == 200 and r.json["configured"] is True
    assert [e["name"] for e in r.json["rasters"]] == ["rainfall", "population", "ghost"]
    assert r.json["rasters"][0]["unit"] == "mm/month" and r.json["rasters"][0]["year"] == "2020"

    s = SessionClient.create(client)
    first = upload(s)
    assert first.status_code == 201, first.json
    dataset_id = first.json["dataset_id"]
    r = s.post(f"/datasets/{dataset_id}/covariates", json={"rasters": ["Rainfall", "population"]})
    assert r.status_code == 202, r.json
    run = r.json
    assert run["status"] == "queued" and run["reused"] is False
    done = wait_for(
        lambda: (v := s.get(f"/covariates/{run['covariates_id']}").json)["status"]
        in ("succeeded", "failed") and v,
        120, "the covariates job",
    )
    assert done["status"] == "succeeded", done.get("error")
    assert done["progress"] == 1.0
    summary = done["summary"]
    new_id = summary["dataset_id"]
    assert new_id != dataset_id and summary["from_dataset_id"] == dataset_id
    assert [a["column"] for a in summary["added"]] == ["rainfall", "population"]
    assert summary["directions"] == {"rainfall": "direct"}
    assert summary["added"][1]["source"] == "WorldPop"
    assert {a["name"] for a in done["artifacts"]} == {"ward_covariates.csv",
                                                      "covariates_report.json"}

    state = s.state()
    assert state["state"]["current_dataset"] == new_id
    assert [c["covariates_id"] for c in state["covariates"]] == [run["covariates_id"]]
    assert all(p.get("plan_id") is None for p in state["plans"])  # not an ITN plan
    dataset = s.get(f"/datasets/{new_id}").json
    assert {"rainfall", "population"} <= set(dataset["variables"])

    # the values: against the analytic answers, in the table's order
    art = next(a for a in done["artifacts"] if a["name"] == "ward_covariates.csv")
    table = pd.read_csv(io.BytesIO(client.get(art["url"], headers=s._headers(None)).data))
    wards = pd.read_csv(ILORIN_TABLE)
    assert len(table) == len(wards)
    by_name = ilorin.set_index("WardName")
    projected = by_name.to_crs(UTM32).geometry
    matched = table["WardName"].isin(projected.index)
    assert matched.sum() >= 30
    names = table.loc[matched, "WardName"]
    area = projected.loc[names].area.to_numpy()
    np.testing.assert_allclose(table.loc[matched, "population"], 3.0 * area / RES**2, rtol=1e-6)
    cx = projected.loc[names].centroid.x.to_numpy()
    np.testing.assert_allclose(table.loc[matched, "rainfall"],
                               0.001 * (cx - library["x0"]) + 110.0, atol=0.01)

    # asking again: the same run, 200
    again = s.post(f"/datasets/{dataset_id}/covariates", json={"rasters": ["rainfall",
                                                                          "population"]})
    assert again.status_code == 200 and again.json["covariates_id"] == run["covariates_id"]
    assert again.json["reused"] is True

    # an analysis of the new dataset uses the raster variables
    r = s.post("/analyses", json={"dataset_id": new_id,
                                  "variables": ["rainfall", "val_housing_15"]})
    assert r.status_code == 202, r.json
    analysis = wait_for(
        lambda: (v := s.get(f"/analyses/{r.json['analysis_id']}").json)["status"]
        in ("succeeded", "failed") and v,
        120, "the analysis",
    )
    assert analysis["status"] == "succeeded", analysis.get("error")
    used = {v["name"] for v in analysis["summary"]["variables"]}
    assert used == {"rainfall", "val_housing_15"}


def test_bad_requests_leave_the_session_untouched(stack):
    app, _settings = stack
    s = SessionClient.create(app.test_client())
    dataset_id = upload(s).json["dataset_id"]
    before = s.state()
    r = s.post(f"/datasets/{dataset_id}/covariates", json={"rasters": ["evi"]})
    assert r.status_code == 422 and r.json["error"]["code"] == "unknown_variable"
    assert "no evi" in r.json["error"]["message"] and "rainfall" in r.json["error"]["message"]
    r = s.post(f"/datasets/{dataset_id}/covariates", json={"rasters": []})
    assert r.status_code == 400
    r = s.post(f"/datasets/{'0' * 64}/covariates", json={"rasters": ["rainfall"]})
    assert r.status_code == 404
    table_only = s.upload({"table": ("ilorin_variables.csv", ILORIN_TABLE.read_bytes())})
    r = s.post(f"/datasets/{table_only.json['dataset_id']}/covariates",
               json={"rasters": ["rainfall"]})
    assert r.status_code == 400 and "without boundaries" in r.json["error"]["message"]
    after = s.state()
    assert after["covariates"] == [] and before["covariates"] == []
    assert len(after["datasets"]) == 2  # the two uploads, nothing else

    # a catalogue row whose file is missing: the job fails with the reason, nothing is added
    r = s.post(f"/datasets/{dataset_id}/covariates", json={"rasters": ["ghost"]})
    assert r.status_code == 202
    failed = wait_for(
        lambda: (v := s.get(f"/covariates/{r.json['covariates_id']}").json)["status"]
        in ("succeeded", "failed") and v,
        120, "the covariates job",
    )
    assert failed["status"] == "failed"
    assert "not_uploaded.tif could not be read" in failed["error"]["message"]
    final = s.state()
    assert len(final["datasets"]) == 2
    assert final["state"]["current_dataset"] == after["state"]["current_dataset"]
