"""Downloads of the unified dataset round-trip through pandas and geopandas."""

from __future__ import annotations

import io

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
import shapely

from chatmrpt.csvsafe import restore_frame
from chatmrpt.errors import InputError
from chatmrpt.viz.exports import export_unified
from chatmrpt.viz.synthetic import synthetic_analysis

FORMULA = '=HYPERLINK("http://example.invalid","click")'


@pytest.fixture(scope="module")
def wards():
    wards = synthetic_analysis(60, seed=4).wards.copy()
    wards.loc[0, "WardName"] = "<img src=x onerror=alert(1)>"
    wards.loc[1, "WardName"] = FORMULA
    wards.loc[2, "WardName"] = "Ọ̀yọ́ Ilé"
    return wards


def _same_table(back: pd.DataFrame, wards: pd.DataFrame) -> None:
    expected = pd.DataFrame(wards.drop(columns="geometry"))
    assert list(back.columns) == list(expected.columns)
    assert len(back) == len(expected)
    assert back["WardName"].tolist() == expected["WardName"].tolist()
    assert back["WardCode"].tolist() == expected["WardCode"].tolist()
    assert back["composite_category"].tolist() == expected["composite_category"].tolist()
    assert back["composite_rank"].astype(int).tolist() == expected["composite_rank"].tolist()
    for col in ("composite_score", "pca_score", "rainfall", "Population"):
        np.testing.assert_allclose(back[col].astype(float), expected[col].astype(float), rtol=1e-12)
    assert back["urban_gt_30"].astype(bool).tolist() == expected["urban_gt_30"].tolist()


def test_csv(wards):
    data, media, name = export_unified(wards, "csv")
    assert media.startswith("text/csv") and name == "unified_dataset.csv"
    assert "geometry" not in data.decode("utf-8").splitlines()[0]
    back = pd.read_csv(io.BytesIO(data))
    # a spreadsheet opening the file sees text, not a formula: the cell starts with a quote
    assert back["WardName"].iloc[1] == "'" + FORMULA
    _same_table(restore_frame(back), wards)


def test_xlsx_keeps_formula_like_text_as_text(wards):
    data, media, name = export_unified(wards, "xlsx")
    assert name.endswith(".xlsx") and "spreadsheetml" in media
    _same_table(pd.read_excel(io.BytesIO(data)), wards)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Wards"]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=3, column=header.index("WardName") + 1)
    assert cell.value == FORMULA and cell.data_type == "s"


def test_geojson(wards):
    data, media, name = export_unified(wards, "geojson")
    assert media == "application/geo+json" and name == "unified_dataset.geojson"
    back = gpd.read_file(io.BytesIO(data))
    assert back.crs.to_epsg() == 4326
    _same_table(pd.DataFrame(back.drop(columns="geometry")), wards)
    same = shapely.equals_exact(
        np.asarray(back.geometry.values), np.asarray(wards.geometry.values), tolerance=1e-9
    )
    assert same.all()


def test_geoparquet(wards):
    data, media, name = export_unified(wards, "geoparquet")
    assert media == "application/vnd.apache.parquet" and name.endswith(".geoparquet")
    back = gpd.read_parquet(io.BytesIO(data))
    _same_table(pd.DataFrame(back.drop(columns="geometry")), wards)
    assert back.geometry.geom_equals_exact(wards.geometry, tolerance=0).all()


def test_unknown_format_and_missing_boundaries(wards):
    with pytest.raises(InputError) as err:
        export_unified(wards, "shp")
    assert err.value.code == "invalid_parameter" and "geojson" in err.value.message
    table = pd.DataFrame(wards.drop(columns="geometry"))
    for fmt in ("geojson", "geoparquet"):
        with pytest.raises(InputError) as err:
            export_unified(table, fmt)
        assert "csv" in err.value.message
    data, _, _ = export_unified(table, "xlsx")
    assert data[:2] == b"PK"


def test_file_names_never_come_from_user_text(wards):
    _, _, name = export_unified(wards, "CSV", basename="kano-2026_01")
    assert name == "kano-2026_01.csv"
    for bad in ("../etc/passwd", "a/b", "", "x" * 81):
        with pytest.raises(ValueError):
            export_unified(wards, "csv", basename=bad)
