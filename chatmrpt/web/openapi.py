"""The OpenAPI 3 description of the HTTP API, served at ``/api/openapi.json``.

Generated from the routes the app serves (:func:`build_spec` walks ``app.url_map``) and
what each view declares with :func:`documented`: its summary and responses, its query
parameters (the :class:`~chatmrpt.web.inputs.Query` objects the view reads them with), and
its body (a declared parameter set of ``chatmrpt.analysis.declarations``). Path parameters
come from the route itself. A route without a declaration is still described, from its
path and docstring. The system tests run Schemathesis against the result.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from flask import Flask

from chatmrpt import __version__
from chatmrpt.analysis.declarations import (
    Declared,
    ItnParams,
    Option,
    ReprioritizationParams,
)
from chatmrpt.analysis.params import AnalysisParams
from chatmrpt.errors import ERROR_CODES
from chatmrpt.store.model import ID_PATTERN, JobState
from chatmrpt.web.inputs import Query

ID = {"type": "string", "pattern": ID_PATTERN.pattern, "maxLength": 200}
NUM = {"type": "number"}
NULLABLE_NUM = {"type": "number", "nullable": True}
STR = {"type": "string"}
NULLABLE_STR = {"type": "string", "nullable": True}
ANY_OBJECT = {"type": "object", "additionalProperties": True}
NULLABLE_OBJECT = {"type": "object", "additionalProperties": True, "nullable": True}
STATUS = {"type": "string", "enum": [state.value for state in JobState]}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


def obj(properties: dict[str, Any], required: tuple[str, ...] = (), extra: bool = True) -> dict:
    out: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        out["required"] = list(required)
    out["additionalProperties"] = extra
    return out


COUNT_PATTERN = r"^[0-9][0-9,_ ]*(\.[0-9]+)?[kKmM]?$"


def option_schema(o: Option, *, form: bool = False) -> dict[str, Any]:
    """The OpenAPI 3.0 schema of a declared parameter (``chatmrpt.analysis.declarations``).

    OpenAPI 3.0 spells an exclusive bound as ``exclusiveMinimum: true`` beside ``minimum``
    (JSON Schema 2020-12, used by the chat tools, as ``exclusiveMinimum: <number>``).
    ``form``: a multipart form field, where a yes/no is the text true or false.
    """

    def bounded(json_type: str) -> dict[str, Any]:
        out: dict[str, Any] = {"type": json_type}
        if o.minimum is not None:
            out["minimum"] = o.minimum
            if o.above_minimum:
                out["exclusiveMinimum"] = True
        if o.maximum is not None:
            out["maximum"] = o.maximum
        return out

    def words() -> dict[str, Any]:
        return {"type": "string", "enum": list(o.choices)}

    kind = o.kind
    if kind == "count":
        schema: dict[str, Any] = {
            "oneOf": [bounded("integer"), {"type": "string", "pattern": COUNT_PATTERN}]
        }
    elif kind in ("integer", "number"):
        schema = bounded(kind)
    elif kind == "choice":
        schema = words()
    elif kind == "choice_or_number":
        schema = {"oneOf": [words(), bounded("number")]}
    elif kind == "flag":
        schema = {"type": "string", "enum": ["true", "false"]} if form else {"type": "boolean"}
    elif kind == "text":
        schema = {"type": "string"}
        if o.max_length is not None:
            schema["maxLength"] = o.max_length
    elif kind == "mapping":
        schema = {
            "oneOf": [{"type": "object", "additionalProperties": words()}, array(STR)],
        }
    else:  # lists: JSON lists, or comma-separated text
        item = {"numbers": lambda: bounded("number"), "choices": words, "texts": lambda: STR}
        listed = array(item[kind]())
        if o.max_items is not None:
            listed["maxItems"] = o.max_items
        variants = [listed, STR]
        if kind == "numbers":
            variants.append(bounded("number"))
        schema = {"oneOf": variants}
    if not o.required and o.default is None and not form:
        schema["nullable"] = True
    default = o.default_text
    schema["description"] = o.help + (f" Default: {default}." if default is not None else "")
    return schema


def request_schema(
    params: type[Declared],
    extra: dict[str, Any] | None = None,
    *,
    required: tuple[str, ...] = (),
    form: bool = False,
) -> dict[str, Any]:
    """The request body of a declared parameter set, plus ``extra`` fields (ids, files)
    of which ``required`` must be given."""
    properties = dict(extra or {})
    properties.update({o.name: option_schema(o, form=form) for o in params.OPTIONS})
    required = required + tuple(o.name for o in params.OPTIONS if o.required)
    return obj(properties, required, extra=False)


def json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": json_content(ref("Error"))}


def ok(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": json_content(schema)}


COMMON_ERRORS = {
    "400": error_response("Bad request: malformed JSON, unknown fields, invalid parameters."),
    "404": error_response(
        "No such session, or a missing or wrong token (the two look alike), or no such "
        "record in the session."
    ),
    "default": error_response("Any other error, in the same shape."),
}

SESSION_PARAM = {
    "name": "session_id",
    "in": "path",
    "required": True,
    "schema": ID,
    "description": "The session id returned by POST /api/sessions.",
}


def id_param(name: str, what: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": ID, "description": what}


def operation(
    op_id: str,
    summary: str,
    responses: dict[str, Any],
    *,
    params: list[dict[str, Any]] | None = None,
    body: dict[str, Any] | None = None,
    secured: bool = True,
    errors: tuple[str, ...] = (),
) -> dict[str, Any]:
    op: dict[str, Any] = {"operationId": op_id, "summary": summary, "responses": {}}
    op["responses"].update(responses)
    for code in errors:
        op["responses"][code] = error_response(_ERROR_TEXT[code])
    for code, response in COMMON_ERRORS.items():
        op["responses"].setdefault(code, response)
    if params:
        op["parameters"] = params
    if body is not None:
        op["requestBody"] = body
    if secured:
        op["security"] = [{"bearerAuth": []}, {"cookieAuth": []}]
    else:
        op["security"] = []
    return op


def linked(response: dict[str, Any], **links: tuple[str, str, str]) -> dict[str, Any]:
    """``response`` with OpenAPI links: name=(operationId, path parameter, JSON pointer)."""
    out = dict(response)
    out["links"] = {
        name: {
            "operationId": op_id,
            "parameters": {
                "session_id": "$request.path.session_id",
                param: f"$response.body#{pointer}",
            },
        }
        for name, (op_id, param, pointer) in links.items()
    }
    return out


_ERROR_TEXT = {
    "409": "Conflict: the analysis is not finished, or a job of the session is running.",
    "413": "The upload is larger than CHATMRPT_MAX_UPLOAD_MB (or a JSON body above 1 MB).",
    "415": "Unsupported file or content type.",
    "422": "The file or data cannot be used (the message says which file, column, rows).",
    "503": "The store or artifact storage does not answer.",
}

def job_schema(id_field: str, required: tuple[str, ...] = (), **fields: Any) -> dict[str, Any]:
    """What clients see of work done by a job (``web.api.common.job_subject_view``): its id,
    ``fields`` (such as the file it read), status and progress, error or summary and files;
    ``reused`` when it was asked before."""
    properties = {
        id_field: ID,
        "params": NULLABLE_OBJECT,
        "status": STATUS,
        "progress": NULLABLE_NUM,
        "stage": NULLABLE_STR,
        "job_id": NULLABLE_STR,
        "error": NULLABLE_OBJECT,
        "summary": NULLABLE_OBJECT,
        "artifacts": array(ref("Artifact")),
        "reused": {"type": "boolean"},
        "created_at": NULLABLE_NUM,
        "started_at": NULLABLE_NUM,
        "finished_at": NULLABLE_NUM,
        **fields,
    }
    return obj(properties, (id_field, "status", *required))


SCHEMAS: dict[str, Any] = {
    "Error": obj(
        {
            "error": obj(
                {
                    "code": {"type": "string", "enum": sorted(ERROR_CODES)},
                    "message": STR,
                    "details": ANY_OBJECT,
                },
                ("code", "message", "details"),
                extra=False,
            )
        },
        ("error",),
        extra=False,
    ),
    "NewSession": obj(
        {
            "id": ID,
            "token": {"type": "string", "description": "Shown once; send as Bearer token."},
            "csrf_token": {
                "type": "string",
                "description": "Send as X-CSRF-Token with cookie-authenticated changes.",
            },
            "created_at": NUM,
            "expires_at": NUM,
        },
        ("id", "token", "csrf_token"),
    ),
    "Session": obj(
        {
            "id": ID,
            "version": {"type": "integer"},
            "state": obj(
                {
                    "current_dataset": NULLABLE_STR,
                    "current_analysis": NULLABLE_STR,
                    "last_plan": NULLABLE_STR,
                }
            ),
            "created_at": NUM,
            "expires_at": NUM,
            "datasets": array(ANY_OBJECT),
            "analyses": array(ANY_OBJECT),
            "plans": array(ANY_OBJECT),
            "reprioritizations": array(ANY_OBJECT),
            "tpr": array(ANY_OBJECT),
            "prepared": array(ANY_OBJECT),
            "covariates": array(ANY_OBJECT),
            "messages": {"type": "integer", "description": "Number of chat messages."},
            "csrf_token": {"type": "string", "description": "Only with cookie authentication."},
        },
        ("id", "version", "state", "datasets", "analyses", "plans", "messages"),
    ),
    "Deleted": obj({"id": ID, "deleted": {"type": "boolean"}}, ("id", "deleted")),
    "Dataset": obj(
        {
            "dataset_id": ID,
            "wards": {"type": "integer", "nullable": True},
            "variables": array(STR),
            "has_boundaries": {"type": "boolean"},
            "join_report": NULLABLE_OBJECT,
            "warnings": array(STR),
            "table": NULLABLE_STR,
            "boundaries": NULLABLE_STR,
            "reused": {"type": "boolean"},
            "columns": array(STR),
            "created_at": NULLABLE_NUM,
            "planning": NULLABLE_OBJECT,
            "quality": array(ANY_OBJECT),
        },
        ("dataset_id", "wards", "variables", "join_report", "warnings"),
    ),
    "Artifact": obj(
        {
            "id": ID,
            "name": NULLABLE_STR,
            "media_type": NULLABLE_STR,
            "size": {"type": "integer", "nullable": True},
            "sha256": NULLABLE_STR,
            "produced_by": NULLABLE_OBJECT,
            "created_at": NULLABLE_NUM,
            "url": STR,
        },
        ("id", "url"),
    ),
    "AnalysisRequest": request_schema(
        AnalysisParams,
        {"dataset_id": {**ID, "description": "Default: the session's current dataset."}},
    ),
    "Analysis": job_schema(
        "analysis_id",
        ("progress",),
        dataset_id=NULLABLE_STR,
        progress={"type": "number", "minimum": 0, "maximum": 1, "nullable": True},
    ),
    "Wards": obj(
        {
            "analysis_id": ID,
            "total": {"type": "integer"},
            "offset": {"type": "integer"},
            "limit": {"type": "integer", "nullable": True},
            "sort": STR,
            "order": STR,
            "columns": array(STR),
            "wards": array(ANY_OBJECT),
        },
        ("analysis_id", "total", "wards"),
    ),
    "PlanRequest": request_schema(
        ItnParams,
        {"analysis_id": {**ID, "description": "Default: the session's current analysis."}},
    ),
    "Plan": obj(
        {
            "plan_id": ID,
            "analysis_id": NULLABLE_STR,
            "params": NULLABLE_OBJECT,
            "summary": NULLABLE_OBJECT,
            "warnings": array(STR),
            "artifacts": array(ref("Artifact")),
            "reused": {"type": "boolean"},
            "created_at": NULLABLE_NUM,
            "totals": NULLABLE_OBJECT,
            "parameters": NULLABLE_OBJECT,
            "by_lga": array(ANY_OBJECT),
            "wards_total": {"type": "integer"},
            "offset": {"type": "integer"},
            "limit": {"type": "integer"},
            "wards": array(ANY_OBJECT),
        },
        ("plan_id", "summary"),
    ),
    "ReprioritizationRequest": request_schema(
        ReprioritizationParams,
        {"analysis_id": {**ID, "description": "Default: the session's current analysis."}},
    ),
    "Reprioritization": obj(
        {
            "reprioritization_id": ID,
            "analysis_id": NULLABLE_STR,
            "params": NULLABLE_OBJECT,
            "summary": array(ANY_OBJECT),
            "selected": array(ANY_OBJECT),
            "excluded": array(ANY_OBJECT),
            "warnings": array(STR),
            "parameters": NULLABLE_OBJECT,
            "artifacts": array(ref("Artifact")),
            "reused": {"type": "boolean"},
            "created_at": NULLABLE_NUM,
        },
        ("reprioritization_id", "summary", "selected"),
    ),
    "Tpr": job_schema("tpr_id", file=NULLABLE_STR),
    "Upload": obj(
        {
            "job_id": ID,
            "status": STATUS,
            "progress": NULLABLE_NUM,
            "stage": NULLABLE_STR,
            "error": NULLABLE_OBJECT,
            "dataset_id": ID,
        },
        ("job_id", "status"),
    ),
    "Prepare": job_schema("prepare_id", file=NULLABLE_STR),
    "Health": obj({"status": STR, "pid": {"type": "integer"}}, ("status",)),
    "Ready": obj(
        {
            "status": {"type": "string", "enum": ["ready", "not ready"]},
            "problems": array(STR),
            "store": ANY_OBJECT,
            "queue": ANY_OBJECT,
            "artifacts": ANY_OBJECT,
            "consumers": array(ANY_OBJECT),
            "web_workers": array(ANY_OBJECT),
            "worker": obj({"host": STR, "pid": {"type": "integer"}}, ("host", "pid")),
        },
        ("status", "store", "queue", "consumers", "web_workers", "worker"),
    ),
}

# what a path parameter of this name is; any other path parameter must be declared
PATH_IDS = {
    "session_id": "The session id returned by POST /api/sessions.",
    "dataset_id": "A dataset of the session.",
    "prepare_id": "A prepared-dataset run of the session.",
    "covariates_id": "A run adding library rasters to a dataset.",
    "analysis_id": "An analysis of the session.",
    "plan_id": "An ITN plan of the session.",
    "reprioritization_id": "A reprioritisation of the session.",
    "tpr_id": "A TPR run of the session.",
    "artifact_id": "A file of the session.",
    "job_id": "The job reading a large upload (from the 202 answer to an upload).",
}
ETAG_HEADER = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": "The ETag of a copy the client holds: 304 when it is still current.",
}
NOT_MODIFIED = {"304": {"description": "The copy the client holds is current."}}
FILE = {"type": "string", "format": "binary"}
# routes outside /api/ that belong to the API (the rest are the page and its files)
OUTSIDE_API = ("/healthz", "/readyz", "/metrics")
_RULE_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
ATTRIBUTE = "openapi"


def query_param(q: Query | dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI parameter of a query parameter a view reads (or one written out)."""
    if isinstance(q, dict):
        return q
    if q.choices:
        schema: dict[str, Any] = {"type": "string", "enum": list(q.choices)}
    elif q.minimum is not None:
        schema = {"type": "integer", "minimum": q.minimum}
        if q.maximum is not None:
            schema["maximum"] = q.maximum
    else:
        schema = {"type": "string", "maxLength": q.max_length}
    default = "" if q.default in (None, "") else f" Default: {q.default}."
    return {
        "name": q.name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": q.help + default,
    }


def option_param(o: Option, where: str = "query") -> dict[str, Any]:
    """A declared parameter (``chatmrpt.analysis.declarations``) as a path or query
    parameter."""
    schema = option_schema(o)
    schema.pop("nullable", None)
    return {
        "name": o.name,
        "in": where,
        "required": where == "path",
        "schema": schema,
        "description": schema["description"],
    }


def documented(
    op_id: str,
    summary: str,
    responses: dict[str, Any],
    *,
    query: tuple[Query | dict[str, Any], ...] = (),
    path: dict[str, dict[str, Any]] | None = None,
    headers: tuple[dict[str, Any], ...] = (),
    body: dict[str, Any] | None = None,
    errors: tuple[str, ...] = (),
    secured: bool | None = None,
) -> Callable[[Callable], Callable]:
    """Describe a view for the OpenAPI document: its ``operationId``, summary, responses,
    query parameters (``Query`` objects the view reads them with), path parameters that are
    not ids (``path``: name -> parameter), headers, body and error statuses. ``secured``
    defaults to whether the route has a ``session_id``."""

    def mark(view: Callable) -> Callable:
        setattr(view, ATTRIBUTE, {
            "op_id": op_id, "summary": summary, "responses": responses, "query": query,
            "path": path or {}, "headers": headers, "body": body, "errors": errors,
            "secured": secured,
        })  # fmt: skip
        return view

    return mark


def openapi_path(rule: str) -> str:
    """A Flask rule as an OpenAPI path: ``<session_id>`` becomes ``{session_id}``."""
    return _RULE_ARGUMENT.sub(r"{\1}", rule)


def _path_params(rule: str, declared: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for name in _RULE_ARGUMENT.findall(rule):
        if name in declared:
            out.append({"name": name, "in": "path", "required": True, **declared[name]})
        elif name == "session_id":
            out.append(SESSION_PARAM)
        elif name in PATH_IDS:
            out.append(id_param(name, PATH_IDS[name]))
        else:
            out.append({"name": name, "in": "path", "required": True, "schema": STR})
    return out


def _camel(endpoint: str) -> str:
    head, *rest = endpoint.replace(".", "_").split("_")
    return head + "".join(word.title() for word in rest)


def describe(rule: str, view: Callable, endpoint: str) -> dict[str, Any]:
    """The OpenAPI operation of one route."""
    meta = getattr(view, ATTRIBUTE, None)
    if meta is None:  # not declared: its path parameters, its docstring, any answer
        doc = (view.__doc__ or endpoint).strip().split("\n")[0]
        params = _path_params(rule, {})
        return operation(
            _camel(endpoint), doc, {"200": {"description": "The answer."}},
            params=params or None, secured="<session_id>" in rule,
        )  # fmt: skip
    params = _path_params(rule, meta["path"])
    params += [query_param(q) for q in meta["query"]]
    params += list(meta["headers"])
    secured = meta["secured"] if meta["secured"] is not None else "<session_id>" in rule
    return operation(
        meta["op_id"],
        meta["summary"],
        copy.deepcopy(meta["responses"]),
        params=params or None,
        body=copy.deepcopy(meta["body"]),
        secured=secured,
        errors=meta["errors"],
    )


def build_paths(app: Flask) -> dict[str, Any]:
    """Every API route the app serves, described."""
    paths: dict[str, Any] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions[rule.endpoint]
        if not rule.rule.startswith("/api/") and rule.rule not in OUTSIDE_API:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            item = paths.setdefault(openapi_path(rule.rule), {})
            item[method.lower()] = describe(rule.rule, view, rule.endpoint)
    return paths


def build_spec(app: Flask) -> dict[str, Any]:
    """The OpenAPI 3 document of the routes ``app`` serves."""
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "ChatMRPT",
            "version": __version__,
            "description": (
                "Ward-level malaria risk prioritisation and ITN planning. Every "
                "/api/sessions/{id}/... request carries the session's token: "
                "'Authorization: Bearer TOKEN', or the cookie set at creation (then "
                "state-changing requests also send X-CSRF-Token). Errors are "
                '{"error": {"code", "message", "details"}}.'
            ),
        },
        "paths": build_paths(app),
        "components": {
            "schemas": copy.deepcopy(SCHEMAS),
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "chatmrpt_session"},
            },
        },
    }
