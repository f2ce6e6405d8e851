"""The import rules hold: the import-linter contracts of pyproject.toml ([tool.importlinter]).

Each contract is checked against the import graph of the installed package (every import,
those inside functions included). The web package's contracts are also shown to fail on
an import that breaks them, and to name every module they should, so a new module cannot
slip past them.
"""

from __future__ import annotations

import copy
import pkgutil
import tomllib
from pathlib import Path
from typing import Any

import grimp
import pytest
from importlinter import configuration
from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.independence import IndependenceContract
from importlinter.contracts.layers import LayersContract

import chatmrpt.web
import chatmrpt.web.api

ROOT = Path(__file__).resolve().parents[2]
TYPES = {
    "acyclic_siblings": AcyclicSiblingsContract,
    "forbidden": ForbiddenContract,
    "independence": IndependenceContract,
    "layers": LayersContract,
}
configuration.configure()


def _config() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)["tool"]["importlinter"]


CONFIG = _config()
# the web package's own contracts (the project-wide ones: test_import_rules.py)
CONTRACTS = {c["id"]: c for c in CONFIG["contracts"] if c["id"].startswith("web-")}


def _contract(spec: dict[str, Any]):
    options = {k: v for k, v in spec.items() if k not in ("id", "name", "type")}
    return TYPES[spec["type"]](
        name=spec["name"],
        session_options={"root_packages": [CONFIG["root_package"]]},
        contract_options=options,
    )


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(CONFIG["root_package"], cache_dir=None)


def _kept(contract_id: str, graph: grimp.ImportGraph) -> bool:
    return _contract(CONTRACTS[contract_id]).check(copy.deepcopy(graph), verbose=False).kept


@pytest.mark.parametrize("contract_id", sorted(CONTRACTS))
def test_the_contract_is_kept(graph, contract_id):
    assert _kept(contract_id, graph), CONTRACTS[contract_id]["name"]


# an import that each web contract must refuse
BREAKS = {
    "web-api-resources": ("chatmrpt.web.api.plans", "chatmrpt.web.api.analyses"),
    "web-state-leaf": ("chatmrpt.web.state", "chatmrpt.web.auth"),
    "web-app-entry-only": ("chatmrpt.web.api.sessions", "chatmrpt.web.app"),
    "web-acyclic": ("chatmrpt.web.state", "chatmrpt.web.health"),
}


@pytest.mark.parametrize("contract_id", sorted(BREAKS))
def test_a_broken_web_rule_is_caught(graph, contract_id):
    importer, imported = BREAKS[contract_id]
    broken = copy.deepcopy(graph)
    broken.add_import(importer=importer, imported=imported)
    assert not _kept(contract_id, broken)


def _modules(package) -> set[str]:
    return {f"{package.__name__}.{m.name}" for m in pkgutil.iter_modules(package.__path__)}


def test_the_web_contracts_name_every_module():
    web = _modules(chatmrpt.web)
    resources = _modules(chatmrpt.web.api) - {"chatmrpt.web.api.common"}
    assert set(CONTRACTS["web-api-resources"]["modules"]) == resources
    leaf = CONTRACTS["web-state-leaf"]
    assert set(leaf["forbidden_modules"]) == web - set(leaf["source_modules"])
    entry = CONTRACTS["web-app-entry-only"]
    assert set(entry["source_modules"]) == web - {"chatmrpt.web.app", "chatmrpt.web.serving"}
