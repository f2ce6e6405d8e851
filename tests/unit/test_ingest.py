"""Reading ward tables and boundaries: formats, encodings, and the errors users see."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, Polygon, box

from chatmrpt.analysis.ingest import (
    load_dataset,
    read_boundaries,
    read_table,
    repair_mojibake,
    sniff_delimiter,
)
from chatmrpt.errors import InputError

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
NAMES = ["Café", "Gàrko Ëast", "Naïbi", "Sabon Gari"]


def write(path: Path, data: bytes | str) -> Path:
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def input_error(func, *args, **kwargs) -> InputError:
    with pytest.raises(InputError) as err:
        func(*args, **kwargs)
    return err.value


def ward_grid(names, lgas=None, *, codes=None, crs="EPSG:4326") -> gpd.GeoDataFrame:
    """One square ward per name, side by side, near Kano."""
    geoms = [box(8.4 + 0.01 * i, 12.0, 8.41 + 0.01 * i, 12.01) for i in range(len(names))]
    data = {"WardName": names}
    if lgas is not None:
        data["LGAName"] = lgas
    if codes is not None:
        data["WardCode"] = codes
    gdf = gpd.GeoDataFrame(data, geometry=geoms, crs="EPSG:4326")
    return gdf.to_crs(crs) if crs != "EPSG:4326" else gdf


def shapefile_zip(gdf: gpd.GeoDataFrame, path: Path, *, folder: str = "", drop=()) -> Path:
    work = path.parent / (path.stem + "_shp")
    work.mkdir()
    gdf.to_file(work / "wards.shp", engine="pyogrio")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(work.iterdir()):
            if f.suffix.lower() not in drop:
                zf.write(f, f"{folder}{f.name}")
    return path


# --- format detection -------------------------------------------------------------------


def test_png_named_csv_is_refused(tmp_path):
    err = input_error(read_table, write(tmp_path / "wards.csv", PNG))
    assert err.code == "unsupported_file_type"
    assert "wards.csv" in err.message and "PNG image" in err.message
    assert err.details["detected"] == "png"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"%PDF-1.7\n1 0 obj\n", "PDF"),
        (b"\x00\x01\x02\x03binary\x00stuff", "binary"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, ".xlsx"),
        (json.dumps({"type": "FeatureCollection", "features": []}).encode(), "boundaries"),
    ],
)
def test_other_non_tables_are_refused(tmp_path, data, words):
    err = input_error(read_table, write(tmp_path / "upload.csv", data), name="my upload.csv")
    assert err.code == "unsupported_file_type"
    assert "my upload.csv" in err.message and words in err.message


def test_shapefile_zip_given_as_table(tmp_path):
    archive = shapefile_zip(ward_grid(["A", "B"]), tmp_path / "wards.zip")
    err = input_error(read_table, archive)
    assert err.code == "unsupported_file_type"
    assert "boundaries" in err.message


def test_empty_files(tmp_path):
    assert input_error(read_table, write(tmp_path / "a.csv", b"")).code == "empty_file"
    assert input_error(read_table, write(tmp_path / "b.csv", b"\xef\xbb\xbf\r\n")).code == (
        "empty_file"
    )
    err = input_error(read_table, write(tmp_path / "c.csv", "WardName,tpr\n\n,\n"))
    assert err.code == "empty_file"
    assert "no ward rows" in err.message


# --- CSV ----------------------------------------------------------------------------------


def test_missing_ward_column_lists_columns_and_accepted_names(tmp_path):
    path = write(tmp_path / "vars.csv", "name,tpr,rainfall\nAdakawa,0.5,900\n")
    err = input_error(read_table, path)
    assert err.code == "missing_ward_column"
    assert "vars.csv" in err.message
    for word in ("name", "tpr", "rainfall", "WardName", "ward_name", "Ward"):
        assert word in err.message
    assert err.details["columns"] == ["name", "tpr", "rainfall"]


def test_blank_ward_names_are_named_by_file_line(tmp_path):
    text = "WardName,tpr\nAdakawa,0.5\n\n  ,0.4\nDorayi,0.3\n,0.2\n"
    err = input_error(read_table, write(tmp_path / "t.csv", text))
    assert err.code == "missing_ward_column"
    assert "line 4" in err.message and "line 6" in err.message
    assert err.details["rows"] == ["line 4", "line 6"]


def test_title_lines_above_the_header_are_skipped(tmp_path):
    text = "sep=;\nKano wards, 2024\n\nWardName;tpr\nAdakawa;0,5\n;0,7\n"
    err = input_error(read_table, write(tmp_path / "t.csv", text))
    assert err.details["rows"] == ["line 6"]
    frame, source, warnings = read_table(write(tmp_path / "t.csv", text.replace(";0,7", "B;0,7")))
    assert source["delimiter"] == ";"
    assert frame["WardName"].tolist() == ["Adakawa", "B"]
    assert frame["tpr"].tolist() == [0.5, 0.7]
    assert any("3 line(s) above the header" in w for w in warnings)


def test_sniff_delimiter():
    assert sniff_delimiter("WardName,tpr\nA,1\n") == ","
    assert sniff_delimiter("WardName;tpr;rain\nA;0,5;900\n") == ";"
    assert sniff_delimiter("WardName\ttpr\nA, B\t1\n") == "\t"
    assert sniff_delimiter("WardName|tpr\nA|1\n") == "|"
    assert sniff_delimiter("WardName\nA\n") == ","


def test_semicolon_csv_with_decimal_commas(tmp_path):
    text = "WardName;LGA;tpr;population\nAdakawa;Dala;0,58;1.234,5\nDorayi;Gwale;0,62;12\n"
    frame, source, warnings = read_table(write(tmp_path / "eu.csv", text))
    assert source["delimiter"] == ";"
    assert frame["tpr"].tolist() == [0.58, 0.62]
    assert frame["population"].tolist() == [1234.5, 12.0]
    assert frame["LGA"].tolist() == ["Dala", "Gwale"]
    assert any("decimal commas" in w for w in warnings)


def test_tab_and_pipe_delimited(tmp_path):
    for delim, name in (("\t", "t.tsv"), ("|", "p.txt")):
        text = delim.join(["WardName", "tpr"]) + "\n" + delim.join(["Kano, City", "0.4"]) + "\n"
        frame, source, _ = read_table(write(tmp_path / name, text))
        assert source["delimiter"] == delim
        assert frame["WardName"].tolist() == ["Kano, City"]
        assert frame["tpr"].tolist() == [0.4]


def csv_text(names=NAMES) -> str:
    rows = "".join(f"{n},{i}\n" for i, n in enumerate(names))
    return "WardName,tpr\n" + rows


def test_encodings_all_load_to_the_same_names(tmp_path):
    text = csv_text()
    variants = {
        "utf8.csv": text.encode("utf-8"),
        "bom.csv": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "cp1252.csv": text.encode("cp1252"),
        "latin1.csv": text.encode("latin-1"),
        # UTF-8 read as Windows-1252 and saved again as UTF-8
        "mojibake.csv": text.encode("utf-8").decode("cp1252").encode("utf-8"),
        "utf16.csv": text.encode("utf-16"),
    }
    assert "CafÃ©" in variants["mojibake.csv"].decode("utf-8")
    encodings = {}
    for name, data in variants.items():
        frame, source, warnings = read_table(write(tmp_path / name, data))
        assert frame["WardName"].tolist() == NAMES, name
        assert list(frame.columns) == ["WardName", "tpr"], name
        encodings[name] = source["encoding"]
        if name == "mojibake.csv":
            assert any("garbled" in w for w in warnings)
    assert encodings["bom.csv"] == "utf-8-sig"
    assert encodings["cp1252.csv"] == "cp1252"
    assert encodings["utf8.csv"] == "utf-8"
    assert encodings["mojibake.csv"] == "utf-8+repaired"


def test_repair_mojibake_keeps_correct_text():
    assert repair_mojibake("CafÃ©") == ("Café", 1)
    assert repair_mojibake("Café and CafÃ©")[0] == "Café and Café"
    assert repair_mojibake("Ã\x81bá")[0] == "Ábá"  # a byte cp1252 leaves undefined
    assert repair_mojibake("Ọ̀ja Ọba") == ("Ọ̀ja Ọba", 0)
    assert repair_mojibake("Kano") == ("Kano", 0)
    assert repair_mojibake("naïve Ærø")[0] == "naïve Ærø"


def test_numbers_thousands_and_missing_markers(tmp_path):
    text = (
        "WardName,population,tpr,urban,note\n"
        'A,"1,234",NA,10,first\n'
        "B,567,N/A,20,\n"
        "C,-,#N/A,30,x\n"
        "D,null,0.5,40,\n"
        'E,"12,345.5",,50,y\n'
    )
    frame, _, _ = read_table(write(tmp_path / "t.csv", text))
    assert frame["population"].tolist()[:2] == [1234.0, 567.0]
    assert np.isnan(frame["population"].iloc[2]) and np.isnan(frame["population"].iloc[3])
    assert frame["population"].iloc[4] == 12345.5
    assert frame["tpr"].isna().sum() == 4
    assert frame["urban"].dtype == np.float64
    assert not pd.api.types.is_numeric_dtype(frame["note"])
    assert frame["note"].isna().tolist() == [False, True, False, True, False]


def test_mostly_numeric_column_keeps_numbers_and_names_the_bad_cells(tmp_path):
    rows = "".join(f"W{i},{i / 10}\n" for i in range(20)).replace("W7,0.7", "W7,0.7a")
    frame, _, warnings = read_table(write(tmp_path / "t.csv", "WardName,tpr\n" + rows))
    assert frame["tpr"].dtype == np.float64
    assert np.isnan(frame["tpr"].iloc[7])
    assert frame["tpr"].notna().sum() == 19
    (msg,) = [w for w in warnings if "tpr" in w]
    assert "'0.7a'" in msg and "line 9" in msg


def test_identity_columns_stay_text_and_are_trimmed(tmp_path):
    text = (
        "ward_name,ward_code,LGA Name,lga_code,State,state_code,tpr\n"
        "  Apado ,KWSKEY02 ,Ilorin East,024006,Kwara,KW,0.4\n"
        "NA,KWSKEY03,Ilorin East,024006,Kwara,KW,0.5\n"
    )
    frame, _, _ = read_table(write(tmp_path / "t.csv", text))
    assert list(frame.columns) == ["WardName", "WardCode", "LGA", "LGACode", "State", "StateCode",
                                   "tpr"]  # fmt: skip
    # "NA" is a ward name (and Nasarawa's state code), not a missing value.
    assert frame["WardName"].tolist() == ["Apado", "NA"]
    assert frame["WardCode"].tolist() == ["KWSKEY02", "KWSKEY03"]
    assert frame["LGACode"].tolist() == ["024006", "024006"]  # leading zero kept


def test_ragged_csv_is_unreadable(tmp_path):
    err = input_error(read_table, write(tmp_path / "t.csv", "WardName,tpr\nA,1\nB,2,3,4\n"))
    assert err.code == "unreadable_table"
    assert "t.csv" in err.message and "line 3" in err.message


def test_format_comes_from_content_not_extension(tmp_path):
    frame, source, _ = read_table(write(tmp_path / "wards.xlsx", csv_text()))
    assert source["format"] == "csv"
    assert frame["WardName"].tolist() == NAMES


# --- XLSX ---------------------------------------------------------------------------------


def workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


DATA_ROWS = [
    ["WardName", "LGACode", "tpr", "population"],
    ["Adakawa", 20024, 0.58, 1234],
    ["Dorayi", 20012, 0.62, "1,500"],
]


def test_xlsx_data_on_second_sheet(tmp_path):
    path = workbook(
        tmp_path / "wards.xlsx",
        {"Notes": [["Source: state programme"], ["Collected 2024"]], "Data": DATA_ROWS},
    )
    frame, source, _ = read_table(path)
    assert source["format"] == "xlsx" and source["sheet"] == "Data"
    assert frame["WardName"].tolist() == ["Adakawa", "Dorayi"]
    assert frame["LGACode"].tolist() == ["20024", "20012"]
    assert frame["tpr"].tolist() == [0.58, 0.62]
    assert frame["population"].tolist() == [1234.0, 1500.0]


def test_xlsx_named_sheet_title_rows_and_content_detection(tmp_path):
    path = workbook(
        tmp_path / "upload.csv",  # misnamed: content decides
        {
            "First": DATA_ROWS,
            "Second": [["Kano wards 2024"], [], ["WardName", "tpr"], ["Fagge A", 0.5]],
        },
    )
    frame, source, warnings = read_table(path, sheet="Second")
    assert source["sheet"] == "Second"
    assert frame["WardName"].tolist() == ["Fagge A"]
    assert any("above the header" in w for w in warnings)
    err = input_error(read_table, path, sheet="Third")
    assert err.code == "invalid_parameter"
    assert "First" in err.message and "Second" in err.message


def test_xlsx_without_ward_column_and_blank_names(tmp_path):
    path = workbook(tmp_path / "w.xlsx", {"S1": [["name", "tpr"], ["a", 1]], "S2": [["x"]]})
    err = input_error(read_table, path)
    assert err.code == "missing_ward_column"
    assert "S1" in err.message and "name, tpr" in err.message
    path = workbook(
        tmp_path / "b.xlsx",
        {"Data": [["WardName", "tpr"], ["A", 1], [None, 2], ["C", 3], [" ", 4]]},
    )
    err = input_error(read_table, path)
    assert err.details["rows"] == ["row 3 of sheet 'Data'", "row 5 of sheet 'Data'"]


# --- boundaries ---------------------------------------------------------------------------


def test_shapefile_zip_in_sub_folder(tmp_path):
    gdf = ward_grid(["Adakawa", "Dorayi"], ["Dala", "Gwale"], codes=["KN0701", "KN0702"])
    archive = shapefile_zip(gdf, tmp_path / "wards.zip", folder="export/kano/")
    frame, source, warnings = read_boundaries(archive)
    assert frame.crs.to_epsg() == 4326
    assert frame["WardName"].tolist() == ["Adakawa", "Dorayi"]
    assert frame["LGA"].tolist() == ["Dala", "Gwale"]
    assert frame["WardCode"].tolist() == ["KN0701", "KN0702"]
    assert source["format"] == "shapefile" and source["features"] == 2
    assert not any("coordinate reference" in w for w in warnings)


def test_shapefile_without_prj_is_assumed_wgs84(tmp_path):
    archive = shapefile_zip(ward_grid(["A", "B"]), tmp_path / "noprj.zip", drop=(".prj",))
    frame, _, warnings = read_boundaries(archive)
    assert frame.crs.to_epsg() == 4326
    assert any("no .prj" in w and "EPSG:4326" in w for w in warnings)


def test_shapefile_text_without_cpg_keeps_accents(tmp_path):
    names = ["Café", "Ìlọ́rin", "Gàrko"]
    archive = shapefile_zip(ward_grid(names), tmp_path / "w.zip", drop=(".cpg",))
    with zipfile.ZipFile(archive) as zf:
        assert not any(n.endswith(".cpg") for n in zf.namelist())
    frame, _, _ = read_boundaries(archive)
    assert frame["WardName"].tolist() == names


def test_projected_without_prj_is_refused(tmp_path):
    utm = ward_grid(["A", "B"], crs="EPSG:32632")
    archive = shapefile_zip(utm, tmp_path / "utm.zip", drop=(".prj",))
    err = input_error(read_boundaries, archive)
    assert err.code == "unreadable_boundaries"
    assert ".prj" in err.message


def test_projected_layer_is_reprojected(tmp_path):
    utm = ward_grid(["A", "B"], crs="EPSG:32632")
    frame, source, _ = read_boundaries(shapefile_zip(utm, tmp_path / "utm.zip"))
    assert frame.crs.to_epsg() == 4326
    assert "32632" in source["source_crs"]
    minx, miny, maxx, maxy = frame.total_bounds
    assert minx == pytest.approx(8.4, abs=1e-6) and maxy == pytest.approx(12.01, abs=1e-6)


def test_geojson_geopackage_geoparquet(tmp_path):
    gdf = ward_grid(["Adakawa", "Dorayi", "Fagge A"], codes=["KN1", "KN2", "KN3"])
    gdf.to_file(tmp_path / "w.geojson", driver="GeoJSON", engine="pyogrio")
    points = gpd.GeoDataFrame({"name": ["clinic"]}, geometry=[Point(8.4, 12.0)], crs=4326)
    points.to_file(tmp_path / "w.gpkg", layer="clinics", engine="pyogrio")
    gdf.to_file(tmp_path / "w.gpkg", layer="wards", engine="pyogrio")
    gdf.to_parquet(tmp_path / "w.parquet")
    for name, fmt, layer in (
        ("w.geojson", "geojson", None),
        ("w.gpkg", "geopackage", "wards"),
        ("w.parquet", "geoparquet", None),
    ):
        # Misleading extension: content decides.
        path = write(tmp_path / f"upload-{fmt}.dat", (tmp_path / name).read_bytes())
        frame, source, _ = read_boundaries(path)
        assert source["format"] == fmt and source["layer"] == layer, name
        assert frame["WardName"].tolist() == ["Adakawa", "Dorayi", "Fagge A"], name
        assert frame.crs.to_epsg() == 4326
        assert shapely.equals(frame.geometry.values, gdf.geometry.values).all()


def test_bow_tie_polygon_is_repaired_and_empty_geometry_reported(tmp_path):
    bow_tie = Polygon([(8.40, 12.00), (8.41, 12.01), (8.41, 12.00), (8.40, 12.01)])
    assert not bow_tie.is_valid
    gdf = gpd.GeoDataFrame(
        {"WardName": ["Bow", "Fine", "Nothing"]},
        geometry=[bow_tie, box(8.5, 12.0, 8.51, 12.01), Polygon()],
        crs=4326,
    )
    gdf.to_file(tmp_path / "w.geojson", driver="GeoJSON", engine="pyogrio")
    frame, _, warnings = read_boundaries(tmp_path / "w.geojson")
    repaired = frame.geometry.iloc[0]
    assert repaired.is_valid and repaired.geom_type == "MultiPolygon"
    assert repaired.area == pytest.approx(0.5 * 0.01 * 0.01, rel=1e-6)
    assert frame.geometry.iloc[2] is None
    assert any("repaired" in w and "Bow" in w for w in warnings)
    assert any("no polygon" in w and "Nothing" in w for w in warnings)


def test_point_layer_is_refused(tmp_path):
    pts = gpd.GeoDataFrame({"WardName": ["A"]}, geometry=[Point(8.4, 12.0)], crs=4326)
    pts.to_file(tmp_path / "p.geojson", driver="GeoJSON", engine="pyogrio")
    err = input_error(read_boundaries, tmp_path / "p.geojson")
    assert err.code == "unreadable_boundaries"
    assert "Point" in err.message and "polygons" in err.message


def test_zip_without_shapefile_lists_contents(tmp_path):
    archive = tmp_path / "w.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("readme.txt", "hello")
        zf.writestr("wards.kml", "<kml/>")
    err = input_error(read_boundaries, archive)
    assert err.code == "unreadable_boundaries"
    assert "readme.txt" in err.message and "wards.kml" in err.message
    assert ".shp" in err.message


def test_broken_and_unsafe_boundary_zips(tmp_path):
    good = shapefile_zip(ward_grid(["A"]), tmp_path / "good.zip")
    broken = write(tmp_path / "broken.zip", good.read_bytes()[:300])
    err = input_error(read_boundaries, broken)
    assert err.code == "broken_archive" and "broken.zip" in err.message
    slip = tmp_path / "slip.zip"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(slip, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("../evil.shp", b"x")
    err = input_error(read_boundaries, slip)
    assert err.code == "unsafe_archive" and "../evil.shp" in err.message


def test_several_shapefiles(tmp_path):
    one = tmp_path / "one"
    two = tmp_path / "two"
    ward_grid(["A"]).to_file(tmp_path / "a.shp", engine="pyogrio")
    ward_grid(["B"]).to_file(tmp_path / "b.shp", engine="pyogrio")
    with zipfile.ZipFile(one, "w") as zf:
        for f in tmp_path.glob("[ab].*"):
            zf.write(f, f.name)
    err = input_error(read_boundaries, one, name="two layers.zip")
    assert err.code == "unreadable_boundaries"
    assert "a.shp" in err.message and "b.shp" in err.message
    # A stray .shp without its .dbf does not count as a second layer.
    with zipfile.ZipFile(two, "w") as zf:
        for f in tmp_path.glob("a.*"):
            zf.write(f, f.name)
        zf.write(tmp_path / "b.shp", "b.shp")
    frame, source, _ = read_boundaries(two)
    assert frame["WardName"].tolist() == ["A"] and source["layer"] == "a.shp"


def test_boundaries_without_ward_attributes(tmp_path):
    gdf = gpd.GeoDataFrame({"AREA": [1.0]}, geometry=[box(8.4, 12, 8.41, 12.01)], crs=4326)
    gdf.to_file(tmp_path / "w.geojson", driver="GeoJSON", engine="pyogrio")
    err = input_error(read_boundaries, tmp_path / "w.geojson")
    assert err.code == "missing_ward_column"
    assert "AREA" in err.message


def test_table_given_as_boundaries(tmp_path):
    err = input_error(read_boundaries, write(tmp_path / "wards.zip", csv_text()))
    assert err.code == "unsupported_file_type"
    assert "table" in err.message


def test_boundary_identity_attributes_are_canonical_text(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"ward_name": ["A", "B"], "lga_code": [20001, 20012], "statecode": ["KN", "KN"]},
        geometry=[box(8.4, 12, 8.41, 12.01), box(8.5, 12, 8.51, 12.01)],
        crs=4326,
    )
    gdf.to_file(tmp_path / "w.gpkg", engine="pyogrio")
    frame, _, _ = read_boundaries(tmp_path / "w.gpkg")
    assert frame["WardName"].tolist() == ["A", "B"]
    assert frame["LGACode"].tolist() == ["20001", "20012"]
    assert frame["StateCode"].tolist() == ["KN", "KN"]


# --- load_dataset -------------------------------------------------------------------------


def test_load_dataset_table_only(tmp_path):
    path = write(tmp_path / "t.csv", ",WardName,tpr\n1,A,0.1\n2,B,0.2\n3,C,0.3\n")
    ds = load_dataset(path, table_name="my wards.csv")
    assert ds.sources["table"]["name"] == "my wards.csv"
    assert not ds.has_boundaries and ds.join_report is None
    assert ds.excluded_columns == ["Unnamed: 0"]
    assert ds.wards["WardName"].tolist() == ["A", "B", "C"]


def test_load_dataset_duplicate_ward_codes(tmp_path):
    text = "WardName,WardCode,tpr\nA,KN01,1\nB,kn01 ,2\nC,KN02,3\nD,KN03,4\nE,KN03,5\n"
    err = input_error(load_dataset, write(tmp_path / "t.csv", text))
    assert err.code == "duplicate_wards"
    assert "KN01" in err.message and "KN03" in err.message
    assert "rows 1 and 2" in err.message


def test_load_dataset_duplicate_names_warn(tmp_path):
    text = "WardName,LGA,tpr\nSabon Gari,Zaria,1\nSabon-Gari,Zaria,2\nSabon Gari,Tafa,3\n"
    ds = load_dataset(write(tmp_path / "t.csv", text))
    (msg,) = [w for w in ds.warnings if "more than once" in w]
    assert "rows 1 and 2" in msg and "same LGA" in msg


def test_load_dataset_with_boundaries_fills_identity_from_features(tmp_path):
    gdf = ward_grid(["Adakawa", "Dorayi", "Fagge A"], codes=["KN1", "KN2", "KN3"])
    gdf["StateCode"] = "KN"
    gdf.to_parquet(tmp_path / "w.parquet")
    table = write(tmp_path / "t.csv", "WardName,tpr\nFagge A,0.3\nAdakawa,0.1\nNowhere,0.9\n")
    ds = load_dataset(table, tmp_path / "w.parquet", boundaries_name="wards.parquet")
    assert isinstance(ds.wards, gpd.GeoDataFrame) and ds.has_boundaries
    assert ds.wards.crs.to_epsg() == 4326
    assert ds.wards["WardName"].tolist() == ["Fagge A", "Adakawa", "Nowhere"]
    assert ds.wards["WardCode"].tolist()[:2] == ["KN3", "KN1"]
    assert pd.isna(ds.wards["WardCode"].iloc[2])
    assert ds.wards.geometry.iloc[2] is None
    assert ds.wards.geometry.iloc[0].equals(gdf.geometry.iloc[2])
    assert ds.boundary_attributes == {"StateCode": ["KN"]}
    assert set(ds.sources) == {"table", "boundaries"}
    assert ds.sources["boundaries"]["name"] == "wards.parquet"
    assert ds.join_report["matched"] == 2
    assert ds.join_report["identity_from_boundaries"] == ["WardCode", "StateCode"]
    assert any("Nowhere" in w for w in ds.warnings)
    assert len(ds.dataset_id) == 64


def test_duplicate_names_matter_only_when_codes_cannot_join(tmp_path):
    table = write(
        tmp_path / "t.csv",
        "WardName,WardCode,tpr\nSabon Gari,KD01,1\nSabon Gari,KD02,2\nDorayi,KD03,3\n",
    )
    names = ["Sabon Gari", "Sabon Gari", "Dorayi"]
    ward_grid(names, codes=["KD01", "KD02", "KD03"]).to_parquet(tmp_path / "codes.parquet")
    ds = load_dataset(table, tmp_path / "codes.parquet")
    assert ds.join_report["rule_counts"]["ward_code"] == 3
    assert not any("more than once" in w for w in ds.warnings)
    assert load_dataset(table).warnings == []
    ward_grid(names).to_parquet(tmp_path / "names.parquet")
    ds = load_dataset(table, tmp_path / "names.parquet")
    assert ds.join_report["matched"] == 1
    assert any("more than once" in w and "rows 1 and 2" in w for w in ds.warnings)
    assert [a["row"] for a in ds.join_report["ambiguous"]] == [1, 2]


def test_repair_line_by_line_is_the_repair_of_the_whole_text():
    import random

    from chatmrpt.analysis.ingest import _repair_lines
    from chatmrpt.analysis.text import repair_mojibake

    rng = random.Random(5)
    # garbled once and twice, correct accents, C1 controls, other line breaks
    pieces = ["Dala", "Café", "CafÃ©", "â‰¥", "Ã¢â‚¬â„¢", "\n", "\r\n", ",", "é", "\x85",
              "Ã", "\u2028", " ", "ñ", "Ã±", "\n\n", "1.5"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        assert _repair_lines(text) == repair_mojibake(text), repr(text)
    assert _repair_lines("a,b\nKofar Ã©\nc\n") == ("a,b\nKofar é\nc\n", 1)
