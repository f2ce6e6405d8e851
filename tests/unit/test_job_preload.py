"""The fork server's preload (``chatmrpt.jobs.isolated.PRELOAD``) covers what a job runs."""

from __future__ import annotations

import json
import subprocess
import sys

from chatmrpt.jobs import wiring
from chatmrpt.jobs.isolated import PRELOAD
from chatmrpt.jobs.kinds import get_kind, registered_kinds

CHECK = """
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
from chatmrpt.jobs.kinds import get_kind, registered_kinds
print(json.dumps({"kinds": registered_kinds(), "modules": sorted(sys.modules)}))
"""


def test_the_preload_names_real_modules_and_loads_every_built_in_kind():
    assert wiring.__name__ in PRELOAD
    run = subprocess.run([sys.executable, "-c", CHECK, *PRELOAD], capture_output=True,
                         text=True, timeout=120, check=True)
    loaded = json.loads(run.stdout)
    # a fresh interpreter that imported only the preload knows every kind this one knows
    assert set(loaded["kinds"]) >= {"analysis", "covariates", "ingest", "prepare", "tpr"}
    built_in = {k for k in registered_kinds()
                if get_kind(k).run.__module__.startswith("chatmrpt.jobs.")}
    assert set(loaded["kinds"]) >= built_in
    for module in ("numpy", "pandas", "chatmrpt.runtime", "chatmrpt.jobs.runner",
                   "chatmrpt.analysis.pipeline", "chatmrpt.analysis.outputs",
                   "geopandas", "pyproj", "pyogrio"):
        assert module in loaded["modules"], module
    # and nothing that freezes the collector in the consumer itself
    assert "chatmrpt.jobs.forkserver_ready" not in loaded["modules"]
