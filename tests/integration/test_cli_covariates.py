"""``chatmrpt covariates`` end to end: boundaries and rasters in, one CSV out, exit codes."""

from __future__ import annotations

import boto3
import numpy as np
import pandas as pd
import pytest

from chatmrpt.analysis.ingest import read_boundaries, read_table
from chatmrpt.cli import main
from tests._servers import start_moto
from tests.conftest import ILORIN_BOUNDARIES, ILORIN_TABLE, KANO_BOUNDARIES
from tests.unit.test_zonal import RES, UTM32, grid_over, pixel_centres, write_raster


@pytest.fixture(scope="module")
def ilorin():
    return read_boundaries(ILORIN_BOUNDARIES)[0]


@pytest.fixture
def rasters(tmp_path, ilorin):
    x0, y0, w, h = grid_over(ilorin)
    X, Y = pixel_centres(x0, y0, w, h)
    linear = write_raster(tmp_path / "elev.tif", [0.01 * (X - x0) + 300], x0=x0, y0=y0)
    pop = write_raster(tmp_path / "pop.tif", [np.full((h, w), 2.5)], x0=x0, y0=y0)
    return {"elev": linear, "pop": pop, "x0": x0}


def test_one_row_per_ward_one_column_per_raster(tmp_path, rasters, ilorin, capsys):
    out = tmp_path / "cov.csv"
    code = main(["covariates", str(ILORIN_BOUNDARIES), "--raster", f"elevation={rasters['elev']}",
                 "--raster", f"population={rasters['pop']}:sum", "--out", str(out)])
    assert code == 0
    frame = pd.read_csv(out)
    assert len(frame) == len(ilorin)
    assert list(frame.columns[-2:]) == ["elevation", "population"]
    assert "WardName" in frame.columns
    assert frame["WardName"].tolist() == ilorin["WardName"].tolist()
    area = ilorin.to_crs(UTM32).geometry.area.to_numpy()
    np.testing.assert_allclose(frame["population"], 2.5 * area / RES**2, rtol=1e-7)
    centroid_x = ilorin.to_crs(UTM32).geometry.centroid.x.to_numpy()
    np.testing.assert_allclose(frame["elevation"], 0.01 * (centroid_x - rasters["x0"]) + 300,
                               atol=0.05 * 0.01 * RES)
    printed = capsys.readouterr().out
    assert f"population: sum of {rasters['pop']} for {len(ilorin)} of {len(ilorin)} wards" in printed


def test_joined_into_the_ward_table_with_the_join_report(tmp_path, rasters, capsys):
    out = tmp_path / "table.csv"
    code = main(["covariates", str(ILORIN_BOUNDARIES), "--raster", f"elevation={rasters['elev']}",
                 "--table", str(ILORIN_TABLE), "--nodata-share", "--out", str(out)])
    assert code == 0
    table, _, _ = read_table(ILORIN_TABLE)
    frame = pd.read_csv(out)
    assert len(frame) == len(table)
    assert frame["WardName"].tolist() == table["WardName"].tolist()
    assert {"elevation", "elevation_nodata_share"} <= set(frame.columns)
    # every original column is kept
    assert set(table.columns) <= set(frame.columns)
    printed = capsys.readouterr().out
    assert "Join: " in printed and f"of {len(table)} wards of the ward table matched" in printed
    assert frame["elevation"].notna().sum() == int(printed.split("Join: ")[1].split(" of")[0])


@pytest.mark.parametrize(
    ("raster_arg", "message"),
    [
        ("elev={elev}:average", "Unknown statistic 'average'"),
        ("elev={missing}", "does not exist"),
        ("elev={table}", "not a raster"),
        ("elev", "is not NAME=PATH[:STAT]"),
        ("WardName={elev}", "names a ward identity column"),
        ("elev={far}", "No ward overlaps the raster"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, rasters, capsys, raster_arg, message):
    far = write_raster(tmp_path / "far.tif", [np.ones((4, 4))], x0=0.0, y0=400.0)
    csv = tmp_path / "t.csv"
    csv.write_text("a,b\n1,2\n")
    arg = raster_arg.format(elev=rasters["elev"], missing=tmp_path / "nope.tif", table=csv, far=far)
    out = tmp_path / "o.csv"
    code = main(["covariates", str(KANO_BOUNDARIES), "--raster", arg, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_missing_boundaries_exit_2(tmp_path, rasters, capsys):
    code = main(["covariates", str(tmp_path / "none.zip"), "--raster",
                 f"e={rasters['elev']}", "--out", str(tmp_path / "o.csv")])
    assert code == 2
    assert "boundaries file" in capsys.readouterr().err


def test_s3_raster_from_the_command_line(tmp_path, rasters, ilorin, monkeypatch, capsys):
    server = start_moto(tmp_path)
    try:
        for k, v in server.env.items():
            monkeypatch.setenv(k, v)
        s3 = boto3.client("s3", endpoint_url=server.url)
        s3.create_bucket(Bucket="lib")
        s3.upload_file(str(rasters["pop"]), "lib", "pop.tif")
        out = tmp_path / "s3.csv"
        assert main(["covariates", str(ILORIN_BOUNDARIES), "--raster", "pop=s3://lib/pop.tif:sum",
                     "--quiet", "--out", str(out)]) == 0
        area = ilorin.to_crs(UTM32).geometry.area.to_numpy()
        np.testing.assert_allclose(pd.read_csv(out)["pop"], 2.5 * area / RES**2, rtol=1e-7)
    finally:
        server.stop()


def test_multi_band_each_and_categorical_majority(tmp_path, ilorin, capsys):
    x0, y0, w, h = grid_over(ilorin)
    xs, _ = pixel_centres(x0, y0, w, h)
    months = write_raster(tmp_path / "months.tif", [xs * 0 + m for m in (10.0, 20.0, 60.0)],
                          x0=x0, y0=y0)
    classes = write_raster(tmp_path / "lc.tif", [np.where(xs < xs.mean(), 1, 2)], x0=x0, y0=y0,
                           dtype="uint8", nodata=0)
    out = tmp_path / "bands.csv"
    assert main(["covariates", str(ILORIN_BOUNDARIES), "--raster", f"rain={months}",
                 "--raster", f"lc={classes}:majority", "--bands", "each", "--quiet",
                 "--out", str(out)]) == 0
    frame = pd.read_csv(out)
    assert list(frame.columns[-4:]) == ["rain_b1", "rain_b2", "rain_b3", "lc"]
    np.testing.assert_allclose(frame["rain_b1"], 10.0, rtol=1e-12)
    np.testing.assert_allclose(frame["rain_b3"], 60.0, rtol=1e-12)
    assert set(frame["lc"]) <= {1, 2}
    centre_x = ilorin.to_crs(UTM32).geometry.centroid.x.to_numpy()
    clear = np.abs(centre_x - xs.mean()) > 3000  # wards well on one side of the class border
    expected = np.where(centre_x < xs.mean(), 1, 2)
    assert clear.sum() > 10
    assert (frame["lc"].to_numpy()[clear] == expected[clear]).all()
    mean = tmp_path / "mean.csv"
    assert main(["covariates", str(ILORIN_BOUNDARIES), "--raster", f"rain={months}", "--quiet",
                 "--out", str(mean)]) == 0
    np.testing.assert_allclose(pd.read_csv(mean)["rain"], 30.0)
