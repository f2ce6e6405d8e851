"""Reading an analysis' GeoParquet back (``chatmrpt.analysis.results_io``): the same frame
as ``geopandas.read_parquet``, with the CRS built once per process."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq
import pytest
import shapely
from pandas.testing import assert_frame_equal

from chatmrpt.analysis import geoparquet
from chatmrpt.analysis.results_io import load_unified


def _wards(crs="EPSG:4326") -> gpd.GeoDataFrame:
    squares = [shapely.box(4.5 + i * 0.01, 8.4, 4.51 + i * 0.01, 8.41) for i in range(4)]
    return gpd.GeoDataFrame(
        {
            "WardName": ["Adewole", "NA", "Ogidi", "Zango"],
            "WardCode": ["024006", "024007", None, "024009"],
            "composite_score": [0.7, 0.2, float("nan"), 0.5],
            "composite_rank": [1, 3, 4, 2],
            "geometry": [*squares[:3], None],
        },
        geometry="geometry",
        crs=crs,
    )


def _same(path):
    got, want = load_unified(path), gpd.read_parquet(path)
    assert type(got) is type(want) is gpd.GeoDataFrame
    assert got.geometry.name == want.geometry.name
    assert got.crs == want.crs
    assert_frame_equal(pd.DataFrame(got), pd.DataFrame(want))
    return got


@pytest.mark.parametrize("index", [False, True])
def test_the_frame_is_what_geopandas_reads(tmp_path, index):
    path = tmp_path / "unified_dataset.geoparquet"
    wards = _wards()
    if index:
        wards.index = pd.Index([10, 11, 12, 13], name="row")
    wards.to_parquet(path, index=index)
    got = _same(path)
    assert got.crs.to_epsg() == 4326
    assert got.geometry.iloc[3] is None


def test_a_projected_crs_and_a_second_geometry_column(tmp_path):
    path = tmp_path / "unified_dataset.geoparquet"
    wards = _wards("EPSG:32631")
    wards["centroid"] = gpd.GeoSeries(wards.geometry.centroid, crs="EPSG:32631")
    wards.to_parquet(path, index=False)
    got = _same(path)
    assert list(got.columns) == list(wards.columns)
    assert got.crs.to_epsg() == 32631


def test_the_crs_is_built_once(tmp_path):
    path = tmp_path / "unified_dataset.geoparquet"
    _wards().to_parquet(path, index=False)
    geoparquet._crs.cache_clear()
    first, second = load_unified(path), load_unified(path)
    assert first.crs is second.crs
    assert geoparquet._crs.cache_info().misses == 1


def test_no_crs_key_is_crs84_and_a_null_crs_is_none(tmp_path):
    for crs, want in (("drop", "OGC:CRS84"), (None, None)):
        path = tmp_path / f"wards_{crs}.geoparquet"
        _wards().to_parquet(path, index=False)
        table = pq.read_table(path)
        geo = json.loads(table.schema.metadata[b"geo"])
        if crs == "drop":
            del geo["columns"]["geometry"]["crs"]
        else:
            geo["columns"]["geometry"]["crs"] = None
        pq.write_table(
            table.replace_schema_metadata({**table.schema.metadata, b"geo": json.dumps(geo)}),
            path,
        )
        got = _same(path)
        assert (got.crs is None) if want is None else got.crs.to_string() == want


def test_a_stored_ward_dataset_reads_back_as_geopandas_reads_it():
    import io

    from chatmrpt.analysis.dataset import WardDataset, ward_dataset_bytes, ward_dataset_from_bytes

    wards = _wards()
    wards.index = pd.Index(["w1", "w2", "w3", "w4"], name="ward")
    data = ward_dataset_bytes(WardDataset(wards=wards, sources={"table": {"sha256": "x"}}))
    got = ward_dataset_from_bytes(data).wards
    want = gpd.read_parquet(io.BytesIO(data))
    assert got.crs == want.crs and got.geometry.name == want.geometry.name
    assert_frame_equal(pd.DataFrame(got), pd.DataFrame(want))
