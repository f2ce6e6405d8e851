"""load_dataset on the two real study areas (tests/data, described in its README)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from chatmrpt.analysis.dataset import sha256_file
from chatmrpt.analysis.ingest import load_dataset, read_boundaries, read_table

KANO_FUZZY = {"Fagg c": "Fagge C", "Gawunab": "Gawuna", "zaitawai": "Zaitawa"}


@pytest.fixture(scope="module")
def kano(real_data):
    return load_dataset(real_data["kano_table"], real_data["kano_boundaries"])


@pytest.fixture(scope="module")
def ilorin(real_data):
    return load_dataset(real_data["ilorin_table"], real_data["ilorin_boundaries"])


def test_kano_all_66_wards_match(kano, real_data):
    report = kano.join_report
    assert report["table_rows"] == 66 and report["boundary_features"] == 66
    assert report["matched"] == 66
    # 62 exact names + "Bakin-Ruwa" -> "Bakin Ruwa" through normalisation; 3 typos by fuzzy.
    assert report["rule_counts"] == {"ward_code": 0, "name_lga": 0, "name": 63, "fuzzy": 3}
    assert report["unmatched_table"] == [] and report["unmatched_boundaries"] == []
    assert report["ambiguous"] == []
    pairs = {f["table_name"]: f["boundary_name"] for f in report["fuzzy_matches"]}
    assert pairs == KANO_FUZZY
    assert all(f["score"] >= 90 for f in report["fuzzy_matches"])

    # Every ward got the polygon of the feature with its (corrected) name.
    features, _, _ = read_boundaries(real_data["kano_boundaries"])
    by_name = dict(zip(features["WardName"], features.geometry, strict=True))
    for name, geom in zip(kano.wards["WardName"], kano.wards.geometry, strict=True):
        expected = by_name.get(KANO_FUZZY.get(name, "Bakin Ruwa" if name == "Bakin-Ruwa" else name))
        assert geom is not None and shapely.equals(geom, expected), name


def test_kano_table_order_crs_and_warnings(kano, real_data):
    table = pd.read_csv(real_data["kano_table"])
    assert kano.wards["WardName"].tolist() == table["WardName"].tolist()
    assert isinstance(kano.wards, gpd.GeoDataFrame)
    assert kano.wards.crs.to_epsg() == 4326
    assert kano.wards.geometry.is_valid.all()
    (crs_warning,) = [w for w in kano.warnings if "coordinate reference system" in w]
    assert "kano_metro_wards.zip" in crs_warning and "EPSG:4326" in crs_warning
    assert kano.sources["boundaries"]["source_crs"] is None


def test_kano_columns_identifiers_and_missing_values(kano):
    assert kano.excluded_columns == ["Unnamed: 0", "Unnamed: 1"]
    wards = kano.wards
    assert wards["total"].dtype == np.float64
    missing = {
        "distance_to_water_bodies": 7,
        "test_positivity_rate": 3,
        "enhanced_vegetation_index": 3,
        "housing_quality": 5,
        "dumpsites": 4,
        "rainfall": 0,
        "total": 0,
        "nets_per_capita": 0,
    }
    for col, count in missing.items():
        assert int(wards[col].isna().sum()) == count, col
    dry = wards.loc[wards["distance_to_water_bodies"].isna(), "WardName"].tolist()
    assert dry == ["Dorayi", "Fagge A", "Fagge B", "Fagg c", "Fagge D1", "Fagge D2", "Galadanchi"]
    assert wards.loc[wards["WardName"] == "Zango", "test_positivity_rate"].item() == 1.0
    # Identity the table lacks comes from the matched features.
    assert kano.join_report["identity_from_boundaries"] == ["WardCode", "LGACode", "StateCode"]
    assert wards.loc[wards["WardName"] == "Gawunab", "WardCode"].item() == "KN3103"
    assert wards["LGACode"].value_counts().to_dict() == {
        "20043": 13, "20024": 12, "20037": 11, "20001": 10, "20012": 10, "20030": 10,
    }  # fmt: skip
    assert kano.boundary_attributes["StateCode"] == ["KN"]


def test_ilorin_all_35_match_by_name(ilorin, real_data):
    report = ilorin.join_report
    assert report["matched"] == 35
    assert report["rule_counts"] == {"ward_code": 0, "name_lga": 0, "name": 35, "fuzzy": 0}
    assert not any("coordinate reference system" in w for w in ilorin.warnings)
    assert ilorin.wards.geometry.notna().all()
    assert ilorin.sources["boundaries"]["source_crs"] is not None
    assert ilorin.boundary_attributes["StateCode"] == ["KW"]
    table = pd.read_csv(real_data["ilorin_table"])
    assert ilorin.wards["WardName"].tolist() == table["WardName"].tolist()


def test_ilorin_identifier_columns_and_missing_housing(ilorin):
    # The R row-name column has the header "" (read as "Unnamed: 0"), then column "X".
    assert ilorin.excluded_columns == ["Unnamed: 0", "X"]
    housing = ilorin.wards["val_housing_15"]
    assert housing.dtype == np.float64
    assert int(housing.isna().sum()) == 10
    assert set(ilorin.wards.loc[housing.isna(), "WardName"]) == {
        "Are 1", "Oloje", "Ubandawaki", "M/Ngeri", "Alanamu", "Ogidi", "Ajikobi", "Oju-Ekun",
        "Badari", "Baboko",
    }  # fmt: skip
    assert ilorin.wards.loc[ilorin.wards["WardName"] == "Balogun Fulani 3", "distance"].item() == 0


def test_sources_hash_the_files_and_give_a_stable_id(kano, real_data):
    assert kano.sources["table"]["sha256"] == (
        "b849380309d3dbacd3266a3112be1f82ad63077c082421b06d736d2f8bb135ed"
    )
    assert kano.sources["boundaries"]["sha256"] == sha256_file(real_data["kano_boundaries"])
    again = load_dataset(real_data["kano_table"], real_data["kano_boundaries"])
    assert again.dataset_id == kano.dataset_id
    table_only = load_dataset(real_data["kano_table"])
    assert table_only.dataset_id != kano.dataset_id


def test_tables_alone_read_cleanly(real_data):
    for key, rows in (("kano_table", 66), ("ilorin_table", 35)):
        frame, source, warnings = read_table(real_data[key])
        assert len(frame) == rows
        assert list(frame.columns)[0] == "WardName"
        assert source["format"] == "csv" and source["encoding"] == "utf-8"
        assert warnings == []
