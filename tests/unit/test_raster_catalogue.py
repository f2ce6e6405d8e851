"""The raster library's catalogue (CHATMRPT_RASTERS_URL as a folder)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chatmrpt.config import load_settings
from chatmrpt.errors import ChatMRPTError, InputError
from chatmrpt.jobs.covariates import raster_spec
from chatmrpt.service.covariates import choose_rasters, raster_catalogue

HEADER = "name,file,statistic,unit,direction,year,source,licence\n"


def settings_for(folder: Path | None, tmp_path: Path):
    env = {"CHATMRPT_HOME": str(tmp_path / "home")}
    if folder is not None:
        env["CHATMRPT_RASTERS_URL"] = str(folder)
    return load_settings(env)


def test_csv_catalogue_entries_and_locations(tmp_path):
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "catalogue.csv").write_text(
        HEADER
        + "rainfall,chirps.tif,,mm,direct,2020,CHIRPS,CC-BY-4.0\n"
        + "pop_u5,/data/wp_u5.tif,SUM,people,,2020,WorldPop,CC-BY-4.0\n"
        + "landcover,s3://other/lc.tif,majority,class,,,ESA,CC-BY-4.0\n"
    )
    settings = settings_for(lib, tmp_path)
    entries = raster_catalogue(settings)
    assert [e["name"] for e in entries] == ["rainfall", "pop_u5", "landcover"]
    assert entries[0]["statistic"] == "mean" and entries[0]["direction"] == "direct"
    assert entries[0]["year"] == "2020" and entries[0]["title"] == "rainfall"
    assert entries[1]["statistic"] == "sum" and entries[1]["direction"] is None
    specs = [raster_spec(settings, e) for e in entries]
    assert str(specs[0].path_or_url) == str(lib / "chirps.tif")
    assert str(specs[1].path_or_url) == "/data/wp_u5.tif"
    assert specs[2].path_or_url == "s3://other/lc.tif" and specs[2].stat == "majority"
    chosen = choose_rasters(settings, ["POP_U5", "rainfall", "pop_u5"])
    assert [e["name"] for e in chosen] == ["pop_u5", "rainfall"]
    with pytest.raises(InputError, match="has no evi and ndvi; it offers rainfall, pop_u5 and landcover") as exc:
        choose_rasters(settings, ["evi", "ndvi"])
    assert exc.value.code == "unknown_variable"


def test_json_catalogue(tmp_path):
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "catalogue.json").write_text(json.dumps(
        {"rasters": [{"name": "evi", "file": "evi.tif", "statistic": "mean", "bands": "each",
                      "year": 2021, "title": "EVI"}]}))
    entries = raster_catalogue(settings_for(lib, tmp_path))
    assert entries[0]["bands"] == "each" and entries[0]["title"] == "EVI"
    assert entries[0]["year"] == "2021"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("1rain,r.tif,mean,,,,,\n", "must start with a letter"),
        ("rain,,mean,,,,,\n", "has no file"),
        ("rain,r.tif,average,,,,,\n", "statistic 'average'"),
        ("rain,r.tif,mean,,up,,,\n", "direction must be"),
        ("rain,r.tif,mean,,,,,\nRain,r2.tif,mean,,,,,\n", "lists Rain twice"),
    ],
)
def test_bad_catalogues_name_the_row(tmp_path, row, message):
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "catalogue.csv").write_text(HEADER + row)
    with pytest.raises(ChatMRPTError, match=message):
        raster_catalogue(settings_for(lib, tmp_path))


def test_no_library(tmp_path):
    settings = settings_for(None, tmp_path)
    assert settings.rasters_url is None and raster_catalogue(settings) == []
    with pytest.raises(InputError, match="no raster library"):
        choose_rasters(settings, ["rainfall"])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ChatMRPTError, match="neither catalogue.csv nor catalogue.json"):
        raster_catalogue(settings_for(empty, tmp_path))


def test_rasters_url_setting(tmp_path):
    env = {"CHATMRPT_HOME": str(tmp_path)}
    assert load_settings({**env, "CHATMRPT_RASTERS_URL": "s3://b/p/"}).rasters_url == "s3://b/p"
    rel = load_settings({**env, "CHATMRPT_RASTERS_URL": "lib"}, cwd=tmp_path).rasters_url
    assert rel == str(tmp_path / "lib")
    with pytest.raises(ValueError, match="folder or an s3://bucket/prefix"):
        load_settings({**env, "CHATMRPT_RASTERS_URL": "https://example.org/lib"})
