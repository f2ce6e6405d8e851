"""Rasters read from an s3:// URL on a real S3-compatible server (moto), by ranges."""

from __future__ import annotations

import boto3
import numpy as np
import pytest

from chatmrpt.analysis.ingest import read_boundaries
from chatmrpt.analysis.zonal import RasterSpec, ward_raster_stats
from chatmrpt.errors import InputError
from tests._servers import AWS_TEST_ENV, start_moto
from tests.conftest import KANO_BOUNDARIES
from tests.unit.test_zonal import grid_over, pixel_centres, write_raster


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    server = start_moto(tmp_path_factory.mktemp("moto"))
    yield server
    server.stop()


@pytest.fixture
def aws_env(monkeypatch):
    for k, v in AWS_TEST_ENV.items():
        monkeypatch.setenv(k, v)


def test_s3_raster_matches_the_local_file(tmp_path, moto, aws_env):
    wards, _, _ = read_boundaries(KANO_BOUNDARIES)
    x0, y0, w, h = grid_over(wards)
    X, Y = pixel_centres(x0, y0, w, h)
    local = write_raster(tmp_path / "evi.tif", [0.001 * (X - x0) + 0.002 * (y0 - Y)], x0=x0, y0=y0)
    s3 = boto3.client("s3", endpoint_url=moto.url)
    s3.create_bucket(Bucket="rasters")
    s3.upload_file(str(local), "rasters", "national/evi.tif")

    specs = [RasterSpec("evi", "s3://rasters/national/evi.tif"),
             RasterSpec("evi_sum", "s3://rasters/national/evi.tif", stat="sum")]
    remote = ward_raster_stats(wards, specs, s3_endpoint_url=moto.url)
    ref = ward_raster_stats(wards, [RasterSpec("evi", local), RasterSpec("evi_sum", local, "sum")])
    np.testing.assert_array_equal(remote.to_numpy(), ref.to_numpy())
    assert remote["evi"].notna().all()

    with pytest.raises(InputError, match="could not be read from the bucket"):
        ward_raster_stats(wards, [RasterSpec("x", "s3://rasters/national/missing.tif")],
                          s3_endpoint_url=moto.url)
