"""On the command line, the shipped Kano and Ilorin tables with a population raster and a
built-up raster written here go to an ITN plan whose figures add up exactly and follow from
the raster, and to a reprioritisation; both name where the population came from."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests import _field_data as fd
from tests.integration.test_cli_population import CASES, run_cli

NETS = 30000


@pytest.mark.parametrize("case", sorted(CASES))
def test_table_population_and_builtup_rasters_to_an_exact_plan(case, tmp_path):
    table, boundaries, n = CASES[case]
    fd.population_raster(tmp_path / "pop.tif", boundaries)
    fd.builtup_raster(tmp_path / "built.tif", boundaries)
    out = tmp_path / "analysis"
    result = run_cli("analyze", table, "--boundaries", boundaries, "--population",
                     tmp_path / "pop.tif", "--urban", tmp_path / "built.tif", "--out", out)
    assert result.returncode == 0, result.stderr
    itn = run_cli("itn", out, "--nets", NETS, "--household-size", 5, "--out", tmp_path / "plan")
    assert itn.returncode == 0, itn.stderr
    assert "Population: the population raster pop.tif (people summed over each ward)" in itn.stdout
    plan = json.loads((tmp_path / "plan" / "itn_plan.json").read_text())
    wards = pd.read_csv(tmp_path / "plan" / "itn_plan.csv")
    fd.check_plan_rows(wards, plan["totals"], boundaries, NETS)
    assert plan["totals"]["nets_allocated"] == NETS
    by_lga = pd.read_csv(tmp_path / "plan" / "itn_plan_by_lga.csv")
    assert int(by_lga["nets_allocated"].sum()) == NETS

    repri = run_cli("reprioritize", out, "--out", tmp_path / "urban.csv")
    assert repri.returncode == 0, repri.stderr
    assert "Population: the population raster pop.tif" in repri.stdout
    assert "Urban share: the built-up raster built.tif" in repri.stdout
    urban = pd.read_csv(tmp_path / "urban.csv")
    # the built-up raster is 1 in the eastern half: only wards there can be urban
    assert len(urban) > 0 and urban["WardName"].nunique() < n
