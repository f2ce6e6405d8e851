"""``chatmrpt demo-data`` end to end: files, summary, exit codes and messages."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pandas as pd
import pytest

from chatmrpt.cli import main

FILES = ["facility_tpr.csv", "wards.csv", "wards_boundaries.zip"]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """The real command in a fresh interpreter: exit code and streams as a user sees them."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "chatmrpt.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_writes_three_files_and_a_summary(tmp_path):
    out = tmp_path / "demo"
    result = run_cli("demo-data", "--wards", "150", "--seed", "2", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == FILES
    assert "150 wards in" in result.stdout and "LGAs" in result.stdout
    assert "Kano State (KN), seed 2" in result.stdout
    for name in FILES:
        assert name in result.stdout
    wards = pd.read_csv(out / "wards.csv")
    assert len(wards) == 150
    with zipfile.ZipFile(out / "wards_boundaries.zip") as zf:
        assert "wards_boundaries.prj" in zf.namelist()
    export = pd.read_csv(out / "facility_tpr.csv", encoding="utf-8")
    assert "Persons presenting with fever & tested by RDT ≥5yrs (excl PW)" in export.columns
    assert result.stderr == ""  # no progress bar for small states


def test_same_arguments_same_bytes(tmp_path, capsys):
    for name in ("a", "b"):
        assert (
            main(["demo-data", "--wards", "120", "--seed", "5", "--out", str(tmp_path / name)]) == 0
        )
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert main(["demo-data", "--wards", "120", "--seed", "6", "--out", str(tmp_path / "c")]) == 0
    assert (tmp_path / "a" / "wards.csv").read_bytes() != (
        tmp_path / "c" / "wards.csv"
    ).read_bytes()


def test_state_option_and_no_facility_export(tmp_path, capsys):
    out = tmp_path / "nested" / "lagos"
    code = main(
        ["demo-data", "--wards", "100", "--state", "la", "--no-facility-export", "--out", str(out)]
    )
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == ["wards.csv", "wards_boundaries.zip"]
    wards = pd.read_csv(out / "wards.csv")
    assert set(wards["StateCode"]) == {"LA"} and set(wards["State"]) == {"Lagos"}
    assert "Lagos State (LA)" in capsys.readouterr().out


def test_progress_bar_for_large_states(tmp_path, capsys):
    out = tmp_path / "big"
    code = main(["demo-data", "--wards", "5000", "--no-facility-export", "--out", str(out)])
    assert code == 0
    captured = capsys.readouterr()
    assert "%|" in captured.err  # tqdm bar on stderr
    assert "5,000 wards" in captured.out
    assert len(pd.read_csv(out / "wards.csv")) == 5000


def test_too_few_wards_exits_2_with_one_line(tmp_path):
    out = tmp_path / "never"
    result = run_cli("demo-data", "--wards", "5", "--out", str(out))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error [invalid_parameter]:")
    assert "between 100 and 100,000" in lines[0] and "--wards" in lines[0]
    assert not out.exists()


@pytest.mark.parametrize("wards", ["0", "99", "100001"])
def test_out_of_range_ward_count_exits_2(tmp_path, capsys, wards):
    out = tmp_path / "never"
    assert main(["demo-data", "--wards", wards, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error [invalid_parameter]:") and "between 100 and 100,000" in err
    assert not out.exists()


@pytest.mark.parametrize(
    "extra, fragment",
    [
        (["--state", "ZZ"], "Unknown state code 'ZZ'"),
        (["--seed", "-3"], "seed"),
    ],
)
def test_bad_state_or_seed_exits_2(tmp_path, capsys, extra, fragment):
    out = tmp_path / "never"
    assert main(["demo-data", "--wards", "100", *extra, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error [invalid_parameter]:") and fragment in err
    assert not out.exists()


def test_out_that_is_an_existing_file_exits_2(tmp_path, capsys):
    target = tmp_path / "report.txt"
    target.write_text("not a folder")
    assert main(["demo-data", "--wards", "100", "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert "error [invalid_parameter]" in err and "is an existing file" in err
    assert target.read_text() == "not a folder"


def test_non_numeric_ward_count_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["demo-data", "--wards", "many", "--out", str(tmp_path / "x")])
    assert info.value.code == 2
    assert "--wards" in capsys.readouterr().err
