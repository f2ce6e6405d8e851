"""`chatmrpt analyze` end to end: real fixtures, demo data, determinism, every error code."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from chatmrpt.cli import main
from chatmrpt.demo.generator import generate_state, write_state
from tests.conftest import ILORIN_BOUNDARIES, ILORIN_TABLE, KANO_BOUNDARIES, KANO_TABLE

OUTPUTS = {"unified_dataset.csv", "unified_dataset.geoparquet", "model_scores.parquet",
           "models.csv", "analysis.json"}


def run(*args) -> int:
    return main([str(a) for a in args])


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    state = generate_state(400, seed=11)
    out = tmp_path_factory.mktemp("demo")
    write_state(state, out, facility_export=False)
    return state, out


def test_kano_real_data(tmp_path, capsys):
    assert run("analyze", KANO_TABLE, "--boundaries", KANO_BOUNDARIES, "--out", tmp_path / "r") == 0
    out = tmp_path / "r"
    assert {p.name for p in out.iterdir()} == OUTPUTS
    wards = pd.read_csv(out / "unified_dataset.csv")
    assert len(wards) == 66
    assert wards["composite_rank"].sort_values().tolist() == list(range(1, 67))
    assert wards["composite_category"].value_counts().to_dict() == {"High": 22, "Medium": 22,
                                                                     "Low": 22}
    meta = json.loads((out / "analysis.json").read_text())
    assert meta["join_report"]["matched"] == 66
    assert meta["zone"]["zone"] == "North West"
    # the two unnamed row-number columns are not variables and not in the result
    assert not [c for c in wards.columns if c.startswith("Unnamed")]
    assert {v["name"] for v in meta["variables"]} <= set(wards.columns)
    assert meta["inputs"]["table"]["sha256"].startswith("b849380309d3")
    printed = capsys.readouterr().out
    assert "66 of 66 wards matched" in printed and "Zango" in printed


def test_ilorin_imputes_from_neighbours(tmp_path):
    assert run("analyze", ILORIN_TABLE, "--boundaries", ILORIN_BOUNDARIES, "--out", tmp_path) == 0
    meta = json.loads((tmp_path / "analysis.json").read_text())
    cells = meta["imputation"]["report"]
    assert len(cells) == 10
    assert {c["ward"] for c in cells} == {"Are 1", "Oloje", "Ubandawaki", "M/Ngeri", "Alanamu",
                                          "Ogidi", "Ajikobi", "Oju-Ekun", "Badari", "Baboko"}
    # Ajikobi's six queen neighbours are all missing too: only then the column mean
    methods = {c["ward"]: c["method"] for c in cells}
    assert methods.pop("Ajikobi") == "column_mean"
    assert set(methods.values()) == {"neighbour_mean"}
    wards = pd.read_csv(tmp_path / "unified_dataset.csv")
    flagged = wards.loc[wards["imputed_val_housing_15"], "WardName"]
    assert set(flagged) == {c["ward"] for c in cells}
    assert wards["val_housing_15"].notna().all()


def test_ilorin_without_boundaries_uses_column_mean(tmp_path):
    assert run("analyze", ILORIN_TABLE, "--out", tmp_path, "--quiet") == 0
    meta = json.loads((tmp_path / "analysis.json").read_text())
    assert {c["method"] for c in meta["imputation"]["report"]} == {"column_mean"}
    assert not (tmp_path / "unified_dataset.geoparquet").exists()


def test_user_variables_and_directions(tmp_path):
    code = run("analyze", ILORIN_TABLE, "--variables", "tpr_u5_new,meanEVI,settlement_type,distance",
               "--direction", "meanEVI=inverse", "--out", tmp_path, "--quiet")
    assert code == 0
    meta = json.loads((tmp_path / "analysis.json").read_text())
    directions = {v["name"]: (v["direction"], v["direction_source"]) for v in meta["variables"]}
    assert directions["meanEVI"] == ("inverse", "user")
    assert directions["settlement_type"] == ("direct", "catalogue")
    assert meta["models"] == 11
    assert len(pd.read_csv(tmp_path / "models.csv")) == 11


def test_demo_ranking_tracks_true_risk(demo, tmp_path):
    state, folder = demo
    code = run("analyze", folder / "wards.csv", "--boundaries", folder / "wards_boundaries.zip",
               "--out", tmp_path, "--quiet")
    assert code == 0
    wards = pd.read_csv(tmp_path / "unified_dataset.csv")
    truth = pd.Series(state.true_risk.to_numpy(), index=state.wards["WardCode"].to_numpy())
    rho = stats.spearmanr(wards["composite_score"], truth.loc[wards["WardCode"]]).statistic
    assert rho > 0.6
    # and a ranking that is not oriented to risk would fail this
    meta = json.loads((tmp_path / "analysis.json").read_text())
    assert meta["zone"]["zone"] == "North West" and meta["join_report"]["matched"] == 400
    if meta["pca"]["suitable"]:
        rho_pca = stats.spearmanr(wards["pca_score"], truth.loc[wards["WardCode"]]).statistic
        assert rho_pca > 0.5


def test_twelve_variables_every_model(demo, tmp_path):
    _, folder = demo
    variables = ("u5_tpr_rdt,rainfall,ndvi,evi,ndwi,ndmi,soil_wetness,elevation,"
                 "distance_to_waterbodies,housing_quality,nighttime_lights,urban_percentage")
    assert run("analyze", folder / "wards.csv", "--variables", variables, "--out", tmp_path,
               "--quiet") == 0
    models = pd.read_csv(tmp_path / "models.csv")
    assert len(models) == 4083
    scores = pd.read_parquet(tmp_path / "model_scores.parquet")
    assert scores.shape == (400, 4083 + 2)  # WardName, WardCode + one column per model
    wards = pd.read_csv(tmp_path / "unified_dataset.csv")
    model_cols = models["model"].tolist()
    medians = np.median(scores[model_cols].to_numpy(dtype=float), axis=1)
    assert np.allclose(medians, wards["composite_score"], atol=1e-6)


def test_byte_identical_outputs(demo, tmp_path):
    _, folder = demo
    for name in ("a", "b"):
        assert run("analyze", folder / "wards.csv", "--boundaries", folder / "wards_boundaries.zip",
                   "--out", tmp_path / name, "--quiet") == 0
    for f in ("unified_dataset.csv", "models.csv", "analysis.json"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f


def test_reciprocal_reference_through_the_cli(tmp_path):
    table = tmp_path / "ref.csv"
    pd.DataFrame({
        "WardName": list("ABCDEF"),
        "rainfall": [800, 950, 1100, 1000, 870, 1200],
        "housing_quality": [0.10, 0.30, 0.05, 0.20, 0.40, 0.15],
        "urban_percentage": [0, 12, 3, 60, 85, 0],
    }).to_csv(table, index=False)
    assert run("analyze", table, "--normalization", "reciprocal", "--out", tmp_path / "r",
               "--quiet") == 0
    wards = pd.read_csv(tmp_path / "r" / "unified_dataset.csv")
    assert wards["composite_score"].round(4).tolist() == [0.4881, 0.1642, 0.5417, 0.2321,
                                                          0.0729, 0.6825]
    assert wards["composite_rank"].tolist() == [3, 5, 2, 4, 6, 1]
    assert wards["urban_gt_50"].tolist() == [False, False, False, True, True, False]


def test_rerun_replaces_results_and_leaves_other_files(demo, tmp_path):
    _, folder = demo
    out = tmp_path / "r"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert run("analyze", folder / "wards.csv", "--boundaries", folder / "wards_boundaries.zip",
               "--out", out, "--quiet") == 0
    assert (out / "unified_dataset.geoparquet").exists()
    assert run("analyze", folder / "wards.csv", "--out", out, "--quiet") == 0
    assert not (out / "unified_dataset.geoparquet").exists()  # stale: the new run has none
    assert (out / "notes.txt").read_text() == "mine"


# --- bad input: every error code, a clear line on stderr, nothing written -------------------


def _write(path: Path, text: str, encoding="utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


GOOD = "WardName,rain,tpr\nA,1,0.2\nB,2,0.5\nC,3,0.4\n"


def bad_cases(tmp: Path):
    png = tmp / "wards.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    boundaries_no_match = tmp / "b.geojson"
    boundaries_no_match.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"WardName": n},
         "geometry": {"type": "Polygon", "coordinates": [[[i, 0], [i + 1, 0], [i + 1, 1], [i, 0]]]}}
        for i, n in enumerate(["Xx", "Yy", "Zz"])]}))
    return [
        ("unsupported_file_type", [png], "wards.csv"),
        ("empty_file", [_write(tmp / "empty.csv", "")], "empty.csv"),
        ("missing_ward_column", [_write(tmp / "nw.csv", "Name,rain\nA,1\nB,2\n")], "WardName"),
        ("no_usable_variables", [_write(tmp / "nv.csv", "WardName,rain,tpr\nA,1,\nB,1,\nC,1,\n")],
         "at least two usable variables"),
        ("too_few_variables", [_write(tmp / "one.csv", GOOD), "--variables", "rain,tpr",
                               "--direction", "rain=direct"], None),
        ("unknown_variable", [_write(tmp / "u.csv", GOOD), "--variables", "rain,ndvi"], "ndvi"),
        ("invalid_parameter", [_write(tmp / "p.csv", GOOD), "--direction", "rain=upwards"],
         "upwards"),
        ("duplicate_wards", [_write(tmp / "d.csv", "WardName,WardCode,rain,tpr\nA,X1,1,2\n"
                                                     "B,X1,2,3\nC,X3,3,1\n")], "X1"),
        ("boundary_join_failed", [_write(tmp / "j.csv", GOOD), "--boundaries", boundaries_no_match],
         "b.geojson"),
        ("broken_archive", [_write(tmp / "k.csv", GOOD), "--boundaries",
                            _write(tmp / "broken.zip", "PK\x03\x04 not really a zip")], "broken.zip"),
        ("unsafe_archive", [_write(tmp / "s.csv", GOOD), "--boundaries",
                            _zip(tmp / "slip.zip", {"../evil.shp": b"x", "a.dbf": b"y"})], "slip.zip"),
        ("unreadable_boundaries", [_write(tmp / "n.csv", GOOD), "--boundaries",
                                   _zip(tmp / "noshp.zip", {"readme.txt": b"hello"})], "readme.txt"),
    ]


@pytest.mark.parametrize("index", range(12))
def test_error_codes(tmp_path, capsys, index):
    case = bad_cases(tmp_path)[index]
    code, args, fragment = case
    if code == "too_few_variables":
        # one variable constant: only one usable variable remains
        args[0].write_text("WardName,rain,tpr\nA,1,0.2\nB,1,0.5\nC,1,0.4\n")
    out = tmp_path / "out"
    status = run("analyze", *args, "--out", out)
    err = capsys.readouterr().err.strip()
    assert status == 2
    assert err.startswith(f"error [{code}]:"), err
    assert len(err.splitlines()) == 1
    if fragment:
        assert fragment in err
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.tmp")]


def test_missing_table_file(tmp_path, capsys):
    assert run("analyze", tmp_path / "nope.csv", "--out", tmp_path / "o") == 2
    assert "nope.csv" in capsys.readouterr().err


def test_a_ward_without_boundary_keeps_its_row(tmp_path):
    # one ward renamed beyond recognition: it gets no shape and no WardCode from the
    # boundaries, and every output still has its row
    table = pd.read_csv(ILORIN_TABLE)
    table.loc[0, "WardName"] = "Completely Different Place"
    path = tmp_path / "t.csv"
    table.to_csv(path, index=False)
    assert run("analyze", path, "--boundaries", ILORIN_BOUNDARIES, "--out", tmp_path / "r",
               "--quiet") == 0
    wards = pd.read_csv(tmp_path / "r" / "unified_dataset.csv")
    assert len(wards) == 35 and wards["WardCode"].isna().sum() == 1
    scores = pd.read_parquet(tmp_path / "r" / "model_scores.parquet")
    assert scores["WardCode"].isna().sum() == 1 and len(scores) == 35
    meta = json.loads((tmp_path / "r" / "analysis.json").read_text())
    assert meta["join_report"]["matched"] == 34
