"""The tool registry: every capability of the chat, declared once.

A *tool* is something the chat can do for an analyst: describe the data, run the analysis,
plan nets, explain a ward... Each one is declared here with its name, a one-line
description, its parameters as a JSON schema (the form OpenAI-compatible servers expect for
function calling) and what it needs before it can run (a dataset, a finished analysis, a
previous plan, a facility export). The offline intent router and a language model both
choose among these same declarations, so the two can never disagree on what exists.

Declarations are pure, frozen data. The code that *runs* a tool lives in the service layer
and is attached to a per-application :class:`ToolRegistry` with :meth:`ToolRegistry.bind`;
nothing here keeps state between requests.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

from chatmrpt.analysis.declarations import EXPORT_FORMATS_BY_KIND as DECLARED_FORMATS_BY_KIND
from chatmrpt.analysis.declarations import (
    PLOT_KINDS,
    Declared,
    ExportRequest,
    ItnParams,
    MapRequest,
    Option,
    ReprioritizationParams,
    TprParams,
)
from chatmrpt.analysis.params import AnalysisParams
from chatmrpt.errors import InputError

# What a tool may need before it can run. The service layer checks these against the
# session; the router reports the unmet ones so the reply can say what to do first.
NEEDS_DATASET = "dataset"
NEEDS_ANALYSIS = "analysis"
NEEDS_PLAN = "plan"
NEEDS_FACILITY_DATA = "facility_data"
REQUIREMENTS = (NEEDS_DATASET, NEEDS_ANALYSIS, NEEDS_PLAN, NEEDS_FACILITY_DATA)

# The choices of the parameters come from their declarations (one per parameter, in
# chatmrpt.analysis.declarations); the names here are kept for the modules that use them.
METHODS = AnalysisParams.option("methods").choices
NORMALIZATIONS = AnalysisParams.option("normalization").choices
DIRECTIONS = AnalysisParams.option("directions").choices
STRATEGIES = ItnParams.option("strategy").choices
MAP_KINDS = MapRequest.option("kind").choices
TPR_AGES = TprParams.option("age").choices
TPR_TESTS = TprParams.option("test").choices
FACILITY_LEVELS = TprParams.option("facility_level").choices
EXPORT_FORMATS = ExportRequest.option("format").choices
# a chart ("plot") needs the chart's name, which the chat does not ask for: the chat hands
# over the other results
EXPORT_KINDS = tuple(k for k in ExportRequest.option("what").choices if k != "plot")
EXPORT_FORMATS_BY_KIND: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {k: DECLARED_FORMATS_BY_KIND[k] for k in EXPORT_KINDS}
)
# chat-only vocabulary (no other surface has these parameters)
ORDERS = ("top", "bottom")
METHODOLOGY_TOPICS = (
    "composite", "pca", "normalization", "imputation", "urban", "itn", "tpr", "categories",
    "general",
)  # fmt: skip

_JSON_TYPES = ("string", "integer", "number", "boolean", "array", "object")


@dataclass(frozen=True)
class Param:
    """One parameter of a tool, from which its JSON schema is generated.

    ``item_type``/``item_enum`` describe array items; ``value_enum`` the values of an object
    that maps names to choices (variable -> direction); ``words`` the words a number may be
    given as instead (a population filled with the "mean", the "median" or a number).
    """

    name: str
    type: str
    description: str
    required: bool = False
    enum: tuple[Any, ...] = ()
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    item_type: str | None = None
    item_enum: tuple[Any, ...] = ()
    item_minimum: float | None = None
    item_maximum: float | None = None
    min_items: int | None = None
    value_enum: tuple[Any, ...] = ()
    max_items: int | None = None
    max_length: int | None = None
    words: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.type not in _JSON_TYPES:
            raise ValueError(f"parameter {self.name}: unknown JSON type {self.type!r}")
        if self.type == "array" and self.item_type not in _JSON_TYPES:
            raise ValueError(f"parameter {self.name}: arrays need an item type")

    @classmethod
    def declared(
        cls, params: type[Declared], name: str, *, note: str = "", **changes: Any
    ) -> Param:
        """The chat form of a declared parameter (``chatmrpt.analysis.declarations``):
        same name (or its ``chat_name``), bounds, default and choices. ``note`` adds a line
        for the model; ``changes`` may only narrow it (``enum`` to a subset, ``required``
        or ``default`` off for a tool that changes an earlier request)."""
        o = params.option(name)
        return replace(from_option(o, note), **changes)

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": self.type, "description": self.description}
        if self.enum:
            schema["enum"] = list(self.enum)
        if self.default is not None:
            schema["default"] = copy.deepcopy(self.default)
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        if self.exclusive_minimum is not None:
            schema["exclusiveMinimum"] = self.exclusive_minimum
        if self.max_length is not None:
            schema["maxLength"] = self.max_length
        if self.type == "array":
            items: dict[str, Any] = {"type": self.item_type}
            if self.item_enum:
                items["enum"] = list(self.item_enum)
            if self.item_minimum is not None:
                items["minimum"] = self.item_minimum
            if self.item_maximum is not None:
                items["maximum"] = self.item_maximum
            schema["items"] = items
            if self.min_items is not None:
                schema["minItems"] = self.min_items
            if self.max_items is not None:
                schema["maxItems"] = self.max_items
        if self.type == "object":
            values: dict[str, Any] = {"type": "string"}
            if self.value_enum:
                values["enum"] = list(self.value_enum)
            schema["additionalProperties"] = values
        if self.words:
            number = {k: v for k, v in schema.items() if k not in ("description", "default")}
            schema = {"description": schema["description"],
                      **({"default": schema["default"]} if "default" in schema else {}),
                      "anyOf": [{"type": "string", "enum": list(self.words)}, number]}
        return schema

    def problems(self, value: Any) -> list[str]:
        """What is wrong with ``value`` for this parameter (empty when it is valid)."""
        if self.type == "array":
            if not isinstance(value, list | tuple):
                return [f"'{self.name}' must be a list"]
            out = []
            if self.min_items is not None and len(value) < self.min_items:
                out.append(f"'{self.name}' needs at least {self.min_items} item(s)")
            if self.max_items is not None and len(value) > self.max_items:
                out.append(f"'{self.name}' takes at most {self.max_items} item(s)")
            item = Param(
                self.name, self.item_type or "string", "", enum=self.item_enum,
                minimum=self.item_minimum, maximum=self.item_maximum,
            )  # fmt: skip
            for v in value:
                out.extend(item.problems(v))
            return out
        if self.type == "object":
            if not isinstance(value, Mapping):
                return [f"'{self.name}' must be an object"]
            out = []
            for key, v in value.items():
                if not isinstance(key, str) or not isinstance(v, str):
                    out.append(f"'{self.name}' must map names to text")
                elif self.value_enum and v not in self.value_enum:
                    allowed = ", ".join(map(str, self.value_enum))
                    out.append(f"'{self.name}' for {key!r} must be one of {allowed}")
            return out
        if self.words and isinstance(value, str):
            return [] if value in self.words else [
                f"'{self.name}' must be a number or one of {', '.join(self.words)}"]
        if not _has_type(value, self.type):
            return [f"'{self.name}' must be of type {self.type}, not {value!r}"]
        if self.enum and value not in self.enum:
            return [f"'{self.name}' must be one of {', '.join(map(str, self.enum))}"]
        if self.max_length is not None and len(value) > self.max_length:
            return [f"'{self.name}' must be at most {self.max_length} characters long"]
        out = []
        if self.minimum is not None and value < self.minimum:
            out.append(f"'{self.name}' must be at least {self.minimum:g}")
        if self.maximum is not None and value > self.maximum:
            out.append(f"'{self.name}' must be at most {self.maximum:g}")
        if self.exclusive_minimum is not None and value <= self.exclusive_minimum:
            out.append(f"'{self.name}' must be more than {self.exclusive_minimum:g}")
        return out


# how each kind of declared option is spelled in JSON Schema (draft 2020-12: a number
# ``exclusiveMinimum``; OpenAPI 3.0 spells it as a flag beside ``minimum``)
_JSON_TYPE_OF_KIND = {
    "count": "integer", "integer": "integer", "number": "number", "choice": "string",
    "text": "string", "flag": "boolean", "numbers": "array", "choices": "array",
    "texts": "array", "mapping": "object", "choice_or_number": "number",
}  # fmt: skip


def from_option(o: Option, note: str = "") -> Param:
    """The chat tool parameter generated from a declared option."""
    if o.kind not in _JSON_TYPE_OF_KIND:
        raise ValueError(f"option {o.name}: a {o.kind} has no chat form")
    json_type = _JSON_TYPE_OF_KIND[o.kind]
    default = list(o.default) if isinstance(o.default, tuple) else o.default
    if o.kind == "mapping":
        default = dict(o.default) or None
    bounds: dict[str, Any] = {}
    low = "exclusive_minimum" if o.above_minimum else "minimum"
    if json_type == "array":
        item_type = {"numbers": "number", "choices": "string", "texts": "string"}[o.kind]
        bounds = {"item_type": item_type, "item_enum": o.choices, "min_items": o.min_items,
                  "max_items": o.max_items, "item_minimum": o.minimum,
                  "item_maximum": o.maximum}  # fmt: skip
        if o.kind == "mapping":
            bounds = {}
    elif json_type in ("integer", "number"):
        bounds = {low: o.minimum, "maximum": o.maximum}
        if o.kind == "choice_or_number":
            bounds["words"] = o.choices
    elif json_type == "object":
        bounds = {"value_enum": o.choices}
    elif json_type == "string":
        bounds = {"enum": o.choices if o.kind == "choice" else (), "max_length": o.max_length}
    description = o.help + (f" {note}" if note else "")
    return Param(o.chat, json_type, description, required=o.required,
                 default=None if o.required else default, **bounds)  # fmt: skip


def _has_type(value: Any, json_type: str) -> bool:
    if json_type == "string":
        return isinstance(value, str)
    if json_type == "boolean":
        return isinstance(value, bool)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if not math.isfinite(value):
        return False
    if json_type == "integer":
        return float(value).is_integer()
    return json_type == "number"


@dataclass(frozen=True)
class ToolSpec:
    """The declaration of one capability: pure data, no behaviour beyond its schema."""

    name: str
    description: str
    params: tuple[Param, ...] = ()
    requires: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = set(self.requires) - set(REQUIREMENTS)
        if unknown:
            raise ValueError(f"tool {self.name}: unknown requirement(s) {sorted(unknown)}")
        names = [p.name for p in self.params]
        if len(names) != len(set(names)):
            raise ValueError(f"tool {self.name}: a parameter is declared twice")

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params if p.required)

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)

    @property
    def needs_dataset(self) -> bool:
        return NEEDS_DATASET in self.requires or NEEDS_ANALYSIS in self.requires

    @property
    def needs_analysis(self) -> bool:
        return NEEDS_ANALYSIS in self.requires

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(f"tool {self.name} has no parameter {name!r}")

    def parameters_schema(self) -> dict[str, Any]:
        """The JSON schema of the arguments (a fresh copy each time: callers may edit it)."""
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {p.name: p.json_schema() for p in self.params},
            "additionalProperties": False,
        }
        if self.required:
            schema["required"] = list(self.required)
        return schema

    def openai_tool(self) -> dict[str, Any]:
        """The declaration in the ``tools`` form of OpenAI-compatible chat completions."""
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.parameters_schema(),
            },
        }

    def problems(self, params: Mapping[str, Any], *, partial: bool = False) -> list[str]:
        """Everything wrong with ``params``; ``partial`` skips the required-parameter check."""
        if not isinstance(params, Mapping):
            return ["the parameters must be an object"]
        out: list[str] = []
        known = set(self.param_names)
        for key in params:
            if key not in known:
                accepted = ", ".join(self.param_names) or "none"
                out.append(f"'{key}' is not a parameter of {self.name} (accepted: {accepted})")
        if not partial:
            out.extend(f"'{name}' is required" for name in self.required if name not in params)
        for p in self.params:
            if p.name in params:
                out.extend(p.problems(params[p.name]))
        if self.name == "export_results" and not (partial and "what" not in params):
            # a partial request may name a format before the result it is for
            out.extend(_export_problems(params))
        return out

    def validate(self, params: Mapping[str, Any] | None) -> dict[str, Any]:
        """``params`` as a plain dict, or InputError ``invalid_parameter`` naming each problem."""
        params = dict(params or {})
        found = self.problems(params)
        if found:
            raise InputError(
                "invalid_parameter",
                f"The request to {self.name} cannot run: " + "; ".join(found) + ".",
                details={"tool": self.name, "problems": found},
            )
        return params

    def with_defaults(self, params: Mapping[str, Any] | None) -> dict[str, Any]:
        """``params`` completed with the declared defaults of the parameters not given."""
        out = {p.name: copy.deepcopy(p.default) for p in self.params if p.default is not None}
        out.update(params or {})
        if self.name == "export_results" and "format" not in (params or {}):
            out["format"] = EXPORT_FORMATS_BY_KIND[out.get("what", "unified")][0]
        return out


def _export_problems(params: Mapping[str, Any]) -> list[str]:
    what, fmt = params.get("what", "unified"), params.get("format")
    allowed = EXPORT_FORMATS_BY_KIND.get(what)
    if allowed is None or fmt is None or fmt not in EXPORT_FORMATS or fmt in allowed:
        return []
    return [f"{what} can be exported as {', '.join(allowed)}, not {fmt}"]


# --- parameters shared by several tools ----------------------------------------------------

_METHOD = Param.declared(ItnParams, "method")
_ASK = "Never assumed: ask the user."



def _declared(params: type[Declared], *names: str) -> tuple[Param, ...]:
    return tuple(Param.declared(params, name) for name in names)


_PLAN_PARAMS = (
    Param.declared(ItnParams, "total_nets", note=_ASK),
    Param.declared(ItnParams, "household_size", note=_ASK),
    *_declared(ItnParams, "urban_threshold", "method", "strategy", "max_ward_share",
               "people_per_net", "buffer", "bale_size", "fill_population"),
)  # fmt: skip

TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec(
        "describe_data",
        "Summarise the uploaded ward data: wards, LGAs, variables, missing values, join report.",
        (Param("about", "string", "default_variables: only the variables an analysis with no "
                                  "choices would use on this table (nothing is run).",
               enum=("default_variables",)),),
        requires=(NEEDS_DATASET,),
    ),
    ToolSpec(
        "run_analysis",
        "Rank wards by malaria vulnerability (composite score and PCA) from the uploaded data.",
        _declared(AnalysisParams, "variables", "directions", "methods", "normalization",
                  "aggregation", "tie_break"),
        requires=(NEEDS_DATASET,),
    ),  # fmt: skip
    ToolSpec(
        "show_map",
        "Draw a ward map: composite or PCA ranking, categories, one variable, urban wards, "
        "or the net plan.",
        _declared(MapRequest, "kind", "variable", "threshold"),
        requires=(NEEDS_ANALYSIS,),
    ),  # fmt: skip
    ToolSpec(
        "top_wards",
        "List the most (or least) vulnerable wards by composite score or PCA.",
        (
            Param("n", "integer", "How many wards to list.", default=10, minimum=1),
            _METHOD,
            Param(
                "order",
                "string",
                "top: most vulnerable first; bottom: least vulnerable.",
                enum=ORDERS,
                default="top",
            ),
            Param("start", "integer", "The place in that order the list starts at (1: the "
                  "first; 6 for the next five after a top 5).", default=1, minimum=1),
        ),
        requires=(NEEDS_ANALYSIS,),
    ),  # fmt: skip
    ToolSpec(
        "explain_ward",
        "Explain why one ward ranks where it does, variable by variable.",
        (
            Param("ward", "string", "The ward's name as the user wrote it.", required=True),
            Param("lga", "string", "The ward's LGA, when the name exists in several LGAs."),
        ),
        requires=(NEEDS_ANALYSIS,),
    ),
    ToolSpec(
        "compare_methods",
        "Compare the composite and PCA rankings: agreement, top-list overlap, biggest moves.",
        requires=(NEEDS_ANALYSIS,),
    ),
    ToolSpec(
        "explain_methodology",
        "Explain in plain words how a part of the method works (scores, PCA, normalisation...).",
        (
            Param(
                "topic",
                "string",
                "Which part of the method to explain.",
                enum=METHODOLOGY_TOPICS,
                default="general",
            ),
        ),
    ),  # fmt: skip
    ToolSpec(
        "reprioritize_urban",
        "Select the least vulnerable urban wards that could be de-prioritised, per urban "
        "threshold, up to a target share of the population.",
        _declared(ReprioritizationParams, "thresholds", "target"),
        requires=(NEEDS_ANALYSIS,),
    ),  # fmt: skip
    ToolSpec(
        "plan_itn",
        "Plan how a stock of insecticide-treated nets is spread over the wards by priority.",
        _PLAN_PARAMS,
        requires=(NEEDS_ANALYSIS,),
    ),
    ToolSpec(
        "what_if_plan",
        "Re-plan the nets with some parameters of the last plan changed (only the changes).",
        tuple(replace(p, required=False, default=None) for p in _PLAN_PARAMS),
        requires=(NEEDS_ANALYSIS, NEEDS_PLAN),
    ),
    ToolSpec(
        "compute_tpr",
        "Compute ward test positivity rates (TPR) from an uploaded health-facility export.",
        _declared(TprParams, "age", "test", "facility_level"),
        requires=(NEEDS_FACILITY_DATA,),
    ),  # fmt: skip
    ToolSpec(
        "export_results",
        "Hand over a file: the unified dataset, rankings, net plan, report or a map.",
        (
            Param.declared(ExportRequest, "what", enum=EXPORT_KINDS),
            Param.declared(ExportRequest, "format"),
        ),
        requires=(NEEDS_ANALYSIS,),
    ),  # fmt: skip
    ToolSpec(
        "session_status",
        "Say what has been done so far: data loaded, analysis status, plans, files.",
    ),
    ToolSpec(
        "help",
        "Explain what can be asked, with examples.",
        (Param("topic", "string", "Optional tool name or subject the user needs help with."),),
    ),
)

TOOL_NAMES: tuple[str, ...] = tuple(t.name for t in TOOLS)
_BY_NAME: Mapping[str, ToolSpec] = MappingProxyType({t.name: t for t in TOOLS})
if len(_BY_NAME) != len(TOOLS):  # pragma: no cover - a declaration error, caught at import
    raise RuntimeError("a tool name is declared twice")


def tool_spec(name: str) -> ToolSpec:
    """The declaration of a tool by name; InputError ``invalid_request`` for unknown names."""
    spec = _BY_NAME.get(name)
    if spec is None:
        raise InputError(
            "invalid_request",
            f"There is no tool called {name!r}. Tools: {', '.join(TOOL_NAMES)}.",
            details={"tool": name},
        )
    return spec


Executor = Callable[..., Any]


class ToolRegistry:
    """Declarations plus the executors the service layer binds to them.

    Create one per application (``ToolRegistry()``); the declarations are shared constants,
    the bindings belong to the instance.
    """

    def __init__(self, specs: Iterable[ToolSpec] | None = None):
        self.specs: tuple[ToolSpec, ...] = tuple(TOOLS if specs is None else specs)
        self._by_name = {s.name: s for s in self.specs}
        if len(self._by_name) != len(self.specs):
            raise ValueError("a tool name is declared twice")
        self._executors: dict[str, Executor] = {}

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __iter__(self) -> Iterator[ToolSpec]:
        return iter(self.specs)

    def __len__(self) -> int:
        return len(self.specs)

    def names(self) -> tuple[str, ...]:
        return tuple(self._by_name)

    def spec(self, name: str) -> ToolSpec:
        spec = self._by_name.get(name)
        if spec is None:
            raise InputError(
                "invalid_request",
                f"There is no tool called {name!r}. Tools: {', '.join(self._by_name)}.",
                details={"tool": name},
            )
        return spec

    def bind(self, name: str, executor: Executor, *, overwrite: bool = False) -> None:
        """Attach the code that runs tool ``name``; binding twice is an error unless ``overwrite``."""
        if name not in self._by_name:
            raise KeyError(f"cannot bind {name!r}: no such tool")
        if not callable(executor):
            raise TypeError(f"the executor for {name!r} is not callable")
        if name in self._executors and not overwrite:
            raise ValueError(f"tool {name!r} already has an executor")
        self._executors[name] = executor

    def executor(self, name: str) -> Executor:
        self.spec(name)
        try:
            return self._executors[name]
        except KeyError:
            raise LookupError(f"tool {name!r} has no executor bound") from None

    def unbound(self) -> tuple[str, ...]:
        """Tools without an executor: a start-up check for the service layer."""
        return tuple(n for n in self._by_name if n not in self._executors)

    def openai_tools(self, names: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """The ``tools`` list of a chat-completions request (all tools, or the ones named)."""
        chosen = self._by_name if names is None else [self.spec(n).name for n in names]
        return [self._by_name[n].openai_tool() for n in chosen]

    def validate(self, name: str, params: Mapping[str, Any] | None) -> dict[str, Any]:
        return self.spec(name).validate(params)


# --- answers from stored results and views (declared after the first set of tools) --------

CATEGORIES = ("High", "Medium", "Low")
RESULT_QUESTIONS = ("plan_totals", "plan_ward", "plan_lga", "plan_params", "plan_top_wards",
                    "plan_first", "plan_coverage",
                    "repri_count", "repri_names", "analysis_params", "variables", "models",
                    "ward_counts", "lgas", "value_wards", "ward_compare", "tpr_run",
                    "imputed")  # fmt: skip
VIEW_KINDS = (*MAP_KINDS, *PLOT_KINDS)
CONVERSATION_FORMATS = ("html", "markdown")

MORE_TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec(
        "list_wards",
        "List wards filtered by LGA and/or priority category, in rank order.",
        (
            Param("lga", "string", "Only wards of this LGA."),
            Param("lga_code", "string", "Only wards of the LGA with this code (tables that hold "
                                        "LGA codes)."),
            Param("category", "string", "Only wards of this priority category.",
                  enum=CATEGORIES),
            Param("n", "integer", "At most this many wards (all when left out).", minimum=1),
            _METHOD,
            Param("order", "string", "top: most vulnerable first; bottom: least first.",
                  enum=ORDERS, default="top"),
            Param("start", "integer", "The place in that list the wards start at (1: the "
                  "first; 6 for the next five after a top 5).", default=1, minimum=1),
        ),
        requires=(NEEDS_ANALYSIS,),
    ),
    ToolSpec(
        "lga_summary",
        "Per LGA: wards in each priority category, mean ward rank and the LGA's rank.",
        (Param("lga", "string", "Only this LGA (all LGAs when left out)."), _METHOD,
         Param("most", "string", "The LGAs ordered by their count of wards in this priority "
               "category, the most first (\"which LGA has the most high risk wards?\").",
               enum=CATEGORIES),
         Param("order", "string", "With most: fewest puts the LGA with the fewest such wards "
               "first.", enum=("most", "fewest"))),
        requires=(NEEDS_ANALYSIS,),
    ),
    ToolSpec(
        "ask_results",
        "Answer from stored results: plan totals, settings, a ward's or LGA's figures; "
        "reprioritisation counts and names; the analysis' variables and settings; ward counts.",
        (
            Param("about", "string", "What the question is about.", required=True,
                  enum=RESULT_QUESTIONS),
            Param("ward", "string", "The ward, for plan_ward."),
            Param("lga", "string", "The LGA, for plan_lga (for lgas: that LGA's code)."),
            Param("order", "string", "For plan_lga without an LGA: the LGA with the most or "
                                     "the fewest nets; for ward_compare: the ward with the "
                                     "highest or lowest value.", enum=("most", "fewest")),
            Param("n", "integer", "For plan_top_wards: how many wards.", minimum=1),
            Param("nets", "integer", "For plan_totals: a stock of nets to hold against the "
                                     "plan's total need (is it enough?).", minimum=1),
            Param("threshold", "number", "Urban threshold (percent) for repri_count, "
                                         "repri_names and ward_counts (urban means strictly "
                                         "above).", minimum=0, maximum=100),
            Param("category", "string", "For ward_counts: only wards of this priority "
                                        "category.", enum=CATEGORIES),
            Param("lga_code", "string", "For ward_counts: only wards of the LGA with this code "
                                        "(tables that hold LGA codes)."),
            Param("variable", "string", "For value_wards and ward_compare: the column of the "
                                        "ward table."),
            Param("value", "number", "For value_wards: the wards with this value of the "
                                     "column (to the digits given)."),
            Param("wards", "array", "For ward_counts, ward_compare and lgas: only these "
                                    "wards (by name, e.g. the wards of a list shown before).",
                  item_type="string", min_items=1, max_items=1000),
            Param("urban", "boolean", "For ward_counts without a threshold: count the urban "
                                      "wards (Yes in an urban flag, else more than 50% urban)."),
            Param("agree", "boolean", "For ward_counts with a category: only wards in that "
                                      "category on both the composite and the PCA ranking."),
            Param("filled", "string", "For ward_counts: only wards whose value of this column "
                                      "was missing and filled from neighbouring wards."),
            Param("coverage", "string", "For plan_coverage: the wards fully covered, partly "
                                        "covered, with no nets, or with any nets.",
                  enum=("full", "partial", "none", "any")),
            Param("measure", "string", "For plan_lga with an order: what is most or fewest "
                                       "(nets received by default).",
                  enum=("nets_allocated", "nets_needed", "coverage_percent",
                        "wards_not_covered", "wards_fully_covered", "population_covered")),
        ),
        requires=(NEEDS_ANALYSIS,),
    ),
    ToolSpec(
        "pca_validity",
        "Say whether PCA suits the data: KMO, Bartlett's test and explained variance.",
        (Param("plain", "boolean", "Say the verdict in plain words first (\"is that good or "
                                   "bad?\")."),),
        requires=(NEEDS_ANALYSIS,),
    ),
    ToolSpec(
        "ward_value",
        "One ward's value of one variable, with its rank among the wards.",
        (
            Param("ward", "string", "The ward's name.", required=True),
            Param("variable", "string", "The column.", required=True),
            Param("lga", "string", "The ward's LGA, when the name exists in several LGAs."),
        ),
        requires=(NEEDS_DATASET,),
    ),
    ToolSpec(
        "wards_by_value",
        "List the wards with the highest (or lowest) values of one variable of the ward data "
        "(the data's values, not the vulnerability ranking).",
        (
            Param("variable", "string", "The column.", required=True),
            Param("n", "integer", "How many wards to list.", default=10, minimum=1),
            Param("order", "string", "highest: largest values first; lowest: smallest first.",
                  enum=("highest", "lowest"), default="highest"),
            Param("lga", "string", "Only the wards of this LGA."),
            Param("lga_code", "string", "Only the wards of the LGA with this code (tables with "
                  "LGA codes and no names)."),
            Param("above", "number", "Only the wards whose value is above this number (they "
                  "are counted and listed)."),
            Param("below", "number", "Only the wards whose value is below this number."),
            Param("percent", "boolean", "The number was said as a percentage: on a column of "
                  "shares (0 to 1) it is divided by 100."),
        ),
        requires=(NEEDS_DATASET,),
    ),
    ToolSpec(
        "lga_averages",
        "Per LGA: the average of one variable over its wards, highest (or lowest) first; or "
        "one LGA's average and its place among the LGAs.",
        (
            Param("variable", "string", "The column.", required=True),
            Param("order", "string", "highest: largest average first; lowest: smallest first.",
                  enum=("highest", "lowest"), default="highest"),
            Param("lga", "string", "Only this LGA (its name, or its code on tables with codes "
                  "only)."),
        ),
        requires=(NEEDS_DATASET,),
    ),
    ToolSpec(
        "add_covariates",
        "Add environmental variables (rainfall, EVI, ...) to the ward data from the "
        "deployment's raster library: mean (or the catalogue's statistic) over each ward.",
        (
            Param("rasters", "array", "Names of rasters in the library's catalogue.",
                  required=True, item_type="string", min_items=1, max_items=50),
        ),
        requires=(NEEDS_DATASET,),
    ),
    ToolSpec(
        "planning_data",
        "Say what the ward data holds and lacks for net planning and urban reprioritisation "
        "(each ward's population and urban share) and how to add what is missing.",
        requires=(NEEDS_DATASET,),
    ),
    ToolSpec(
        "data_quality",
        "Check the uploaded data: identical or constant columns, implausible values, filled "
        "(imputed) cells, ward names matched approximately.",
        requires=(NEEDS_DATASET,),
    ),
    ToolSpec(
        "export_view",
        "Export a map or chart as a file: a named one, or the one shown last.",
        (
            Param("what", "string", "Which map or chart.", required=True, enum=VIEW_KINDS),
            Param("variable", "string", "The variable, for a variable map."),
            Param.declared(MapRequest, "threshold"),
            Param("format", "string", "png (a picture) or html (an interactive page).",
                  enum=DECLARED_FORMATS_BY_KIND["map"], default="png"),
        ),
        requires=(NEEDS_ANALYSIS,),
    ),
    ToolSpec(
        "export_conversation",
        "The conversation so far as a file (HTML page or Markdown text).",
        (Param("format", "string", "html or markdown.", enum=CONVERSATION_FORMATS,
               default="html"),),
    ),
)
TOOLS = TOOLS + MORE_TOOLS
TOOL_NAMES = tuple(t.name for t in TOOLS)
_BY_NAME = MappingProxyType({t.name: t for t in TOOLS})
