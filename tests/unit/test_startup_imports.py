"""What a whole analysis loads: a ward table without boundaries needs no GeoPandas.

GeoPandas (with pyproj and pyogrio) is a large part of the start-up of ``chatmrpt analyze``;
it is imported where boundaries are read or a frame with shapes is built, not when the
ingest, join, zonal or pipeline modules load.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from chatmrpt.demo.generator import write_demo_data

ROOT = Path(__file__).resolve().parents[2]
GEO = ("geopandas", "pyogrio", "pyproj")

ANALYSE = """
import json, sys
from chatmrpt.analysis.ingest import load_dataset
from chatmrpt.analysis.outputs import write_analysis_outputs
from chatmrpt.analysis.params import AnalysisParams
from chatmrpt.analysis.pipeline import run_analysis

table, boundaries, out = sys.argv[1], sys.argv[2] or None, sys.argv[3]
dataset = load_dataset(table, boundaries)
result = run_analysis(dataset, AnalysisParams.from_dict({}))
write_analysis_outputs(result, out)
print(json.dumps({"loaded": sorted(m.split(".")[0] for m in sys.modules),
                  "shapes": dataset.has_boundaries,
                  "versions": result.metadata["versions"]}))
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict[str, Path]:
    return write_demo_data(tmp_path_factory.mktemp("demo"), 100, seed=2, facility_export=False)


def _analyse(table: Path, boundaries: Path | None, out: Path) -> dict:
    run = subprocess.run(
        [sys.executable, "-c", ANALYSE, str(table), str(boundaries or ""), str(out)],
        capture_output=True, text=True, check=True, cwd=ROOT, timeout=300,
    )
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_an_analysis_without_boundaries_loads_no_geopandas(demo, tmp_path):
    report = _analyse(demo["wards"], None, tmp_path / "out")
    assert not report["shapes"]
    assert set(GEO) & set(report["loaded"]) == set()
    # the versions recorded are those of the libraries that took part
    assert "geopandas" not in report["versions"] and "pandas" in report["versions"]
    assert (tmp_path / "out" / "analysis.json").exists()


def test_an_analysis_with_boundaries_loads_geopandas(demo, tmp_path):
    report = _analyse(demo["wards"], demo["boundaries"], tmp_path / "out")
    assert report["shapes"]
    assert set(GEO) <= set(report["loaded"])
    assert "geopandas" in report["versions"]
