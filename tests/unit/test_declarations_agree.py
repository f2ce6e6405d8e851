"""Every surface says the same thing about every parameter.

Each parameter is declared once (``chatmrpt.analysis.declarations``); the command line, the
HTTP API's OpenAPI description, the chat tools and the service's checks are generated from
it. This test reads each surface as users and clients see it (the argparse parsers, the
served OpenAPI document, the chat tools' JSON schemas) and probes the service's checks with
values at and beyond each bound, and fails on any disagreement in names, defaults, bounds
or choices. ``test_a_drifted_surface_is_caught`` shows that it would.
"""

from __future__ import annotations

import argparse
import ast
import copy
import inspect
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, request

import chatmrpt
from chatmrpt.analysis.declarations import (
    BAND_MODES,
    EXPORT_FORMATS_BY_KIND,
    MAP_KINDS,
    PLOT_KINDS,
    RASTER_STATS,
    Declared,
    ExportRequest,
    ItnParams,
    MapRequest,
    Option,
    ReprioritizationParams,
    TprParams,
)
from chatmrpt.analysis.itn import plan_itn
from chatmrpt.analysis.params import AnalysisParams
from chatmrpt.chat.tools import TOOLS, tool_spec
from chatmrpt.cli import build_parser
from chatmrpt.config import load_settings
from chatmrpt.errors import InputError
from chatmrpt.service.plans import normalize_plan_params
from chatmrpt.service.tpr import normalize_tpr_params
from chatmrpt.service.urban import normalize_params as normalize_reprioritization
from chatmrpt.service.views import export, map_params
from chatmrpt.web.app import create_app
from chatmrpt.web.inputs import Query, query_int
from chatmrpt.web.openapi import ATTRIBUTE, build_spec, openapi_path, query_param

SETS: tuple[type[Declared], ...] = (
    AnalysisParams, ItnParams, ReprioritizationParams, TprParams, MapRequest, ExportRequest,
)  # fmt: skip
S = "/api/sessions/{session_id}"

# --- the surfaces, read as their users see them ------------------------------------------

CLI_COMMANDS = {
    AnalysisParams: "analyze",
    ItnParams: "itn",
    ReprioritizationParams: "reprioritize",
    TprParams: "tpr",
}
# the options a surface leaves out, on purpose (anything else left out is a failure)
NOT_ON_THE_COMMAND_LINE = {TprParams: {"join"}}  # --join names a ward table there
CHAT_TOOLS = {
    AnalysisParams: "run_analysis",
    ItnParams: "plan_itn",
    ReprioritizationParams: "reprioritize_urban",
    TprParams: "compute_tpr",
    MapRequest: "show_map",
    ExportRequest: "export_results",
}
NOT_IN_THE_CHAT = {
    # the chat runs an analysis with the zone's defaults for these
    AnalysisParams: {"urban_thresholds", "pca_orientation"},
    # asked for on the page, not in a conversation
    ItnParams: {"rank_column", "rank_order"},
    ReprioritizationParams: {"method", "rank_column", "rank_order"},
    TprParams: {"by_year", "trend_threshold", "join", "sheet"},
    # the chat hands over files of its own results only
    ExportRequest: {"kind", "variable", "threshold", "n"},
}
# choices a chat tool leaves out, on purpose: a chart needs its name, which the chat
# does not ask for
CHAT_CHOICES_LEFT_OUT = {("export_results", "what"): {"plot"}}


def cli_actions(params: type[Declared]) -> dict[str, argparse.Action]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    command = sub.choices[CLI_COMMANDS[params]]
    return {a.dest: a for a in command._actions}


def openapi_properties(spec: dict[str, Any], params: type[Declared]) -> tuple[dict, list]:
    """The request schema of ``params`` in the served OpenAPI document: properties and
    required names."""
    schemas = spec["components"]["schemas"]
    paths = spec["paths"]
    if params is AnalysisParams:
        body = schemas["AnalysisRequest"]
    elif params is ItnParams:
        body = schemas["PlanRequest"]
    elif params is ReprioritizationParams:
        body = schemas["ReprioritizationRequest"]
    elif params is TprParams:
        content = paths[S + "/tpr"]["post"]["requestBody"]["content"]
        body = content["multipart/form-data"]["schema"]
    elif params is ExportRequest:
        body = paths[S + "/exports"]["post"]["requestBody"]["content"]["application/json"]
        body = body["schema"]
    else:  # a map: path and query parameters
        op = paths[S + "/analyses/{analysis_id}/maps/{kind}"]["get"]
        return {p["name"]: p["schema"] for p in op["parameters"]}, []
    return body["properties"], body.get("required", [])


def _plain(schema: dict[str, Any]) -> dict[str, Any]:
    """The variant of a ``oneOf`` that carries the bounds (number, integer or list)."""
    for variant in schema.get("oneOf", [schema]):
        if variant.get("type") in ("number", "integer", "array", "object") or "enum" in variant:
            return variant
    return schema


# --- what each surface must say --------------------------------------------------------------


def cli_disagreements(o: Option, action: argparse.Action | None) -> list[str]:
    if action is None:
        return [f"--{o.name}: no command-line option"]
    out = []
    if o.cli_flag not in action.option_strings:
        out.append(f"{o.name}: flag {action.option_strings} instead of {o.cli_flag}")
    if action.required != o.required:
        out.append(f"{o.name}: required is {action.required}")
    if o.kind == "choice" and tuple(action.choices or ()) != o.choices:
        out.append(f"{o.name}: choices {action.choices} instead of {o.choices}")
    expected_default = False if o.kind == "flag" else None if o.kind == "mapping" else o.default
    if not o.required and action.default != expected_default:
        out.append(f"{o.name}: default {action.default!r} instead of {expected_default!r}")
    return out


# the HTTP API asks for what to download; the chat and the service default to the dataset
API_REQUIRES = {"what"}


def openapi_disagreements(o: Option, schema: dict[str, Any] | None, required: list) -> list[str]:
    if schema is None:
        return [f"{o.name}: not in the OpenAPI description"]
    out = []
    if (o.required or o.name in API_REQUIRES) != (o.name in required):
        out.append(f"{o.name}: required is {o.name in required} in OpenAPI")
    plain = _plain(schema)
    bounded = plain.get("items", plain) if plain.get("type") == "array" else plain
    if o.choices:
        values = bounded.get("enum") or plain.get("additionalProperties", {}).get("enum")
        if o.kind == "choice_or_number":
            values = schema["oneOf"][0]["enum"]
        if tuple(values or ()) != o.choices:
            out.append(f"{o.name}: OpenAPI choices {values} instead of {o.choices}")
    if o.kind in ("count", "integer", "number", "numbers", "choice_or_number"):
        if o.kind == "choice_or_number":
            bounded = schema["oneOf"][1]
        if bounded.get("minimum") != o.minimum or bounded.get("maximum") != o.maximum:
            out.append(f"{o.name}: OpenAPI bounds {bounded.get('minimum')}..{bounded.get('maximum')}")
        # OpenAPI 3.0: exclusiveMinimum is a flag beside minimum
        if bool(bounded.get("exclusiveMinimum", False)) is not o.above_minimum:
            out.append(f"{o.name}: OpenAPI exclusiveMinimum {bounded.get('exclusiveMinimum')}")
    if o.max_items is not None and plain.get("maxItems") != o.max_items:
        out.append(f"{o.name}: OpenAPI maxItems {plain.get('maxItems')}")
    if o.max_length is not None and plain.get("maxLength") != o.max_length:
        out.append(f"{o.name}: OpenAPI maxLength {plain.get('maxLength')}")
    return out


def chat_disagreements(o: Option, tool: str, schema: dict[str, Any] | None) -> list[str]:
    if schema is None:
        return [f"{o.name}: not a parameter of the chat tool {tool}"]
    out = []
    spec = tool_spec(tool)
    if o.required != (o.chat in spec.required):
        out.append(f"{o.name}: required is {o.chat in spec.required} in {tool}")
    bounded = schema.get("items", schema) if schema.get("type") == "array" else schema
    if o.kind == "choice_or_number":
        if [s.get("type") for s in schema["anyOf"]] != ["string", "number"]:
            out.append(f"{o.name}: chat schema {schema['anyOf']} is not a word or a number")
        bounded = schema["anyOf"][1]
    if o.choices:
        values = bounded.get("enum") or schema.get("additionalProperties", {}).get("enum")
        if o.kind == "choice_or_number":
            values = schema["anyOf"][0]["enum"]
        left_out = CHAT_CHOICES_LEFT_OUT.get((tool, o.chat), set())
        expected = tuple(c for c in o.choices if c not in left_out)
        if tuple(values or ()) != expected:
            out.append(f"{o.name}: chat choices {values} instead of {expected}")
    if o.kind in ("count", "integer", "number", "numbers", "choice_or_number"):
        low = bounded.get("exclusiveMinimum") if o.above_minimum else bounded.get("minimum")
        if low != o.minimum or bounded.get("maximum") != o.maximum:
            out.append(f"{o.name}: chat bounds {low}..{bounded.get('maximum')}")
        # JSON Schema 2020-12: exclusiveMinimum is the bound itself; never both spellings
        other = "minimum" if o.above_minimum else "exclusiveMinimum"
        if other in bounded:
            out.append(f"{o.name}: chat schema has {other} too")
    default = schema.get("default")
    expected_default = o.default
    if isinstance(expected_default, tuple):
        expected_default = [list(v) if isinstance(v, tuple) else v for v in expected_default]
        expected_default = dict(o.default) if o.kind == "mapping" else expected_default
    if not o.required and (default or None) != (expected_default or None):
        out.append(f"{o.name}: chat default {default!r} instead of {expected_default!r}")
    if o.max_items is not None and schema.get("maxItems") != o.max_items:
        out.append(f"{o.name}: chat maxItems {schema.get('maxItems')}")
    return out


# --- the service's checks, probed at the bounds ----------------------------------------------

BASE = {ItnParams: {"total_nets": 1000, "household_size": 5}, ExportRequest: {"what": "unified"}}


def _export(**given: Any) -> None:
    # no runtime: a request that passes the checks fails later, on the missing runtime
    export(None, "0" * 32, given.pop("what", "unified"), given.pop("format", None),
           map_kind=given.pop("kind", None), **given)  # fmt: skip


def _map(**given: Any) -> None:
    kind = given.pop("kind", "urban")
    map_params(kind, given.get("variable", "rainfall"), given.get("threshold"))


def _plan(**given: Any) -> None:
    import pandas as pd

    wards = pd.DataFrame({"WardName": ["A", "B"], "composite_rank": [1, 2],
                          "Population": [1000, 2000], "urban_percent": [10, 90]})  # fmt: skip
    plan_itn(wards, **normalize_plan_params(given))


SERVICE: dict[type[Declared], Callable[..., Any]] = {
    AnalysisParams: lambda **g: AnalysisParams.from_dict(g),
    ItnParams: _plan,
    ReprioritizationParams: lambda **g: normalize_reprioritization(**g),
    TprParams: lambda **g: normalize_tpr_params(g),
    MapRequest: _map,
    ExportRequest: _export,
}


# Declared choices the analysis core refuses, with a clear message, until it has them
# (issue 13); when it has them, this set empties.
NOT_YET_AVAILABLE: set[tuple[str, str, Any]] = set()
PENDING: set[tuple[str, str, Any]] = set()


def accepts(params: type[Declared], name: str, value: Any) -> bool:
    given = dict(BASE.get(params, {}))
    given[name] = value
    if params is ItnParams and (name == "max_ward_share" or value == "capped"):
        given["strategy"], given["max_ward_share"] = "capped", given.get("max_ward_share", 10)
    if params is ItnParams and name == "bale_size":
        given["total_nets"] = 10_000_000_000
    if params is ExportRequest and name == "format" and value in EXPORT_FORMATS_BY_KIND["map"]:
        given["what"] = "map"
    if params is AnalysisParams and name == "tie_break":
        given["aggregation"] = "median-rank"
    if params in (ItnParams, ReprioritizationParams) and name == "rank_order":
        given["rank_column"] = "composite_rank"
    try:
        SERVICE[params](**given)
    except InputError as exc:
        if exc.code == "invalid_parameter":
            if exc.details.get("available") is False:
                NOT_YET_AVAILABLE.add((params.__name__, name, value))
                return True
            return False
    except Exception:  # noqa: BLE001 - past the checks (no runtime, no such column...)
        pass
    return True


def probes(o: Option) -> list[tuple[Any, bool]]:
    """Values with whether the declaration allows them: each choice and a word that is
    none; each bound, and just beyond it."""
    out: list[tuple[Any, bool]] = []
    if o.kind == "choice":
        out += [(c, True) for c in o.choices] + [("no-such-choice", False)]
    if o.kind in ("count", "integer", "number"):
        lo, hi = o.minimum, o.maximum
        step = 1 if o.kind in ("count", "integer") else 1e-6 * max(1.0, abs(hi))
        out += [(lo, not o.above_minimum), (lo - step, False), (hi, True), (hi + step, False)]
        if o.kind == "count":
            out[-1] = (int(hi) + 1, False)
    if o.kind == "numbers":
        out += [([o.minimum, o.maximum], True), ([o.maximum + 0.5], False)]
        out += [([o.minimum - 0.5], False)]
        if o.max_items:
            out += [(list(range(o.max_items + 1)), False)]
    return out


# --- the tests -------------------------------------------------------------------------------


def _all_options() -> list[tuple[type[Declared], Option]]:
    return [(params, o) for params in SETS for o in params.OPTIONS]


IDS = [f"{p.__name__}.{o.name}" for p, o in _all_options()]


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Flask:
    return create_app(load_settings({"CHATMRPT_HOME": str(tmp_path_factory.mktemp("home"))}))


@pytest.fixture(scope="module")
def spec(app) -> dict[str, Any]:
    return build_spec(app)


CLI_OPTIONS = [(p, o) for p, o in _all_options() if p in CLI_COMMANDS]


@pytest.mark.parametrize(
    ("params", "o"), CLI_OPTIONS, ids=[f"{p.__name__}.{o.name}" for p, o in CLI_OPTIONS]
)
def test_command_line_agrees(params, o):
    action = cli_actions(params).get(o.name)
    if o.name in NOT_ON_THE_COMMAND_LINE.get(params, ()):
        assert action is None or action.type is not None  # takes a file, not yes/no
        return
    assert cli_disagreements(o, action) == []


@pytest.mark.parametrize(("params", "o"), _all_options(), ids=IDS)
def test_openapi_agrees(spec, params, o):
    properties, required = openapi_properties(spec, params)
    assert openapi_disagreements(o, properties.get(o.name), required) == []


@pytest.mark.parametrize(("params", "o"), _all_options(), ids=IDS)
def test_chat_tools_agree(params, o):
    if o.name in NOT_IN_THE_CHAT.get(params, ()):
        assert o.chat not in tool_spec(CHAT_TOOLS[params]).param_names
        return
    tool = CHAT_TOOLS[params]
    schema = tool_spec(tool).parameters_schema()["properties"].get(o.chat)
    assert chat_disagreements(o, tool, schema) == []


@pytest.mark.parametrize(("params", "o"), _all_options(), ids=IDS)
def test_service_checks_agree(params, o):
    wrong = [
        (value, allowed)
        for value, allowed in probes(o)
        if accepts(params, o.name, value) != allowed
    ]
    assert wrong == [], f"the service disagrees with the declaration on {wrong}"
    if not o.required and o.default is not None:
        assert accepts(params, o.name, o.default)


def test_choices_not_yet_available_are_refused_in_words():
    for params, name, value in sorted(PENDING):
        declared = {p.__name__: p for p in SETS}[params]
        NOT_YET_AVAILABLE.discard((params, name, value))
        assert accepts(declared, name, value)
    assert NOT_YET_AVAILABLE >= PENDING, "update PENDING: the core has these now"


def test_every_map_kind_can_be_drawn():
    from chatmrpt.viz import layers

    assert set(layers._BUILDERS) == set(MAP_KINDS)


def test_what_if_plan_changes_the_same_parameters():
    plan, what_if = tool_spec("plan_itn"), tool_spec("what_if_plan")
    assert plan.param_names == what_if.param_names
    for p, q in zip(plan.params, what_if.params, strict=True):
        assert (p.enum, p.minimum, p.maximum, p.exclusive_minimum) == (
            q.enum, q.minimum, q.maximum, q.exclusive_minimum,
        )  # fmt: skip


def test_the_chat_router_takes_household_sizes_the_planner_accepts():
    from chatmrpt.chat import extract as ex
    from chatmrpt.chat.router import PLAN_ACCEPTS

    size = ItnParams.option("household_size")
    assert 0 < size.usual_maximum <= size.maximum
    usual = ex.extract_numbers(f"{size.usual_maximum:g}")[0]
    assert PLAN_ACCEPTS["household_size"](usual)
    beyond = ex.extract_numbers(f"{size.usual_maximum + 1:g}")[0]
    assert not PLAN_ACCEPTS["household_size"](beyond)


def test_every_tool_parameter_that_a_service_takes_is_declared():
    declared = {(CHAT_TOOLS[p], o.chat) for p, o in _all_options() if p in CHAT_TOOLS}
    declared |= {("what_if_plan", n) for t, n in declared if t == "plan_itn"}
    for tool in TOOLS:
        if tool.name in set(CHAT_TOOLS.values()) | {"what_if_plan"}:
            for name in tool.param_names:
                assert (tool.name, name) in declared, (tool.name, name)


def test_a_drifted_surface_is_caught(spec):
    """Each comparison above fails when a surface says something else."""
    size = ItnParams.option("household_size")
    chat = tool_spec("plan_itn").parameters_schema()["properties"]["household_size"]
    assert chat_disagreements(size, "plan_itn", chat) == []
    assert chat_disagreements(size, "plan_itn", {**chat, "maximum": 30})
    assert chat_disagreements(size, "plan_itn", {**chat, "exclusiveMinimum": True})

    properties, required = openapi_properties(spec, ItnParams)
    drifted = copy.deepcopy(properties["strategy"])
    drifted["enum"].remove("capped")
    assert openapi_disagreements(ItnParams.option("strategy"), drifted, required)
    drifted = copy.deepcopy(properties["household_size"])
    drifted["exclusiveMinimum"] = 0  # the other dialect
    assert openapi_disagreements(size, drifted, required)

    action = cli_actions(ItnParams)["urban_threshold"]
    changed = copy.copy(action)
    changed.default = "70"
    assert cli_disagreements(ItnParams.option("urban_threshold"), changed)

    kinds = MapRequest.option("kind")
    assert chat_disagreements(
        kinds, "show_map", {"type": "string", "enum": [k for k in kinds.choices if k != "consensus"]}
    )
    # a service that took a household size above 100 would disagree with the probes
    beyond = [v for v, allowed in probes(size) if v > size.maximum and not allowed]
    assert beyond and all(not accepts(ItnParams, "household_size", v) for v in beyond)


# --- nothing else declares a choice list ---------------------------------------------------

DECLARED_CHOICES = {frozenset(o.choices) for _, o in _all_options() if len(o.choices) >= 2} | {
    frozenset(formats) for formats in EXPORT_FORMATS_BY_KIND.values() if len(formats) >= 2
} | {frozenset(PLOT_KINDS), frozenset(MAP_KINDS), frozenset(RASTER_STATS), frozenset(BAND_MODES)}
ROOT = Path(chatmrpt.__file__).parent


def _string_collections(tree: ast.Module) -> list[tuple[int, frozenset[str]]]:
    """Collections of two or more words where a choice list is declared or used as one: a
    module-level constant, a membership test (``x in (...)``) or a ``choices=``/``enum=``
    argument. (A request value such as ``["composite", "pca"]`` is not a declaration.)"""
    candidates: list[ast.AST] = []
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            candidates.append(node.value)
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and any(
            isinstance(op, ast.In | ast.NotIn) for op in node.ops
        ):
            candidates.extend(node.comparators)
        if isinstance(node, ast.keyword) and node.arg in ("choices", "enum"):
            candidates.append(node.value)
    found = []
    for candidate in candidates:
        for node in ast.walk(candidate):
            if (
                isinstance(node, ast.Tuple | ast.List | ast.Set)
                and len(node.elts) >= 2
                and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts)
            ):
                found.append((node.lineno, frozenset(e.value for e in node.elts)))
    return found


def test_no_choice_list_is_written_twice():
    copies = []
    for path in sorted(ROOT.rglob("*.py")):
        if path.name == "declarations.py":
            continue
        for line, values in _string_collections(ast.parse(path.read_text(encoding="utf-8"))):
            if values in DECLARED_CHOICES:
                copies.append(f"{path.relative_to(ROOT)}:{line} {sorted(values)}")
    assert copies == [], "choice lists written outside chatmrpt/analysis/declarations.py"


def test_output_file_names_are_written_once():
    from chatmrpt.analysis import filenames

    names = {v for k, v in vars(filenames).items() if k.isupper() and "." in v}
    copies = []
    for path in sorted(ROOT.rglob("*.py")):
        if path.name == "filenames.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in names:
                copies.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value}")
    assert len(names) >= 14 and copies == []


def test_the_page_offers_only_declared_choices():
    """The page's drop-down lists offer no value the service would refuse, and every map."""
    from html.parser import HTMLParser

    declared = {o.name: set(o.choices) for _, o in _all_options() if o.kind == "choice"}

    class Selects(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.found: list[tuple[str, set[str]]] = []

        def handle_starttag(self, tag: str, attrs: list) -> None:
            a = dict(attrs)
            if tag == "select":
                self.found.append((a.get("name") or "", set()))
            elif tag == "option" and self.found and a.get("value"):
                self.found[-1][1].add(a["value"])

    import jinja2

    templates = jinja2.Environment(
        loader=jinja2.FileSystemLoader(ROOT / "web" / "templates"), autoescape=True
    )
    page = Selects()
    page.feed(templates.get_template("index.html").render(asset=str, modules=["app.js"]))
    checked = [(n, v) for n, v in page.found if n in ("age", "test", "facility_level", "strategy")]
    assert {n for n, _ in checked} == {"age", "test", "facility_level", "strategy"}
    for name, values in checked:
        assert values <= declared[name], (name, sorted(values - declared[name]))
    maps = [v for n, v in page.found if n == "kind" and "composite" in v]
    assert maps == [set(MAP_KINDS)]


# --- the routes' own parameters -----------------------------------------------------------
# Each route's query parameters are read by the view and documented from route metadata
# (chatmrpt.web.openapi.documented); these tests read the views' code and probe the readers.

READERS = ("query_int", "query_choice", "_query_text")


def query_names_read(view: Callable, seen: frozenset = frozenset()) -> set[str]:
    """The query parameters a view reads: ``request.args.get("x")``, the readers of
    ``chatmrpt.web.inputs``, ``Query.read()``, and the same in helpers of its module."""
    fn = inspect.unwrap(view)
    module = sys.modules[fn.__module__]
    names: set[str] = set()
    for node in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(fn)))):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        first = node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) else None
        if isinstance(f, ast.Attribute) and f.attr == "get" and ast.unparse(f.value) == "request.args" or isinstance(f, ast.Name) and f.id in READERS:
            names.add(first)
        elif isinstance(f, ast.Attribute) and f.attr == "read" and isinstance(f.value, ast.Name):
            q = getattr(module, f.value.id, None)
            if isinstance(q, Query):
                names.add(q.name)
        elif isinstance(f, ast.Name):
            helper = getattr(module, f.id, None)
            same_module = inspect.isfunction(helper) and helper.__module__ == module.__name__
            if same_module and helper not in seen:
                names |= query_names_read(helper, seen | {helper})
    return names


def api_routes(app: Flask) -> list[tuple[str, str, Callable]]:
    return [
        (rule.rule, method.lower(), app.view_functions[rule.endpoint])
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]


def test_every_query_parameter_a_view_reads_is_documented(app, spec):
    routes = api_routes(app)
    assert len(routes) >= 35
    for rule, method, view in routes:
        op = spec["paths"][openapi_path(rule)][method]
        documented = {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}
        assert query_names_read(view) == documented, rule


def test_every_route_declares_itself(app):
    """Each route of the API carries its description (summary, responses) beside it."""
    undeclared = [rule for rule, _, view in api_routes(app) if not hasattr(view, ATTRIBUTE)]
    assert undeclared == []


def test_a_view_reading_an_undocumented_parameter_is_caught():
    def drifted():
        return request.args.get("secret"), query_int("page", 1, 1, 9)

    assert query_names_read(drifted) == {"secret", "page"}


def _route_queries(app: Flask) -> list[tuple[str, Query]]:
    return [
        (rule, q)
        for rule, _, view in api_routes(app)
        for q in getattr(view, ATTRIBUTE, {}).get("query", ())
        if isinstance(q, Query)
    ]


def _accepts(app: Flask, q: Query, value: str) -> bool:
    with app.test_request_context(query_string={q.name: value}):
        try:
            q.read()
        except InputError:
            return False
        return True


def test_route_query_parameters_take_what_openapi_says(app):
    """Every Query of every route: the documented bounds and choices are what the view's
    reader accepts, at and beyond each bound."""
    checked = _route_queries(app)
    assert {q.name for _, q in checked} >= {"sort", "limit", "offset", "n", "plan_id"}
    for rule, q in checked:
        schema = query_param(q)["schema"]
        if "enum" in schema:
            for choice in schema["enum"]:
                assert _accepts(app, q, choice), (rule, q.name, choice)
            assert not _accepts(app, q, "not-a-choice"), (rule, q.name)
        elif schema["type"] == "integer":
            low, high = schema["minimum"], schema["maximum"]
            assert _accepts(app, q, str(low)) and _accepts(app, q, str(high)), (rule, q.name)
            assert not _accepts(app, q, str(low - 1)), (rule, q.name)
            assert not _accepts(app, q, str(high + 1)), (rule, q.name)
            assert not _accepts(app, q, "1.5"), (rule, q.name)
        else:
            longest = schema["maxLength"]
            assert _accepts(app, q, "a" * longest), (rule, q.name)
            assert not _accepts(app, q, "a" * (longest + 1)), (rule, q.name)


def test_a_drifted_query_description_is_caught(app):
    q = Query("limit", "How many.", minimum=1, maximum=10)
    drifted = {**query_param(q)["schema"], "maximum": 20}
    assert not _accepts(app, q, str(drifted["maximum"]))
