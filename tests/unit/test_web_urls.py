"""URLs are built in one place (``chatmrpt.web.urls``) and each one names a served route."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import chatmrpt
from chatmrpt.config import load_settings
from chatmrpt.web import urls
from chatmrpt.web.app import create_app

# kind -> the view that answers GET on its URL, and the name of the id in that route
SERVED_BY = {
    "session": ("sessions.get_session", None),
    "dataset": ("datasets.get_dataset", "dataset_id"),
    "prepared": ("prepared.get_prepare", "prepare_id"),
    "covariates": ("covariates.get_covariates", "covariates_id"),
    "analysis": ("analyses.get_analysis", "analysis_id"),
    "plan": ("plans.get_plan", "plan_id"),
    "reprioritization": ("reprioritizations.get_reprioritization", "reprioritization_id"),
    "tpr": ("tpr.get_tpr", "tpr_id"),
    "upload": ("datasets.get_upload", "job_id"),
    "artifact": ("artifacts.download_artifact", "artifact_id"),
    "shapes": ("views.analysis_shapes", "analysis_id"),
    "lga_shapes": ("views.analysis_lga_shapes", "analysis_id"),
}


@pytest.fixture(scope="module")
def adapter(tmp_path_factory):
    app = create_app(load_settings({"CHATMRPT_HOME": str(tmp_path_factory.mktemp("home"))}))
    return app.url_map.bind("localhost")


def test_every_kind_is_checked():
    assert set(SERVED_BY) == set(urls.PATHS)


@pytest.mark.parametrize("kind", sorted(SERVED_BY))
def test_each_url_is_a_route(adapter, kind):
    endpoint, id_name = SERVED_BY[kind]
    got, args = adapter.match(urls.link(kind, "s-1", "r-2"), method="GET")
    assert got == endpoint
    assert args.pop("session_id") == "s-1"
    assert args == ({id_name: "r-2"} if id_name else {})


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="no URL for 'plot'"):
        urls.link("plot", "s-1", "r-2")


def test_chat_artifacts_get_their_urls():
    refs = [{"id": "a1", "kind": "map"}, {"name": "no id"}]
    assert urls.with_urls("s-1", refs) == [
        {"id": "a1", "kind": "map", "url": "/api/sessions/s-1/artifacts/a1"},
        {"name": "no id"},
    ]


def _api_paths_in(folder: Path) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text())
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and "/api/" in node.value
                and id(node) not in docstrings
            ):
                found.append(f"{path.name}:{node.lineno}")
    return found


@pytest.mark.parametrize("layer", ["service", "chat", "jobs", "analysis", "viz"])
def test_no_url_is_built_below_the_web(layer):
    assert _api_paths_in(Path(chatmrpt.__file__).parent / layer) == []


def test_the_check_finds_a_url(tmp_path):
    (tmp_path / "m.py").write_text('def f(s):\n    return f"/api/sessions/{s}"\n')
    assert _api_paths_in(tmp_path) == ["m.py:2"]
