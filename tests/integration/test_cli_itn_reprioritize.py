"""``chatmrpt itn`` and ``chatmrpt reprioritize`` on a unified dataset written to disk."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from chatmrpt.analysis.results_io import load_unified
from chatmrpt.cli import main
from chatmrpt.errors import InputError

UNIFIED = """\
WardName,WardCode,LGA,LGACode,composite_score,composite_rank,composite_category,pca_rank,Population,urban_percentage
A,KW01,Ilorin East,024006,0.9,1,High,2,360,10
B,KW02,Ilorin West,024007,0.8,2,High,1,900,80
C,KW03,Ilorin East,024006,0.5,3,Medium,3,540,20
D,KW04,Ilorin West,024007,0.3,4,Low,5,180,75
NA,KW05,Asa,024008,0.1,5,Low,4,90,0
"""


@pytest.fixture
def analysis_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "analysis"
    folder.mkdir()
    (folder / "unified_dataset.csv").write_text(UNIFIED, encoding="utf-8")
    return folder


def run_cli(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "chatmrpt.cli", *argv],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_unified_csv_keeps_codes_and_names_as_text(analysis_dir):
    wards = load_unified(analysis_dir)
    assert wards["LGACode"].tolist()[0] == "024006"
    assert wards["WardName"].tolist()[-1] == "NA"
    assert wards["Population"].dtype.kind in "if"


def test_itn_writes_the_plan(analysis_dir, tmp_path, capsys):
    out = tmp_path / "plan"
    code = main(
        ["itn", str(analysis_dir), "--nets", "400", "--household-size", "5", "--out", str(out)]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "400 allocated" in printed
    assert "warning: A (row 1) takes 200 nets" in printed
    assert sorted(p.name for p in out.iterdir()) == [
        "itn_plan.csv",
        "itn_plan.json",
        "itn_plan_by_lga.csv",
    ]
    plan = pd.read_csv(out / "itn_plan.csv", dtype={"WardName": str}, keep_default_na=False)
    for column in (
        "WardName",
        "WardCode",
        "nets_needed",
        "nets_allocated",
        "coverage_percent",
        "priority_tier",
        "allocation_phase",
        "population_covered",
        "LGA",
        "population",
        "rank",
    ):
        assert column in plan.columns
    assert dict(zip(plan["WardName"], plan["nets_allocated"], strict=True)) == {
        "A": 200,
        "C": 200,
        "NA": 0,
        "B": 0,
        "D": 0,
    }
    data = json.loads((out / "itn_plan.json").read_text(encoding="utf-8"))
    assert data["parameters"]["total_nets"] == 400
    assert data["totals"]["nets_allocated"] == 400
    assert len(data["wards"]) == 5
    by_lga = pd.read_csv(out / "itn_plan_by_lga.csv")
    assert by_lga["nets_allocated"].sum() == 400


def test_itn_options_reach_the_plan(analysis_dir, tmp_path):
    out = tmp_path / "plan"
    code = main(
        [
            "itn",
            str(analysis_dir / "unified_dataset.csv"),
            "--nets",
            "1.2k",
            "--household-size",
            "5",
            "--method",
            "pca",
            "--strategy",
            "capped",
            "--max-ward-share",
            "20",
            "--bale-size",
            "10",
            "--buffer",
            "1.1",
            "--urban-threshold",
            "80",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    data = json.loads((out / "itn_plan.json").read_text(encoding="utf-8"))
    params = data["parameters"]
    assert params["total_nets"] == 1200
    assert params["method"] == "pca"
    assert params["strategy"] == "capped"
    assert params["max_ward_share"] == 20
    assert params["bale_size"] == 10
    assert params["buffer"] == 1.1
    assert params["urban_threshold"] == 80
    assert all(w["nets_allocated"] <= 240 for w in data["wards"])
    assert [w["WardName"] for w in data["wards"]][:2] == ["A", "C"]  # pca ranks 2, 3 in tier 1


def test_itn_into_the_analysis_folder_keeps_its_files(analysis_dir):
    code = main(
        [
            "itn",
            str(analysis_dir),
            "--nets",
            "5000",
            "--household-size",
            "5",
            "--out",
            str(analysis_dir),
        ]
    )
    assert code == 0
    assert (analysis_dir / "unified_dataset.csv").read_text(encoding="utf-8") == UNIFIED
    assert (analysis_dir / "itn_plan.csv").is_file()
    assert not [p for p in analysis_dir.parent.iterdir() if p.name.startswith(".")]


def test_itn_missing_population_fails_cleanly_and_writes_nothing(tmp_path):
    folder = tmp_path / "analysis"
    folder.mkdir()
    (folder / "unified_dataset.csv").write_text(UNIFIED.replace(",540,", ",,"), encoding="utf-8")
    out = tmp_path / "plan"
    result = run_cli(
        "itn", str(folder), "--nets", "400", "--household-size", "5", "--out", str(out)
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "missing_population" in lines[0]
    assert "C (row 3)" in lines[0]
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["analysis"]

    # the same with an explicit fill rule succeeds and records it
    result = run_cli(
        "itn", str(folder), "--nets", "400", "--household-size", "5",
        "--fill-population", "median", "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads((out / "itn_plan.json").read_text(encoding="utf-8"))
    assert data["parameters"]["fill_population"]["rule"] == "median"
    assert data["parameters"]["fill_population"]["wards"] == [{"row": 3, "WardName": "C"}]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--nets", "-5", "--household-size", "5"], "number of nets"),
        (["--nets", "1e15", "--household-size", "5"], "number of nets"),
        (["--nets", "400", "--household-size", "0"], "household size"),
        (["--nets", "400", "--household-size", "5", "--buffer", "0.5"], "buffer"),
        (["--nets", "400", "--household-size", "5", "--strategy", "capped"], "maximum ward share"),
    ],
)
def test_itn_bad_parameters_exit_2_and_write_nothing(analysis_dir, tmp_path, capsys, args, needle):
    out = tmp_path / "plan"
    code = main(["itn", str(analysis_dir), *args, "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("error [invalid_parameter]")
    assert needle in err[0]
    assert not out.exists()


def test_itn_without_analysis_output_exits_2(tmp_path):
    result = run_cli(
        "itn", str(tmp_path), "--nets", "400", "--household-size", "5", "--out", str(tmp_path / "p")
    )
    assert result.returncode == 2
    assert "unified_dataset" in result.stderr
    assert not (tmp_path / "p").exists()


def test_reprioritize_writes_selection_and_prints_summary(analysis_dir, capsys):
    code = main(["reprioritize", str(analysis_dir), "--thresholds", "20,75,85", "--target", "30"])
    assert code == 0
    printed = capsys.readouterr().out
    out = analysis_dir / "reprioritization.csv"
    assert str(out) in printed
    assert "43.48  reached" in printed
    assert "not reached" in printed
    table = pd.read_csv(out, dtype={"threshold": str, "WardCode": str})
    assert list(table.columns)[:6] == [
        "threshold",
        "WardName",
        "WardCode",
        "composite_rank",
        "population",
        "cumulative_population_share",
    ]
    # total 2,070; > 20%: D (180, 8.70%), B (900, 52.17%) -> target crossed, stop.
    # > 75%: only B (D is exactly 75), 43.48%. > 85%: no ward, target not reached.
    assert table[["threshold", "WardName"]].values.tolist() == [
        ["20", "D"],
        ["20", "B"],
        ["75", "B"],
    ]
    assert table["cumulative_population_share"].tolist() == pytest.approx(
        [180 / 2070 * 100, 1080 / 2070 * 100, 900 / 2070 * 100]
    )


def test_reprioritize_explicit_out_file(analysis_dir, tmp_path):
    out = tmp_path / "reports" / "urban.csv"
    code = main(["reprioritize", str(analysis_dir / "unified_dataset.csv"), "--out", str(out)])
    assert code == 0
    assert out.is_file()
    assert not (analysis_dir / "reprioritization.csv").exists()


def test_reprioritize_without_urban_column_exits_2(tmp_path):
    folder = tmp_path / "analysis"
    folder.mkdir()
    table = pd.read_csv(pd.io.common.StringIO(UNIFIED)).drop(columns=["urban_percentage"])
    table.to_csv(folder / "unified_dataset.csv", index=False)
    result = run_cli("reprioritize", str(folder))
    assert result.returncode == 2
    assert "missing_urban_share" in result.stderr
    assert "Urban Yes/No" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (folder / "reprioritization.csv").exists()


def test_reprioritize_bad_threshold_exits_2(analysis_dir, capsys):
    code = main(["reprioritize", str(analysis_dir), "--thresholds", "20,abc"])
    assert code == 2
    assert "urban threshold" in capsys.readouterr().err
    assert not (analysis_dir / "reprioritization.csv").exists()


def test_geoparquet_is_preferred_and_keeps_geometry(analysis_dir):
    import geopandas as gpd
    from shapely.geometry import box

    table = load_unified(analysis_dir / "unified_dataset.csv")
    geo = gpd.GeoDataFrame(
        table.assign(Population=table["Population"] * 10),
        geometry=[box(i, 0, i + 1, 1) for i in range(len(table))],
        crs="EPSG:4326",
    )
    geo.to_parquet(analysis_dir / "unified_dataset.geoparquet", index=False)
    wards = load_unified(analysis_dir)
    assert isinstance(wards, gpd.GeoDataFrame)
    assert wards["Population"].tolist()[0] == 3600
    assert wards["LGACode"].tolist()[0] == "024006"
    # the plan runs on it too, geometry ignored
    code = main(
        [
            "itn",
            str(analysis_dir),
            "--nets",
            "4000",
            "--household-size",
            "5",
            "--out",
            str(analysis_dir),
        ]
    )
    assert code == 0
    data = json.loads((analysis_dir / "itn_plan.json").read_text(encoding="utf-8"))
    assert data["totals"]["total_need"] == 11500


def test_unsupported_file_is_refused(tmp_path):
    path = tmp_path / "wards.xlsx"
    path.write_bytes(b"not a workbook")
    with pytest.raises(InputError) as info:
        load_unified(path)
    assert info.value.code == "unsupported_file_type"


def test_itn_out_that_is_a_file_exits_2(analysis_dir, tmp_path, capsys):
    out = tmp_path / "plan.csv"
    out.write_text("keep me", encoding="utf-8")
    code = main(
        ["itn", str(analysis_dir), "--nets", "400", "--household-size", "5", "--out", str(out)]
    )
    assert code == 2
    assert "is a file" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "keep me"
