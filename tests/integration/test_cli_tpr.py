"""``chatmrpt tpr`` end to end: files in, CSV files out, messages and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from chatmrpt.cli import main

GE = "\u2265"
RDT_TESTED_U5 = "Persons presenting with fever & tested by RDT <5yrs"
RDT_POSITIVE_U5 = "Persons tested positive for malaria by RDT <5yrs"
MIC_TESTED_U5 = "Persons presenting with fever and tested by Microscopy <5yrs"
MIC_POSITIVE_U5 = "Persons tested positive for malaria by Microscopy <5yrs"
RDT_TESTED_O5 = f"Persons presenting with fever & tested by RDT {GE}5yrs (excl PW)"
RDT_POSITIVE_O5 = f"Persons tested positive for malaria by RDT {GE}5yrs (excl PW)"


def row(
    lga,
    ward,
    facility,
    period,
    level="Primary",
    rdt=(np.nan, np.nan),
    mic=(np.nan, np.nan),
    o5=(np.nan, np.nan),
):
    return {
        "orgunitlevel1": "ng Federal Government",
        "orgunitlevel2": "kn Kano State",
        "orgunitlevel3": f"kn {lga} Local Government Area",
        "orgunitlevel4": f"kn {ward} Ward",
        "organisationunitname": f"kn {facility}",
        "FacilityLevel": level,
        "periodname": period,
        RDT_TESTED_U5: rdt[0],
        RDT_POSITIVE_U5: rdt[1],
        MIC_TESTED_U5: mic[0],
        MIC_POSITIVE_U5: mic[1],
        RDT_TESTED_O5: o5[0],
        RDT_POSITIVE_O5: o5[1],
    }


@pytest.fixture
def export_csv(tmp_path):
    rows = [
        row("Dala", "Adakawa", "Adakawa PHC", "January 2023", rdt=(100, 10), o5=(50, 10)),
        row("Dala", "Adakawa", "Adakawa PHC", "January 2024", rdt=(100, 30), o5=(50, 20)),
        row("Dala", "Adakawa", "Dala GH", "January 2024", "Secondary", rdt=(100, 20), mic=(10, 9)),
        row("Fagge", "Adakawa", "Fagge PHC", "January 2023", rdt=(10, 1)),
        row("Fagge", "Adakawa", "Fagge PHC", "January 2024", rdt=(10, 1)),
        row("Fagge", "Sabon Gari", "Sabon Gari PHC", "January 2024", rdt=(0, 0), mic=(0, 0)),
    ]
    path = tmp_path / "facility export.csv"
    body = pd.DataFrame(rows).to_csv(index=False)
    path.write_text(
        "Malaria testing by facility\nKano State, 2023-2024\n\n" + body, encoding="utf-8"
    )
    return path


def run_cli(*argv) -> int:
    return main([str(a) for a in argv])


def test_ward_tpr_csv(export_csv, tmp_path, capsys):
    out = tmp_path / "results" / "ward_tpr.csv"
    assert run_cli("tpr", export_csv, "--out", out) == 0
    table = pd.read_csv(out)
    assert list(table.columns) == [
        "State",
        "LGA",
        "WardName",
        "tpr",
        "tested",
        "positive",
        "test_method",
        "facilities",
        "periods",
    ]
    t = table.set_index(["LGA", "WardName"])
    # Dala/Adakawa: RDT 60/300 = 20 %, microscopy 9/10 = 90 % → microscopy
    assert t.loc[("Dala", "Adakawa"), "test_method"] == "microscopy"
    assert t.loc[("Dala", "Adakawa"), "tpr"] == pytest.approx(90.0)
    assert t.loc[("Fagge", "Adakawa"), "tpr"] == pytest.approx(10.0)
    assert t.loc[("Fagge", "Adakawa"), "periods"] == 2
    assert np.isnan(t.loc[("Fagge", "Sabon Gari"), "tpr"])
    printed = capsys.readouterr().out
    assert "for 3 wards from 6 of 6 rows" in printed
    assert "3 title row(s)" in printed
    assert "nobody tested" in printed and "Sabon Gari (Fagge)" in printed
    assert str(out) in printed
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]


def test_options_age_test_and_facility_level(export_csv, tmp_path):
    out = tmp_path / "o5.csv"
    assert run_cli("tpr", export_csv, "--age", "o5", "--out", out, "--quiet") == 0
    t = pd.read_csv(out).set_index(["LGA", "WardName"])
    assert t.loc[("Dala", "Adakawa"), "tpr"] == pytest.approx(30.0)  # 30 / 100
    out = tmp_path / "rdt_primary.csv"
    argv = ("tpr", export_csv, "--test", "rdt", "--facility-level", "primary", "--out", out)
    assert run_cli(*argv) == 0
    t = pd.read_csv(out).set_index(["LGA", "WardName"])
    assert t.loc[("Dala", "Adakawa"), "tpr"] == pytest.approx(20.0)  # 40 / 200, no hospital
    assert t.loc[("Dala", "Adakawa"), "facilities"] == 1


def test_by_year_writes_rows_per_year_and_trend(export_csv, tmp_path, capsys):
    out = tmp_path / "by_year.csv"
    assert run_cli("tpr", export_csv, "--by-year", "--test", "rdt", "--out", out) == 0
    by_year = pd.read_csv(out)
    dala = by_year[(by_year["LGA"] == "Dala") & (by_year["WardName"] == "Adakawa")]
    assert dala["year"].tolist() == [2023, 2024]
    assert dala["tpr"].tolist() == pytest.approx([10.0, 25.0])
    trend = pd.read_csv(tmp_path / "trend.csv").set_index(["LGA", "WardName"])
    assert trend.loc[("Dala", "Adakawa"), "slope_per_year"] == pytest.approx(15.0)
    assert trend.loc[("Dala", "Adakawa"), "trend"] == "worsening"
    assert trend.loc[("Fagge", "Adakawa"), "trend"] == "stable"
    assert trend.loc[("Fagge", "Sabon Gari"), "trend"] == "insufficient_data"
    assert "Trend:" in capsys.readouterr().out


def test_columns_mapping(tmp_path):
    export = pd.DataFrame(
        {
            "Local government": ["Dala", "Dala"],
            "Settlement": ["Adakawa", "Adakawa"],
            "U5 RDT done": [40, 60],
            "U5 RDT pos": [10, 10],
        }
    )
    path = tmp_path / "custom.csv"
    export.to_csv(path, index=False)
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps(
            {
                "lga": "Local government",
                "ward": "Settlement",
                "rdt_tested_u5": "U5 RDT done",
                "rdt_positive_u5": "U5 RDT pos",
            }
        )
    )
    out = tmp_path / "tpr.csv"
    assert run_cli("tpr", path, "--columns", mapping, "--out", out, "--quiet") == 0
    t = pd.read_csv(out)
    assert t["tpr"].tolist() == [20.0] and t["tested"].tolist() == [100]


def test_join_into_ward_table_feeds_analyze(tmp_path, capsys):
    from chatmrpt.demo.generator import write_demo_data

    files = write_demo_data(tmp_path / "demo", 100, seed=5)
    wards = pd.read_csv(files["wards"])
    out = tmp_path / "wards_with_tpr.csv"
    argv = ("tpr", files["facility_tpr"], "--join", files["wards"], "--out", out)
    assert run_cli(*argv) == 0
    printed = capsys.readouterr().out
    assert "Join: 100 of 100 wards of the ward table got u5_tpr_rdt" in printed
    assert "already had a column u5_tpr_rdt" in printed
    joined = pd.read_csv(out)
    assert len(joined) == len(wards)
    assert joined["WardCode"].tolist() == wards["WardCode"].tolist()
    assert joined["u5_tpr_rdt"].notna().all()
    # the demo's planted under-five TPR is what the facility counts were drawn from
    planted = wards["u5_tpr_rdt"].notna()
    corr = np.corrcoef(joined["u5_tpr_rdt"][planted], wards["u5_tpr_rdt"][planted])[0, 1]
    assert corr > 0.8
    analysis = tmp_path / "analysis"
    argv = (
        "analyze",
        out,
        "--variables",
        "u5_tpr_rdt,rainfall,housing_quality",
        "--methods",
        "composite",
        "--out",
        analysis,
        "--quiet",
    )
    assert run_cli(*argv) == 0
    unified = pd.read_csv(analysis / "unified_dataset.csv")
    assert "normalized_u5_tpr_rdt" in unified.columns


def test_join_names_the_age_groups_variable(export_csv, tmp_path, capsys):
    wards = tmp_path / "wards.csv"
    pd.DataFrame(
        {
            "WardName": ["Adakawa", "Adakawa", "Sabon Gari", "Kofar Mata"],
            "LGA": ["Fagge", "Dala", "Fagge", "Dala"],
            "rainfall": [1.0, 2.0, 3.0, 4.0],
        }
    ).to_csv(wards, index=False)
    out = tmp_path / "joined.csv"
    assert run_cli("tpr", export_csv, "--age", "o5", "--join", wards, "--out", out) == 0
    joined = pd.read_csv(out)
    assert "o5_tpr" in joined.columns
    assert joined["o5_tpr"].iloc[1] == pytest.approx(30.0)
    assert joined["o5_tpr"].iloc[[0, 2, 3]].isna().all()
    printed = capsys.readouterr().out
    assert "Join: 3 of 4 wards" in printed
    assert "Kofar Mata (Dala)" in printed


def test_unrecognised_file_exits_2_with_one_line(tmp_path):
    path = tmp_path / "cases.csv"
    pd.DataFrame({"Region": ["A"], "Clinic": ["B"], "Cases": [1]}).to_csv(path, index=False)
    out = tmp_path / "out.csv"
    out.write_text("previous result\n")
    proc = subprocess.run(
        [sys.executable, "-m", "chatmrpt.cli", "tpr", str(path), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error [unrecognised_export]:")
    for text in ("cases.csv", "orgunitlevel4", "Region", "Clinic", "Cases", "--columns"):
        assert text in lines[0]
    assert out.read_text() == "previous result\n"  # a failed run leaves the old file


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "not valid JSON"),
        ('["ward"]', "must be a JSON object"),
        ('{"wards": "X"}', "Unknown role"),
    ],
)
def test_bad_mapping_file(export_csv, tmp_path, capsys, content, expected):
    mapping = tmp_path / "mapping.json"
    mapping.write_text(content)
    argv = ("tpr", export_csv, "--columns", mapping, "--out", tmp_path / "x.csv")
    assert run_cli(*argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error [invalid_parameter]:") and expected in err
    assert not (tmp_path / "x.csv").exists()


def test_out_must_not_overwrite_the_input(export_csv, capsys):
    assert run_cli("tpr", export_csv, "--out", export_csv) == 2
    assert "overwrite an input file" in capsys.readouterr().err


def test_help_lists_the_mapping_roles(capsys):
    with pytest.raises(SystemExit):
        main(["tpr", "--help"])
    text = capsys.readouterr().out
    for token in ("rdt_tested_u5", "facility_level", "u5_tpr_rdt", "all_ages_tpr", "trend.csv"):
        assert token in text


def test_join_with_by_year_writes_the_yearly_tables_next_to_out(export_csv, tmp_path):
    wards = tmp_path / "wards.csv"
    pd.DataFrame(
        {
            "WardName": ["Adakawa", "Adakawa"],
            "LGA": ["Dala", "Fagge"],
            "Population": [2000, 1000],
        }
    ).to_csv(wards, index=False)
    out = tmp_path / "out" / "joined.csv"
    argv = ("tpr", export_csv, "--test", "rdt", "--by-year", "--join", wards, "--out", out)
    assert run_cli(*argv, "--quiet") == 0
    joined = pd.read_csv(out)
    assert joined["u5_tpr_rdt"].tolist() == pytest.approx([20.0, 10.0])
    by_year = pd.read_csv(out.parent / "tpr_by_year.csv")
    dala = by_year[by_year["LGA"] == "Dala"]
    # positive 10 then 30 + 20 among 2,000 people
    assert dala["burden_per_1000"].tolist() == pytest.approx([5.0, 25.0])
    trend = pd.read_csv(out.parent / "trend.csv").set_index(["LGA", "WardName"])
    assert trend.loc[("Dala", "Adakawa"), "trend_basis"] == "burden_per_1000"
    assert trend.loc[("Dala", "Adakawa"), "slope_per_year"] == pytest.approx(20.0)
    assert trend.loc[("Fagge", "Adakawa"), "trend"] == "stable"
    assert trend.loc[("Fagge", "Sabon Gari"), "trend_basis"] == "tpr"  # not in the ward table
