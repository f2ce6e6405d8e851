"""The OpenAPI 3 description of the HTTP API, served at ``/api/openapi.json``.

Written next to the views it describes (``chatmrpt.web.api``, ``health``); the system
tests run Schemathesis against it. A resource module of ``chatmrpt.web.api`` may add its
paths by defining ``OPENAPI_PATHS``: :func:`build_spec` reads them from the modules of the
blueprints the app has registered.
"""

from __future__ import annotations

import copy
import sys
from typing import Any

from flask import Flask

from chatmrpt import __version__
from chatmrpt.analysis.declarations import (
    Declared,
    ItnParams,
    Option,
    ReprioritizationParams,
    TprParams,
)
from chatmrpt.analysis.params import AnalysisParams
from chatmrpt.errors import ERROR_CODES
from chatmrpt.store.model import ID_PATTERN, JobState
from chatmrpt.web.api.analyses import WARD_SORTS

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
    "Analysis": obj(
        {
            "analysis_id": ID,
            "dataset_id": NULLABLE_STR,
            "params": NULLABLE_OBJECT,
            "status": STATUS,
            "progress": {"type": "number", "minimum": 0, "maximum": 1, "nullable": True},
            "stage": NULLABLE_STR,
            "job_id": NULLABLE_STR,
            "error": NULLABLE_OBJECT,
            "summary": NULLABLE_OBJECT,
            "artifacts": array(ref("Artifact")),
            "reused": {"type": "boolean"},
            "created_at": NULLABLE_NUM,
            "started_at": NULLABLE_NUM,
            "finished_at": NULLABLE_NUM,
        },
        ("analysis_id", "status", "progress"),
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
    "Tpr": obj(
        {
            "tpr_id": ID,
            "job_id": NULLABLE_STR,
            "status": STATUS,
            "progress": NULLABLE_NUM,
            "stage": NULLABLE_STR,
            "params": NULLABLE_OBJECT,
            "file": NULLABLE_STR,
            "error": NULLABLE_OBJECT,
            "summary": NULLABLE_OBJECT,
            "artifacts": array(ref("Artifact")),
            "reused": {"type": "boolean"},
            "created_at": NULLABLE_NUM,
            "finished_at": NULLABLE_NUM,
        },
        ("tpr_id", "status"),
    ),
    "Prepare": obj(
        {
            "prepare_id": ID,
            "job_id": NULLABLE_STR,
            "status": STATUS,
            "progress": NULLABLE_NUM,
            "stage": NULLABLE_STR,
            "params": NULLABLE_OBJECT,
            "file": NULLABLE_STR,
            "error": NULLABLE_OBJECT,
            "summary": NULLABLE_OBJECT,
            "artifacts": array(ref("Artifact")),
            "reused": {"type": "boolean"},
            "created_at": NULLABLE_NUM,
            "finished_at": NULLABLE_NUM,
        },
        ("prepare_id", "status"),
    ),
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

S = "/api/sessions/{session_id}"


def _paths() -> dict[str, Any]:
    sp = [SESSION_PARAM]
    file_schema = {"type": "string", "format": "binary"}
    return {
        "/api/sessions": {
            "post": operation(
                "createSession",
                "Create a session; returns its id and secret token (and sets the cookie).",
                {"201": ok("The new session.", ref("NewSession"))},
                body={
                    "required": False,
                    "content": json_content(obj({}, extra=False)),
                },
                secured=False,
                errors=("413", "415"),
            )
        },
        S: {
            "get": operation(
                "getSession",
                "The session's state: datasets, analyses, plans, message count, version.",
                {"200": ok("The session.", ref("Session"))},
                params=sp,
            ),
            "delete": operation(
                "deleteSession",
                "Delete the session and everything in it.",
                {"200": ok("Deleted.", ref("Deleted"))},
                params=sp,
                errors=("409",),
            ),
        },
        S + "/datasets": {
            "post": operation(
                "addDataset",
                "Upload a ward table (CSV/XLSX) and optional boundaries.",
                {
                    "201": linked(
                        ok("A new dataset.", ref("Dataset")),
                        GetDataset=("getDataset", "dataset_id", "/dataset_id"),
                    ),
                    "200": linked(
                        ok("The same files were uploaded before.", ref("Dataset")),
                        GetDataset=("getDataset", "dataset_id", "/dataset_id"),
                    ),
                },
                params=sp,
                body={
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": obj(
                                {
                                    "table": file_schema,
                                    "boundaries": file_schema,
                                    "sheet": {"type": "string", "maxLength": 100},
                                    "population": file_schema,
                                    "urban": file_schema,
                                },
                                ("table",),
                                extra=False,
                            )
                        }
                    },
                },
                errors=("413", "415", "422", "503"),
            )
        },
        S + "/prepared-datasets": {
            "post": operation(
                "submitPrepare",
                "Build a ward table (TPR, tested/positive counts, burden per 1,000) from a DHIS2 "
                "facility export and ward boundaries, with a population table or raster and a "
                "built-up raster, and add it as a dataset (a job).",
                {
                    "202": linked(
                        ok("Queued (or already queued or running).", ref("Prepare")),
                        GetPrepare=("getPrepare", "prepare_id", "/prepare_id"),
                    ),
                    "200": linked(
                        ok("The same files were prepared before (reused).", ref("Prepare")),
                        GetPrepare=("getPrepare", "prepare_id", "/prepare_id"),
                    ),
                },
                params=sp,
                body={
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": obj(
                                {
                                    "export": file_schema,
                                    "boundaries": file_schema,
                                    "population": file_schema,
                                    "urban": file_schema,
                                    "age": {"type": "string", "enum": ["u5", "o5", "pw", "all"]},
                                    "facility_level": {
                                        "type": "string",
                                        "enum": ["all", "primary", "secondary", "tertiary"],
                                    },
                                    "test": {"type": "string",
                                             "enum": ["both", "rdt", "microscopy"]},
                                    "sheet": {"type": "string", "maxLength": 100},
                                },
                                ("export", "boundaries"),
                                extra=False,
                            )
                        }
                    },
                },
                errors=("413", "415", "422"),
            )
        },
        S + "/prepared-datasets/{prepare_id}": {
            "get": operation(
                "getPrepare",
                "A prepared dataset run: status, progress; the new dataset's id (summary."
                "dataset_id) and prepare_report.json when done.",
                {"200": ok("The run.", ref("Prepare"))},
                params=[SESSION_PARAM, id_param("prepare_id", "Prepared dataset run id.")],
            )
        },
        S + "/datasets/{dataset_id}": {
            "get": operation(
                "getDataset",
                "A dataset of the session.",
                {"200": ok("The dataset.", ref("Dataset"))},
                params=[SESSION_PARAM, id_param("dataset_id", "Dataset id.")],
            )
        },
        S + "/analyses": {
            "post": operation(
                "submitAnalysis",
                "Rank the wards of a dataset (runs as a job; asked again, the same analysis).",
                {
                    "202": linked(
                        ok("Queued (or already queued or running).", ref("Analysis")),
                        GetAnalysis=("getAnalysis", "analysis_id", "/analysis_id"),
                        GetWards=("getAnalysisWards", "analysis_id", "/analysis_id"),
                    ),
                    "200": linked(
                        ok("Already analysed: the stored analysis (reused).", ref("Analysis")),
                        GetAnalysis=("getAnalysis", "analysis_id", "/analysis_id"),
                        GetWards=("getAnalysisWards", "analysis_id", "/analysis_id"),
                    ),
                },
                params=sp,
                body={"required": False, "content": json_content(ref("AnalysisRequest"))},
                errors=("413", "415", "422"),
            )
        },
        S + "/analyses/{analysis_id}": {
            "get": operation(
                "getAnalysis",
                "An analysis: status, progress (0-1), stage; error or summary when done.",
                {"200": ok("The analysis.", ref("Analysis"))},
                params=[SESSION_PARAM, id_param("analysis_id", "Analysis id.")],
            )
        },
        S + "/analyses/{analysis_id}/wards": {
            "get": operation(
                "getAnalysisWards",
                "The ranked wards of a finished analysis (JSON, or CSV with format=csv).",
                {
                    "200": {
                        "description": "Ward rows, sorted.",
                        "content": {
                            "application/json": {"schema": ref("Wards")},
                            "text/csv": {"schema": STR},
                        },
                    }
                },
                params=[
                    SESSION_PARAM,
                    id_param("analysis_id", "Analysis id."),
                    _query("format", {"type": "string", "enum": ["json", "csv"]}),
                    _query("sort", {"type": "string", "enum": list(_ward_sorts())}),
                    _query("order", {"type": "string", "enum": ["asc", "desc"]}),
                    _query("category", {"type": "string", "enum": ["High", "Medium", "Low"]}),
                    _query("q", {"type": "string", "maxLength": 200}),
                    _query("limit", {"type": "integer", "minimum": 1, "maximum": 100000}),
                    _query("offset", {"type": "integer", "minimum": 0, "maximum": 10000000}),
                ],
                errors=("409",),
            )
        },
        S + "/itn-plans": {
            "post": operation(
                "createItnPlan",
                "Plan the distribution of ITNs over the wards of a finished analysis.",
                {
                    "201": linked(
                        ok("A new plan.", ref("Plan")),
                        GetPlan=("getItnPlan", "plan_id", "/plan_id"),
                    ),
                    "200": linked(
                        ok("The same plan was made before (reused).", ref("Plan")),
                        GetPlan=("getItnPlan", "plan_id", "/plan_id"),
                    ),
                },
                params=sp,
                body={"required": True, "content": json_content(ref("PlanRequest"))},
                errors=("409", "413", "415", "422"),
            )
        },
        S + "/itn-plans/{plan_id}": {
            "get": operation(
                "getItnPlan",
                "An ITN plan: summary, totals, warnings, per LGA and per ward.",
                {"200": ok("The plan.", ref("Plan"))},
                params=[
                    SESSION_PARAM,
                    id_param("plan_id", "Plan id."),
                    _query("limit", {"type": "integer", "minimum": 1, "maximum": 100000}),
                    _query("offset", {"type": "integer", "minimum": 0, "maximum": 10000000}),
                ],
            )
        },
        S + "/reprioritizations": {
            "post": operation(
                "reprioritize",
                "Urban wards that could be de-prioritised, per urban threshold.",
                {
                    "200": linked(
                        ok("The result (stored, with its files).", ref("Reprioritization")),
                        GetReprioritization=(
                            "getReprioritization",
                            "reprioritization_id",
                            "/reprioritization_id",
                        ),
                    )
                },
                params=sp,
                body={
                    "required": False,
                    "content": json_content(ref("ReprioritizationRequest")),
                },
                errors=("409", "413", "415", "422"),
            )
        },
        S + "/reprioritizations/{reprioritization_id}": {
            "get": operation(
                "getReprioritization",
                "A stored reprioritisation.",
                {"200": ok("The result.", ref("Reprioritization"))},
                params=[SESSION_PARAM, id_param("reprioritization_id", "Reprioritisation id.")],
            )
        },
        S + "/tpr": {
            "post": operation(
                "submitTpr",
                "Test positivity rate per ward from a DHIS2 facility export (a job).",
                {
                    "202": linked(
                        ok("Queued (or already queued or running).", ref("Tpr")),
                        GetTpr=("getTpr", "tpr_id", "/tpr_id"),
                    ),
                    "200": linked(
                        ok("The same export was processed before (reused).", ref("Tpr")),
                        GetTpr=("getTpr", "tpr_id", "/tpr_id"),
                    ),
                },
                params=sp,
                body={
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": request_schema(
                                TprParams,
                                {"facility": file_schema},
                                required=("facility",),
                                form=True,
                            )
                        }
                    },
                },
                errors=("413", "415", "422"),
            )
        },
        S + "/tpr/{tpr_id}": {
            "get": operation(
                "getTpr",
                "A TPR run: status, progress; summary and files when done.",
                {"200": ok("The run.", ref("Tpr"))},
                params=[SESSION_PARAM, id_param("tpr_id", "TPR run id.")],
            )
        },
        S + "/artifacts": {
            "get": operation(
                "listArtifacts",
                "The session's files: uploads and results.",
                {
                    "200": ok(
                        "The files.", obj({"artifacts": array(ref("Artifact"))}, ("artifacts",))
                    )
                },
                params=sp,
            )
        },
        S + "/artifacts/{artifact_id}": {
            "get": operation(
                "downloadArtifact",
                "Download a file (ETag = sha256; immutable).",
                {
                    "200": {
                        "description": "The file, as an attachment, with its recorded type.",
                        # any type, JSON included: the bytes are the file, not an API object
                        "content": {"*/*": {}},
                    },
                    "304": {"description": "Not modified (If-None-Match matched)."},
                },
                params=[
                    SESSION_PARAM,
                    id_param("artifact_id", "Artifact id."),
                    {
                        "name": "If-None-Match",
                        "in": "header",
                        "required": False,
                        "schema": STR,
                    },
                ],
            )
        },
        S + "/events": {
            "get": operation(
                "streamEvents",
                "Server-sent events: job progress and completion (ends after about 30 s; on a busy worker at once, after what is pending, with a retry hint).",
                {
                    "200": {
                        "description": "An event stream; each event's id is its sequence number.",
                        "content": {"text/event-stream": {"schema": STR}},
                    }
                },
                params=[
                    SESSION_PARAM,
                    {
                        "name": "Last-Event-ID",
                        "in": "header",
                        "required": False,
                        "schema": {"type": "integer", "minimum": 0},
                    },
                    _query("after", {"type": "integer", "minimum": 0}),
                ],
            )
        },
        "/healthz": {
            "get": operation(
                "healthz",
                "Liveness: 200 while the process serves.",
                {"200": ok("Alive.", ref("Health"))},
                secured=False,
            )
        },
        "/readyz": {
            "get": operation(
                "readyz",
                "Readiness: store, queue, consumers, web workers.",
                {
                    "200": ok("Ready.", ref("Ready")),
                    "503": ok("Not ready (see problems).", ref("Ready")),
                },
                secured=False,
            )
        },
        "/metrics": {
            "get": operation(
                "metrics",
                "Prometheus metrics of this host's workers.",
                {"200": {"description": "Metrics.", "content": {"text/plain": {"schema": STR}}}},
                secured=False,
            )
        },
        "/api/openapi.json": {
            "get": operation(
                "openapi",
                "This description.",
                {"200": ok("OpenAPI 3 document.", ANY_OBJECT)},
                secured=False,
            )
        },
    }


def _query(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema}


def _ward_sorts() -> tuple[str, ...]:
    return WARD_SORTS


def build_spec(app: Flask) -> dict[str, Any]:
    spec: dict[str, Any] = {
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
        "paths": _paths(),
        "components": {
            "schemas": copy.deepcopy(SCHEMAS),
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "chatmrpt_session"},
            },
        },
    }
    for blueprint in app.blueprints.values():
        module = sys.modules.get(blueprint.import_name)
        extra = getattr(module, "OPENAPI_PATHS", None) if module is not None else None
        if isinstance(extra, dict):
            spec["paths"].update(copy.deepcopy(extra))
    return spec
