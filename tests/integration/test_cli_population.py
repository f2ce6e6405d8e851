"""The command line from field data to an ITN plan and a reprioritisation, on the real Kano
and Ilorin wards: `chatmrpt prepare` (facility export + boundaries + rasters), and
`chatmrpt analyze --population` on the shipped tables (with the boundaries' Urban field)."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from tests import _field_data as fd

CASES = {
    "kano": (fd.KANO_TABLE, fd.KANO_BOUNDARIES, 66),
    "ilorin": (fd.ILORIN_TABLE, fd.ILORIN_BOUNDARIES, 35),
}


def run_cli(*argv) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "chatmrpt.cli", *map(str, argv)],
                          capture_output=True, text=True, timeout=300)


def plan_and_reprioritize(folder, tmp_path):
    itn = run_cli("itn", folder, "--nets", 30000, "--household-size", 5, "--out",
                  tmp_path / "plan")
    assert itn.returncode == 0, itn.stderr
    repri = run_cli("reprioritize", folder, "--out", tmp_path / "urban.csv")
    assert repri.returncode == 0, repri.stderr
    plan = json.loads((tmp_path / "plan" / "itn_plan.json").read_text())
    return itn, repri, plan, pd.read_csv(tmp_path / "urban.csv")


@pytest.mark.parametrize("case", sorted(CASES))
def test_prepare_from_facility_export_and_rasters_to_plan(case, tmp_path):
    _table, boundaries, n = CASES[case]
    fd.facility_export(tmp_path / "export.csv", boundaries)
    fd.population_raster(tmp_path / "pop.tif", boundaries)
    fd.population_raster(tmp_path / "u5.tif", boundaries, share=fd.U5_SHARE)
    fd.builtup_raster(tmp_path / "built.tif", boundaries)
    out = tmp_path / "prepared"
    result = run_cli("prepare", tmp_path / "export.csv", "--boundaries", boundaries,
                     "--population", tmp_path / "pop.tif",
                     "--population", f"u5={tmp_path / 'u5.tif'}",
                     "--raster", f"people_density={tmp_path / 'pop.tif'}:mean",
                     "--urban", tmp_path / "built.tif", "--analyze", "--out", out)
    assert result.returncode == 0, result.stderr
    assert "Population: the population raster pop.tif" in result.stdout
    table = pd.read_csv(out / "ward_table.csv")
    assert len(table) == n
    for col in ("u5_tpr_rdt", "u5_tested", "u5_positive", "burden_per_1000", "population",
                "population_u5", "people_density", "urban_percentage"):
        assert col in table.columns, col
    people = fd.expected_population(boundaries)
    got = pd.Series(table["population"].to_numpy(), index=table["WardName"])
    assert np.allclose(got.loc[people.index], people, rtol=1e-6)
    expected_burden = np.minimum(
        table["u5_positive"] / (table["population"] * fd.U5_SHARE) * 1000, 1000)
    assert np.allclose(table["burden_per_1000"], expected_burden, rtol=1e-6)
    report = json.loads((out / "prepare_report.json").read_text())
    assert report["tpr_join"]["matched"] == n
    assert report["burden"]["population_column"] == "population_u5"
    assert (out / "unified_dataset.csv").is_file()

    itn, repri, plan, urban = plan_and_reprioritize(out, tmp_path)
    assert plan["totals"]["population"] == pytest.approx(table["population"].sum())
    assert plan["parameters"]["population_source"].startswith("the population raster pop.tif")
    assert "Population: the population raster pop.tif" in itn.stdout
    assert "Urban share: the built-up raster built.tif" in repri.stdout
    # the built-up raster covers the eastern half: some wards are urban at 50%
    assert (urban["threshold"] == 50).any()


@pytest.mark.parametrize("case", sorted(CASES))
def test_shipped_table_with_urban_field_and_population_table_to_plan(case, tmp_path):
    table, boundaries, n = CASES[case]
    expected = fd.population_table(tmp_path / "population.csv", boundaries, by="WardCode")
    out = tmp_path / "analysis"
    result = run_cli("analyze", table, "--boundaries", boundaries, "--population",
                     tmp_path / "population.csv", "--out", out)
    assert result.returncode == 0, result.stderr
    assert "Population for planning: the population table population.csv" in result.stdout
    assert "Urban share for planning: the boundaries' Urban Yes/No attribute" in result.stdout
    itn, repri, plan, urban = plan_and_reprioritize(out, tmp_path)
    assert plan["totals"]["population"] == pytest.approx(expected.sum())
    assert plan["totals"]["wards"] == n
    assert "Urban share: the boundaries' Urban Yes/No attribute, read as 100% urban" in itn.stdout
    assert "a flag, not a measured share" in repri.stdout
    # a Yes/No flag: every threshold selects from the same urban wards
    summary = urban.groupby("threshold")["WardName"].apply(list)
    assert len({tuple(v) for v in summary}) == 1
    assert len(urban) > 0


@pytest.mark.parametrize("case", sorted(CASES))
def test_no_population_gives_one_plain_sentence(case, tmp_path):
    table, boundaries, _n = CASES[case]
    out = tmp_path / "analysis"
    assert run_cli("analyze", table, "--boundaries", boundaries, "--out", out).returncode == 0
    result = run_cli("itn", out, "--nets", 1000, "--household-size", 5, "--out",
                     tmp_path / "plan")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "population table (WardCode, or WardName with LGA, and Population)" in lines[0]
    assert "chatmrpt analyze TABLE --boundaries FILE --population FILE" in lines[0]
    assert "composite_rank" not in lines[0] and "normalized_" not in lines[0]
    assert not (tmp_path / "plan").exists()
    result = run_cli("reprioritize", out)
    assert result.returncode == 2 and "population raster" in result.stderr
