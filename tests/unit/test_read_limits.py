"""Workbooks and boundaries beyond the reading limits are refused before the costly work."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from chatmrpt.analysis.ingest import read_table
from chatmrpt.analysis.limits import ReadLimits, check_vertices, check_workbook, column_letters
from chatmrpt.config import load_settings, parse_rate
from chatmrpt.errors import InputError
from tests import _xlsx


@pytest.mark.parametrize(
    "build, expected",
    [
        (_xlsx.far_corners, "column XFD"),
        (_xlsx.row_200k_column_all, "200,000 rows by 1,000 columns"),
        (lambda: _xlsx.many_shared_strings(2_000_000), "or more different texts"),
        (lambda: _xlsx.many_shared_strings(20_000_000, declare=True), "20,000,000"),
        (lambda: _xlsx.one_huge_string(64), "longer than 32,767 characters"),
    ],
)
def test_hostile_workbooks_are_refused(tmp_path, build, expected):
    data = build()
    assert len(data) < 1_100_000  # tiny as a zip
    with pytest.raises(InputError) as err:
        check_workbook(data, "wards.xlsx")
    assert err.value.code == "table_too_large" and err.value.http_status == 422
    assert expected in err.value.message and "wards.xlsx" in err.value.message
    path = tmp_path / "wards.xlsx"
    path.write_bytes(data)
    with pytest.raises(InputError) as err:  # the reader refuses it the same way
        read_table(path)
    assert err.value.code == "table_too_large"


def test_an_ordinary_workbook_is_read(tmp_path):
    path = tmp_path / "wards.xlsx"
    path.write_bytes(_xlsx.ordinary(40))
    frame, source, _ = read_table(path)
    assert len(frame) == 40 and source["format"] == "xlsx"
    assert frame["rainfall"].iloc[-1] == 1000 + 39 * 3


def test_limits_are_configurable(tmp_path):
    path = tmp_path / "wards.xlsx"
    path.write_bytes(_xlsx.ordinary(40))
    with pytest.raises(InputError) as err:
        read_table(path, limits=ReadLimits(xlsx_max_rows=20))
    assert "row 21" in err.value.message and err.value.details["max_rows"] == 20
    with pytest.raises(InputError) as err:
        read_table(path, limits=ReadLimits(xlsx_max_columns=2))
    assert "column C" in err.value.message
    with pytest.raises(InputError):
        read_table(path, limits=ReadLimits(xlsx_max_cells=100))
    settings = load_settings({"CHATMRPT_HOME": str(tmp_path), "CHATMRPT_XLSX_MAX_ROWS": "20",
                              "CHATMRPT_MAX_WARD_VERTICES": "99"})
    limits = settings.read_limits()
    assert limits.xlsx_max_rows == 20 and limits.max_ward_vertices == 99
    assert limits.xlsx_max_columns == ReadLimits().xlsx_max_columns
    with pytest.raises(ValueError):
        load_settings({"CHATMRPT_HOME": str(tmp_path), "CHATMRPT_XLSX_MAX_ROWS": "-1"})


def test_column_letters():
    assert [column_letters(n) for n in (1, 26, 27, 1000, 16384)] == ["A", "Z", "AA", "ALL", "XFD"]


def test_vertex_budget():
    ring = shapely.Point(0, 0).buffer(1, quad_segs=2000)  # 8,001 vertices
    small = shapely.box(0, 0, 1, 1)
    geoms = np.array([small, ring, small], dtype=object)
    check_vertices(geoms, ["a", "b", "c"], "wards.geojson")
    with pytest.raises(InputError) as err:
        check_vertices(geoms, ["a", "Dala", "c"], "wards.geojson",
                       ReadLimits(max_ward_vertices=5000))
    assert err.value.code == "boundaries_too_complex" and "Dala" in err.value.message
    with pytest.raises(InputError) as err:
        check_vertices(geoms, ["a", "b", "c"], "wards.geojson", ReadLimits(max_vertices=8000))
    assert "in all" in err.value.message


@pytest.mark.parametrize("text, rate", [("100/60", (100, 60.0)), ("5", (5, 60.0)),
                                        ("off", None), ("0", None)])
def test_rate_settings(text, rate):
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["-1/60", "x", "10/0", "10/-5"])
def test_bad_rate_settings(text):
    with pytest.raises(ValueError):
        parse_rate(text)
