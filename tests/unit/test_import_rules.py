"""The import rules of docs/ARCHITECTURE.md ("Imports"), checked on the source.

- the import-linter contracts in pyproject.toml ([tool.importlinter]): each layer imports
  only from itself and the layers below, and no two sub-packages import each other;
- project imports sit at the top of modules (listed exceptions only);
- no string registries (module names in strings, pkgutil discovery, module ``__getattr__``);
- the start-up promises: the command line's parser loads no pandas, the runtime nothing of
  the jobs, the analysis neither SciPy's statistics nor scikit-learn.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "chatmrpt"
LINT = Path(sys.executable).with_name("lint-imports")

# layers whose modules import project modules at the top only
TOP_IMPORTS_ONLY = ("service", "jobs", "viz", "analysis", "config.py", "runtime.py")
# (module, imported module): pairs that import each other
INNER_IMPORTS_ALLOWED = {
    ("chatmrpt.analysis.population", "chatmrpt.analysis.ingest"),
    ("chatmrpt.viz.layers", "chatmrpt.viz.geojson"),
}


def _lint(cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT), "--config", str(cwd / "pyproject.toml"), "--no-cache"],
        cwd=cwd, capture_output=True, text=True, timeout=300,
        env={"PYTHONPATH": str(pythonpath), "PATH": "/usr/bin:/bin"},
    )


def test_contracts_hold():
    run = _lint(ROOT, ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "BROKEN" not in run.stdout
    assert "Layers: a module imports only from its own layer" in run.stdout
    assert "No import cycles between the sub-packages" in run.stdout


@pytest.mark.parametrize(
    "module,line,complaint",
    [
        ("analysis/composite.py", "import chatmrpt.service.sessions",
         "chatmrpt.analysis is not allowed to import chatmrpt.service"),
        ("runtime.py", "import chatmrpt.jobs.queue",
         "chatmrpt.runtime is not allowed to import chatmrpt.jobs"),
        ("store/model.py", "import chatmrpt.artifacts.local",
         "chatmrpt.store is not allowed to import chatmrpt.artifacts"),
    ],
)
def test_an_upward_or_sideways_import_breaks_the_contracts(tmp_path, module, line, complaint):
    shutil.copytree(PACKAGE, tmp_path / "chatmrpt",
                    ignore=shutil.ignore_patterns("static", "templates", "__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "chatmrpt" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # noqa\n",
                      encoding="utf-8")
    run = _lint(tmp_path, tmp_path)
    assert run.returncode != 0
    assert complaint in run.stdout, run.stdout


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _inner_project_imports(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            if in_function and isinstance(child, ast.ImportFrom) and (
                child.module or ""
            ).startswith("chatmrpt"):
                found.append((child.module, child.lineno))
            elif in_function and isinstance(child, ast.Import):
                found.extend((a.name, child.lineno) for a in child.names
                             if a.name.startswith("chatmrpt"))
            visit(child, inner)

    visit(tree, False)
    return found


def test_project_imports_at_the_top_of_modules():
    offending = []
    for part in TOP_IMPORTS_ONLY:
        paths = [PACKAGE / part] if part.endswith(".py") else sorted((PACKAGE / part).rglob("*.py"))
        for path in paths:
            module = _module_name(path)
            for imported, line in _inner_project_imports(path):
                if (module, imported) not in INNER_IMPORTS_ALLOWED:
                    offending.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    assert offending == [], "project imports inside functions:\n" + "\n".join(offending)


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("def f():\n    from chatmrpt.errors import InputError\n    return InputError\n")
    assert _inner_project_imports(path) == [("chatmrpt.errors", 2)]


def test_no_string_registries_outside_web():
    """Modules that are always there are imported by name in code, not found by strings.

    The one place that imports by a name given at run time is ``load_kinds``: job kinds a
    deployment adds with ``chatmrpt worker --kinds MODULE``.
    """
    offending = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.startswith("web/"):
            continue  # the web package's own rules are checked with it
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import) and any(a.name == "pkgutil" for a in node.names):
                offending.append(f"{rel}:{node.lineno} pkgutil")
            if isinstance(node, ast.Attribute) and node.attr in ("find_spec", "iter_modules"):
                offending.append(f"{rel}:{node.lineno} {node.attr}")
            if (isinstance(node, ast.Attribute) and node.attr == "import_module"
                    and rel != "jobs/kinds.py"):
                offending.append(f"{rel}:{node.lineno} import_module")
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name == "__getattr__":
                offending.append(f"{rel}:{node.lineno} module __getattr__")
    assert offending == []


def _loaded_after(code: str) -> set[str]:
    run = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"],
        capture_output=True, text=True, check=True, cwd=ROOT, timeout=120,
    )
    return set(run.stdout.split())


def test_the_command_line_parser_loads_no_data_libraries():
    loaded = _loaded_after("from chatmrpt.cli import build_parser\nbuild_parser()")
    assert "chatmrpt.cli.analyze" in loaded and "chatmrpt.cli.tpr" in loaded
    heavy = {"pandas", "numpy", "geopandas", "scipy", "sklearn", "tqdm", "flask", "redis",
             "chatmrpt.analysis.itn", "chatmrpt.analysis.tpr", "chatmrpt.analysis.join"}
    assert heavy & loaded == set()


def test_the_runtime_imports_nothing_of_the_jobs():
    loaded = _loaded_after("import chatmrpt.runtime")
    assert "chatmrpt.runtime" in loaded
    assert {m for m in loaded if m.startswith("chatmrpt.jobs")} == set()


def test_the_analysis_loads_neither_scipy_statistics_nor_scikit_learn():
    loaded = _loaded_after(
        "import chatmrpt.analysis.pipeline, chatmrpt.analysis.ingest, chatmrpt.analysis.outputs"
    )
    assert "chatmrpt.analysis.pca" in loaded and "chatmrpt.analysis.compare" in loaded
    assert {m for m in loaded if m.startswith(("scipy", "sklearn"))} == set()
